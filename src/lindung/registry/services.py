"""Writes to the worker registry. Each function is one transaction and checks scope and role."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize
from lindung.audit.services import audit_event, changes_between
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.selectors import parameter_int
from lindung.regions.models import Region
from lindung.registry import rules
from lindung.registry.models import Occupation, Worker

WORKER_FIELDS = ["nik", "kk_number", "name", "sex", "birth_place", "birth_date", "village",
                 "address", "phone", "occupation", "declared_income", "status"]


def default_declared_income(on: dt.date | None = None) -> int:
    return parameter_int("penghasilan_bawaan", on=on, default=1_000_000)


def _clean(data: dict[str, Any], *, today: dt.date) -> tuple[dict[str, Any], list[DomainError]]:
    """Validate and normalise worker fields; collect every problem rather than the first."""
    errors: list[DomainError] = []
    out = dict(data)
    out["name"] = rules.normalise_name(data.get("name"))
    if not out["name"]:
        errors.append(DomainError(_("Nama lengkap wajib diisi sesuai KTP."),
                                  code="missing_value", field="name"))
    sex = data.get("sex")
    if sex not in ("L", "P"):
        errors.append(DomainError(_("Pilih jenis kelamin: L (laki-laki) atau P (perempuan)."),
                                  code="sex_invalid", field="sex"))
    birth = data.get("birth_date")
    if not isinstance(birth, dt.date):
        errors.append(DomainError(_("Tanggal lahir wajib diisi (hh/bb/tttt)."),
                                  code="date_invalid", field="birth_date"))
        birth = None
    elif birth > today:
        errors.append(DomainError(_("Tanggal lahir tidak boleh di masa depan."),
                                  code="date_invalid", field="birth_date"))
    try:
        info = rules.parse_nik(data.get("nik"), today=today)
        out["nik"] = info.nik
        rules.check_nik_matches(info, sex=sex if sex in ("L", "P") else None, birth_date=birth)
    except DomainError as e:
        errors.append(e)
    if data.get("kk_number"):
        try:
            out["kk_number"] = rules.validate_kk(data["kk_number"])
        except DomainError as e:
            errors.append(e)
    else:
        out["kk_number"] = ""
    phone = rules.normalise_number(data.get("phone") or "").replace("+62", "0", 1)
    if phone and not re.fullmatch(r"0\d{8,13}", phone):
        errors.append(DomainError(
            _("Nomor HP harus diawali 08 atau +62 dan terdiri dari 9-14 digit."),
            code="phone_invalid", field="phone"))
    out["phone"] = phone
    village = data.get("village")
    if not isinstance(village, Region) or village.level != Region.Level.VILLAGE:
        errors.append(DomainError(_("Pilih desa/kelurahan domisili."),
                                  code="village_unknown", field="village"))
    occupation = data.get("occupation")
    if not isinstance(occupation, Occupation):
        errors.append(DomainError(_("Pilih pekerjaan dari daftar."),
                                  code="missing_value", field="occupation"))
    elif occupation.valid_to and occupation.valid_to < today:
        errors.append(DomainError(_("Pekerjaan %(o)s sudah tidak berlaku.") % {"o": occupation},
                                  code="occupation_not_eligible", field="occupation"))
    income = data.get("declared_income")
    if income in (None, ""):
        out["declared_income"] = default_declared_income(today)
    else:
        try:
            out["declared_income"] = int(income)
        except (TypeError, ValueError):  # a word such as "satu juta" from a form or a file
            out["declared_income"] = 0
            errors.append(DomainError(
                _("Tulis penghasilan per bulan dengan angka saja, mis. 1500000."),
                code="income_invalid", field="declared_income"))
        else:
            if out["declared_income"] <= 0:
                errors.append(DomainError(_("Penghasilan per bulan harus lebih dari Rp0."),
                                          code="income_invalid", field="declared_income"))
    if "status" in data and data["status"] not in Worker.Status.values:
        errors.append(DomainError(_("Pilih status pekerja dari daftar."),
                                  code="status_invalid", field="status"))
    out["address"] = " ".join(str(data.get("address") or "").split())
    out["birth_place"] = rules.normalise_name(data.get("birth_place"))
    return out, errors


def _nik_taken_error() -> DomainError:
    return DomainError(
        _("NIK ini sudah terdaftar. Cari pekerja dengan NIK tersebut; satu NIK hanya untuk "
          "satu pekerja."), code="nik_duplicate", field="nik")


@transaction.atomic
def worker_create(*, by: User, on: dt.date | None = None, **data: Any) -> Worker:
    """Register one worker; `on` is the registration date the age and NIK checks use."""
    clean, errors = _clean(data, today=on or clock.today())
    if not errors and Worker.objects.filter(nik=clean["nik"]).exists():
        errors.append(_nik_taken_error())
    if errors:
        raise ValidationFailed(errors)
    authorize(by, Action.WORKER_EDIT, clean["village"].code)
    fields = {k: clean[k] for k in WORKER_FIELDS if k in clean and k != "status"}
    try:
        with transaction.atomic():
            worker = Worker.objects.create(**fields)
    except IntegrityError as e:  # a concurrent insert of the same NIK
        raise ValidationFailed([_nik_taken_error()]) from e
    audit_event(actor=by, action="create", obj=worker, region_code=worker.village_id,
                summary=_("Pekerja %(name)s didaftarkan") % {"name": worker.name},
                changes={k: fields[k] for k in fields})
    return worker


@transaction.atomic
def worker_update(*, worker: Worker, by: User, on: dt.date | None = None,
                  **data: Any) -> Worker:
    authorize(by, Action.WORKER_EDIT, worker.village_id)
    before = {k: getattr(worker, k) for k in WORKER_FIELDS}
    merged = {**before, **data}
    clean, errors = _clean(merged, today=on or clock.today())
    if not errors and clean["nik"] != worker.nik and Worker.objects.filter(
        nik=clean["nik"]).exclude(pk=worker.pk).exists():
        errors.append(_nik_taken_error())
    if errors:
        raise ValidationFailed(errors)
    authorize(by, Action.WORKER_EDIT, clean["village"].code)
    for k in WORKER_FIELDS:
        if k in clean:
            setattr(worker, k, clean[k])
    changes = changes_between(before, {k: getattr(worker, k) for k in WORKER_FIELDS})
    if not changes:
        return worker
    worker.save()
    audit_event(actor=by, action="update", obj=worker, region_code=worker.village_id,
                summary=_("Data pekerja %(name)s diubah") % {"name": worker.name},
                changes=changes)
    return worker


@transaction.atomic
def worker_reveal(*, worker: Worker, by: User) -> Worker:
    """Record that `by` was shown the worker's NIK, No. KK and phone number whole (issue 14:
    showing a full NIK is an action in the audit trail). Raises ScopeDenied for a role that
    may not, or a worker outside `by`'s region."""
    authorize(by, Action.PERSONAL_DATA_REVEAL, worker.village_id)
    audit_event(actor=by, action="reveal", obj=worker, region_code=worker.village_id,
                summary=_("NIK lengkap %(name)s ditampilkan") % {"name": worker.name},
                changes={"fields": ["nik", "kk_number", "phone"]})
    return worker

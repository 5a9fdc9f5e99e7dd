"""Every write of the claims app: report, documents, each status step, the rules' check.

The workflow (issue 11): reported → documents complete → submitted to BPJS → paid (amount
actually paid, date) or rejected (reason). An operator desa reports an event for a worker of
their village (the Dinas may too); the Dinas completes the documents and submits; a petugas
BPJS records the outcome. Each step records who and when, checks the role and the region
(`accounts.permissions.authorize`) and writes an audit event.

The rules' outcome is computed when the claim is reported and again at every step before
submission: a contribution paid late (within the 3 months of arrears) turns an uncovered event
into a covered one, and the claim page says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize
from lindung.audit.services import audit_event
from lindung.claims import documents, rules, selectors
from lindung.claims.models import Claim, ClaimChild, ClaimDocument
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.formatting import rupiah, tanggal
from lindung.registry.models import Worker
from lindung.registry.rules import NikInvalid, age_on, normalise_name, parse_nik


@dataclass(frozen=True)
class ChildInput:
    name: str
    birth_date: dt.date
    level: str


# --- the rules' check -------------------------------------------------------------------------


def claim_outcome(
    *,
    by: User,
    worker: Worker,
    claim_type: str,
    event_date: dt.date,
    reported_date: dt.date,
    declared_income: int,
    cause: str = "",
    stmb_months: int = 0,
    medical_cost: int = 0,
    prior_contribution_months: int = 0,
    children: Sequence[ChildInput] = (),
    exclude_claim: int | None = None,
    on: dt.date | None = None,
) -> tuple[rules.Outcome, selectors.Membership]:
    """The rules applied to a claim's facts as the records show them on `on`."""
    on = on or clock.today()
    membership = selectors.worker_membership(user=by, worker=worker, event=event_date, on=on)
    if membership.member_since is None:
        return rules.Outcome(
            False,
            rules.NOT_MEMBER,
            _(
                "Pekerja belum pernah terdaftar sebagai peserta BPJS Ketenagakerjaan melalui "
                "program: peristiwa pada %(event)s tidak dijamin."
            )
            % {"event": tanggal(event_date)},
        ), membership
    try:
        values = selectors.benefit_rules_on(event_date)
    except rules.RulesMissing as e:
        raise DomainError(e.message, code="rules_missing", field="event_date") from e
    facts = rules.Facts(
        claim_type=claim_type,
        income=declared_income,
        member_since=membership.member_since,
        event=event_date,
        reported=reported_date,
        coverage=membership.coverage,
        lapsed_since=membership.lapsed_since,
        stmb_months=stmb_months,
        cause=cause,
        medical_cost=medical_cost,
        contribution_months=membership.paid_months + prior_contribution_months,
        children=tuple(
            rules.Child(
                level=c.level,
                age=age_on(c.birth_date, reported_date),
                name=c.name,
                years_paid=selectors.scholarship_years_paid(
                    worker=worker,
                    name=c.name,
                    birth_date=c.birth_date,
                    level=c.level,
                    exclude=exclude_claim,
                ),
            )
            for c in children
        ),
    )
    return rules.evaluate(facts, values), membership


def _store_outcome(claim: Claim, outcome: rules.Outcome) -> None:
    claim.eligible = outcome.eligible
    claim.eligibility_code = outcome.code
    claim.explanation = outcome.explanation
    claim.breakdown = outcome.as_dict()["breakdown"]
    claim.calculated_amount = outcome.total
    claim.checked_at = clock.now()


def _recheck(claim: Claim, *, by: User, on: dt.date) -> rules.Outcome:
    outcome, membership = claim_outcome(
        by=by,
        worker=claim.worker,
        claim_type=claim.claim_type,
        event_date=claim.event_date,
        reported_date=claim.reported_date,
        declared_income=claim.declared_income,
        cause=claim.cause,
        stmb_months=claim.stmb_months,
        medical_cost=claim.medical_cost,
        prior_contribution_months=claim.prior_contribution_months,
        children=[ChildInput(c.name, c.birth_date, c.level) for c in claim.children.all()],
        exclude_claim=claim.pk,
        on=on,
    )
    _store_outcome(claim, outcome)
    if membership.enrolment is not None:
        claim.enrolment = membership.enrolment
        claim.programme = membership.enrolment.programme
    return outcome


# --- report -----------------------------------------------------------------------------------


def _err(message: str, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, field=field)


def _validate_report(
    *,
    worker: Worker,
    claim_type: str,
    event_date: dt.date | None,
    reported_date: dt.date,
    claimant_name: str,
    claimant_relationship: str,
    claimant_nik: str,
    bank_name: str,
    bank_account: str,
    cause: str,
    school_year: str,
    stmb_months: int,
    children: Sequence[ChildInput],
    on: dt.date,
) -> tuple[list[DomainError], str, str]:
    errors: list[DomainError] = []
    if claim_type not in rules.CLAIM_TYPES:
        errors.append(_err(_("Pilih jenis klaim."), "claim_type_invalid", "claim_type"))
    if event_date is None:
        errors.append(_err(_("Tanggal peristiwa wajib diisi."), "missing_value", "event_date"))
    elif event_date > on:
        errors.append(
            _err(
                _("Tanggal peristiwa (%(d)s) tidak boleh di masa depan.")
                % {"d": tanggal(event_date)},
                "date_future",
                "event_date",
            )
        )
    elif reported_date < event_date:
        errors.append(
            _err(
                _("Tanggal dilaporkan tidak boleh sebelum tanggal peristiwa (%(d)s).")
                % {"d": tanggal(event_date)},
                "date_order",
                "reported_date",
            )
        )
    if reported_date > on:
        errors.append(
            _err(_("Tanggal dilaporkan tidak boleh di masa depan."), "date_future", "reported_date")
        )
    if not normalise_name(claimant_name):
        errors.append(
            _err(_("Nama penerima / ahli waris wajib diisi."), "missing_value", "claimant_name")
        )
    if claimant_relationship not in Claim.Relationship.values:
        errors.append(
            _err(
                _("Pilih hubungan penerima dengan peserta."),
                "missing_value",
                "claimant_relationship",
            )
        )
    elif claim_type in rules.DEATH_TYPES and claimant_relationship == Claim.Relationship.SELF:
        errors.append(
            _err(
                _(
                    "Klaim kematian diterima ahli waris, bukan peserta sendiri. Pilih "
                    "hubungan ahli waris dengan peserta."
                ),
                "relationship_invalid",
                "claimant_relationship",
            )
        )
    nik = ""
    try:
        nik = parse_nik(claimant_nik, today=on).nik
    except NikInvalid as e:
        errors.append(_err(_("NIK penerima: %(m)s") % {"m": e.message}, e.code, "claimant_nik"))
    if not str(bank_name or "").strip():
        errors.append(_err(_("Nama bank wajib diisi."), "missing_value", "bank_name"))
    account = re.sub(r"[\s.\-]", "", str(bank_account or ""))
    if not re.fullmatch(r"\d{6,20}", account):
        errors.append(
            _err(
                _("Nomor rekening harus 6–20 digit angka (tanpa spasi atau tanda baca)."),
                "bank_account_invalid",
                "bank_account",
            )
        )
    if claim_type == rules.JKK_STMB and stmb_months < 1:
        errors.append(
            _err(
                _("Isi lama tidak mampu bekerja (bulan) menurut surat dokter."),
                "missing_value",
                "stmb_months",
            )
        )
    if claim_type == rules.SCHOLARSHIP:
        if cause not in rules.SCHOLARSHIP_CAUSES:
            errors.append(
                _err(
                    _(
                        "Pilih sebab beasiswa: peserta meninggal dunia (JKM atau "
                        "kecelakaan kerja) atau cacat total tetap."
                    ),
                    "missing_value",
                    "cause",
                )
            )
        if school_year and not re.fullmatch(r"(\d{4})/(\d{4})", school_year):
            errors.append(
                _err(
                    _("Tahun ajaran ditulis seperti 2026/2027."),
                    "school_year_invalid",
                    "school_year",
                )
            )
        if not children:
            errors.append(
                _err(
                    _("Sebutkan anak penerima beasiswa (nama, tanggal lahir, jenjang)."),
                    "missing_value",
                    "children",
                )
            )
        for n, child in enumerate(children, 1):
            if not normalise_name(child.name) or child.level not in rules.LEVELS:
                errors.append(
                    _err(
                        _("Anak %(n)s: nama dan jenjang sekolah wajib diisi.") % {"n": n},
                        "missing_value",
                        "children",
                    )
                )
            elif child.birth_date is None or child.birth_date > on:
                errors.append(
                    _err(
                        _("Anak %(n)s: tanggal lahir tidak sah.") % {"n": n},
                        "date_invalid",
                        "children",
                    )
                )
    return errors, nik, account


@transaction.atomic
def claim_report(
    *,
    by: User,
    worker: Worker,
    claim_type: str,
    event_date: dt.date,
    claimant_name: str,
    claimant_relationship: str,
    claimant_nik: str,
    bank_name: str,
    bank_account: str,
    reported_date: dt.date | None = None,
    description: str = "",
    cause: str = "",
    school_year: str = "",
    stmb_months: int = 0,
    medical_cost: int = 0,
    prior_contribution_months: int = 0,
    children: Sequence[ChildInput] = (),
    on: dt.date | None = None,
) -> Claim:
    """Report an event for a worker: checked, calculated, recorded with its explanation."""
    authorize(by, Action.CLAIM_REPORT, worker.village_id)
    on = on or clock.today()
    reported_date = reported_date or on
    if claim_type != rules.SCHOLARSHIP:
        cause, school_year, children = "", "", ()
    errors, nik, account = _validate_report(
        worker=worker,
        claim_type=claim_type,
        event_date=event_date,
        reported_date=reported_date,
        claimant_name=claimant_name,
        claimant_relationship=claimant_relationship,
        claimant_nik=claimant_nik,
        bank_name=bank_name,
        bank_account=bank_account,
        cause=cause,
        school_year=school_year,
        stmb_months=stmb_months,
        children=children,
        on=on,
    )
    if not errors:
        Worker.objects.select_for_update().filter(pk=worker.pk).first()  # one report at a time
        same = Claim.objects.filter(worker=worker).exclude(status=Claim.Status.REJECTED)
        if (
            claim_type in rules.DEATH_TYPES
            and same.filter(claim_type__in=rules.DEATH_TYPES).exists()
        ):
            errors.append(
                _err(
                    _("Klaim kematian %(name)s sudah pernah dilaporkan.") % {"name": worker.name},
                    "claim_duplicate",
                    "claim_type",
                )
            )
        elif (
            claim_type != rules.SCHOLARSHIP
            and same.filter(claim_type=claim_type, event_date=event_date).exists()
        ):
            errors.append(
                _err(
                    _("Klaim jenis ini untuk peristiwa %(d)s sudah dilaporkan.")
                    % {"d": tanggal(event_date)},
                    "claim_duplicate",
                    "event_date",
                )
            )
    if errors:
        raise ValidationFailed(errors)
    outcome, membership = claim_outcome(
        by=by,
        worker=worker,
        claim_type=claim_type,
        event_date=event_date,
        reported_date=reported_date,
        declared_income=worker.declared_income,
        cause=cause,
        stmb_months=stmb_months,
        medical_cost=medical_cost,
        prior_contribution_months=prior_contribution_months,
        children=children,
        on=on,
    )
    now = clock.now()
    claim = Claim(
        worker=worker,
        enrolment=membership.enrolment,
        programme=membership.enrolment.programme if membership.enrolment else None,
        claim_type=claim_type,
        event_date=event_date,
        reported_date=reported_date,
        description=description.strip(),
        declared_income=worker.declared_income,
        cause=cause,
        school_year=school_year,
        stmb_months=stmb_months,
        medical_cost=medical_cost,
        prior_contribution_months=prior_contribution_months,
        claimant_name=normalise_name(claimant_name),
        claimant_relationship=claimant_relationship,
        claimant_nik=nik,
        bank_name=bank_name.strip(),
        bank_account=account,
        reported_at=now,
        reported_by=by,
    )
    _store_outcome(claim, outcome)
    claim.save()
    ClaimChild.objects.bulk_create(
        [
            ClaimChild(
                claim=claim, name=normalise_name(c.name), birth_date=c.birth_date, level=c.level
            )
            for c in children
        ]
    )
    audit_event(
        actor=by,
        action="claim_report",
        obj=claim,
        region_code=worker.village_id,
        summary=_("Klaim %(type)s %(name)s dilaporkan: %(code)s, %(amount)s")
        % {
            "type": claim.get_claim_type_display(),
            "name": worker.name,
            "code": outcome.code,
            "amount": rupiah(outcome.total),
        },
        changes={
            "worker": worker.pk,
            "claim_type": claim_type,
            "event_date": event_date,
            "code": outcome.code,
            "calculated_amount": outcome.total,
        },
    )
    return claim


# --- documents --------------------------------------------------------------------------------


def _safe_name(filename: str) -> str:
    base = re.sub(r"[^\w.\- ]", "_", str(filename or "").replace("\\", "/").split("/")[-1])
    return base.strip()[:150] or "dokumen"


@transaction.atomic
def claim_document_add(
    *, by: User, claim: Claim, kind: str, content: bytes, filename: str
) -> ClaimDocument:
    """Store one checklist document after checking its content (PDF/JPEG/PNG, size)."""
    authorize(by, Action.CLAIM_REPORT, claim.worker.village_id)
    claim = Claim.objects.select_for_update().select_related("worker").get(pk=claim.pk)
    if claim.status not in (Claim.Status.REPORTED, Claim.Status.DOCUMENTS_COMPLETE):
        raise DomainError(
            _(
                "Dokumen hanya dapat ditambahkan sebelum klaim diajukan ke BPJS "
                "(status sekarang: %(s)s)."
            )
            % {"s": claim.get_status_display()},
            code="transition_refused",
            field="file",
        )
    if kind not in rules.CHECKLISTS[claim.claim_type]:
        raise DomainError(
            _("Dokumen ini bukan bagian dari daftar dokumen klaim %(type)s.")
            % {"type": claim.get_claim_type_display()},
            code="document_kind_invalid",
            field="kind",
        )
    kind_of_file = documents.document_type(content)
    doc = ClaimDocument(
        claim=claim,
        kind=kind,
        stored_name=f"{uuid.uuid4().hex}.{kind_of_file.extension}",
        original_name=_safe_name(filename),
        content_type=kind_of_file.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    doc.file.save(doc.stored_name, ContentFile(content), save=False)
    try:
        doc.save()
        audit_event(
            actor=by,
            action="claim_document_upload",
            obj=claim,
            region_code=claim.worker.village_id,
            summary=_("Dokumen klaim %(number)s diunggah: %(kind)s (%(type)s)")
            % {"number": claim.number, "kind": rules.DOCUMENTS[kind], "type": kind_of_file.label},
            changes={"document": doc.pk, "kind": kind, "sha256": doc.sha256, "size": doc.size},
        )
    except Exception:
        doc.file.delete(save=False)
        raise
    return doc


def claim_document_viewed(*, by: User, document: ClaimDocument) -> None:
    """Record that `by` opened a claim document (the view serves it after this)."""
    claim = document.claim
    authorize(by, Action.CLAIM_DOCUMENT_READ, claim.worker.village_id)
    audit_event(
        actor=by,
        action="claim_document_view",
        obj=claim,
        region_code=claim.worker.village_id,
        summary=_("Dokumen klaim %(number)s dibuka: %(kind)s")
        % {"number": claim.number, "kind": rules.DOCUMENTS[document.kind]},
        changes={"document": document.pk, "kind": document.kind},
    )


# --- status steps -----------------------------------------------------------------------------


def _locked(claim: Claim, expected: tuple[str, ...], action: str) -> Claim:
    claim = Claim.objects.select_for_update().select_related("worker").get(pk=claim.pk)
    if claim.status not in expected:
        labels = dict(Claim.Status.choices)
        raise DomainError(
            _(
                "Klaim %(number)s berstatus %(status)s; %(action)s hanya untuk klaim berstatus "
                "%(expected)s."
            )
            % {
                "number": claim.number,
                "status": claim.get_status_display(),
                "action": action,
                "expected": ", ".join(str(labels[s]) for s in expected),
            },
            code="transition_refused",
        )
    return claim


def _audit_step(
    claim: Claim, *, by: User, action: str, summary: str, before: str, **changes: Any
) -> None:
    audit_event(
        actor=by,
        action=action,
        obj=claim,
        region_code=claim.worker.village_id,
        summary=summary,
        changes={"status": [before, claim.status], **changes},
    )


@transaction.atomic
def claim_recheck(*, by: User, claim: Claim, on: dt.date | None = None) -> Claim:
    """Apply the rules again (a late contribution paid, a benefit rule corrected)."""
    authorize(by, Action.CLAIM_REPORT, claim.worker.village_id)
    claim = _locked(
        claim, (Claim.Status.REPORTED, Claim.Status.DOCUMENTS_COMPLETE), _("pemeriksaan ulang")
    )
    before = (claim.eligibility_code, claim.calculated_amount)
    outcome = _recheck(claim, by=by, on=on or clock.today())
    claim.save()
    audit_event(
        actor=by,
        action="claim_recheck",
        obj=claim,
        region_code=claim.worker.village_id,
        summary=_("Klaim %(number)s diperiksa ulang: %(code)s, %(amount)s")
        % {"number": claim.number, "code": outcome.code, "amount": rupiah(outcome.total)},
        changes={
            "code": [before[0], outcome.code],
            "calculated_amount": [before[1], outcome.total],
        },
    )
    return claim


@transaction.atomic
def claim_documents_complete(*, by: User, claim: Claim, on: dt.date | None = None) -> Claim:
    """The Dinas confirms the checklist is complete (every item uploaded)."""
    authorize(by, Action.CLAIM_PROCESS, claim.worker.village_id)
    claim = _locked(claim, (Claim.Status.REPORTED,), _("menyatakan dokumen lengkap"))
    missing = rules.missing_documents(
        claim.claim_type, ClaimDocument.objects.filter(claim=claim).values_list("kind", flat=True)
    )
    if missing:
        raise DomainError(
            _("Dokumen belum lengkap: %(list)s. Unggah dokumen tersebut lebih dahulu.")
            % {"list": ", ".join(str(rules.DOCUMENTS[k]) for k in missing)},
            code="documents_missing",
            field="file",
        )
    _recheck(claim, by=by, on=on or clock.today())
    claim.status = Claim.Status.DOCUMENTS_COMPLETE
    claim.completed_at, claim.completed_by = clock.now(), by
    claim.save()
    _audit_step(
        claim,
        by=by,
        action="claim_documents_complete",
        before=Claim.Status.REPORTED,
        summary=_("Dokumen klaim %(number)s lengkap") % {"number": claim.number},
    )
    return claim


@transaction.atomic
def claim_submit(
    *, by: User, claim: Claim, bpjs_reference: str = "", on: dt.date | None = None
) -> Claim:
    """The Dinas submits the claim to the BPJS branch."""
    authorize(by, Action.CLAIM_PROCESS, claim.worker.village_id)
    claim = _locked(claim, (Claim.Status.DOCUMENTS_COMPLETE,), _("pengajuan ke BPJS"))
    _recheck(claim, by=by, on=on or clock.today())
    claim.status = Claim.Status.SUBMITTED
    claim.submitted_at, claim.submitted_by = clock.now(), by
    claim.bpjs_reference = (bpjs_reference or "").strip()[:40]
    claim.save()
    _audit_step(
        claim,
        by=by,
        action="claim_submit",
        before=Claim.Status.DOCUMENTS_COMPLETE,
        summary=_("Klaim %(number)s diajukan ke BPJS") % {"number": claim.number},
        bpjs_reference=claim.bpjs_reference,
    )
    return claim


@transaction.atomic
def claim_pay(
    *,
    by: User,
    claim: Claim,
    amount: int | None,
    paid_date: dt.date | None,
    bpjs_reference: str = "",
) -> Claim:
    """The BPJS branch records the payment: the amount actually paid and its date."""
    authorize(by, Action.CLAIM_DECIDE, claim.worker.village_id)
    claim = _locked(claim, (Claim.Status.SUBMITTED,), _("pencatatan pembayaran"))
    errors = []
    if amount is None or amount <= 0:
        errors.append(
            _err(_("Jumlah yang dibayar BPJS harus lebih dari Rp0."), "amount_invalid", "amount")
        )
    if paid_date is None:
        errors.append(_err(_("Tanggal dibayar wajib diisi."), "missing_value", "paid_date"))
    elif paid_date > clock.today():
        errors.append(
            _err(_("Tanggal dibayar tidak boleh di masa depan."), "date_future", "paid_date")
        )
    elif paid_date < claim.reported_date:
        errors.append(
            _err(
                _("Tanggal dibayar tidak boleh sebelum klaim dilaporkan (%(d)s).")
                % {"d": tanggal(claim.reported_date)},
                "date_order",
                "paid_date",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    assert amount is not None
    claim.status = Claim.Status.PAID
    claim.paid_amount, claim.paid_date = amount, paid_date
    if bpjs_reference.strip():
        claim.bpjs_reference = bpjs_reference.strip()[:40]
    claim.decided_at, claim.decided_by = clock.now(), by
    claim.save()
    _audit_step(
        claim,
        by=by,
        action="claim_pay",
        before=Claim.Status.SUBMITTED,
        summary=_("Klaim %(number)s dibayar BPJS %(paid)s (dihitung %(calc)s)")
        % {"number": claim.number, "paid": rupiah(amount), "calc": rupiah(claim.calculated_amount)},
        paid_amount=amount,
        paid_date=paid_date,
    )
    return claim


@transaction.atomic
def claim_reject(*, by: User, claim: Claim, reason: str) -> Claim:
    """The BPJS branch records a rejection and its reason."""
    authorize(by, Action.CLAIM_DECIDE, claim.worker.village_id)
    claim = _locked(claim, (Claim.Status.SUBMITTED,), _("pencatatan penolakan"))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed(
            [_err(_("Tulis alasan penolakan dari BPJS."), "missing_value", "reason")]
        )
    claim.status = Claim.Status.REJECTED
    claim.reject_reason = reason[:250]
    claim.decided_at, claim.decided_by = clock.now(), by
    claim.save()
    _audit_step(
        claim,
        by=by,
        action="claim_reject",
        before=Claim.Status.SUBMITTED,
        summary=_("Klaim %(number)s ditolak BPJS: %(reason)s")
        % {"number": claim.number, "reason": reason[:150]},
        reason=reason[:250],
    )
    return claim

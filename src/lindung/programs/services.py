"""Programmes, budget lines and the enrolment lifecycle.

proposed -> verified -> registered (KPJ) -> active -> ended, or proposed/verified -> rejected.
Every step records who and when, writes an audit event, and runs in one transaction. The
invariants (no double funding, quota, eligibility) are checked here with a clear message and
guarded by the database (EnrolmentMonth's (worker, month) primary key, a lock on the programme
row).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import User
from lindung.accounts.permissions import (
    Action,
    authorize,
    authorize_enrolment,
    authorize_programme,
    authorize_programme_manage,
    can,
    scope_of,
)
from lindung.audit.services import AuditRow, audit_event, audit_rows_insert
from lindung.core import clock
from lindung.core.bulk import (
    db_datetime,
    insert_rows_returning_ids,
    update_rows,
)
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.core.formatting import tanggal, thousands
from lindung.core.lookups import in_batches
from lindung.core.selectors import parameter_int
from lindung.programs import rules
from lindung.programs.models import BudgetLine, Enrolment, EnrolmentMonth, Programme
from lindung.programs.selectors import programmes_holding
from lindung.regions.models import Region
from lindung.registry.duplicates import pending_pairs_of
from lindung.registry.links import (
    EndedEnrolment,
    IdentityCorrection,
    LifeEvent,
    MergedEnrolments,
)
from lindung.registry.models import Occupation, Worker
from lindung.registry.rules import validate_kpj


def programme_rules(programme: Programme) -> rules.ProgrammeRules:
    return rules.ProgrammeRules(
        code=programme.code,
        region_code=programme.region_id,
        age_min=programme.age_min,
        age_max=programme.age_max,
        occupation_codes=frozenset(programme.occupations.values_list("code", flat=True)),
        period_start=programme.period_start,
        period_end=programme.period_end,
    )


@transaction.atomic
def programme_create(
    *,
    by: User,
    code: str,
    name: str,
    region: Region,
    fiscal_year: int,
    period_start: dt.date,
    period_end: dt.date,
    age_min: int,
    age_max: int,
    occupations: Iterable[Occupation],
    quota: int,
    legal_basis: str = "",
) -> Programme:
    authorize(by, Action.PROGRAMME_MANAGE, region.code)
    errors = []
    if region.level not in (Region.Level.PROVINCE, Region.Level.REGENCY):
        errors.append(
            DomainError(
                _("Penyelenggara program harus provinsi atau kabupaten/kota."),
                code="region_level",
                field="region",
            )
        )
    if period_end < period_start:
        errors.append(
            DomainError(
                _("Tanggal selesai harus sesudah tanggal mulai."),
                code="period_order",
                field="period_end",
            )
        )
    if age_max < age_min:
        errors.append(
            DomainError(
                _("Usia maksimum harus lebih besar dari usia minimum."),
                code="age_order",
                field="age_max",
            )
        )
    if Programme.objects.filter(code=code).exists():
        errors.append(
            DomainError(
                _("Kode program %(code)s sudah dipakai.") % {"code": code},
                code="programme_code_taken",
                field="code",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    authorize_programme_manage(by, region.code)  # the sponsor is the user's own government
    programme = Programme.objects.create(
        code=code,
        name=name,
        region=region,
        fiscal_year=fiscal_year,
        period_start=period_start,
        period_end=period_end,
        age_min=age_min,
        age_max=age_max,
        quota=quota,
        legal_basis=legal_basis,
    )
    programme.occupations.set(occupations)
    audit_event(
        actor=by,
        action="create",
        obj=programme,
        region_code=region.code,
        summary=_("Program %(code)s dibuat") % {"code": code},
        changes={"quota": quota, "period": [str(period_start), str(period_end)]},
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    by: User,
    programme: Programme,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    age_min: int,
    age_max: int,
    occupations: Iterable[Occupation],
    quota: int,
    legal_basis: str = "",
) -> Programme:
    """Change a programme's settings. The period may not drop months that enrolments already
    hold, nor the quota fall below the enrolments already proposed or running; eligibility
    changes apply to new proposals (running enrolments keep their months)."""
    authorize_programme_manage(by, programme.region_id)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    errors = []
    if period_end < period_start:
        errors.append(
            DomainError(
                _("Tanggal selesai harus sesudah tanggal mulai."),
                code="period_order",
                field="period_end",
            )
        )
    if age_max < age_min:
        errors.append(
            DomainError(
                _("Usia maksimum harus lebih besar dari usia minimum."),
                code="age_order",
                field="age_max",
            )
        )
    outside = EnrolmentMonth.objects.filter(enrolment__programme=programme).filter(
        Q(month__lt=rules.month_start(period_start)) | Q(month__gt=period_end)
    )
    if period_end >= period_start and outside.exists():
        errors.append(
            DomainError(
                _(
                    "Periode baru memotong bulan yang sudah dipegang peserta. Akhiri kepesertaan "
                    "tersebut lebih dulu, atau pilih periode yang mencakup semua bulannya."
                ),
                code="period_cuts_enrolments",
                field="period_start",
            )
        )
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()
    if quota < used:
        errors.append(
            DomainError(
                _("Kuota tidak boleh kurang dari peserta yang sudah diusulkan/aktif (%(n)s).")
                % {"n": thousands(used)},
                code="quota_below_used",
                field="quota",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    fields = {
        "name": name,
        "period_start": period_start,
        "period_end": period_end,
        "age_min": age_min,
        "age_max": age_max,
        "quota": quota,
        "legal_basis": legal_basis,
    }
    changes: dict[str, Any] = {
        k: [str(getattr(programme, k)), str(v)]
        for k, v in fields.items()
        if getattr(programme, k) != v
    }
    for k, v in fields.items():
        setattr(programme, k, v)
    programme.save(update_fields=list(fields))
    new_occupations = {o.pk: o for o in occupations}
    old_occupations = set(programme.occupations.values_list("pk", flat=True))
    if set(new_occupations) != old_occupations:
        programme.occupations.set(new_occupations.values())
        changes["occupations"] = sorted(o.name for o in new_occupations.values())
    if changes:
        audit_event(
            actor=by,
            action="update",
            obj=programme,
            region_code=programme.region_id,
            summary=_("Ketentuan program %(code)s diubah") % {"code": programme.code},
            changes=changes,
        )
    return programme


@transaction.atomic
def budget_line_add(
    *,
    by: User,
    programme: Programme,
    kind: str,
    amount: int,
    date: dt.date,
    document_ref: str,
    note: str = "",
) -> BudgetLine:
    authorize_programme_manage(by, programme.region_id)
    if amount <= 0:
        raise ValidationFailed(
            [
                DomainError(
                    _("Jumlah anggaran harus lebih dari Rp0."),
                    code="amount_invalid",
                    field="amount",
                )
            ]
        )
    line = BudgetLine.objects.create(
        programme=programme,
        kind=kind,
        amount=amount,
        date=date,
        document_ref=document_ref,
        note=note,
    )
    audit_event(
        actor=by,
        action="budget_add",
        obj=programme,
        region_code=programme.region_id,
        summary=_("Anggaran %(kind)s ditambahkan ke %(code)s")
        % {"kind": line.get_kind_display(), "code": programme.code},
        changes={"amount": amount, "document_ref": document_ref},
    )
    return line


@transaction.atomic
def programme_set_quota(*, by: User, programme: Programme, quota: int) -> Programme:
    authorize_programme_manage(by, programme.region_id)
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()
    if quota < used:
        raise ValidationFailed(
            [
                DomainError(
                    _("Kuota tidak boleh kurang dari peserta yang sudah diusulkan/aktif (%(n)s).")
                    % {"n": used},
                    code="quota_below_used",
                    field="quota",
                )
            ]
        )
    old = programme.quota
    programme.quota = quota
    programme.save(update_fields=["quota"])
    audit_event(
        actor=by,
        action="update",
        obj=programme,
        region_code=programme.region_id,
        summary=_("Kuota %(code)s diubah") % {"code": programme.code},
        changes={"quota": [old, quota]},
    )
    return programme


# --- proposals ------------------------------------------------------------------------------


@dataclass
class ProposalResult:
    created: list[Enrolment] = field(default_factory=list)
    refused: dict[int, list[DomainError]] = field(default_factory=dict)
    created_ids: list[int] = field(default_factory=list)
    waiting_ids: list[int] = field(default_factory=list)  # put on the waiting list


@dataclass(slots=True)
class ProposalCandidate:
    """A worker about to be proposed, as the proposal checks read it: `key` is the caller's
    (a worker id, or a spreadsheet row whose worker is not written yet: `worker_id` None)."""

    key: Any
    worker_id: int | None
    village_id: str
    birth_date: dt.date
    occupation_id: int
    status: str = "aktif"


@dataclass
class ProposalCheck:
    accepted: list[Any] = field(default_factory=list)  # candidates, in the order given
    refused: dict[Any, list[DomainError]] = field(default_factory=dict)  # key -> reasons
    already_in: set[Any] = field(default_factory=set)  # keys open or waiting in this programme


def proposal_checks(
    *,
    programme: Programme,
    candidates: Sequence[Any],
    by: User,
    period: tuple[dt.date, dt.date],
    on: dt.date,
    already_in_is_refusal: bool = True,
) -> ProposalCheck:
    """THE proposal checks, shared by `enrolments_propose` and the spreadsheet import (which
    runs them before writing anything, and for its dry run): the user's region, eligibility
    (age, occupation, the programme's region, an active worker), no double funding for the
    months of `period` (any programme, any regency), not already open or waiting in this
    programme. The quota is `quota_room`. A handful of queries whatever the number.

    `candidates`: ProposalCandidate, Worker or lighter objects with `pk` as key.
    `already_in_is_refusal`: False for the import, where a row already in the programme is
    simply not proposed again."""
    result = ProposalCheck()
    covers = cache(scope_of(by).covers)  # a few hundred villages for 100,000 workers
    prules = programme_rules(programme)
    occupation_codes = dict(Occupation.objects.values_list("id", "code"))
    eligible: list[Any] = []
    keyed = bool(candidates) and isinstance(candidates[0], ProposalCandidate)
    for c in candidates:
        k = c.key if keyed else c.pk
        problems = []
        if not covers(c.village_id):
            problems.append(
                DomainError(
                    _("Pekerja berdomisili di luar wilayah Anda."),
                    code="village_out_of_scope",
                    field="village",
                )
            )
        problems += rules.eligibility_problems(
            prules,
            birth_date=c.birth_date,
            occupation_code=occupation_codes[c.occupation_id],
            village_code=c.village_id,
            worker_status=c.status,
            on=on,
        )
        if problems:
            result.refused[k] = problems
        else:
            eligible.append((k, c.worker_id if keyed else c.pk, c))
    known = [w for _k, w, _c in eligible if w]
    held = programmes_holding(known, *period)
    waiting = set(_waiting_workers(programme, known))
    for k, w, c in eligible:
        if w in held and held[w] == programme.code or w in waiting:
            if not already_in_is_refusal:
                result.already_in.add(k)
            elif w in waiting:
                result.refused[k] = [
                    DomainError(
                        _("Pekerja sudah ada dalam daftar tunggu program %(code)s.")
                        % {"code": programme.code},
                        code="already_waiting",
                        field="nik",
                    )
                ]
            else:
                result.refused[k] = [_double_funding(programme.code)]
        elif w in held:
            result.refused[k] = [_double_funding(held[w])]
        else:
            result.accepted.append(c)
    return result


def _double_funding(other: str) -> DomainError:
    return DomainError(
        _(
            "Pekerja sudah terdaftar di program %(other)s pada bulan yang sama (tidak boleh "
            "dibiayai ganda). Akhiri kepesertaan di program itu lebih dulu."
        )
        % {"other": other},
        code="already_enrolled",
        field="nik",
    )


def quota_room(programme: Programme) -> int:
    """Places left in the programme's quota (open enrolments hold one each)."""
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()
    return max(programme.quota - used, 0)


def quota_full_error(programme: Programme) -> DomainError:
    return DomainError(
        _("Kuota program %(code)s (%(quota)s peserta) sudah penuh.")
        % {"code": programme.code, "quota": thousands(programme.quota)},
        code="quota_exceeded",
    )


# --- life events ------------------------------------------------------------------------------


# Enrolments the BPJS branch knows of (a KPJ was issued): a change to them is reported.
KNOWN_TO_BPJS = (Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE)


def enrolments_end_for_life_events(
    *, events: Sequence[LifeEvent], by: User
) -> list[EndedEnrolment]:
    """End the open and waiting enrolments of these workers with the event's reason and date,
    set-based. The end follows from the worker's record (whoever may record a death may cause
    it), so no ENROLMENT_END permission is asked. Billing stops from the next month: the
    months after the end date are released (another programme may then fund them). One audit
    event per enrolment. Returns what was ended (the registry reports those BPJS knows)."""
    by_worker = {e.worker_id: e for e in events}
    if not by_worker:
        return []
    now = clock.now()
    ended: list[EndedEnrolment] = []
    villages: dict[int, str] = {}
    for part in in_batches(sorted(by_worker)):
        for pk, worker_id, status, code, region, kpj, village in (
            Enrolment.objects.select_for_update(of=("self",))
            .filter(
                worker_id__in_array=part, status__in=[*Enrolment.OPEN, Enrolment.Status.WAITING]
            )
            .order_by("pk")
            .values_list(
                "pk",
                "worker_id",
                "status",
                "programme__code",
                "programme__region_id",
                "kpj_number",
                "worker__village_id",
            )
        ):
            villages[worker_id] = village
            ev = by_worker[worker_id]
            if ev.village_id and (
                ev.village_id == region or ev.village_id.startswith(region + ".")
            ):
                continue  # still inside this programme's region
            ended.append(
                EndedEnrolment(
                    pk,
                    worker_id,
                    ev.reason,
                    ev.end_date,
                    status,
                    code,
                    kpj,
                    known_to_bpjs=status in KNOWN_TO_BPJS,
                )
            )
    groups: dict[tuple[str, dt.date], list[int]] = {}
    for e in ended:
        groups.setdefault((e.reason, e.end_date), []).append(e.enrolment_id)
    for (reason, end_date), pks in groups.items():
        for part in in_batches(pks):
            Enrolment.objects.filter(pk__in_array=part).update(
                status=Enrolment.Status.ENDED,
                end_reason=reason,
                end_date=end_date,
                closed_at=now,
                closed_by=by,
            )
            EnrolmentMonth.objects.filter(enrolment_id__in_array=part, month__gt=end_date).delete()
    reasons = {r.value: str(r.label) for r in Enrolment.EndReason}
    summary = _("Kepesertaan %(code)s berakhir: %(reason)s (%(date)s)")
    audit_rows_insert(
        (
            (
                "end",
                "enrolment",
                str(e.enrolment_id),
                village,
                summary
                % {
                    "code": e.programme_code,
                    "reason": reasons.get(e.reason, e.reason),
                    "date": e.end_date.strftime("%d/%m/%Y"),
                },
                json.dumps(
                    {
                        "status": [e.status_before, Enrolment.Status.ENDED.value],
                        "end_reason": e.reason,
                        "end_date": str(e.end_date),
                    }
                ),
            )
            for e in ended
            for village in (villages[e.worker_id],)
        ),
        actor=by,
        at=now,
    )
    return ended


# --- a corrected NIK or birth date: verified again ----------------------------------------------

_IDENTITY_LABELS = {"nik": gettext_lazy("NIK"), "birth_date": gettext_lazy("tanggal lahir")}


def _shown(value: Any) -> str:
    return tanggal(value) if isinstance(value, dt.date) else str(value)


def reverify_reason_text(correction: IdentityCorrection) -> str:
    """'Koreksi data pekerja: tanggal lahir 17 Agustus 1985 → 17 Agustus 1955. Alasan: …'"""
    changes = "; ".join(
        f"{_IDENTITY_LABELS.get(k, k)} {_shown(before)} → {_shown(after)}"
        for k, (before, after) in correction.changes.items()
    )
    text = _("Koreksi data pekerja: %(changes)s.") % {"changes": changes}
    if correction.reason:
        text += " " + _("Alasan: %(reason)s") % {"reason": correction.reason}
    return text


def enrolments_flag_for_reverification(
    *, corrections: Sequence[IdentityCorrection], by: User
) -> list[int]:
    """Flag for the Dinas every enrolment verified against a NIK or birth date that has now
    been corrected (verified, registered or active), set-based: the eligibility checked then
    (the age above all) may no longer hold. The status is left as it is: a participant stays
    covered and billed while the Dinas and BPJS check (`enrolment_reverify` clears the flag
    or tells the Dinas to end the enrolment). Called through `registry.links` inside the
    correction's transaction, whoever saved it (the correction itself was authorised there).
    A second correction before the check adds its reason and keeps the first date. One audit
    event per enrolment flagged; returns their ids."""
    by_worker = {c.worker_id: c for c in corrections if c.changes}
    if not by_worker:
        return []
    now = clock.now()
    texts = {w: reverify_reason_text(c) for w, c in by_worker.items()}
    rows = []
    for part in in_batches(sorted(by_worker)):
        rows += list(
            Enrolment.objects.select_for_update(of=("self",))
            .filter(worker_id__in_array=part, status__in=Enrolment.REVERIFY)
            .order_by("pk")
            .values_list(
                "pk",
                "worker_id",
                "reverify_reason",
                "reverify_since",
                "programme__code",
                "worker__village_id",
                "worker__name",
            )
        )
    update_rows(
        Enrolment,
        ["reverify_reason", "reverify_since"],
        [
            (
                f"{old}\n{texts[worker_id]}" if since and old else texts[worker_id],
                db_datetime(since or now),
                pk,
            )
            for pk, worker_id, old, since, _code, _village, _name in rows
        ],
    )
    summary = _("%(name)s: perlu verifikasi ulang (%(code)s) setelah koreksi NIK/tanggal lahir")
    audit_rows_insert(
        (
            (
                "reverify_flag",
                "enrolment",
                str(pk),
                village,
                summary % {"name": name, "code": code},
                json.dumps(
                    {
                        "reverify_reason": texts[worker_id],
                        "fields": sorted(by_worker[worker_id].changes),
                    },
                    ensure_ascii=False,
                ),
            )
            for pk, worker_id, _old, _since, code, village, name in rows
        ),
        actor=by,
        at=now,
    )
    return [r[0] for r in rows]


def _not_eligible_any_more(enrolment: Enrolment) -> DomainError:
    if enrolment.status == Enrolment.Status.VERIFIED:
        what = _("tolak usulannya (tombol Tolak) sebelum dikirim ke BPJS")
    else:
        what = _(
            'akhiri kepesertaannya (tombol Akhiri, alasan "Tidak lagi memenuhi syarat"); '
            "BPJS diberi tahu lewat daftar Lapor BPJS"
        )
    return DomainError(
        _(
            "Dengan data yang dikoreksi, pekerja ini tidak memenuhi syarat program %(code)s. "
            "Bila koreksinya benar, %(what)s. Bila koreksinya keliru, perbaiki data pekerja "
            "lalu verifikasi ulang."
        )
        % {"code": enrolment.programme.code, "what": what},
        code="reverify_refused",
    )


@transaction.atomic
def enrolment_reverify(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The Dinas checks a flagged enrolment again (`enrolments_flag_for_reverification`): the
    programme's eligibility rules (`rules.eligibility_problems`) run on the worker's data as
    it is now, the age from the corrected birth date, on the day the worker was proposed
    (the age the proposal was accepted at). Eligible: the flag is cleared, with an audit
    event. Not eligible: ValidationFailed with every problem (its code first) and what to do
    (reject or end the enrolment); the status is never changed here. Held like a
    verification while the worker has an undecided possible-duplicate pair."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("worker", "worker__occupation", "programme")
        .get(pk=enrolment.pk)
    )
    programme, worker = enrolment.programme, enrolment.worker
    authorize_enrolment(
        by,
        Action.ENROLMENT_VERIFY,
        worker_region=worker.village_id,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    if not enrolment.needs_reverify:
        raise DomainError(
            _(
                "Kepesertaan ini tidak menunggu verifikasi ulang. Muat ulang halaman untuk "
                "melihat status terbaru."
            ),
            code="reverify_not_needed",
        )
    if held := duplicate_holds(worker_ids=[worker.pk], by=by).get(worker.pk):
        raise held
    problems = rules.eligibility_problems(
        programme_rules(programme),
        birth_date=worker.birth_date,
        occupation_code=worker.occupation.code,
        village_code=worker.village_id,
        worker_status=worker.status,
        on=timezone.localtime(enrolment.proposed_at).date(),
    )
    if problems:
        raise ValidationFailed([*problems, _not_eligible_any_more(enrolment)])
    reason = enrolment.reverify_reason
    enrolment.reverify_reason, enrolment.reverify_since = "", None
    enrolment.save(update_fields=["reverify_reason", "reverify_since"])
    audit_event(
        actor=by,
        action="reverify",
        obj=enrolment,
        region_code=worker.village_id,
        summary=_("%(name)s: diverifikasi ulang setelah koreksi data, tetap %(status)s (%(code)s)")
        % {
            "name": worker.name,
            "status": enrolment.get_status_display(),
            "code": programme.code,
        },
        changes={"reverify_reason": [reason, ""]},
    )
    return enrolment


# --- two records of one person merged (registry.duplicates) -----------------------------------

# How far an enrolment has gone: of two enrolments of one person holding the same months, the
# one further along (known to BPJS before one still proposed) is kept; a tie keeps the
# surviving record's.
_RANK = {
    Enrolment.Status.WAITING: 0,
    Enrolment.Status.PROPOSED: 1,
    Enrolment.Status.VERIFIED: 2,
    Enrolment.Status.REGISTERED: 3,
    Enrolment.Status.ACTIVE: 4,
}


def _close_surplus(*, survivor: Worker, absorbed: Worker, by: User) -> list[int]:
    """Two records of one person may each hold an enrolment for the same months (proposed by
    two villages, or imported twice): the merge keeps one and closes the other, instead of
    refusing until someone rejects it by hand. A surplus not yet at BPJS is rejected; one
    already registered (the person was registered twice) is ended today, and its clashing
    months released. Returns the closed enrolment ids."""
    months: dict[int, set[dt.date]] = {}
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.select_for_update()
        .filter(
            worker__in=[survivor, absorbed], status__in=[*Enrolment.OPEN, Enrolment.Status.WAITING]
        )
        .select_related("programme")
    }
    for enrolment_id, month in EnrolmentMonth.objects.filter(
        enrolment_id__in=list(enrolments)
    ).values_list("enrolment_id", "month"):
        months.setdefault(enrolment_id, set()).add(month)
    closed: list[int] = []
    mine = [e for e in enrolments.values() if e.worker_id == survivor.pk]
    theirs = [e for e in enrolments.values() if e.worker_id == absorbed.pk]
    today = clock.today()
    now = clock.now()
    for a in mine:
        for b in theirs:
            if a.pk in closed or b.pk in closed:
                continue
            same = a.programme_id == b.programme_id
            if not same and not (months.get(a.pk, set()) & months.get(b.pk, set())):
                continue
            keep, drop = (b, a) if _RANK[b.status] > _RANK[a.status] else (a, b)
            old = drop.status
            release = EnrolmentMonth.objects.filter(enrolment=drop)
            if drop.status in KNOWN_TO_BPJS:
                drop.status, drop.end_date = Enrolment.Status.ENDED, today
                release = release.filter(
                    Q(month__gt=today) | Q(month__in=sorted(months.get(keep.pk, set())))
                )
                action = "end"
            else:
                drop.status = Enrolment.Status.REJECTED
                drop.reject_reason = (
                    _("Data ganda: digabung dengan kepesertaan %(code)s yang sama")
                    % {"code": keep.programme.code}
                )[:250]
                action = "reject"
            drop.closed_at, drop.closed_by = now, by
            drop.save(
                update_fields=["status", "end_date", "reject_reason", "closed_at", "closed_by"]
            )
            release.delete()
            closed.append(drop.pk)
            worker = survivor if drop.worker_id == survivor.pk else absorbed
            audit_event(
                actor=by,
                action=action,
                obj=drop,
                region_code=worker.village_id,
                summary=_("%(name)s: kepesertaan ganda %(code)s ditutup saat data digabung")
                % {"name": worker.name, "code": drop.programme.code},
                changes={
                    "status": [old, drop.status],
                    "kept_enrolment": keep.pk,
                    "reason": "duplicate_merge",
                },
            )
    return closed


def enrolments_merge(*, survivor: Worker, absorbed: Worker, by: User) -> MergedEnrolments:
    """The enrolments' half of merging two records of one person (`registry.duplicates.
    duplicate_pair_decide`, through `registry.links`), inside its transaction: the surplus
    enrolment of the same months is closed (`_close_surplus`), then every enrolment of the
    absorbed record moves to the survivor. Refused (merge_conflict) when both records were
    funded for the same months by enrolments that ended long ago: a case for a person."""
    closed = _close_surplus(survivor=survivor, absorbed=absorbed, by=by)
    clash = (
        EnrolmentMonth.objects.filter(worker=absorbed)
        .filter(month__in=EnrolmentMonth.objects.filter(worker=survivor).values("month"))
        .exists()
    )
    if clash:
        raise DomainError(
            _(
                "Kedua data pernah dibiayai pada bulan yang sama oleh kepesertaan yang sudah "
                "berakhir. Periksa riwayat kepesertaan keduanya dengan BPJS sebelum digabung."
            ),
            code="merge_conflict",
        )
    moved = list(Enrolment.objects.filter(worker=absorbed).values_list("pk", flat=True))
    Enrolment.objects.filter(pk__in=moved).update(worker=survivor)
    EnrolmentMonth.objects.filter(worker=absorbed).update(worker=survivor)
    return MergedEnrolments(moved=moved, closed=closed)


def enrolment_propose(
    *,
    programme: Programme,
    worker: Worker,
    by: User,
    on: dt.date | None = None,
    waitlist: bool = False,
) -> Enrolment:
    """Propose one worker; raises ValidationFailed with every reason when refused. With
    `waitlist`, a proposal beyond the quota joins the waiting list instead of being refused
    (the returned enrolment then has status WAITING)."""
    result = enrolments_propose(
        programme=programme, workers=[worker], by=by, on=on, waitlist=waitlist
    )
    if worker.pk in result.refused:
        raise ValidationFailed(result.refused[worker.pk])
    if result.waiting_ids:
        return Enrolment.objects.select_related("worker").get(pk=result.waiting_ids[0])
    return result.created[0]


# --- undecided duplicates hold an enrolment --------------------------------------------------


def duplicate_holds(*, worker_ids: Iterable[int], by: User) -> dict[int, DomainError]:
    """Worker id -> why the worker's enrolments are held: the worker belongs to a possible
    duplicate pair no admin has decided yet (`registry.duplicates`). Until the pair is decided
    (the same person: merged, the surplus enrolment closed; or different people), an enrolment
    of either worker is not verified nor sent to BPJS, so that one person is never registered
    twice. One query per batch of workers.

    The error names the pair (its number; the other worker too when inside `by`'s region) and
    carries `params["pair"]`, which the pages turn into a link to the duplicate queue."""
    covers = scope_of(by).covers
    out: dict[int, DomainError] = {}
    for worker_id, pairs in pending_pairs_of(worker_ids).items():
        pair = pairs[0]
        other = pair.worker_b if pair.worker_a_id == worker_id else pair.worker_a
        who = (
            _("%(name)s, desa %(village)s") % {"name": other.name, "village": other.village.name}
            if covers(other.village_id)
            else _("pekerja di desa lain")
        )
        out[worker_id] = DomainError(
            _(
                "Kemungkinan data ganda dengan %(other)s (pasangan #%(pair)s, kemiripan "
                "%(score)s%%) belum diputuskan. Putuskan dulu di antrean data ganda: orang yang "
                "sama (data digabung) atau orang berbeda. Sebelum itu kepesertaan ini tidak dapat "
                "diverifikasi atau dikirim ke BPJS."
            )
            % {"other": who, "pair": pair.pk, "score": pair.score},
            code="duplicate_pending",
            params={"pair": pair.pk, "pairs": [p.pk for p in pairs]},
        )
    return out


# --- transitions ----------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[Action, tuple[str, ...], str]] = {
    "verify": (Action.ENROLMENT_VERIFY, (Enrolment.Status.PROPOSED,), Enrolment.Status.VERIFIED),
    "reject": (
        Action.ENROLMENT_VERIFY,
        (Enrolment.Status.WAITING, Enrolment.Status.PROPOSED, Enrolment.Status.VERIFIED),
        Enrolment.Status.REJECTED,
    ),
    "register": (
        Action.ENROLMENT_REGISTER,
        (Enrolment.Status.VERIFIED,),
        Enrolment.Status.REGISTERED,
    ),
    "activate": (
        Action.ENROLMENT_REGISTER,
        (Enrolment.Status.REGISTERED,),
        Enrolment.Status.ACTIVE,
    ),
    "end": (
        Action.ENROLMENT_END,
        (Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE),
        Enrolment.Status.ENDED,
    ),
}
# Said to the user: "Kepesertaan berstatus Aktif tidak dapat diverifikasi."
TRANSITION_LABELS = {
    "verify": gettext_lazy("diverifikasi"),
    "reject": gettext_lazy("ditolak"),
    "register": gettext_lazy("didaftarkan ke BPJS"),
    "activate": gettext_lazy("diaktifkan"),
    "end": gettext_lazy("diakhiri"),
}
STAMP = {
    "verify": "verified",
    "register": "registered",
    "activate": "activated",
    "reject": "closed",
    "end": "closed",
}


def _authorize_transition(by: User, action: str, enrolment: Enrolment) -> None:
    perm, _from, _to = TRANSITIONS[action]
    authorize_enrolment(
        by,
        perm,
        worker_region=enrolment.worker.village_id,
        programme_region=enrolment.programme.region_id,
        programme_code=enrolment.programme.code,
    )


def _transition_refused(status_label: str, action: str) -> DomainError:
    return DomainError(
        _(
            "Kepesertaan berstatus %(status)s tidak dapat %(action)s. Muat ulang halaman "
            "untuk melihat status terbaru."
        )
        % {"status": status_label, "action": TRANSITION_LABELS[action]},
        code="transition_invalid",
    )


def _kpj_taken(kpj: str) -> ValidationFailed:
    return ValidationFailed(
        [
            DomainError(
                _("Nomor KPJ %(kpj)s sudah dipakai pekerja lain. Periksa kartu BPJS.")
                % {"kpj": kpj},
                code="kpj_taken",
                field="kpj_number",
            )
        ]
    )


def _registration_in_future() -> ValidationFailed:
    return ValidationFailed(
        [
            DomainError(
                _("Tanggal terdaftar tidak boleh di masa depan."),
                code="date_invalid",
                field="registration_date",
            )
        ]
    )


def _transition(*, enrolment: Enrolment, by: User, action: str, **fields: object) -> Enrolment:
    _perm, allowed_from, to_status = TRANSITIONS[action]
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("worker", "programme")
        .get(pk=enrolment.pk)
    )
    _authorize_transition(by, action, enrolment)
    if enrolment.status not in allowed_from:
        raise _transition_refused(enrolment.get_status_display(), action)
    if action == "verify" and (
        held := duplicate_holds(worker_ids=[enrolment.worker_id], by=by).get(enrolment.worker_id)
    ):
        raise held
    old = enrolment.status
    enrolment.status = to_status
    now = clock.now()
    setattr(enrolment, f"{STAMP[action]}_at", now)
    setattr(enrolment, f"{STAMP[action]}_by", by)
    for k, v in fields.items():
        setattr(enrolment, k, v)
    enrolment.save()
    audit_event(
        actor=by,
        action=action,
        obj=enrolment,
        region_code=enrolment.worker.village_id,
        summary=_("%(name)s: %(old)s → %(new)s (%(code)s)")
        % {
            "name": enrolment.worker.name,
            "old": Enrolment.Status(old).label,
            "new": enrolment.get_status_display(),
            "code": enrolment.programme.code,
        },
        changes={"status": [old, to_status], **{k: str(v) for k, v in fields.items()}},
    )
    return enrolment


@transaction.atomic
def enrolment_verify(*, enrolment: Enrolment, by: User) -> Enrolment:
    return _transition(enrolment=enrolment, by=by, action="verify")


@transaction.atomic
def enrolment_reject(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    if not reason.strip():
        raise ValidationFailed(
            [DomainError(_("Tuliskan alasan penolakan."), code="missing_value", field="reason")]
        )
    enrolment = _transition(
        enrolment=enrolment, by=by, action="reject", reject_reason=reason.strip()
    )
    EnrolmentMonth.objects.filter(enrolment=enrolment).delete()
    return enrolment


@transaction.atomic
def enrolment_register(
    *, enrolment: Enrolment, by: User, kpj_number: str, registration_date: dt.date
) -> Enrolment:
    """Register one enrolment at BPJS: `enrolments_register_many` with one item, so the page,
    the API and the BPJS answer file share one set of checks, messages and audit events."""
    return _register_one(
        by,
        Registration(
            enrolment_id=enrolment.pk, kpj_number=kpj_number, registration_date=registration_date
        ),
    )


@transaction.atomic
def enrolment_activate(*, enrolment: Enrolment, by: User) -> Enrolment:
    return _register_one(by, Registration(enrolment_id=enrolment.pk, activate=True))


def _register_one(by: User, item: Registration) -> Enrolment:
    result = enrolments_register_many(by=by, items=[item])
    if result.problems:
        raise result.problems[0]
    return Enrolment.objects.select_related("worker", "programme").get(pk=item.enrolment_id)


@transaction.atomic
def enrolment_end(
    *, enrolment: Enrolment, by: User, reason: str, end_date: dt.date | None = None
) -> Enrolment:
    if reason not in Enrolment.EndReason.values:
        raise ValidationFailed(
            [
                DomainError(
                    _("Pilih alasan berakhir dari daftar."), code="missing_value", field="reason"
                )
            ]
        )
    end_date = end_date or clock.today()
    if end_date < enrolment.period_start - dt.timedelta(days=1):
        raise ValidationFailed(
            [
                DomainError(
                    _("Tanggal berakhir tidak boleh sebelum kepesertaan dimulai."),
                    code="date_invalid",
                    field="end_date",
                )
            ]
        )
    enrolment = _transition(
        enrolment=enrolment, by=by, action="end", end_reason=reason, end_date=end_date
    )
    # Months after the end are released: the worker may be funded by another programme.
    EnrolmentMonth.objects.filter(enrolment=enrolment, month__gt=end_date).delete()
    return enrolment


@dataclass(frozen=True)
class Registration:
    """One enrolment in the BPJS branch's answer, for `enrolments_register_many`: register it
    with `kpj_number` and `registration_date` (and activate it too when `activate`), or, with
    `kpj_number=None`, only activate an enrolment already registered."""

    enrolment_id: int
    kpj_number: str | None = None
    registration_date: dt.date | None = None
    activate: bool = False


@dataclass
class RegistrationResult:
    registered: list[int] = field(default_factory=list)  # enrolment ids
    activated: list[int] = field(default_factory=list)
    # Position in `items` -> why that item was refused (the error the one-row service raises).
    problems: dict[int, DomainError] = field(default_factory=dict)


@transaction.atomic
def enrolments_register_many(*, by: User, items: Sequence[Registration]) -> RegistrationResult:
    """Register (and/or activate) enrolments at BPJS, set-based: for a whole answer file, and
    with one item for `enrolment_register` / `enrolment_activate`. Checks in order: scope, KPJ
    format, KPJ of another worker, date, status; a handful of queries whatever the number of
    items.

    The items apply in order, as if one after another: a KPJ registered by an earlier item is
    taken for a later item of another worker, and a second registration of one enrolment finds
    it registered. A refused item is reported in `problems` under its position and skipped;
    the others are written together: one UPDATE per kind of step, one audit insert."""
    if not can(by, Action.ENROLMENT_REGISTER):
        authorize(by, Action.ENROLMENT_REGISTER, None)
    result = RegistrationResult()
    if not items:
        return result
    # worker id, village, worker name, programme code; status as it changes item by item.
    info: dict[int, tuple[int, str, str, str]] = {}
    status: dict[int, str] = {}
    sponsor: dict[int, str] = {}  # the programme's region
    for part in in_batches(sorted({item.enrolment_id for item in items})):
        for pk, st, worker_id, village, name, code, region in (
            Enrolment.objects.select_for_update(of=("self",))
            .filter(pk__in_array=part)
            .order_by("pk")
            .values_list(
                "pk",
                "status",
                "worker_id",
                "worker__village_id",
                "worker__name",
                "programme__code",
                "programme__region_id",
            )
        ):
            info[pk] = (worker_id, village, name, code)
            status[pk] = st
            sponsor[pk] = region

    # Scope and KPJ format first, as `enrolment_register` does: KPJ numbers are looked up only
    # for enrolments the user may register, so their use does not leak outside the scope.
    denied: dict[tuple[str, str, str], DomainError | None] = {}  # (village, programme, region)
    digits = parameter_int("kpj_digits", default=11)
    asked: dict[int, tuple[str, dt.date]] = {}  # item position -> valid KPJ, date
    for i, item in enumerate(items):
        if item.enrolment_id not in info:
            result.problems[i] = DomainError(
                _("Kepesertaan tidak ditemukan."), code="enrolment_missing"
            )
            continue
        _worker, village, _name, code = info[item.enrolment_id]
        key = (village, code, sponsor[item.enrolment_id])
        if key not in denied:
            try:
                authorize_enrolment(
                    by,
                    Action.ENROLMENT_REGISTER,
                    worker_region=village,
                    programme_region=key[2],
                    programme_code=code,
                )
                denied[key] = None
            except ScopeDenied as e:
                denied[key] = e
        if (refusal := denied[key]) is not None:
            result.problems[i] = refusal
            continue
        if item.kpj_number is not None:
            if item.registration_date is None:
                raise ValueError(f"registration of enrolment {item.enrolment_id} has no date")
            try:
                asked[i] = (validate_kpj(item.kpj_number, digits=digits), item.registration_date)
            except DomainError as e:
                result.problems[i] = e
    holders: dict[str, set[int]] = {}  # KPJ -> workers whose enrolments hold it
    for part in in_batches(sorted({kpj for kpj, _date in asked.values()})):
        for kpj, worker_id in Enrolment.objects.filter(kpj_number__in_array=part).values_list(
            "kpj_number", "worker_id"
        ):
            holders.setdefault(kpj, set()).add(worker_id)

    today = clock.today()
    now = clock.now()
    labels = {s.value: str(s.label) for s in Enrolment.Status}
    summary = _("%(name)s: %(old)s → %(new)s (%(code)s)")  # translated once, not per row
    registered: dict[int, tuple[str, dt.date]] = {}
    audit: list[tuple[int, str, str, dict[str, Any]]] = []  # pk, action, summary, changes

    def refused(pk: int, action: str) -> DomainError:
        return _transition_refused(labels[status[pk]], action)

    def move(pk: int, action: str, changes: dict[str, Any]) -> None:
        old, new = status[pk], str(TRANSITIONS[action][2])  # the value, not the enum member
        status[pk] = new
        _worker, _village, name, code = info[pk]
        audit.append(
            (
                pk,
                action,
                summary % {"name": name, "old": labels[old], "new": labels[new], "code": code},
                {"status": [old, new], **changes},
            )
        )

    for i, item in enumerate(items):
        if i in result.problems:
            continue
        pk = item.enrolment_id
        worker_id = info[pk][0]
        if item.kpj_number is None:
            if status[pk] not in TRANSITIONS["activate"][1]:
                result.problems[i] = refused(pk, "activate")
                continue
            move(pk, "activate", {})
            result.activated.append(pk)
            continue
        kpj, date = asked[i]
        if holders.get(kpj, set()) - {worker_id}:
            result.problems[i] = _kpj_taken(kpj)
        elif date > today:
            result.problems[i] = _registration_in_future()
        elif status[pk] not in TRANSITIONS["register"][1]:
            result.problems[i] = refused(pk, "register")
        else:
            move(pk, "register", {"kpj_number": kpj, "registration_date": str(date)})
            holders.setdefault(kpj, set()).add(worker_id)
            registered[pk] = (kpj, date)
            result.registered.append(pk)
            if item.activate:
                move(pk, "activate", {})
                result.activated.append(pk)

    # Three UPDATEs (registered; registered and activated; activated), each row written once.
    at = db_datetime(now)
    actor = by.pk
    activated = set(result.activated)
    register = ["status", "kpj_number", "registration_date", "registered_at", "registered_by"]
    update_rows(
        Enrolment,
        register,
        [
            (status[pk], kpj, date, at, actor, pk)
            for pk, (kpj, date) in sorted(registered.items())
            if pk not in activated
        ],
    )
    update_rows(
        Enrolment,
        [*register, "activated_at", "activated_by"],
        [
            (status[pk], kpj, date, at, actor, at, actor, pk)
            for pk, (kpj, date) in sorted(registered.items())
            if pk in activated
        ],
    )
    update_rows(
        Enrolment,
        ["status", "activated_at", "activated_by"],
        [(status[pk], at, actor, pk) for pk in sorted(activated - registered.keys())],
    )
    audit_rows_insert(
        (
            (action, "enrolment", str(pk), info[pk][1], text, json.dumps(changes))
            for pk, action, text, changes in audit
        ),
        actor=by,
        at=now,
    )
    return result


def enrolments_transition_many(
    *, enrolment_ids: Sequence[int], by: User, action: str
) -> tuple[int, list[DomainError]]:
    """Apply `verify` or `activate` to many enrolments (bulk verification of a village's list).
    Each enrolment is its own transaction; returns (done, problems), each problem's message
    starting with the worker's name so that the list says who was left out."""
    if action not in ("verify", "activate"):
        raise ValueError(action)
    done, problems = 0, []
    func = enrolment_verify if action == "verify" else enrolment_activate
    for enrolment in (
        Enrolment.objects.filter(pk__in_array=list(enrolment_ids))
        .select_related("worker")
        .only("pk", "worker__name")
    ):
        try:
            func(enrolment=enrolment, by=by)
            done += 1
        except DomainError as e:
            problems.append(
                DomainError(f"{enrolment.worker.name}: {e.message}", code=e.code, field=e.field)
            )
    return done, problems


@dataclass
class BulkVerification:
    """What `enrolments_verify_many` did: the enrolments verified; those skipped because
    their status changed meanwhile (verified or rejected by someone else), or because they
    are outside the user's region; and those held by an undecided possible-duplicate pair
    (enrolment id -> the reason, `duplicate_holds`)."""

    verified: list[int] = field(default_factory=list)
    stale: int = 0
    held: dict[int, DomainError] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return self.stale + len(self.held)


@transaction.atomic
def enrolments_verify_many(
    *, by: User, programme: Programme, enrolment_ids: Sequence[int]
) -> BulkVerification:
    """Verify many proposals of `programme` at once, set-based (a whole filtered list, not 50
    at a time): the sponsor check once, the worker's region once per village, one UPDATE per
    batch, one audit insert. Enrolments no longer proposed (verified or rejected meanwhile)
    are skipped and counted; those of a worker in an undecided possible-duplicate pair are
    held, each with its reason (`duplicate_holds`)."""
    authorize_programme(
        by,
        Action.ENROLMENT_VERIFY,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    now = clock.now()
    scope = scope_of(by)
    summary = _("%(name)s: %(old)s → %(new)s (%(code)s)")
    old, new = Enrolment.Status.PROPOSED, Enrolment.Status.VERIFIED
    labels = {"old": str(old.label), "new": str(new.label), "code": programme.code}
    changes = json.dumps({"status": [old.value, new.value]})
    result = BulkVerification()
    audit: list[AuditRow] = []
    for part in in_batches(list(enrolment_ids)):
        rows = list(
            Enrolment.objects.select_for_update(of=("self",))
            .filter(
                pk__in_array=part,
                programme=programme,
                status=old,
            )
            .values_list("pk", "worker__village_id", "worker__name", "worker_id")
        )
        rows = [r for r in rows if scope.covers(r[1])]
        holds = duplicate_holds(worker_ids=[r[3] for r in rows], by=by)
        result.held.update({r[0]: holds[r[3]] for r in rows if r[3] in holds})
        rows = [r for r in rows if r[3] not in holds]
        if not rows:
            continue
        pks = [r[0] for r in rows]
        Enrolment.objects.filter(pk__in_array=pks).update(
            status=new, verified_at=now, verified_by=by
        )
        result.verified += pks
        audit += [
            ("verify", "enrolment", str(pk), village, summary % {"name": name, **labels}, changes)
            for pk, village, name, _worker in rows
        ]
    audit_rows_insert(audit, actor=by, at=now)
    result.stale = len(enrolment_ids) - len(result.verified) - len(result.held)
    return result


@transaction.atomic
def enrolments_end_lapsed(*, by: User, programme: Programme, end_dates: dict[int, dt.date]) -> int:
    """End many active enrolments of `programme` with reason "lapsed" (contributions unpaid for
    more than 3 consecutive months, DOMAIN.md §6), set-based: the set-based equivalent of
    `enrolment_end(..., reason=LAPSED)` for the contributions app. `end_dates` maps an enrolment
    id to its end date (the last day of its last paid month). One UPDATE per distinct end date,
    months after each end released, one audit event per enrolment in one bulk insert.
    Returns how many enrolments were ended."""
    authorize_programme(
        by,
        Action.ENROLMENT_END,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    now = clock.now()
    reason = Enrolment.EndReason.LAPSED
    checked: set[str] = set()  # villages
    by_date: dict[dt.date, list[int]] = {}
    for pk, end_date in end_dates.items():
        by_date.setdefault(end_date, []).append(pk)
    ended: list[int] = []
    summary = _("%(name)s: kepesertaan berakhir karena iuran menunggak (%(code)s)")
    audit: list[AuditRow] = []
    for end_date, ids in sorted(by_date.items()):
        changes = json.dumps(
            {
                "status": [Enrolment.Status.ACTIVE.value, Enrolment.Status.ENDED.value],
                "end_reason": str(reason),
                "end_date": str(end_date),
            }
        )
        for part in in_batches(ids):
            active = list(
                Enrolment.objects.select_for_update(of=("self",))
                .filter(
                    pk__in_array=part,
                    programme=programme,
                    status=Enrolment.Status.ACTIVE,
                )
                .values_list("pk", "worker__village_id", "worker__name")
            )
            if not active:
                continue
            for village in {village for _pk, village, _name in active} - checked:
                authorize_enrolment(
                    by,
                    Action.ENROLMENT_END,
                    worker_region=village,
                    programme_region=programme.region_id,
                    programme_code=programme.code,
                )
                checked.add(village)
            pks = [pk for pk, _village, _name in active]
            Enrolment.objects.filter(pk__in_array=pks).update(
                status=Enrolment.Status.ENDED,
                end_reason=reason,
                end_date=end_date,
                closed_at=now,
                closed_by=by,
            )
            EnrolmentMonth.objects.filter(enrolment_id__in_array=pks, month__gt=end_date).delete()
            ended += pks
            audit += [
                (
                    "end",
                    "enrolment",
                    str(pk),
                    village,
                    summary % {"name": name, "code": programme.code},
                    changes,
                )
                for pk, village, name in active
            ]
    audit_rows_insert(audit, actor=by, at=now)
    return len(ended)


def enrolments_propose(
    *,
    programme: Programme,
    workers: Sequence[Any],
    by: User,
    on: dt.date | None = None,
    with_instances: bool = True,
    waitlist: bool = False,
) -> ProposalResult:
    """Propose many workers at once, set-based, from one worker to a 100,000-row import.

    Scope, eligibility, double funding (one query per chunk) and the quota (counted under a
    lock on the programme row) are checked first; refused workers are reported with their
    reasons. The accepted ones are written together in one transaction as plain rows
    (`core.bulk`), their enrolment months by one INSERT ... SELECT, with bulk audit events.

    `workers`: Worker instances or lighter objects with pk, village_id, birth_date,
    occupation_id, status and name. `created_ids` holds the new enrolment ids; `created` the
    instances too unless `with_instances=False` (imports, where building them is wasted).
    With `waitlist`, workers beyond the quota join the programme's waiting list (status
    WAITING, no months held) instead of being refused; `waiting_ids` holds them."""

    on = on or clock.today()
    result = ProposalResult()
    # The programme half of `authorize_enrolment`; the worker half is per worker in
    # `proposal_checks`, each refusal reported with the others.
    authorize_programme(
        by,
        Action.ENROLMENT_PROPOSE,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    period = rules.enrolment_period(programme_rules(programme), on=on)
    if period is None:
        raise DomainError(
            _("Program %(code)s sudah berakhir; usulan tidak dapat diterima.")
            % {"code": programme.code},
            code="programme_ended",
        )
    start, end = period
    unique: dict[int, Any] = {}
    for w in workers:
        unique.setdefault(w.pk, w)

    with transaction.atomic():
        # The lock serialises proposals into one programme: the quota is counted and used
        # without another request counting the same free places.
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        check = proposal_checks(
            programme=locked, candidates=list(unique.values()), by=by, period=period, on=on
        )
        result.refused.update(check.refused)
        free = check.accepted
        room = quota_room(locked)
        now = db_datetime(clock.now())
        if free[room:] and waitlist:
            waiting = sorted(free[room:], key=lambda w: w.pk)
            result.waiting_ids = insert_rows_returning_ids(
                Enrolment,
                [
                    "worker",
                    "programme",
                    "status",
                    "period_start",
                    "period_end",
                    "kpj_number",
                    "end_reason",
                    "reject_reason",
                    "proposed_at",
                    "proposed_by",
                ],
                [
                    (w.pk, locked.pk, Enrolment.Status.WAITING, start, end, "", "", "", now, by.pk)
                    for w in waiting
                ],
            )
            summary = _("%(name)s masuk daftar tunggu %(code)s (kuota penuh)")
            changes = json.dumps({"status": [None, Enrolment.Status.WAITING.value]})
            audit_rows_insert(
                (
                    (
                        "propose",
                        "enrolment",
                        str(pk),
                        w.village_id,
                        summary % {"name": w.name, "code": locked.code},
                        changes,
                    )
                    for pk, w in zip(result.waiting_ids, waiting, strict=True)
                ),
                actor=by,
            )
        elif free[room:]:
            full = quota_full_error(locked)
            for w in free[room:]:
                result.refused[w.pk] = [full]
        accepted = sorted(free[:room], key=lambda w: w.pk)
        if not accepted:
            return result
        status = Enrolment.Status.PROPOSED
        try:
            with transaction.atomic():
                ids = insert_rows_returning_ids(
                    Enrolment,
                    [
                        "worker",
                        "programme",
                        "status",
                        "period_start",
                        "period_end",
                        "kpj_number",
                        "end_reason",
                        "reject_reason",
                        "proposed_at",
                        "proposed_by",
                    ],
                    [
                        (w.pk, locked.pk, status, start, end, "", "", "", now, by.pk)
                        for w in accepted
                    ],
                )
                table = Enrolment._meta.db_table
                month_table = EnrolmentMonth._meta.db_table
                months = rules.months_between(start, end)
                # One statement for every month of every new enrolment, in (worker, month)
                # order so the primary-key index grows by appending rather than at random.
                month_rows = " UNION ALL ".join(["SELECT %s AS month"] * len(months))
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {month_table} (worker_id, month, enrolment_id) "
                        f"SELECT e.worker_id, m.month, e.id FROM {table} e "
                        f"CROSS JOIN ({month_rows}) m WHERE e.programme_id = %s "
                        f"AND e.id >= %s AND e.id <= %s AND e.proposed_at = %s "
                        f"AND e.status = %s"
                        # SQLite inserts faster in index order; PostgreSQL would sort on disk.
                        + (
                            " ORDER BY e.worker_id, m.month"
                            if connection.vendor == "sqlite"
                            else ""
                        ),
                        [*months, locked.pk, min(ids), max(ids), now, status],
                    )
        except IntegrityError as e:
            # A concurrent proposal (any programme) took one of these months first: the
            # primary key refused the double funding; nothing of this call is kept.
            raise DomainError(
                _(
                    "Sebagian pekerja baru saja diusulkan oleh pengguna lain. Muat ulang dan "
                    "coba lagi."
                ),
                code="already_enrolled",
            ) from e
        summary = _("%(name)s diusulkan ke %(code)s")  # translated once, not per row
        changes = json.dumps({"status": [None, status]})
        audit_rows_insert(
            (
                (
                    "propose",
                    "enrolment",
                    str(pk),
                    w.village_id,
                    summary % {"name": w.name, "code": locked.code},
                    changes,
                )
                for pk, w in zip(ids, accepted, strict=True)
            ),
            actor=by,
        )
    result.created_ids = ids
    if with_instances:
        for part in in_batches(ids):
            result.created += (
                Enrolment.objects.filter(pk__in_array=part).select_related("worker").order_by("pk")
            )
    return result


def _waiting_workers(programme: Programme, worker_ids: Sequence[int]) -> list[int]:
    out: list[int] = []
    if not Enrolment.objects.filter(programme=programme, status=Enrolment.Status.WAITING).exists():
        return out  # the usual case, without a query per batch of workers
    for part in in_batches(worker_ids):
        out += Enrolment.objects.filter(
            programme=programme, status=Enrolment.Status.WAITING, worker_id__in_array=part
        ).values_list("worker_id", flat=True)
    return out


@dataclass
class PromotionResult:
    promoted: list[int] = field(default_factory=list)  # enrolment ids, now proposed
    skipped: dict[int, list[DomainError]] = field(default_factory=dict)  # left waiting


@transaction.atomic
def enrolments_promote_waiting(
    *, programme: Programme, by: User, on: dt.date | None = None, limit: int | None = None
) -> PromotionResult:
    """Offer the places free in the quota to the waiting list, first come first served.

    A promoted proposal becomes an ordinary proposal holding the programme's months from
    `on`'s month; it is checked again (eligibility, double funding) since it waited. One that
    no longer qualifies stays on the list with its reasons and its place goes to the next."""
    on = on or clock.today()
    authorize_programme(
        by,
        Action.ENROLMENT_VERIFY,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    prules = programme_rules(locked)
    period = rules.enrolment_period(prules, on=on)
    if period is None:
        raise DomainError(
            _("Program %(code)s sudah berakhir; usulan tidak dapat diterima.")
            % {"code": locked.code},
            code="programme_ended",
        )
    start, end = period
    used = Enrolment.objects.filter(programme=locked, status__in=Enrolment.OPEN).count()
    room = max(locked.quota - used, 0)
    if limit is not None:
        room = min(room, limit)
    result = PromotionResult()
    if room == 0:
        return result
    scope = scope_of(by)
    occupation_codes = dict(Occupation.objects.values_list("id", "code"))
    queue = (
        Enrolment.objects.filter(programme=locked, status=Enrolment.Status.WAITING)
        .select_related("worker")
        .order_by("proposed_at", "id")
    )
    chosen: list[Enrolment] = []
    for batch_start in range(0, queue.count(), 1000):
        batch = list(queue[batch_start : batch_start + 1000])
        held = programmes_holding([e.worker_id for e in batch], start, end)
        for e in batch:
            w = e.worker
            problems = (
                []
                if scope.covers(w.village_id)
                else [
                    DomainError(
                        _("Pekerja berdomisili di luar wilayah Anda."),
                        code="village_out_of_scope",
                        field="village",
                    )
                ]
            )
            problems += rules.eligibility_problems(
                prules,
                birth_date=w.birth_date,
                occupation_code=occupation_codes[w.occupation_id],
                village_code=w.village_id,
                worker_status=w.status,
                on=on,
            )
            if w.pk in held:
                problems.append(
                    DomainError(
                        _(
                            "Pekerja sudah terdaftar di program %(other)s pada bulan yang sama "
                            "(tidak boleh dibiayai ganda)."
                        )
                        % {"other": held[w.pk]},
                        code="already_enrolled",
                        field="nik",
                    )
                )
            if problems:
                result.skipped[e.pk] = problems
            else:
                chosen.append(e)
            if len(chosen) == room:
                break
        if len(chosen) == room:
            break
    if not chosen:
        return result
    ids = [e.pk for e in chosen]
    try:
        with transaction.atomic():
            Enrolment.objects.filter(pk__in=ids).update(
                status=Enrolment.Status.PROPOSED, period_start=start, period_end=end
            )
            EnrolmentMonth.objects.bulk_create(
                [
                    EnrolmentMonth(worker_id=e.worker_id, month=m, enrolment_id=e.pk)
                    for e in chosen
                    for m in rules.months_between(start, end)
                ],
                batch_size=2000,
            )
    except IntegrityError as e:  # another programme took one of these months meanwhile
        raise DomainError(
            _("Sebagian pekerja baru saja diusulkan oleh pengguna lain. Muat ulang dan coba lagi."),
            code="already_enrolled",
        ) from e
    summary = _("%(name)s dari daftar tunggu menjadi usulan %(code)s")
    changes = json.dumps(
        {"status": [Enrolment.Status.WAITING.value, Enrolment.Status.PROPOSED.value]}
    )
    audit_rows_insert(
        (
            (
                "promote",
                "enrolment",
                str(e.pk),
                e.worker.village_id,
                summary % {"name": e.worker.name, "code": locked.code},
                changes,
            )
            for e in chosen
        ),
        actor=by,
    )
    result.promoted = ids
    return result

"""Writes to the worker registry: ONE path for every channel.

`workers_upsert_many` checks and writes many workers at once, set-based (a handful of queries
whatever the number): the spreadsheet import calls its two halves (`workers_plan` while it
checks the file, `workers_apply` in its write transaction), and the form and the API call
`worker_create` / `worker_update`, which are one-row wrappers, as `programs` does for
proposals. Every field goes through `registry.rules` (`clean_fields`), so a bad value gets the
same code and message on each channel; every created or updated worker leaves an audit event
with what changed (before -> after).

Life events reach the enrolments here: a worker recorded dead, moved away or employed for a
wage (a "pekerja penerima upah", whose employer now pays: DOMAIN.md §5), or whose new village
lies outside a programme's region, has the open enrolments ended with that reason
(through `registry.links`, provided by `programs`: billing stops from the next month), and
a participant known to BPJS is put on the list "perlu dilaporkan ke BPJS" (`BpjsNotice`).
Correcting the NIK or the birth date of such a participant is the Dinas's decision, with a
reason, and is reported to BPJS too: an operator desa is refused with a message saying so.
Every enrolment verified against the old NIK or birth date is flagged for the Dinas to verify
again (`Enrolment.reverify_since`); its status, cover and billing are left as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.audit.services import audit_event, audit_rows_insert, changes_between
from lindung.core import bulk, clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.lookups import in_batches
from lindung.core.selectors import parameter_int
from lindung.regions.models import Region
from lindung.registry import links, rules
from lindung.registry.models import BpjsNotice, Occupation, Worker

# Inputs of the form and the API (and `worker_update`'s keywords).
WORKER_FIELDS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village",
    "address",
    "phone",
    "occupation",
    "declared_income",
    "status",
]
# Worker attributes one write path maintains, in a fixed order.
ATTRS = (
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village_id",
    "address",
    "occupation_id",
    "phone",
    "declared_income",
    "status",
    "status_date",
)
OPTIONAL_DEFAULTS = {
    "kk_number": "",
    "birth_place": "",
    "address": "",
    "phone": "",
    "status": Worker.Status.ACTIVE.value,
    "status_date": None,
}
# Changing these for a participant known to BPJS is a correction BPJS must verify again.
IDENTITY_ATTRS = ("nik", "birth_date")
STATUSES = frozenset(Worker.Status.values)
_attr_values = operator.itemgetter(*ATTRS)
# Statuses that end the worker's enrolments, with the notice BPJS gets. The worker's status
# value is the enrolment's end reason (`Enrolment.EndReason`): meninggal, pindah, penerima_upah.
LIFE_EVENT_STATUSES = {
    Worker.Status.DECEASED.value: BpjsNotice.Kind.DEATH,
    Worker.Status.MOVED.value: BpjsNotice.Kind.MOVED,
    Worker.Status.WAGE_EARNER.value: BpjsNotice.Kind.WAGE_EARNER,
}


def default_declared_income(on: dt.date | None = None) -> int:
    return parameter_int("penghasilan_bawaan", on=on, default=1_000_000)


def occupation_refs() -> dict[str, rules.OccupationRef]:
    """Every occupation by `rules.key` of its code and of its name (codes win)."""
    out: dict[str, rules.OccupationRef] = {}
    names = []
    for pk, code, name, valid_to in Occupation.objects.values_list(
        "id", "code", "name", "valid_to"
    ):
        ref = rules.OccupationRef(pk=pk, code=code, name=name, valid_to=valid_to)
        out[rules.key(code)] = ref
        names.append(ref)
    for ref in names:
        out.setdefault(rules.key(ref.name), ref)
    return out


def field_context(*, today: dt.date, village_codes: Iterable[object]) -> rules.FieldContext:
    """The reference data the field rules need for these values, read once."""
    codes = {rules.normalise_village_code(c) for c in village_codes if not rules.is_blank(c)}
    known: set[str] = set()
    for part in in_batches(sorted(codes)):
        known.update(
            Region.objects.filter(code__in_array=part, level=Region.Level.VILLAGE).values_list(
                "code", flat=True
            )
        )
    return rules.FieldContext(today=today, villages=frozenset(known), occupations=occupation_refs())


# --- the set-based write path ------------------------------------------------------------------


@dataclass(slots=True)
class WorkerRow:
    """One worker to write. `values`: clean Worker attributes (`rules.clean_fields`), only
    those given (a missing optional one keeps the registry's value, or its default for a new
    worker). `worker_id`: the record to update (form, API); without it the NIK decides."""

    key: int
    values: dict[str, Any]
    worker_id: int | None = None
    correction_reason: str = ""
    # Set by `workers_plan`:
    action: str = ""  # create / update / unchanged
    before: dict[str, Any] | None = None
    after: dict[str, Any] = field(default_factory=dict)
    problems: list[DomainError] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The worker's status before this write (what a proposal checks)."""
        return (self.before or {}).get("status", Worker.Status.ACTIVE.value)


@dataclass
class UpsertResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    ended_enrolments: list[int] = field(default_factory=list)
    notices: int = 0
    # Enrolments verified against the NIK or birth date this write corrected: flagged for the
    # Dinas to verify again (their status and cover unchanged).
    reverify: list[int] = field(default_factory=list)


def _nik_taken_error() -> DomainError:
    return DomainError(
        _(
            "NIK ini sudah terdaftar. Cari pekerja dengan NIK tersebut; satu NIK hanya untuk "
            "satu pekerja."
        ),
        code="nik_duplicate",
        field="nik",
    )


def _records(
    *, niks: Sequence[str] = (), ids: Sequence[int] = ()
) -> tuple[dict[str, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Existing workers by NIK and by id: {"id": .., **ATTRS}."""
    by_nik: dict[str, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    cols = ("id", *ATTRS)
    for lookup, wanted in (
        ("nik__in_array", sorted(set(niks))),
        ("pk__in_array", sorted(set(ids))),
    ):
        for part in in_batches(wanted):
            for rec in Worker.objects.filter(**{lookup: part}).values_list(*cols):
                d = dict(zip(cols, rec, strict=True))
                by_nik[d["nik"]] = d
                by_id[d["id"]] = d
    return by_nik, by_id


def workers_plan(
    *, rows: Sequence[WorkerRow], by: User, on: dt.date, on_existing: str = "update"
) -> None:
    """Decide what each row does (create, update, unchanged) and why it may not (its
    `problems`), reading the registry set-based; writes nothing. `on_existing`: 'update' (an
    import: a known NIK updates that worker) or 'refuse' (registering by hand: a known NIK
    is `nik_duplicate`)."""
    scope = scope_of(by)
    covers = cache(scope.covers)  # a file names a few hundred villages
    by_nik, by_id = _records(
        niks=[r.values["nik"] for r in rows if r.values.get("nik")],
        ids=[r.worker_id for r in rows if r.worker_id],
    )
    default_income: int | None = None
    for r in rows:
        nik = r.values.get("nik")
        if r.worker_id is not None:
            r.before = by_id.get(r.worker_id)
            if r.before is None:
                r.problems.append(DomainError(_("Pekerja tidak ditemukan."), code="worker_missing"))
                continue
            other = by_nik.get(nik) if nik else None
            if other is not None and other["id"] != r.worker_id:
                r.problems.append(_nik_taken_error())
        elif nik in by_nik:
            if on_existing == "refuse":
                r.problems.append(_nik_taken_error())
                continue
            r.before = by_nik[nik]
            r.worker_id = r.before["id"]
        if r.before is not None and not covers(r.before["village_id"]):
            # Not which village: where another village's person lives is theirs.
            r.problems.append(
                DomainError(
                    _(
                        "NIK ini sudah terdaftar di desa lain, di luar wilayah Anda. Minta admin "
                        "kabupaten memeriksa dan memindahkan domisilinya."
                    ),
                    code="village_out_of_scope",
                    field="nik",
                )
            )
            continue
        given = r.values  # completed in place: rows of a 100,000-row file add no copies
        if given.get("declared_income", 0) is None:  # blank on a form: the dated default
            if default_income is None:
                default_income = default_declared_income(on)
            given["declared_income"] = default_income
        if r.before is None:
            if "declared_income" not in given:
                if default_income is None:
                    default_income = default_declared_income(on)
                given["declared_income"] = default_income
            for k, v in OPTIONAL_DEFAULTS.items():
                given.setdefault(k, v)
            r.after = given
            r.action = "create"
        else:
            r.after = {**{k: r.before[k] for k in ATTRS}, **given}
            r.action = "unchanged" if all(r.after[k] == r.before[k] for k in ATTRS) else "update"
        village = r.after.get("village_id")
        if village and not covers(village):
            r.problems.append(
                DomainError(
                    _(
                        "Desa %(v)s di luar wilayah Anda. Anda hanya dapat mendaftarkan pekerja yang "
                        "berdomisili di wilayah Anda."
                    )
                    % {"v": village},
                    code="village_out_of_scope",
                    field="village",
                )
            )
        r.problems += _status_problems(r, on)
    _check_corrections([r for r in rows if r.action == "update" and not r.problems], by=by)


def _status_problems(r: WorkerRow, on: dt.date) -> list[DomainError]:
    status, when = r.after.get("status"), r.after.get("status_date")
    if status not in STATUSES:
        return [
            DomainError(
                _("Pilih status pekerja dari daftar."), code="status_invalid", field="status"
            )
        ]
    if status == Worker.Status.ACTIVE:
        r.after["status_date"] = None
    elif when is not None and not (r.after["birth_date"] <= when <= on):
        return [
            DomainError(
                _("Tanggal perubahan status harus antara tanggal lahir dan hari ini."),
                code="date_invalid",
                field="status_date",
            )
        ]
    elif when is None and r.before is not None and r.before["status"] == status:
        r.after["status_date"] = r.before["status_date"]
    return []


def _check_corrections(rows: Sequence[WorkerRow], *, by: User) -> None:
    """NIK or birth date of a participant BPJS knows: the Dinas corrects it, with a reason
    (BPJS then verifies the membership again). An operator desa is refused: the change would
    silently break the link between the KPJ and the person."""
    changing = [r for r in rows if any(r.after[k] != r.before[k] for k in IDENTITY_ATTRS)]
    if not changing:
        return
    known = links.participants(r.worker_id for r in changing)
    for r in changing:
        if r.worker_id not in known:
            continue
        fields = [k for k in IDENTITY_ATTRS if r.after[k] != r.before[k]]
        if not can(by, Action.ENROLMENT_VERIFY):
            r.problems.append(
                DomainError(
                    _(
                        "Pekerja ini sudah terdaftar di BPJS Ketenagakerjaan (KPJ %(kpj)s). NIK dan "
                        "tanggal lahirnya hanya dapat dikoreksi oleh Dinas, yang melaporkannya ke "
                        "BPJS: hubungi admin kabupaten dengan bukti KTP/KK."
                    )
                    % {"kpj": known[r.worker_id][0].kpj_number or "-"},
                    code="correction_needs_dinas",
                    field=fields[0],
                )
            )
        elif not r.correction_reason.strip():
            r.problems.append(
                DomainError(
                    _(
                        "Pekerja ini sudah terdaftar di BPJS Ketenagakerjaan. Tuliskan alasan koreksi "
                        "NIK/tanggal lahir (mis. salah ketik, KTP baru); koreksi dilaporkan ke BPJS."
                    ),
                    code="correction_reason_missing",
                    field="correction_reason",
                )
            )


def workers_apply(
    *,
    rows: Sequence[WorkerRow],
    by: User,
    on: dt.date,
    source: str = "",
    audit_prefix: str = "",
    row_in_audit: bool = False,
) -> UpsertResult:
    """Write planned rows without problems: bulk insert and update, one audit event per created
    or updated worker with its changes, then the life events. Call inside a transaction.
    `audit_prefix`: 'import_' for the spreadsheet; `row_in_audit`: record each row's number."""
    result = UpsertResult()
    stamp = clock.now()
    now = bulk.db_datetime(stamp)
    # In NIK order: inserts into the unique NIK index then walk it instead of jumping around.
    new = sorted((r for r in rows if r.action == "create"), key=lambda r: r.after["nik"])
    ids = bulk.insert_rows_returning_ids(
        Worker,
        [*ATTRS, "created_at", "updated_at"],
        [(*_attr_values(r.after), now, now) for r in new],
    )
    for r, pk in zip(new, ids, strict=True):
        r.worker_id = pk
    changed = [r for r in rows if r.action == "update"]
    bulk.update_rows(
        Worker,
        [*ATTRS, "updated_at"],
        [(*_attr_values(r.after), now, r.worker_id) for r in changed],
    )
    result.created = [r.worker_id for r in new]  # type: ignore[misc]
    result.updated = [r.worker_id for r in changed]  # type: ignore[misc]
    result.unchanged = [r.worker_id for r in rows if r.action == "unchanged"]  # type: ignore[misc]

    create_summary = (
        _("Diimpor dari %(src)s") % {"src": source} if source else _("Pekerja %(name)s didaftarkan")
    )
    update_summary = (
        _("Diperbarui dari %(src)s") % {"src": source}
        if source
        else _("Data pekerja %(name)s diubah")
    )

    create_action = f"{audit_prefix}create"
    dumps = json.JSONEncoder(default=str, separators=(",", ":")).encode  # dates as ISO text

    def audit_rows() -> Iterable[tuple[str, str, str, str, str, str]]:
        for r in new:
            changes: dict[str, Any] = {
                name: v
                for name, v in zip(AUDIT_NAMES, _attr_values(r.after), strict=True)
                if v != "" and v is not None
            }
            if row_in_audit:
                changes["row"] = r.key
            yield (
                create_action,
                "worker",
                str(r.worker_id),
                r.after["village_id"],
                create_summary % {"name": r.after["name"]},
                dumps(changes),
            )
        for r in changed:
            changes = _named(
                changes_between({k: r.before[k] for k in ATTRS}, {k: r.after[k] for k in ATTRS})
            )  # type: ignore
            if r.correction_reason.strip():
                changes["reason"] = r.correction_reason.strip()
            if row_in_audit:
                changes["row"] = r.key
            yield (
                f"{audit_prefix}update",
                "worker",
                str(r.worker_id),
                r.after["village_id"],
                update_summary % {"name": r.after["name"]},
                json.dumps(changes),
            )

    audit_rows_insert(audit_rows(), actor=by, at=stamp)
    _life_events(changed, by=by, on=on, result=result)
    return result


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# The audit trail names fields as the form does: `village`, not `village_id`.
AUDIT_NAME = {"village_id": "village", "occupation_id": "occupation"}
AUDIT_NAMES = [AUDIT_NAME.get(k, k) for k in ATTRS]


def _named(changes: dict[str, Any]) -> dict[str, Any]:
    return {AUDIT_NAME.get(k, k): v for k, v in changes.items()}


def _life_events(rows: Sequence[WorkerRow], *, by: User, on: dt.date, result: UpsertResult) -> None:
    """Death, moving away and identity corrections of updated workers reach their enrolments
    and the BPJS branch."""
    events = []
    for r in rows:
        b, a = r.before, r.after
        assert b is not None
        if a["status"] in LIFE_EVENT_STATUSES and b["status"] != a["status"]:
            events.append(
                links.LifeEvent(
                    worker_id=r.worker_id,  # type: ignore[arg-type]
                    reason=a["status"],
                    end_date=a["status_date"] or on,
                )
            )
        elif a["village_id"] != b["village_id"]:
            # Moving within the region keeps the enrolments; out of a programme's region ends
            # those of that programme (programs decides which).
            events.append(
                links.LifeEvent(
                    worker_id=r.worker_id,  # type: ignore[arg-type]
                    reason="pindah",
                    end_date=on,
                    village_id=a["village_id"],
                )
            )
    notices: list[BpjsNotice] = []
    by_worker = {r.worker_id: r for r in rows}
    if events:
        for ended in links.end_for_life_events(events=events, by=by):
            result.ended_enrolments.append(ended.enrolment_id)
            if not ended.known_to_bpjs:
                continue
            r = by_worker[ended.worker_id]
            notices.append(
                BpjsNotice(
                    worker_id=ended.worker_id,
                    region_code=r.after["village_id"],
                    kind=LIFE_EVENT_STATUSES.get(ended.reason, BpjsNotice.Kind.MOVED),
                    enrolment_id=ended.enrolment_id,
                    programme_code=ended.programme_code,
                    kpj_number=ended.kpj_number,
                    event_date=ended.end_date,
                    created_by=by,
                    details={
                        "status": [r.before["status"], r.after["status"]],  # type: ignore
                        "village": [r.before["village_id"], r.after["village_id"]],
                    },
                )
            )  # type: ignore
    # After the ends above: an enrolment a death ended has nothing left to verify.
    identity_changed = [
        r
        for r in rows
        if any(r.after[k] != r.before[k] for k in IDENTITY_ATTRS)  # type: ignore[index]
    ]
    if identity_changed:
        result.reverify = links.flag_for_reverification(
            corrections=[
                links.IdentityCorrection(
                    worker_id=r.worker_id,  # type: ignore[arg-type]
                    changes={
                        k: (r.before[k], r.after[k])  # type: ignore[index]
                        for k in IDENTITY_ATTRS
                        if r.after[k] != r.before[k]  # type: ignore[index]
                    },
                    reason=r.correction_reason.strip(),
                )
                for r in identity_changed
            ],
            by=by,
        )
    corrected = [r for r in identity_changed if r.correction_reason.strip()]
    if corrected:
        known = links.participants(r.worker_id for r in corrected)  # type: ignore[misc]
        for r in corrected:
            for p in known.get(r.worker_id, ()):  # type: ignore[arg-type]
                notices.append(
                    BpjsNotice(
                        worker_id=r.worker_id,
                        region_code=r.after["village_id"],
                        kind=BpjsNotice.Kind.CORRECTION,
                        enrolment_id=p.enrolment_id,
                        programme_code=p.programme_code,
                        kpj_number=p.kpj_number,
                        event_date=on,
                        created_by=by,
                        reason=r.correction_reason.strip()[:250],
                        details={
                            k: [_plain(r.before[k]), _plain(r.after[k])]  # type: ignore
                            for k in IDENTITY_ATTRS
                            if r.after[k] != r.before[k]
                        },
                    )
                )  # type: ignore
    if not notices:
        return
    BpjsNotice.objects.bulk_create(notices, batch_size=2000)
    result.notices = len(notices)
    summary = _("Perlu dilaporkan ke BPJS: %(kind)s, KPJ %(kpj)s (%(code)s)")
    audit_rows_insert(
        (
            (
                "bpjs_notice",
                "worker",
                str(n.worker_id),
                n.region_code,
                summary
                % {
                    "kind": n.get_kind_display(),
                    "kpj": n.kpj_number or "-",
                    "code": n.programme_code,
                },
                json.dumps({"kind": n.kind, "enrolment": n.enrolment_id, **n.details}),
            )
            for n in notices
        ),
        actor=by,
    )


@transaction.atomic
def workers_upsert_many(
    *,
    rows: Sequence[WorkerRow],
    by: User,
    on: dt.date | None = None,
    on_existing: str = "update",
    source: str = "",
) -> UpsertResult:
    """Check and write many workers in one transaction: every row with problems is refused
    (ValidationFailed with the first refused row's problems) and nothing is written."""
    on = on or clock.today()
    if not can(by, Action.WORKER_EDIT):
        authorize(by, Action.WORKER_EDIT, None)
    workers_plan(rows=rows, by=by, on=on, on_existing=on_existing)
    refused = [r for r in rows if r.problems]
    if refused:
        raise ValidationFailed(refused[0].problems)
    try:
        with transaction.atomic():
            return workers_apply(rows=rows, by=by, on=on, source=source)
    except IntegrityError as e:  # a concurrent insert of the same NIK
        raise ValidationFailed([_nik_taken_error()]) from e


# --- one worker: the form and the API ---------------------------------------------------------


def _raw_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The form's and the API's keywords as the field rules take them."""
    return {k: v for k, v in data.items() if k in rules.FIELD_RULE}


def _one(
    *,
    by: User,
    on: dt.date,
    data: dict[str, Any],
    worker: Worker | None,
    correction_reason: str,
    source: str,
) -> Worker:
    raw = _raw_fields(data)
    ctx = field_context(today=on, village_codes=[raw.get("village")])
    only = None if worker is None else list(raw)
    current = (
        None
        if worker is None
        else {"nik": worker.nik, "sex": worker.sex, "birth_date": worker.birth_date}
    )
    values, errors = rules.clean_fields(raw, ctx, only=only, current=current)
    if "status" in data:
        values["status"] = data["status"]
    if "status_date" in data:
        values["status_date"] = data["status_date"] or None
    if errors:
        raise ValidationFailed(errors)
    region = values.get("village_id") or (worker.village_id if worker else None)
    if worker is not None:
        authorize(by, Action.WORKER_EDIT, worker.village_id)
    authorize(by, Action.WORKER_EDIT, region)
    row = WorkerRow(
        key=0,
        values=values,
        worker_id=worker.pk if worker else None,
        correction_reason=correction_reason,
    )
    with transaction.atomic():
        result = workers_upsert_many(rows=[row], by=by, on=on, source=source, on_existing="refuse")
        saved = Worker.objects.select_related("village", "occupation").get(pk=row.worker_id)
        if row.action in ("create", "update"):
            from lindung.registry.duplicates import duplicates_flag

            saved.possible_duplicates = duplicates_flag(
                worker=saved, source=source or _("formulir")
            )
        else:
            saved.possible_duplicates = []
        saved.upsert_result = result
    return saved


@transaction.atomic
def worker_create(*, by: User, on: dt.date | None = None, source: str = "", **data: Any) -> Worker:
    """Register one worker (`workers_upsert_many` with one row); `on` is the registration
    date the NIK and birth-date checks use. The returned worker carries
    `possible_duplicates`: pairs this registration put in the review queue."""
    return _one(
        by=by, on=on or clock.today(), data=data, worker=None, correction_reason="", source=source
    )


@transaction.atomic
def worker_update(
    *,
    worker: Worker,
    by: User,
    on: dt.date | None = None,
    correction_reason: str = "",
    source: str = "",
    **data: Any,
) -> Worker:
    """Change some fields of one worker (those given). Marking them dead or moved ends their
    enrolments; correcting the NIK or birth date of a BPJS participant needs the Dinas and a
    `correction_reason` (see the module docstring)."""
    authorize(by, Action.WORKER_EDIT, worker.village_id)
    saved = _one(
        by=by,
        on=on or clock.today(),
        data=data,
        worker=worker,
        correction_reason=correction_reason,
        source=source,
    )
    for k in ATTRS:  # the caller's instance follows the record, as a save() would
        setattr(worker, k, getattr(saved, k))
    worker.possible_duplicates = saved.possible_duplicates
    worker.upsert_result = saved.upsert_result
    return worker


# --- reveal and BPJS notices -------------------------------------------------------------------


@transaction.atomic
def worker_reveal(*, worker: Worker, by: User) -> Worker:
    """Record that `by` was shown the worker's NIK, No. KK and phone number whole (issue 14:
    showing a full NIK is an action in the audit trail). Raises ScopeDenied for a role that
    may not, or a worker outside `by`'s region."""
    authorize(by, Action.PERSONAL_DATA_REVEAL, worker.village_id)
    audit_event(
        actor=by,
        action="reveal",
        obj=worker,
        region_code=worker.village_id,
        summary=_("NIK lengkap %(name)s ditampilkan") % {"name": worker.name},
        changes={"fields": ["nik", "kk_number", "phone"]},
    )
    return worker


def bpjs_corrections_mark_sent(
    *, notice_ids: Sequence[int], programme_code: str, batch_number: int, by: User, at: dt.datetime
) -> int:
    """Record that these corrections went to the branch in batch `batch_number` of the
    programme (`imports.bpjs.bpjs_batch_create`, in its transaction): a later batch does not
    repeat them. One UPDATE per thousand notices, one audit event per worker; returns how
    many were recorded (one already sent is left as it was)."""
    if not can(by, Action.ENROLMENT_REGISTER):
        authorize(by, Action.ENROLMENT_REGISTER, None)
    sent: list[tuple[int, str]] = []
    for part in in_batches(sorted(set(notice_ids))):
        rows = BpjsNotice.objects.filter(
            pk__in_array=part,
            kind=BpjsNotice.Kind.CORRECTION,
            programme_code=programme_code,
            sent_batch__isnull=True,
        )
        found = list(rows.values_list("worker_id", "region_code"))
        rows.update(sent_batch=batch_number, sent_at=at)
        sent += found
    summary = _("Koreksi NIK/tanggal lahir dikirim ke BPJS dalam batch %(n)s %(code)s") % {
        "n": batch_number,
        "code": programme_code,
    }
    changes = json.dumps({"programme": programme_code, "batch": batch_number})
    audit_rows_insert(
        (
            ("bpjs_correction_sent", "worker", str(worker_id), region, summary, changes)
            for worker_id, region in sent
        ),
        actor=by,
        at=at,
    )
    return len(sent)


@transaction.atomic
def bpjs_notice_mark_reported(*, notice: BpjsNotice, by: User) -> BpjsNotice:
    """The BPJS branch has been told (or, for the BPJS officer, has processed it)."""
    notice = BpjsNotice.objects.select_for_update().select_related("worker").get(pk=notice.pk)
    authorize(by, Action.ENROLMENT_REGISTER, notice.region_code)
    if notice.reported_at is not None:
        raise DomainError(_("Laporan ini sudah ditandai dilaporkan."), code="already_reported")
    notice.reported_at = clock.now()
    notice.reported_by = by
    notice.save(update_fields=["reported_at", "reported_by"])
    audit_event(
        actor=by,
        action="bpjs_reported",
        obj=notice.worker,
        region_code=notice.region_code,
        summary=_("Dilaporkan ke BPJS: %(kind)s, KPJ %(kpj)s")
        % {"kind": notice.get_kind_display(), "kpj": notice.kpj_number or "-"},
        changes={"notice": notice.pk, "kind": notice.kind},
    )
    return notice

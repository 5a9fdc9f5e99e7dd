"""Collective registration of workers from a spreadsheet.

One pipeline for the web upload (run by the background worker) and `lindung import-workers`:

1. read the file (`parsers`), refuse it whole when unreadable or a required column is missing;
2. check every row with the registry's field rules, column by column (`rules.COLUMN_SPECS`:
   the same rules as the worker form and the API), then the registry's plan
   (`registry.services.workers_plan`: create, update or unchanged, the user's scope, identity
   corrections) and, with a programme, the shared proposal checks (`programs.services.
   proposal_checks`: eligibility, double funding) and the quota, using reference data read
   once and chunked IN queries (never one query per row);
3. find possible duplicates set-based (`registry.duplicates`), as warnings: such a row's
   worker is written and queued for review, but not proposed until an admin decides;
4. unless it is a dry run, write every accepted row in ONE transaction through the services
   owning the tables: the registry's write path (`workers_apply`: bulk inserts and updates,
   an audit event per worker with its changes, life events), the enrolment proposals
   (`enrolments_propose`) and the review-queue pairs. A crash or kill midway leaves the
   database as it was; rejected rows write nothing.

A dry run stops before step 4 and reports exactly the same counts, because steps 2-3 already
decide every row's fate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.audit.services import audit_rows_insert
from lindung.core import bulk, clock, liveness
from lindung.core.errors import DomainError, ScopeDenied
from lindung.core.lookups import in_batches
from lindung.core.selectors import parameter_int
from lindung.imports import parsers, rules
from lindung.imports.models import ImportJob, ImportLock
from lindung.imports.rules import Issue
from lindung.programs import rules as programme_rules_mod
from lindung.programs.models import Programme
from lindung.programs.services import (
    ProposalCandidate,
    enrolments_propose,
    programme_rules,
    proposal_checks,
    quota_full_error,
    quota_room,
)
from lindung.regions.models import Region
from lindung.registry import duplicates
from lindung.registry import rules as registry_rules
from lindung.registry.services import WorkerRow, field_context, workers_apply, workers_plan

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2000
ProgressFn = Callable[[str, int, int], None]


class ImportConflict(DomainError):
    code = "import_conflict"


class ImportInProgress(DomainError):
    code = "import_in_progress"


def stale_after() -> dt.timedelta:
    """How long background work may stay silent (no heartbeat) before it counts as dead when
    its process cannot be checked directly (another machine). Longer than any phase without a
    heartbeat: the write transaction of a 200,000-row file takes well under a minute."""
    return dt.timedelta(seconds=int(getattr(settings, "IMPORT_STALE_SECONDS", 900)))


def _is_dead(holder: str, last_sign: dt.datetime | None, now: dt.datetime) -> bool:
    return liveness.is_gone(holder) or last_sign is None or now - last_sign > stale_after()


@contextmanager
def import_lock(*, content: bytes, label: str) -> Iterator[Callable[[], None]]:
    """Hold the lock row of this file (by SHA-256) while importing it; yields a function that
    renews the lock's heartbeat. Raises ImportInProgress while a live process holds it; the
    lock of a process that died is taken over."""
    digest = hashlib.sha256(content).hexdigest()
    me = liveness.this_process()
    now = clock.now()
    try:
        with transaction.atomic():
            held = ImportLock.objects.select_for_update().filter(pk=digest).first()
            if held is not None and not _is_dead(held.holder, held.heartbeat_at, now):
                raise _in_progress(held)
            ImportLock.objects.update_or_create(
                pk=digest,
                defaults={
                    "holder": me,
                    "label": label[:200],
                    "started_at": now,
                    "heartbeat_at": now,
                },
            )
    except IntegrityError as e:  # two took it at the same instant: the other one won
        held = ImportLock.objects.filter(pk=digest).first()
        raise _in_progress(held) from e
    last = [time.monotonic()]

    def beat() -> None:
        if time.monotonic() - last[0] > 5:
            last[0] = time.monotonic()
            ImportLock.objects.filter(pk=digest, holder=me).update(heartbeat_at=clock.now())

    try:
        yield beat
    finally:
        ImportLock.objects.filter(pk=digest, holder=me).delete()


def _in_progress(held: ImportLock | None) -> ImportInProgress:
    if held is None:
        return ImportInProgress(
            _(
                "Berkas yang sama sedang diimpor. Tunggu sampai selesai, lalu "
                "periksa hasilnya sebelum mengimpor ulang."
            )
        )
    return ImportInProgress(
        _(
            "Berkas yang sama sedang diimpor (%(label)s, mulai %(at)s). Tunggu sampai selesai, lalu "
            "periksa hasilnya; mengimpor ulang berkas yang sama tidak mengubah apa pun."
        )
        % {"label": held.label, "at": timezone.localtime(held.started_at).strftime("%H.%M")}
    )


@dataclass
class ImportReport:
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    enrolled: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    duplicate_pairs: int = 0
    dry_run: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (benchmark)

    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in ("rows", "accepted", "rejected", "created", "updated", "unchanged", "enrolled")
        }

    def as_dict(self) -> dict[str, Any]:
        """The shape `lindung import-workers --json` prints (see docs/imports.md)."""
        return {
            **self.counts(),
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass(slots=True)
class _Row:
    row: int
    nik: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # Worker attribute -> clean value
    occupation_code: str = ""
    write: WorkerRow | None = None  # the registry's plan for this row
    propose: bool = False
    flagged: bool = False  # a possible duplicate: written, not proposed until reviewed

    @property
    def worker_id(self) -> int | None:
        return self.write.worker_id if self.write else None

    @property
    def action(self) -> str:
        return self.write.action if self.write else ""


class _Reference:
    """What the rows refer to, read once before they are checked: the field rules' context
    (villages named by code, occupations) and the villages named by DESA + KECAMATAN."""

    def __init__(
        self, table: parsers.Table, *, by: User, programme: Programme | None, today: dt.date
    ) -> None:
        self.context = field_context(
            today=today, village_codes={table.cell(c, "village_code") for _r, c in table.rows}
        )
        # Village names are looked up within the programme's region, else the user's scope.
        self.by_name: dict[tuple[str, str], str | None] = {}
        if "village_name" in table.columns and "district_name" in table.columns:
            area = programme.region_id if programme else None
            qs = Region.objects.filter(level=Region.Level.VILLAGE)
            if area:
                qs = qs.filter(code__startswith=area + ".")
            else:
                qs = qs.filter(scope_of(by).q("code"))
            for code, name, district in qs.values_list("code", "name", "parent__name"):
                key = (rules.name_key(district), rules.name_key(name))
                # The same name twice in one kecamatan (across regencies): ask for the code.
                self.by_name[key] = None if key in self.by_name else code


_MISSING = object()


class _RowChecker:
    """Checks rows against `rules.COLUMN_SPECS`: each column's cell through its registry field
    rule (the same rules as the form and the API), then the NIK against the declared sex and
    birth date. Columns with few distinct values (sex, date, village, occupation, income) are
    checked once per distinct value: a 100,000-row file has a few thousand birth dates and a
    few hundred villages."""

    def __init__(self, table: parsers.Table, ref: _Reference) -> None:
        self.table = table
        self.ref = ref
        self.ctx = ref.context
        # (spec, column index or None, memo of the distinct values or None)
        self.plan = [
            (
                spec,
                table.columns.get(spec.source),
                {} if spec.rule.few_values else None,
                spec.rule.keep_blank,
            )
            for spec in rules.COLUMN_SPECS
        ]
        self.by_name = "village_name" in table.columns and "district_name" in table.columns

    def _clean(self, spec: rules.ColumnSpec, raw: object) -> Any:
        try:
            return spec.rule.clean(raw, self.ctx)
        except registry_rules.FieldInvalid as e:
            return e

    def check(self, row_no: int, cells: list[object]) -> tuple[_Row, list[Issue]]:
        """Every problem of one row (not only the first), and its clean values."""
        row = _Row(row=row_no)
        out: list[Issue] = []
        values = row.values
        width = len(cells)
        info = None
        ctx = self.ctx
        for spec, i, memo, keep_blank in self.plan:
            raw = cells[i] if i is not None and i < width else None
            blank = raw is None or (type(raw) is str and not raw.strip())
            if blank and keep_blank:
                continue  # an optional cell left empty keeps what the registry holds
            if blank and spec.field == "village" and self.by_name:
                got = self._village_by_name(cells)
            elif memo is not None:
                got = memo.get((type(raw), raw), _MISSING)
                if got is _MISSING:
                    got = memo[(type(raw), raw)] = self._clean(spec, raw)
            else:
                try:
                    got = spec.rule.clean(raw, ctx)
                except registry_rules.FieldInvalid as e:
                    got = e
            if isinstance(got, registry_rules.FieldInvalid):
                column = spec.column if got.field != "village_name" else "DESA"
                out.append(rules.issue(row_no, column, got.code, got.message))
                continue
            if spec.field == "nik":
                info = got
                row.nik = got.nik
            elif spec.field == "occupation":
                row.occupation_code = got.code
            registry_rules.settle(spec.rule, got, values)
        if (problem := registry_rules.check_nik_fields(info, values)) is not None:
            out.append(rules.issue(row_no, "NIK", problem.code, problem.message))
        return row, out

    def _village_by_name(self, cells: list[object]) -> Any:
        """DESA + KECAMATAN instead of KODE_DESA: the code of that name, or the rule's
        error for a missing village."""
        village = rules.text(self.table.cell(cells, "village_name"))
        district = rules.text(self.table.cell(cells, "district_name"))
        if not village or not district:
            return self._clean(rules.COLUMN_SPEC["village"], None)
        key = (rules.name_key(district), rules.name_key(village))
        code = self.ref.by_name.get(key)
        if code:
            return code
        return registry_rules.FieldInvalid(
            _(
                'desa "%(d)s" di Kecamatan "%(k)s" tidak ditemukan%(amb)s. Periksa ejaan atau '
                "isi KODE_DESA dari lembar Referensi."
            )
            % {
                "d": village[:40],
                "k": district[:40],
                "amb": _(" atau ada lebih dari satu") if key in self.ref.by_name else "",
            },
            code="village_unknown",
            field="village_name",
        )


def workers_import(
    *,
    by: User,
    content: bytes,
    filename: str,
    programme: Programme | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    source: str = "",
) -> ImportReport:
    """Import a worker spreadsheet (see the module docstring). Raises `parsers.FileRefused`
    when the file is refused whole, `ScopeDenied` when the user may not import at all,
    `ImportInProgress` when the same file is being imported right now, `ImportConflict` when
    another import saved the same NIKs between this one's checks and its write."""
    lock = (
        nullcontext(lambda: None)
        if dry_run
        else import_lock(content=content, label=f"{source or filename} ({by.username})")
    )
    with lock as beat:

        def progress_and_beat(phase: str, done: int, total: int) -> None:
            beat()
            if progress:
                progress(phase, done, total)

        try:
            return _workers_import(
                by=by,
                content=content,
                filename=filename,
                programme=programme,
                dry_run=dry_run,
                progress=progress_and_beat,
                source=source,
            )
        except IntegrityError as e:
            # The checks ran outside the write transaction; another import (another file with
            # the same NIK) committed in between. The write rolled back whole.
            log.warning("import conflict: %s", e)
            raise ImportConflict(
                _(
                    "Impor lain menyimpan NIK yang sama saat berkas ini diperiksa. Tidak ada yang "
                    "disimpan dari berkas ini; unggah ulang, baris yang sudah tersimpan akan "
                    "tercatat tidak berubah."
                )
            ) from e


def _workers_import(
    *,
    by: User,
    content: bytes,
    filename: str,
    programme: Programme | None,
    dry_run: bool,
    progress: ProgressFn | None,
    source: str,
) -> ImportReport:
    if not can(by, Action.WORKER_EDIT):
        authorize(by, Action.WORKER_EDIT, None)
    scope = scope_of(by)
    today = clock.today()
    period = None
    if programme is not None:
        if not can(by, Action.ENROLMENT_PROPOSE):
            authorize(by, Action.ENROLMENT_PROPOSE, None)
        if not scope.touches(programme.region_id):
            raise ScopeDenied(
                _("Program %(code)s bukan program wilayah Anda.") % {"code": programme.code}
            )
        period = programme_rules_mod.enrolment_period(programme_rules(programme), on=today)
        if period is None:
            raise parsers.FileRefused(
                _("Program %(code)s sudah berakhir; usulan tidak dapat diterima.")
                % {"code": programme.code},
                code="programme_ended",
            )

    lap_start = [time.perf_counter()]
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - lap_start[0], 2)
        lap_start[0] = now

    def report_progress(phase: str, done: int, total: int) -> None:
        if progress:
            progress(phase, done, total)

    report_progress("membaca", 0, 0)
    bulk.tune_connection()
    table = parsers.read_table(content, filename)
    total = len(table.rows)
    report = ImportReport(rows=total, dry_run=dry_run, timings=timings)
    lap("read")
    ref = _Reference(table, by=by, programme=programme, today=today)
    checker = _RowChecker(table, ref)
    lap("reference")

    rows: list[_Row] = []
    issues: dict[int, list[Issue]] = {}
    first_row_of: dict[str, int] = {}
    for n, (row_no, cells) in enumerate(table.rows, 1):
        row, problems = checker.check(row_no, cells)
        if row.nik:
            if row.nik in first_row_of:
                problems.append(
                    rules.issue(
                        row_no,
                        "NIK",
                        "duplicate_in_file",
                        _(
                            "NIK %(nik)s sudah ada di baris %(r)s berkas ini. Hapus salah satu baris."
                        )
                        % {"nik": row.nik, "r": first_row_of[row.nik]},
                    )
                )
            else:
                first_row_of[row.nik] = row_no
        if problems:
            issues[row_no] = problems
        rows.append(row)
        if n % PROGRESS_EVERY == 0:
            report_progress("memeriksa", n, total)
    report_progress("memeriksa", total, total)
    lap("check_rows")

    # The registry's own plan: create, update or unchanged, scope and identity corrections.
    candidates = [r for r in rows if r.row not in issues]
    for r in candidates:
        r.write = WorkerRow(key=r.row, values=r.values)
    workers_plan(
        rows=[r.write for r in candidates],
        by=by,
        on=today,  # type: ignore[misc]
        on_existing="update",
    )
    for r in candidates:
        for e in r.write.problems:  # type: ignore[union-attr]
            _add_issue(issues, r.row, e)
    if programme is not None and period is not None:
        _check_programme(
            programme,
            period,
            [r for r in candidates if r.row not in issues],
            issues,
            by=by,
            today=today,
        )
    lap("registry_and_programme")

    report_progress("mencari data ganda", total, total)
    accepted = [r for r in candidates if r.row not in issues]
    matches = duplicates.find_possible_duplicates(
        [
            duplicates.Candidate(
                key=r.row,
                nik=r.nik,
                name=r.values["name"],
                birth_date=r.values["birth_date"],
                village_code=r.values["village_id"],
                worker_id=r.worker_id,
            )
            for r in accepted
        ]
    )
    by_row = {r.row: r for r in accepted}
    for m in matches:
        # Not proposed until an admin decides the pair (the worker is written and queued).
        by_row[m.left].flagged = True
    if programme is not None:
        _check_quota(programme, accepted, issues)
    accepted = [r for r in accepted if r.row not in issues]
    kept = {r.row for r in accepted}
    matches = [
        m for m in matches if m.left in kept and (m.right_worker_id is not None or m.right in kept)
    ]
    for m in matches:
        report.warnings.append(_duplicate_warning(m, scope=scope, proposing=programme is not None))
    lap("duplicates")

    report.errors = [i for r in sorted(issues) for i in issues[r]]
    report.warnings.sort(key=lambda i: i.row)
    report.accepted = len(accepted)
    report.rejected = total - len(accepted)
    report.created = sum(r.action == "create" for r in accepted)
    report.updated = sum(r.action == "update" for r in accepted)
    report.unchanged = sum(r.action == "unchanged" for r in accepted)
    report.enrolled = sum(r.propose for r in accepted)
    if dry_run or not accepted:
        return report
    report_progress("menyimpan", total, total)
    with transaction.atomic():
        _write(
            accepted=accepted,
            matches=matches,
            by=by,
            programme=programme,
            today=today,
            source=source or filename,
            report=report,
            lap=lap,
        )
    lap("commit")
    return report


# Where a problem found after the cells (by the registry's plan or the proposal checks) is
# shown: the column of the field it names.
FIELD_COLUMN = {spec.field: spec.column for spec in rules.COLUMN_SPECS} | {
    "status": "NIK",
    "status_date": "NIK",
    "correction_reason": "NIK",
    None: "NIK",
}


def _add_issue(issues: dict[int, list[Issue]], row: int, e: DomainError) -> None:
    issues.setdefault(row, []).append(
        rules.issue(row, FIELD_COLUMN.get(e.field, "NIK"), e.code, e.message)
    )


def _check_programme(
    programme: Programme,
    period: tuple[dt.date, dt.date],
    rows: list[_Row],
    issues: dict[int, list[Issue]],
    *,
    by: User,
    today: dt.date,
) -> None:
    """The proposal checks `enrolments_propose` makes (`programs.services.proposal_checks`,
    the same function), run first so that a rejected row writes nothing (not even its worker)
    and a dry run can report them. A row already in the programme is simply not proposed."""
    check = proposal_checks(
        programme=programme,
        by=by,
        period=period,
        on=today,
        already_in_is_refusal=False,
        candidates=[
            ProposalCandidate(
                key=r.row,
                worker_id=r.worker_id,
                village_id=r.values["village_id"],
                birth_date=r.values["birth_date"],
                occupation_id=r.values["occupation_id"],
                status=r.write.status,
            )  # type: ignore[union-attr]
            for r in rows
        ],
    )
    for row, problems in check.refused.items():
        for e in problems:
            _add_issue(issues, row, e)
    accepted = {c.key for c in check.accepted}  # proposed unless flagged or beyond the quota
    for r in rows:
        r.propose = r.row in accepted


def _check_quota(programme: Programme, rows: list[_Row], issues: dict[int, list[Issue]]) -> None:
    """Rows to propose beyond the quota are rejected (nothing written), in file order; rows
    held back as possible duplicates take no place."""
    room = quota_room(programme)
    full = quota_full_error(programme)
    for r in rows:
        if r.flagged:
            r.propose = False
        if not r.propose or r.row in issues:
            continue
        if room > 0:
            room -= 1
            continue
        r.propose = False
        issues.setdefault(r.row, []).append(
            rules.issue(
                r.row,
                "NIK",
                full.code,
                _("%(msg)s Baris ini dan sesudahnya tidak diusulkan; minta admin menambah kuota.")
                % {"msg": full.message},
            )
        )


def _duplicate_warning(m: duplicates.Match, *, scope: Any, proposing: bool) -> Issue:
    then = (
        _(
            "Pekerja tetap disimpan tetapi belum diusulkan ke program sampai admin "
            "memutuskannya di antrean data ganda."
        )
        if proposing
        else _("Baris tetap diterima; admin akan memeriksanya di antrean data ganda.")
    )
    if m.right_worker_id is not None and not scope.covers(m.right_village_code):
        # A registry worker of another village: say that a match exists, not who.
        return rules.issue(
            m.left,
            "NAMA",
            "possible_duplicate",
            _(
                "kemungkinan data ganda: mirip pekerja terdaftar di desa lain (di luar wilayah "
                "Anda, kemiripan %(s)s%%) dengan tanggal lahir dan kecamatan sama. %(then)s"
            )
            % {"s": m.score, "then": then},
        )
    where = (
        _("baris %(r)s berkas ini") % {"r": m.right}
        if m.right_worker_id is None
        else _("registri, desa %(v)s") % {"v": m.right_village_code}
    )
    return rules.issue(
        m.left,
        "NAMA",
        "possible_duplicate",
        _(
            "kemungkinan data ganda: mirip %(name)s (NIK %(nik)s, %(where)s, kemiripan %(s)s%%) "
            "dengan tanggal lahir dan kecamatan sama. %(then)s"
        )
        % {"name": m.right_name, "nik": m.right_nik, "where": where, "s": m.score, "then": then},
    )


@dataclass(slots=True)
class _Proposal:
    """What `enrolments_propose` reads of a worker, without building a Worker."""

    pk: int
    village_id: str
    birth_date: dt.date
    occupation_id: int
    status: str
    name: str


def _write(
    *,
    accepted: list[_Row],
    matches: list[duplicates.Match],
    by: User,
    programme: Programme | None,
    today: dt.date,
    source: str,
    report: ImportReport,
    lap: Callable[[str], None] = lambda _name: None,
) -> None:
    """Every write of the import, in one transaction, through the services that own the
    tables: the registry's write path (workers and their audit), the proposals, the queue."""
    workers_apply(
        rows=[r.write for r in accepted],
        by=by,
        on=today,  # type: ignore[misc]
        source=source,
        audit_prefix="import_",
        row_in_audit=True,
    )
    lap("write_workers")
    to_propose = [r for r in accepted if r.propose]
    if programme is not None and to_propose:
        result = enrolments_propose(
            programme=programme,
            by=by,
            on=today,
            with_instances=False,
            workers=[
                _Proposal(
                    pk=r.worker_id,
                    village_id=r.values["village_id"],  # type: ignore[arg-type]
                    birth_date=r.values["birth_date"],
                    occupation_id=r.values["occupation_id"],
                    status=r.write.status,
                    name=r.values["name"],
                )  # type: ignore[union-attr]
                for r in to_propose
            ],
        )
        if result.refused:
            # Someone changed enrolments between our checks and this transaction: roll back
            # everything rather than write workers whose proposal silently failed.
            raise ImportConflict(
                _(
                    "Data kepesertaan berubah selama impor (%(n)s usulan ditolak). Tidak ada yang "
                    "disimpan; unggah ulang berkas."
                )
                % {"n": len(result.refused)}
            )
    lap("write_enrolments")
    row_worker = {r.row: r.worker_id for r in accepted}
    report.duplicate_pairs = duplicates.duplicate_pairs_record(
        pairs=[
            (row_worker[m.left], m.right_worker_id or row_worker[m.right], m.score) for m in matches
        ],  # type: ignore[misc]
        source=source,
    )
    lap("write_pairs")


# --- background jobs ------------------------------------------------------------------------


def import_job_create(
    *,
    by: User,
    filename: str,
    content: bytes,
    programme: Programme | None = None,
    dry_run: bool = False,
    kind: str = ImportJob.Kind.WORKERS,
) -> ImportJob:
    """Store the upload and queue it for the background worker (`lindung db_worker`)."""
    action = Action.ENROLMENT_REGISTER if kind == ImportJob.Kind.BPJS_ANSWER else Action.WORKER_EDIT
    if not can(by, action):
        authorize(by, action, None)
    scope = scope_of(by)
    if programme is not None and not scope.touches(programme.region_id):
        raise ScopeDenied(
            _("Program %(code)s bukan program wilayah Anda.") % {"code": programme.code}
        )
    digest = hashlib.sha256(content).hexdigest()
    import_jobs_reclaim()
    twin = (
        ImportJob.objects.filter(
            content_sha256=digest,
            kind=kind,
            dry_run=dry_run,
            status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING],
        )
        .only("pk", "filename")
        .first()
    )
    if twin is not None:  # a double click, or the same file sent again while it runs
        raise ImportInProgress(
            _(
                "Berkas yang sama sudah diunggah dan sedang diproses (impor #%(pk)s, %(file)s). "
                "Tunggu hasilnya di halaman impor itu."
            )
            % {"pk": twin.pk, "file": twin.filename}
        )
    job = ImportJob.objects.create(
        kind=kind,
        created_by=by,
        region_code=by.region_id or "",
        programme=programme,
        dry_run=dry_run,
        filename=_printable(filename)[:200],
        content=content,
        content_sha256=digest,
    )
    from lindung.imports.tasks import run_import_job

    def enqueue() -> None:
        result = run_import_job.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job


def _printable(text: str) -> str:
    """A file name as stored and shown: no NUL or other control characters (PostgreSQL refuses
    NUL in text; the others only confuse a page or a terminal)."""
    return "".join(ch for ch in text if ch.isprintable()) or "berkas"


class _JobProgress:
    """Writes progress (and with it the job's heartbeat) to the job row at most twice a second,
    outside the import's transaction, so the page sees it while the rows are being checked."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-3)
        ImportJob.objects.filter(pk=self.job.pk).update(
            phase=phase,
            rows_done=done,
            rows_total=total,
            rows_per_second=round(done / elapsed, 1),
            heartbeat_at=clock.now(),
        )


def import_job_run(*, job_id: int) -> dict[str, Any]:
    """Run a queued job (called by the task). Never raises for a bad file: the outcome is
    stored on the job for its result page."""
    import_jobs_reclaim()  # jobs left "berjalan" by a worker that died before this one started
    job = ImportJob.objects.select_related("created_by", "programme").get(pk=job_id)
    if job.is_finished:
        return job.result
    started = time.monotonic()
    now = clock.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=liveness.this_process(),
    )
    progress = _JobProgress(job)
    fields: dict[str, Any] = {}
    report: Any = None
    try:
        if job.kind == ImportJob.Kind.BPJS_ANSWER:
            from lindung.imports.bpjs import bpjs_answer_import

            lock = (
                nullcontext(lambda: None)
                if job.dry_run
                else import_lock(
                    content=bytes(job.content),
                    label=f"impor #{job.pk} {job.filename} ({job.created_by.username})",
                )
            )
            with lock:
                report = bpjs_answer_import(
                    by=job.created_by,
                    content=bytes(job.content),
                    filename=job.filename,
                    programme=job.programme,
                    dry_run=job.dry_run,
                    progress=progress,
                )
        else:
            report = workers_import(
                by=job.created_by,
                content=bytes(job.content),
                filename=job.filename,
                programme=job.programme,
                dry_run=job.dry_run,
                progress=progress,
                source=f"impor #{job.pk} {job.filename}",
            )
    except (parsers.FileRefused, ScopeDenied, ImportInProgress) as e:
        fields = {"status": ImportJob.Status.REFUSED, "message": e.message}
    except DomainError as e:
        fields = {"status": ImportJob.Status.FAILED, "message": e.message}
    except Exception:
        log.exception("import job %s failed", job.pk)
        fields = {
            "status": ImportJob.Status.FAILED,
            "message": _("Terjadi kesalahan sistem; tidak ada data yang disimpan. Hubungi admin."),
        }
    else:
        elapsed = max(time.monotonic() - started, 1e-3)
        kept = ImportJob.ERRORS_STORED
        fields = {
            "status": ImportJob.Status.DONE,
            "result": report.counts(),
            "errors": [e.as_dict() for e in report.errors[:kept]],
            "warnings": [w.as_dict() for w in report.warnings[:kept]],
            "errors_total": len(report.errors),
            "warnings_total": len(report.warnings),
            "rows_total": report.rows,
            "rows_done": report.rows,
            "rows_per_second": round(report.rows / elapsed, 1),
            "phase": "",
        }
        if report.errors and job.kind == ImportJob.Kind.WORKERS:
            fields["error_file_status"] = ImportJob.ErrorFile.QUEUED
    ImportJob.objects.filter(pk=job.pk).update(finished_at=clock.now(), **fields)
    if fields.get("error_file_status"):
        # Still in the background worker, while every error (not only the stored ones) is
        # at hand: the page shows the result now and offers the workbook when it is ready.
        job.errors = [e.as_dict() for e in report.errors]
        import_job_error_file_build(job=job)
    return fields.get("result", {})


def import_job_error_file_build(*, job: ImportJob) -> None:
    """Build and store the error workbook of a finished worker import (`workbooks`), from
    `job.errors` as given: every error when called by the import itself, the stored ones for a
    job from before error files were kept. Runs in the task worker, never in a web request:
    for a large file it takes seconds and hundreds of MB."""
    from lindung.imports import workbooks

    try:
        export = workbooks.error_workbook_export(job=job)
    except Exception as e:  # noqa: BLE001 - a purged or unreadable file leaves a clear status
        log.warning("error workbook of import job %s failed: %s", job.pk, e)
        ImportJob.objects.filter(pk=job.pk).update(error_file_status=ImportJob.ErrorFile.FAILED)
        return
    ImportJob.objects.filter(pk=job.pk).update(
        error_file=export.content,
        error_file_rows=export.rows,
        error_file_status=ImportJob.ErrorFile.READY,
    )


def import_job_error_file_request(*, job: ImportJob) -> None:
    """Queue the error workbook of a job that has none (see `import_job_error_file_build`)."""
    if job.error_file_status == ImportJob.ErrorFile.QUEUED:
        return
    ImportJob.objects.filter(pk=job.pk).update(error_file_status=ImportJob.ErrorFile.QUEUED)
    from lindung.imports.tasks import build_error_file

    transaction.on_commit(lambda: build_error_file.enqueue(job.pk))


def import_jobs_reclaim(*, on: dt.datetime | None = None) -> int:
    """Mark failed every job left queued-and-claimed or running by a worker that is gone: its
    process no longer runs on this machine, or it has given no sign of life for
    `stale_after()`. Nothing of such a job was saved: its writes are one transaction, rolled
    back when the process died. Called by the worker before each job and by the import pages,
    so a job never stays "berjalan" forever. Returns how many were reclaimed."""
    now = on or clock.now()
    dead = [
        pk
        for pk, worker, *signs in ImportJob.objects.filter(
            status=ImportJob.Status.RUNNING
        ).values_list("pk", "worker", "heartbeat_at", "started_at", "created_at")
        if _is_dead(worker, next((t for t in signs if t is not None), None), now)
    ]
    if not dead:
        return 0
    return ImportJob.objects.filter(pk__in=dead, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED,
        finished_at=now,
        phase="",
        message=_(
            "Pekerja latar berhenti saat memproses berkas ini (misalnya karena berkas terlalu "
            "berat atau server dimulai ulang). Tidak ada data yang disimpan. Unggah ulang "
            "berkas; bila terulang, pecah berkas menjadi beberapa bagian atau hubungi admin."
        ),
    )


# --- retention of uploaded files -------------------------------------------------------------


def upload_retention_days(*, on: dt.date | None = None) -> int:
    """How many days an uploaded file is kept after its upload: the dated parameter
    'retensi_berkas_hari' (90 by default; an administrator adds a row in the admin to change
    it)."""
    return parameter_int("retensi_berkas_hari", on=on, default=90)


def uploads_purge(
    *, on: dt.date | None = None, days: int | None = None, dry_run: bool = False
) -> int:
    """Delete the stored files of finished imports uploaded more than `days` days before `on`
    (default: today and `upload_retention_days`). Files hold NIKs, names and phone numbers and
    are needed only to read them once and to build the error workbook; the error and warning
    lists quote the same data and go with them. What stays is the job's record: who uploaded
    which file when, and its counts. Jobs still queued or running are left alone. Each purge
    is one audit event per job. Returns how many jobs were purged (or would be, `dry_run`).

    Run daily by cron or a systemd timer: `lindung purge-uploads` (docs/imports.md)."""
    on = on or clock.today()
    days = upload_retention_days(on=on) if days is None else days
    if days < 1:
        raise DomainError(
            _("Masa simpan berkas unggahan minimal 1 hari (tertulis %(n)s).") % {"n": days},
            code="retention_invalid",
            field="days",
        )
    # Whole days in the installation's time zone: a file uploaded on 1 March with 90 days is
    # kept through 30 May and purged from 31 May.
    cutoff = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=days), dt.time.min))
    stale = ImportJob.objects.filter(status__in=ImportJob.FINISHED, created_at__lt=cutoff).exclude(
        content=b""
    )
    jobs = list(stale.values_list("pk", "region_code", "filename"))
    if dry_run or not jobs:
        return len(jobs)
    with transaction.atomic():
        for part in in_batches([pk for pk, _r, _f in jobs]):
            # The error workbook quotes the rejected rows: it goes with the file.
            ImportJob.objects.filter(pk__in=part).update(
                content=b"",
                errors=[],
                warnings=[],
                error_file=None,
                error_file_status=ImportJob.ErrorFile.FAILED,
            )
        summary = _("Berkas %(file)s dihapus: masa simpan %(n)s hari berakhir")
        audit_rows_insert(
            (
                (
                    "purge",
                    "importjob",
                    str(pk),
                    region,
                    summary % {"file": filename, "n": days},
                    json.dumps({"days": days}),
                )
                for pk, region, filename in jobs
            ),
            actor=None,
        )
    return len(jobs)

"""Collective registration of workers from a spreadsheet.

One pipeline for the web upload (run by the background worker) and `lindung import-workers`:

1. read the file (`parsers`), refuse it whole when unreadable or a required column is missing;
2. check every row in Python with the registry rules, the user's scope and, with a programme,
   its eligibility, the double-funding rule and the quota, using reference data read once and
   chunked IN queries (never one query per row);
3. find possible duplicates set-based (`registry.duplicates`), as warnings;
4. unless it is a dry run, write every accepted row in ONE transaction: bulk inserts and
   updates of workers, their audit events, the enrolment proposals (`programs.services.
   enrolments_propose`) and the review-queue pairs. A crash or kill midway leaves the database
   as it was; rejected rows write nothing.

A dry run stops before step 4 and reports exactly the same counts, because steps 2-3 already
decide every row's fate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
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
from lindung.core.formatting import thousands
from lindung.core.lookups import in_batches
from lindung.core.selectors import parameter_int
from lindung.imports import parsers, rules
from lindung.imports.models import ImportJob, ImportLock
from lindung.imports.rules import Issue
from lindung.programs import rules as programme_rules_mod
from lindung.programs.models import Enrolment, Programme
from lindung.programs.selectors import programmes_holding
from lindung.programs.services import enrolments_propose, programme_rules
from lindung.regions.models import Region
from lindung.registry import duplicates
from lindung.registry import rules as registry_rules
from lindung.registry.models import Occupation, Worker
from lindung.registry.services import default_declared_income

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2000
ProgressFn = Callable[[str, int, int], None]

# Worker fields a row maintains, in the order used to compare an existing record.
ROW_FIELDS = ("kk_number", "name", "sex", "birth_place", "birth_date", "village_id", "address",
              "occupation_id", "phone", "declared_income")
# Optional columns: an empty cell keeps what the registry already holds.
KEEP_WHEN_BLANK = {"kk_number", "birth_place", "address", "phone", "declared_income"}

PROGRAMME_CODE_COLUMN = {"age_out_of_range": "TANGGAL_LAHIR", "occupation_not_eligible":
                         "PEKERJAAN", "village_out_of_scope": "KODE_DESA",
                         "worker_inactive": "NIK"}


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
            ImportLock.objects.update_or_create(pk=digest, defaults={
                "holder": me, "label": label[:200], "started_at": now, "heartbeat_at": now})
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
        return ImportInProgress(_("Berkas yang sama sedang diimpor. Tunggu sampai selesai, lalu "
                                  "periksa hasilnya sebelum mengimpor ulang."))
    return ImportInProgress(_(
        "Berkas yang sama sedang diimpor (%(label)s, mulai %(at)s). Tunggu sampai selesai, lalu "
        "periksa hasilnya; mengimpor ulang berkas yang sama tidak mengubah apa pun.")
        % {"label": held.label, "at": timezone.localtime(held.started_at).strftime("%H.%M")})


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
        return {k: getattr(self, k) for k in ("rows", "accepted", "rejected", "created",
                                              "updated", "unchanged", "enrolled")}

    def as_dict(self) -> dict[str, Any]:
        """The shape `lindung import-workers --json` prints (see docs/imports.md)."""
        return {**self.counts(), "errors": [e.as_dict() for e in self.errors],
                "warnings": [w.as_dict() for w in self.warnings]}


@dataclass(slots=True)
class _Row:
    row: int
    nik: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # Worker field -> clean value
    occupation_code: str = ""
    worker_id: int | None = None
    status: str = Worker.Status.ACTIVE
    action: str = ""  # create / update / unchanged
    propose: bool = False


class _Reference:
    """Villages and occupations the file refers to, read once before the rows are checked."""

    def __init__(self, table: parsers.Table, *, by: User, programme: Programme | None) -> None:
        self.occupations: dict[str, tuple[int, str]] = {}
        for pk, code, name in Occupation.objects.values_list("id", "code", "name"):
            self.occupations[rules.name_key(code)] = (pk, code)
            self.occupations.setdefault(rules.name_key(name), (pk, code))
        raw_codes = {table.cell(c, "village_code") for _r, c in table.rows}
        codes = {normalise_village_code(c) for c in raw_codes}
        codes.discard("")
        self.village_codes: set[str] = set()
        for part in in_batches(sorted(codes)):
            self.village_codes.update(Region.objects.filter(
                code__in_array=part, level=Region.Level.VILLAGE,
            ).values_list("code", flat=True))
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


def normalise_village_code(value: object) -> str:
    """'64.01.01.2009', '6401012009' and ' 64.01.01.2009 ' -> '64.01.01.2009'."""
    s = rules.text(value).replace(" ", "")
    digits = re.sub(r"\D", "", s)
    if len(digits) == 10 and (s == digits or re.fullmatch(r"[\d.]+", s)):
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return s


_MISSING = object()


class _RowChecker:
    """Checks rows one by one. Columns with few distinct values (sex, date, village,
    occupation, income) are parsed once per distinct value: a 100,000-row file has a few
    thousand birth dates and a few hundred villages."""

    def __init__(self, table: parsers.Table, ref: _Reference, today: dt.date) -> None:
        self.table = table
        self.ref = ref
        self.today = today
        self.provinces = registry_rules.province_codes()
        self.idx = {f: table.columns.get(f) for _c, f in rules.COLUMNS + rules.EXTRA_COLUMNS}
        self.cache: dict[str, dict[object, Any]] = {f: {} for f in (
            "sex", "birth_date", "village_code", "occupation", "declared_income")}
        self.nik_cache: dict[str, Any] = {}

    def _memo(self, name: str, raw: object, parse: Callable[[object], Any]) -> Any:
        """parse(raw), or the CellInvalid it raised, computed once per distinct raw value."""
        cache = self.cache[name]
        key = (type(raw), raw)
        hit = cache.get(key, _MISSING)
        if hit is _MISSING:
            try:
                hit = parse(raw)
            except rules.CellInvalid as e:
                hit = e
            cache[key] = hit
        return hit

    def _nik_parts(self, nik: str) -> tuple[str, tuple[int, int, int]] | DomainError:
        """(sex, (day, month, yy)) encoded by a 16-digit NIK, or the registry rules' error."""
        key = nik[:2] + nik[6:12]
        hit = self.nik_cache.get(key)
        if hit is None:
            try:
                info = registry_rules.parse_nik(nik, today=self.today, provinces=self.provinces)
                b = info.birth_date
                hit = (info.sex, (b.day, b.month, b.year % 100))
            except DomainError as e:
                hit = e
            self.nik_cache[key] = hit
        return hit

    def _nik_full(self, row: _Row, raw: object, sex: str | None, birth: dt.date | None,
                  out: list[Issue]) -> None:
        try:
            info = registry_rules.parse_nik(raw, today=self.today, provinces=self.provinces)
            row.nik = info.nik
            registry_rules.check_nik_matches(info, sex=sex, birth_date=birth)
        except DomainError as e:
            out.append(rules.issue(row.row, "NIK", e.code, e.message))

    def _sex(self, raw: object) -> str:
        return rules.parse_sex(raw)

    def _birth(self, raw: object) -> dt.date:
        birth = rules.parse_date(raw)
        if birth > self.today or birth.year < 1900:
            raise rules.CellInvalid(
                "date_invalid", _("Tanggal lahir %(d)s tidak mungkin. Periksa KTP.")
                % {"d": birth.strftime("%d/%m/%Y")})
        return birth

    def _village(self, raw: object) -> str:
        code = normalise_village_code(raw)
        if code in self.ref.village_codes:
            return code
        raise rules.CellInvalid("village_unknown", _(
            "kode desa \"%(v)s\" tidak dikenal. Salin kode dari lembar Referensi templat "
            "(format 64.01.01.2009).") % {"v": code[:20]})

    def _occupation(self, raw: object) -> tuple[int, str]:
        found = self.ref.occupations.get(rules.name_key(rules.text(raw)))
        if found:
            return found
        raise rules.CellInvalid("occupation_not_eligible", _(
            "pekerjaan \"%(v)s\" tidak ada dalam daftar pekerjaan rentan. Pilih dari lembar "
            "Referensi templat.") % {"v": rules.text(raw)[:40]})

    def _income(self, raw: object) -> int:
        income = rules.parse_income(raw)
        if income <= 0:
            raise rules.CellInvalid("income_invalid",
                                    _("penghasilan harus lebih dari Rp0, atau kosongkan."))
        return income

    def check(self, row_no: int, cells: list[object]) -> tuple[_Row, list[Issue]]:
        """Every problem of one row (not only the first), and its clean values."""
        row = _Row(row=row_no)
        out: list[Issue] = []
        v = row.values
        idx = self.idx
        width = len(cells)

        def cell(name: str) -> object:
            i = idx[name]
            return cells[i] if i is not None and i < width else None

        def missing(column: str, what: str) -> None:
            out.append(rules.issue(row_no, column, "missing_value",
                              _("wajib diisi. Isi %(what)s.") % {"what": what}))

        raw = cell("name")
        name = " ".join(str(raw).split()) if raw is not None else ""
        if name:
            v["name"] = name[:150]
        else:
            missing("NAMA", _("nama lengkap sesuai KTP"))

        sex = None
        raw = cell("sex")
        if rules.is_blank(raw):
            missing("JENIS_KELAMIN", _("L atau P"))
        else:
            got = self._memo("sex", raw, self._sex)
            if isinstance(got, rules.CellInvalid):
                out.append(rules.issue(row_no, "JENIS_KELAMIN", got.code,
                                  _("\"%(v)s\" tidak dikenali. %(fix)s")
                                  % {"v": rules.text(raw)[:20], "fix": got.message}))
            else:
                sex = v["sex"] = got

        birth = None
        raw = cell("birth_date")
        if rules.is_blank(raw):
            missing("TANGGAL_LAHIR", _("tanggal lahir hh/bb/tttt"))
        else:
            got = self._memo("birth_date", raw, self._birth)
            if isinstance(got, rules.CellInvalid):
                out.append(rules.issue(row_no, "TANGGAL_LAHIR", got.code, got.message))
            else:
                birth = v["birth_date"] = got

        raw = cell("nik")
        if type(raw) is str and len(raw) == 16 and raw.isdigit():
            # The common case, decided by the registry rules once per (province, DDMMYY):
            # parse_nik's outcome depends on nothing else for a 16-digit string.
            got = self._nik_parts(raw)
            if isinstance(got, DomainError):
                out.append(rules.issue(row_no, "NIK", got.code, got.message))
            else:
                row.nik = raw
                if (sex and sex != got[0]) or (birth and (
                        birth.day, birth.month, birth.year % 100) != got[1]):
                    self._nik_full(row, raw, sex, birth, out)
        elif rules.is_blank(raw):
            missing("NIK", _("16 digit NIK sesuai KTP"))
        elif rules.is_number_cell(raw):
            out.append(rules.issue(row_no, "NIK", "nik_number_cell", _(
                "NIK tersimpan sebagai angka (%(v)s), Excel hanya menyimpan 15 digit sehingga "
                "digit terakhir hilang. Format sel sebagai Teks lalu ketik ulang NIK.")
                % {"v": rules.text(raw)[:20]}))
        else:
            self._nik_full(row, raw, sex, birth, out)

        raw = cell("kk_number")
        if type(raw) is str and len(raw) == 16 and raw.isdigit() and raw[:2] in self.provinces:
            v["kk_number"] = raw
        elif not rules.is_blank(raw):
            if rules.is_number_cell(raw):
                out.append(rules.issue(row_no, "NO_KK", "nik_number_cell", _(
                    "No. KK tersimpan sebagai angka, Excel hanya menyimpan 15 digit sehingga "
                    "digit terakhir hilang. Format sel sebagai Teks lalu ketik ulang No. KK.")))
            else:
                try:
                    v["kk_number"] = registry_rules.validate_kk(raw, provinces=self.provinces)
                except DomainError as e:
                    out.append(rules.issue(row_no, "NO_KK", e.code, e.message))

        raw = cell("village_code")
        if not rules.is_blank(raw):
            got = self._memo("village_code", raw, self._village)
            if isinstance(got, rules.CellInvalid):
                out.append(rules.issue(row_no, "KODE_DESA", got.code, got.message))
            else:
                v["village_id"] = got
        elif not rules.is_blank(cell("village_name")) and not rules.is_blank(cell("district_name")):
            key = (rules.name_key(rules.text(cell("district_name"))),
                   rules.name_key(rules.text(cell("village_name"))))
            code = self.ref.by_name.get(key)
            if code:
                v["village_id"] = code
            else:
                out.append(rules.issue(row_no, "DESA", "village_unknown", _(
                    "desa \"%(d)s\" di Kecamatan \"%(k)s\" tidak ditemukan%(amb)s. Periksa ejaan "
                    "atau isi KODE_DESA dari lembar Referensi.")
                    % {"d": rules.text(cell("village_name"))[:40],
                       "k": rules.text(cell("district_name"))[:40],
                       "amb": _(" atau ada lebih dari satu") if key in self.ref.by_name else ""}))
        else:
            missing("KODE_DESA", _("kode desa dari lembar Referensi (atau kolom DESA dan "
                                   "KECAMATAN)"))

        raw = cell("occupation")
        if rules.is_blank(raw):
            missing("PEKERJAAN", _("pekerjaan dari lembar Referensi"))
        else:
            got = self._memo("occupation", raw, self._occupation)
            if isinstance(got, rules.CellInvalid):
                out.append(rules.issue(row_no, "PEKERJAAN", got.code, got.message))
            else:
                v["occupation_id"], row.occupation_code = got

        raw = cell("birth_place")
        if not rules.is_blank(raw):
            v["birth_place"] = " ".join(str(raw).split())[:80]
        raw = cell("address")
        if not rules.is_blank(raw):
            v["address"] = rules.text(raw)[:250]

        raw = cell("phone")
        if type(raw) is str and raw[:2] == "08" and 9 <= len(raw) <= 14 and raw.isdigit():
            v["phone"] = raw
        elif not rules.is_blank(raw):
            phone = registry_rules.normalise_number(rules.text(raw))
            if phone.startswith("+62"):
                phone = "0" + phone[3:]
            elif phone.startswith("62") and len(phone) > 10:
                phone = "0" + phone[2:]
            elif phone.startswith("8"):  # a number cell dropped the leading zero
                phone = "0" + phone
            if 9 <= len(phone) <= 14 and phone[0] == "0" and phone.isdigit():
                v["phone"] = phone
            else:
                out.append(rules.issue(row_no, "NO_HP", "phone_invalid", _(
                    "nomor HP harus diawali 08 atau +62 dan terdiri dari 9-14 digit, atau "
                    "kosongkan.")))

        raw = cell("declared_income")
        if not rules.is_blank(raw):
            got = self._memo("declared_income", raw, self._income)
            if isinstance(got, rules.CellInvalid):
                out.append(rules.issue(row_no, "PENGHASILAN", got.code, got.message))
            else:
                v["declared_income"] = got
        return row, out


def _existing_workers(niks: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """NIK -> (id, status, *ROW_FIELDS) for the NIKs already in the registry."""
    out: dict[str, tuple[Any, ...]] = {}
    for part in in_batches(sorted(set(niks))):
        for rec in Worker.objects.filter(nik__in_array=part).values_list(
                "nik", "id", "status", *ROW_FIELDS):
            out[rec[0]] = rec[1:]
    return out


def _open_in_programme(programme: Programme, worker_ids: Sequence[int]) -> set[int]:
    out: set[int] = set()
    for part in in_batches(worker_ids):
        out.update(Enrolment.objects.filter(
            programme=programme, worker_id__in_array=part,
            status__in=Enrolment.OPEN).values_list("worker_id", flat=True))
    return out


def workers_import(
    *, by: User, content: bytes, filename: str, programme: Programme | None = None,
    dry_run: bool = False, progress: ProgressFn | None = None, source: str = "",
) -> ImportReport:
    """Import a worker spreadsheet (see the module docstring). Raises `parsers.FileRefused`
    when the file is refused whole, `ScopeDenied` when the user may not import at all,
    `ImportInProgress` when the same file is being imported right now, `ImportConflict` when
    another import saved the same NIKs between this one's checks and its write."""
    lock = (nullcontext(lambda: None) if dry_run else
            import_lock(content=content, label=f"{source or filename} ({by.username})"))
    with lock as beat:
        def progress_and_beat(phase: str, done: int, total: int) -> None:
            beat()
            if progress:
                progress(phase, done, total)

        try:
            return _workers_import(by=by, content=content, filename=filename,
                                   programme=programme, dry_run=dry_run,
                                   progress=progress_and_beat, source=source)
        except IntegrityError as e:
            # The checks ran outside the write transaction; another import (another file with
            # the same NIK) committed in between. The write rolled back whole.
            log.warning("import conflict: %s", e)
            raise ImportConflict(_(
                "Impor lain menyimpan NIK yang sama saat berkas ini diperiksa. Tidak ada yang "
                "disimpan dari berkas ini; unggah ulang, baris yang sudah tersimpan akan "
                "tercatat tidak berubah.")) from e


def _workers_import(
    *, by: User, content: bytes, filename: str, programme: Programme | None,
    dry_run: bool, progress: ProgressFn | None, source: str,
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
            raise ScopeDenied(_("Program %(code)s bukan program wilayah Anda.")
                              % {"code": programme.code})
        prules = programme_rules(programme)
        period = programme_rules_mod.enrolment_period(prules, on=today)
        if period is None:
            raise parsers.FileRefused(
                _("Program %(code)s sudah berakhir; usulan tidak dapat diterima.")
                % {"code": programme.code}, code="programme_ended")

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
    ref = _Reference(table, by=by, programme=programme)
    checker = _RowChecker(table, ref, today)
    lap("reference")

    rows: list[_Row] = []
    issues: dict[int, list[Issue]] = {}
    first_row_of: dict[str, int] = {}
    for n, (row_no, cells) in enumerate(table.rows, 1):
        row, problems = checker.check(row_no, cells)
        if row.nik:
            if row.nik in first_row_of:
                problems.append(rules.issue(row_no, "NIK", "duplicate_in_file", _(
                    "NIK %(nik)s sudah ada di baris %(r)s berkas ini. Hapus salah satu baris.")
                    % {"nik": row.nik, "r": first_row_of[row.nik]}))
            else:
                first_row_of[row.nik] = row_no
        if problems:
            issues[row_no] = problems
        rows.append(row)
        if n % PROGRESS_EVERY == 0:
            report_progress("memeriksa", n, total)
    report_progress("memeriksa", total, total)
    lap("check_rows")

    candidates = [r for r in rows if r.row not in issues]
    existing = _existing_workers([r.nik for r in candidates])
    for r in candidates:
        rec = existing.get(r.nik)
        if rec is not None:
            r.worker_id, r.status = rec[0], rec[1]
            old = dict(zip(ROW_FIELDS, rec[2:], strict=True))
            if not scope.covers(old["village_id"]):
                issues.setdefault(r.row, []).append(rules.issue(
                    r.row, "NIK", "village_out_of_scope",
                    # Not which village: where another village's person lives is theirs.
                    _("NIK ini sudah terdaftar di desa lain, di luar wilayah Anda. Minta "
                      "admin kabupaten memeriksa dan memindahkan domisilinya.")))
                continue
            for k in KEEP_WHEN_BLANK:
                r.values.setdefault(k, old[k])
            r.action = "unchanged" if all(r.values[k] == old[k] for k in ROW_FIELDS) else "update"
        else:
            r.values.setdefault("declared_income", None)
            r.action = "create"
        if not scope.covers(r.values["village_id"]):
            issues.setdefault(r.row, []).append(rules.issue(
                r.row, "KODE_DESA", "village_out_of_scope",
                _("desa %(v)s di luar wilayah Anda. Anda hanya dapat mengimpor pekerja yang "
                  "berdomisili di wilayah Anda.") % {"v": r.values["village_id"]}))

    if programme is not None and period is not None:
        _check_programme(programme, prules, period, [r for r in candidates
                                                     if r.row not in issues], issues, today)

    accepted = [r for r in candidates if r.row not in issues]
    lap("registry_and_programme")
    report_progress("mencari data ganda", total, total)
    matches = duplicates.find_possible_duplicates([
        duplicates.Candidate(key=r.row, nik=r.nik, name=r.values["name"],
                             birth_date=r.values["birth_date"], village_code=r.values["village_id"],
                             worker_id=r.worker_id) for r in accepted])
    for m in matches:
        if m.right_worker_id is not None and not scope.covers(m.right_village_code):
            # A registry worker of another village: say that a match exists, not who.
            report.warnings.append(rules.issue(m.left, "NAMA", "possible_duplicate", _(
                "kemungkinan data ganda: mirip pekerja terdaftar di desa lain (di luar wilayah "
                "Anda, kemiripan %(s)s%%) dengan tanggal lahir dan kecamatan sama. Baris tetap "
                "diterima; admin kabupaten akan memeriksanya di antrean data ganda.")
                % {"s": m.score}))
            continue
        where = (_("baris %(r)s berkas ini") % {"r": m.right} if m.right_worker_id is None
                 else _("registri, desa %(v)s") % {"v": m.right_village_code})
        report.warnings.append(rules.issue(m.left, "NAMA", "possible_duplicate", _(
            "kemungkinan data ganda: mirip %(name)s (NIK %(nik)s, %(where)s, kemiripan %(s)s%%) "
            "dengan tanggal lahir dan kecamatan sama. Baris tetap diterima; admin akan "
            "memeriksanya di antrean data ganda.")
            % {"name": m.right_name, "nik": m.right_nik, "where": where, "s": m.score}))

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
        _write(accepted=accepted, matches=matches, by=by, programme=programme, today=today,
               source=source or filename, report=report, lap=lap)
    lap("commit")
    return report


def _check_programme(programme: Programme, prules: programme_rules_mod.ProgrammeRules,
                     period: tuple[dt.date, dt.date], rows: list[_Row],
                     issues: dict[int, list[Issue]], today: dt.date) -> None:
    """The checks `enrolments_propose` will make, done first so that a rejected row writes
    nothing (not even its worker) and a dry run can report them."""
    for r in rows:
        for e in programme_rules_mod.eligibility_problems(
                prules, birth_date=r.values["birth_date"], occupation_code=r.occupation_code,
                village_code=r.values["village_id"], worker_status=r.status, on=today):
            issues.setdefault(r.row, []).append(
                rules.issue(r.row, PROGRAMME_CODE_COLUMN.get(e.code, "NIK"), e.code, e.message))
    rows = [r for r in rows if r.row not in issues]
    known = [r.worker_id for r in rows if r.worker_id]
    already_in = _open_in_programme(programme, known)
    held = programmes_holding(known, *period, other_than=programme)
    for r in rows:
        if r.worker_id in held:
            issues.setdefault(r.row, []).append(rules.issue(r.row, "NIK", "already_enrolled", _(
                "pekerja sudah terdaftar di program %(other)s pada bulan yang sama; tidak boleh "
                "dibiayai ganda. Hapus baris ini atau akhiri kepesertaan di program itu.")
                % {"other": held[r.worker_id]}))
        elif r.worker_id not in already_in:
            r.propose = True
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()
    room = max(programme.quota - used, 0)
    for r in rows:
        if r.propose and r.row not in issues:
            if room > 0:
                room -= 1
            else:
                r.propose = False
                issues.setdefault(r.row, []).append(rules.issue(
                    r.row, "NIK", "quota_exceeded", _(
                        "kuota program %(code)s (%(quota)s peserta) sudah penuh. Baris ini dan "
                        "sesudahnya tidak diusulkan; minta admin menambah kuota.")
                    % {"code": programme.code, "quota": thousands(programme.quota)}))


@dataclass(slots=True)
class _Proposal:
    """What `enrolments_propose` reads of a worker, without building a Worker."""

    pk: int
    village_id: str
    birth_date: dt.date
    occupation_id: int
    status: str
    name: str


WORKER_INSERT = ["nik", "kk_number", "name", "sex", "birth_place", "birth_date", "village",
                 "address", "phone", "occupation", "declared_income", "status", "created_at",
                 "updated_at"]
def _write(*, accepted: list[_Row], matches: list[duplicates.Match], by: User,
           programme: Programme | None, today: dt.date, source: str,
           report: ImportReport, lap: Callable[[str], None] = lambda _name: None) -> None:
    """Every write of the import, in one transaction, as plain tuples (`core.bulk`)."""
    stamp = clock.now()
    now = bulk.db_datetime(stamp)
    default_income = default_declared_income(today)
    # In NIK order: inserts into the unique NIK index then walk it instead of jumping around.
    new = sorted((r for r in accepted if r.action == "create"), key=lambda r: r.nik)
    ids = bulk.insert_rows_returning_ids(Worker, WORKER_INSERT, [
        (r.nik, v.get("kk_number", ""), v["name"], v["sex"], v.get("birth_place", ""),
         v["birth_date"], v["village_id"], v.get("address", ""), v.get("phone", ""),
         v["occupation_id"], v.get("declared_income") or default_income, Worker.Status.ACTIVE,
         now, now)
        for r in new for v in (r.values,)])
    for r, pk in zip(new, ids, strict=True):
        r.worker_id = pk
    bulk.update_rows(Worker, [*ROW_FIELDS, "updated_at"], [
        (*(r.values[k] for k in ROW_FIELDS), now, r.worker_id)
        for r in accepted if r.action == "update"])
    summary = _("Diimpor dari %(src)s") % {"src": source}
    audit_rows_insert((("import_create" if r.action == "create" else "import_update", "worker",
                        str(r.worker_id), r.values["village_id"], summary, f'{{"row": {r.row}}}')
                       for r in accepted if r.action != "unchanged"), actor=by, at=stamp)
    lap("write_workers")
    to_propose = [r for r in accepted if r.propose]
    if programme is not None and to_propose:
        result = enrolments_propose(
            programme=programme, by=by, on=today, with_instances=False, workers=[
            _Proposal(pk=r.worker_id, village_id=r.values["village_id"],  # type: ignore[arg-type]
                      birth_date=r.values["birth_date"], occupation_id=r.values["occupation_id"],
                      status=r.status, name=r.values["name"]) for r in to_propose])
        if result.refused:
            # Someone changed enrolments between our checks and this transaction: roll back
            # everything rather than write workers whose proposal silently failed.
            raise ImportConflict(_(
                "Data kepesertaan berubah selama impor (%(n)s usulan ditolak). Tidak ada yang "
                "disimpan; unggah ulang berkas.") % {"n": len(result.refused)})
    lap("write_enrolments")
    row_worker = {r.row: r.worker_id for r in accepted}
    report.duplicate_pairs = duplicates.duplicate_pairs_record(
        pairs=[(row_worker[m.left], m.right_worker_id or row_worker[m.right], m.score)
               for m in matches],  # type: ignore[misc]
        source=source)
    lap("write_pairs")


# --- background jobs ------------------------------------------------------------------------


def import_job_create(*, by: User, filename: str, content: bytes,
                      programme: Programme | None = None, dry_run: bool = False,
                      kind: str = ImportJob.Kind.WORKERS) -> ImportJob:
    """Store the upload and queue it for the background worker (`lindung db_worker`)."""
    action = Action.ENROLMENT_REGISTER if kind == ImportJob.Kind.BPJS_ANSWER else Action.WORKER_EDIT
    if not can(by, action):
        authorize(by, action, None)
    scope = scope_of(by)
    if programme is not None and not scope.touches(programme.region_id):
        raise ScopeDenied(_("Program %(code)s bukan program wilayah Anda.")
                          % {"code": programme.code})
    digest = hashlib.sha256(content).hexdigest()
    import_jobs_reclaim()
    twin = (ImportJob.objects.filter(content_sha256=digest, kind=kind, dry_run=dry_run,
                                     status__in=[ImportJob.Status.QUEUED,
                                                 ImportJob.Status.RUNNING])
            .only("pk", "filename").first())
    if twin is not None:  # a double click, or the same file sent again while it runs
        raise ImportInProgress(_(
            "Berkas yang sama sudah diunggah dan sedang diproses (impor #%(pk)s, %(file)s). "
            "Tunggu hasilnya di halaman impor itu.") % {"pk": twin.pk, "file": twin.filename})
    job = ImportJob.objects.create(
        kind=kind, created_by=by, region_code=by.region_id or "", programme=programme,
        dry_run=dry_run, filename=_printable(filename)[:200], content=content,
        content_sha256=digest)
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
            phase=phase, rows_done=done, rows_total=total,
            rows_per_second=round(done / elapsed, 1), heartbeat_at=clock.now())


def import_job_run(*, job_id: int) -> dict[str, Any]:
    """Run a queued job (called by the task). Never raises for a bad file: the outcome is
    stored on the job for its result page."""
    import_jobs_reclaim()  # jobs left "berjalan" by a worker that died before this one started
    job = ImportJob.objects.select_related("created_by", "programme").get(pk=job_id)
    if job.is_finished:
        return job.result
    started = time.monotonic()
    now = clock.now()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=now,
                                               heartbeat_at=now, worker=liveness.this_process())
    progress = _JobProgress(job)
    fields: dict[str, Any] = {}
    report: Any = None
    try:
        if job.kind == ImportJob.Kind.BPJS_ANSWER:
            from lindung.imports.bpjs import bpjs_answer_import

            lock = (nullcontext(lambda: None) if job.dry_run else import_lock(
                content=bytes(job.content),
                label=f"impor #{job.pk} {job.filename} ({job.created_by.username})"))
            with lock:
                report = bpjs_answer_import(
                    by=job.created_by, content=bytes(job.content), filename=job.filename,
                    programme=job.programme, dry_run=job.dry_run, progress=progress)
        else:
            report = workers_import(
                by=job.created_by, content=bytes(job.content), filename=job.filename,
                programme=job.programme, dry_run=job.dry_run, progress=progress,
                source=f"impor #{job.pk} {job.filename}")
    except (parsers.FileRefused, ScopeDenied, ImportInProgress) as e:
        fields = {"status": ImportJob.Status.REFUSED, "message": e.message}
    except DomainError as e:
        fields = {"status": ImportJob.Status.FAILED, "message": e.message}
    except Exception:
        log.exception("import job %s failed", job.pk)
        fields = {"status": ImportJob.Status.FAILED,
                  "message": _("Terjadi kesalahan sistem; tidak ada data yang disimpan. "
                               "Hubungi admin.")}
    else:
        elapsed = max(time.monotonic() - started, 1e-3)
        kept = ImportJob.ERRORS_STORED
        fields = {"status": ImportJob.Status.DONE, "result": report.counts(),
                  "errors": [e.as_dict() for e in report.errors[:kept]],
                  "warnings": [w.as_dict() for w in report.warnings[:kept]],
                  "errors_total": len(report.errors), "warnings_total": len(report.warnings),
                  "rows_total": report.rows, "rows_done": report.rows,
                  "rows_per_second": round(report.rows / elapsed, 1), "phase": ""}
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
    ImportJob.objects.filter(pk=job.pk).update(error_file=export.content,
                                               error_file_rows=export.rows,
                                               error_file_status=ImportJob.ErrorFile.READY)


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
    dead = [pk for pk, worker, *signs in ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING).values_list("pk", "worker", "heartbeat_at",
                                                      "started_at", "created_at")
            if _is_dead(worker, next((t for t in signs if t is not None), None), now)]
    if not dead:
        return 0
    return ImportJob.objects.filter(pk__in=dead, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, finished_at=now, phase="", message=_(
            "Pekerja latar berhenti saat memproses berkas ini (misalnya karena berkas terlalu "
            "berat atau server dimulai ulang). Tidak ada data yang disimpan. Unggah ulang "
            "berkas; bila terulang, pecah berkas menjadi beberapa bagian atau hubungi admin."))


# --- retention of uploaded files -------------------------------------------------------------


def upload_retention_days(*, on: dt.date | None = None) -> int:
    """How many days an uploaded file is kept after its upload: the dated parameter
    'retensi_berkas_hari' (90 by default; an administrator adds a row in the admin to change
    it)."""
    return parameter_int("retensi_berkas_hari", on=on, default=90)


def uploads_purge(*, on: dt.date | None = None, days: int | None = None,
                  dry_run: bool = False) -> int:
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
        raise DomainError(_("Masa simpan berkas unggahan minimal 1 hari (tertulis %(n)s).")
                          % {"n": days}, code="retention_invalid", field="days")
    # Whole days in the installation's time zone: a file uploaded on 1 March with 90 days is
    # kept through 30 May and purged from 31 May.
    cutoff = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=days),
                                                     dt.time.min))
    stale = (ImportJob.objects.filter(status__in=ImportJob.FINISHED, created_at__lt=cutoff)
             .exclude(content=b""))
    jobs = list(stale.values_list("pk", "region_code", "filename"))
    if dry_run or not jobs:
        return len(jobs)
    with transaction.atomic():
        for part in in_batches([pk for pk, _r, _f in jobs]):
            # The error workbook quotes the rejected rows: it goes with the file.
            ImportJob.objects.filter(pk__in=part).update(
                content=b"", errors=[], warnings=[], error_file=None,
                error_file_status=ImportJob.ErrorFile.FAILED)
        summary = _("Berkas %(file)s dihapus: masa simpan %(n)s hari berakhir")
        audit_rows_insert(
            (("purge", "importjob", str(pk), region,
              summary % {"file": filename, "n": days}, json.dumps({"days": days}))
             for pk, region, filename in jobs),
            actor=None)
    return len(jobs)

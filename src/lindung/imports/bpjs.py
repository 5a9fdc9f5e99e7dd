"""Exchange files with the BPJS Ketenagakerjaan branch office.

Out: numbered batches (`BpjsBatch`): each export takes the verified enrolments not sent before
(or refused by the branch in their last batch) into the programme's next batch, written as the
registration file (XLSX or CSV, columns `REGISTRATION_COLUMNS`, documented in
docs/imports.md); an earlier batch can be downloaded again. In: the branch's answer (NIK, KPJ
number, registration date, status) moving each enrolment to registered or active through
`programs.services.enrolments_register_many` (the checks and audit events of `enrolment_register` /
`enrolment_activate`, set-based); rows that match no enrolment, or contradict what is recorded,
are reported one by one, never dropped silently. Each answered row is matched to the batch
that sent its enrolment (by the enrolment; the batch number in the file or sheet name is
checked against it), so every batch shows what was registered, refused and still waits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.core import clock, exports
from lindung.core.errors import DomainError
from lindung.core.exports import ExportFile
from lindung.core.formatting import thousands
from lindung.core.lookups import in_batches
from lindung.imports import parsers, rules
from lindung.imports.models import BpjsBatch, BpjsBatchEntry
from lindung.imports.rules import Issue
from lindung.programs.models import Enrolment, Programme
from lindung.programs.services import Registration, enrolments_register_many
from lindung.regions.scope import scope_queryset
from lindung.registry import rules as registry_rules
from lindung.registry.duplicates import pending_pair_exists
from lindung.registry.models import BpjsNotice
from lindung.registry.selectors import bpjs_corrections_of_batch, bpjs_corrections_unsent
from lindung.registry.services import bpjs_corrections_mark_sent

REGISTRATION_COLUMNS = [
    "NO",
    "NIK",
    "NO_KK",
    "NAMA",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "ALAMAT",
    "KODE_DESA",
    "DESA",
    "KECAMATAN",
    "KABUPATEN_KOTA",
    "PEKERJAAN",
    "NO_HP",
    "PENGHASILAN",
    "PROGRAM_BPJS",
    "KODE_PROGRAM",
    "MULAI_KEPESERTAAN",
    "AKHIR_KEPESERTAAN",
    "ID_KEPESERTAAN_LINDUNG",
]
ANSWER_ALIASES = {
    "nik": "nik",
    "noktp": "nik",
    "kpj": "kpj",
    "nokpj": "kpj",
    "nomorkpj": "kpj",
    "nokepesertaan": "kpj",
    "nomorkepesertaan": "kpj",
    "tanggalterdaftar": "date",
    "tglterdaftar": "date",
    "tanggaldaftar": "date",
    "tgldaftar": "date",
    "tanggalregistrasi": "date",
    "tglregistrasi": "date",
    "tanggalkepesertaan": "date",
    "tglkepesertaan": "date",
    "status": "status",
    "statuskepesertaan": "status",
    "keterangan": "status",
    "alasan": "reason",
    "alasanpenolakan": "reason",
    "alasanditolak": "reason",
    "catatan": "reason",
    "keteranganpenolakan": "reason",
}
# "batch 3", "BATCH_003", "batch-12" in an answer's file or sheet name.
BATCH_IN_NAME = re.compile(r"(?i)batch[\s_-]*0*(\d{1,6})(?!\d)")
STATUS_WORDS = {
    "terdaftar": "registered",
    "registered": "registered",
    "aktif": "active",
    "active": "active",
    "ditolak": "refused",
    "gagal": "refused",
    "tolak": "refused",
}


def _verified(*, user: User, programme: Programme) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.filter(programme=programme, status=Enrolment.Status.VERIFIED)
    return scope_queryset(qs, scope_of(user))


def verified_enrolments(*, user: User, programme: Programme) -> QuerySet[Enrolment]:
    """Verified enrolments of a programme inside the user's region, oldest first; not those
    of a worker in an undecided possible-duplicate pair (`held_enrolments`): one person is
    not sent to BPJS twice while an admin has not decided."""
    return (
        _verified(user=user, programme=programme)
        .exclude(pending_pair_exists("worker_id"))
        .select_related("worker__village__parent__parent", "worker__occupation")
        .order_by("verified_at", "pk")
    )


def held_enrolments(*, user: User, programme: Programme) -> QuerySet[Enrolment]:
    """Verified enrolments held back from BPJS by an undecided possible-duplicate pair of
    their worker (verified before the pair was found): sent in the next batch once the pair
    is decided (different people), or closed by the merge (the same person)."""
    return _verified(user=user, programme=programme).filter(pending_pair_exists("worker_id"))


def _registration_row(n: int, e: Enrolment, programme: Programme) -> list[object]:
    w = e.worker
    district = w.village.parent
    return [
        n,
        w.nik,
        w.kk_number,
        w.name,
        w.sex,
        w.birth_place,
        w.birth_date.strftime("%d-%m-%Y"),
        w.address,
        w.village_id,
        w.village.name,
        district.name if district else "",
        district.parent.name if district and district.parent else "",
        w.occupation.name,
        w.phone,
        w.declared_income,
        "JKK+JKM",
        programme.code,
        e.period_start.strftime("%d-%m-%Y"),
        e.period_end.strftime("%d-%m-%Y"),
        e.pk,
    ]


def _may_register(by: User) -> None:
    if not can(by, Action.ENROLMENT_REGISTER):
        authorize(by, Action.ENROLMENT_REGISTER, None)


def registration_rows(*, by: User, programme: Programme) -> list[list[object]]:
    """Every verified enrolment of the programme in the user's region, sent or not (the API's
    registration file); the pages export batches (`bpjs_batch_create`)."""
    _may_register(by)
    return [
        _registration_row(n, e, programme)
        for n, e in enumerate(verified_enrolments(user=by, programme=programme), 1)
    ]


def _registration_file(
    rows: Iterable[list[object]], fmt: str, sheet: str = "Pendaftaran"
) -> ExportFile:
    if fmt == "csv":
        return exports.csv_file(REGISTRATION_COLUMNS, rows)
    book = exports.XlsxBook()
    ws = book.sheet(sheet)
    ws.append(REGISTRATION_COLUMNS, data=False)
    for r in rows:
        ws.append(r)
    return book.file()


def registration_export(*, by: User, programme: Programme, fmt: str = "xlsx") -> ExportFile:
    """The registration file for the branch office (`core.exports`: formula-safe, identity
    numbers always as text)."""
    return _registration_file(registration_rows(by=by, programme=programme), fmt)


# --- batches ------------------------------------------------------------------------------


def unsent_enrolments(*, user: User, programme: Programme) -> QuerySet[Enrolment]:
    """Verified enrolments of the programme in the user's region that no batch holds, or
    whose last batch the branch refused (corrected, they go in the next one)."""
    sent = BpjsBatchEntry.objects.filter(enrolment=OuterRef("pk")).exclude(
        outcome=BpjsBatchEntry.Outcome.REFUSED
    )
    return verified_enrolments(user=user, programme=programme).exclude(Exists(sent))


@dataclass(frozen=True)
class BatchOutlook:
    """What the next batch of a programme would carry, for the page's "Buat batch" row."""

    programme: Programme
    unsent: int  # verified enrolments not sent yet (`unsent_enrolments`)
    corrections: int  # NIK / birth-date corrections not sent yet (sheet KOREKSI)
    held: int  # verified but held back by an undecided duplicate pair (`held_enrolments`)

    @property
    def ready(self) -> bool:
        return bool(self.unsent or self.corrections)


def batch_outlook(*, user: User, programmes: Iterable[Programme]) -> list[BatchOutlook]:
    """Per programme, what its next batch would send and what is held back."""
    return [
        BatchOutlook(
            programme=p,
            unsent=unsent_enrolments(user=user, programme=p).count(),
            corrections=bpjs_corrections_unsent(user=user, programme_code=p.code).count(),
            held=held_enrolments(user=user, programme=p).count(),
        )
        for p in programmes
    ]


def bpjs_batch_create(*, by: User, programme: Programme, fmt: str = "xlsx") -> BpjsBatch:
    """The programme's next batch: every enrolment `unsent_enrolments` gives, oldest
    verification first, and every correction of a participant's NIK or birth date not sent
    yet (`registry.selectors.bpjs_corrections_unsent`: the sheet KOREKSI, `batch_export`),
    recorded as sent with this batch so that a later one does not repeat it. A batch may
    carry corrections only. `batch.corrections`: how many it carries; `batch.held`: how many
    verified enrolments an undecided duplicate pair held back.

    One transaction, serialised per programme (the programme row is locked), so two officers
    exporting at once never send an enrolment or a correction twice; the partial unique
    constraint on the entries is the last line of defence."""
    _may_register(by)
    if fmt not in BpjsBatch.Format.values:
        raise DomainError(
            _("Format berkas harus XLSX atau CSV."), code="format_invalid", field="fmt"
        )
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).values("pk").first()
        ids = list(unsent_enrolments(user=by, programme=programme).values_list("pk", flat=True))
        corrections = list(
            bpjs_corrections_unsent(user=by, programme_code=programme.code).values_list(
                "pk", flat=True
            )
        )
        held = held_enrolments(user=by, programme=programme).count()
        if not ids and not corrections:
            message = _(
                "Tidak ada kepesertaan terverifikasi %(code)s yang belum dikirim ke BPJS. "
                "Batch sebelumnya tetap dapat diunduh ulang."
            ) % {"code": programme.code}
            if held:
                message += " " + held_message(held)
            raise DomainError(message, code="batch_empty", params={"held": held})
        last = BpjsBatch.objects.filter(programme=programme).aggregate(n=Max("number"))["n"]
        batch = BpjsBatch.objects.create(
            programme=programme,
            number=(last or 0) + 1,
            fmt=fmt,
            rows=len(ids),
            region_code=registration_region(by=by, programme=programme),
            created_by=by,
            created_at=clock.now(),
        )
        BpjsBatchEntry.objects.bulk_create(
            [
                BpjsBatchEntry(batch=batch, enrolment_id=pk, position=n)
                for n, pk in enumerate(ids, 1)
            ],
            batch_size=2000,
        )
        batch.corrections = bpjs_corrections_mark_sent(
            notice_ids=corrections,
            programme_code=programme.code,
            batch_number=batch.number,
            by=by,
            at=batch.created_at,
        )
    batch.held = held
    return batch


def held_message(n: int) -> str:
    """Said beside a batch: enrolments left out of it while their duplicate pair waits."""
    return _(
        "%(n)s kepesertaan terverifikasi ditahan karena kemungkinan data ganda belum "
        "diputuskan; putuskan di antrean data ganda, lalu kirim di batch berikutnya."
    ) % {"n": thousands(n)}


def bpjs_batches_for(*, user: User, programme: Programme | None = None) -> QuerySet[BpjsBatch]:
    """The batches of the user's region (newest first), each with its counts: `sent`,
    `registered` (answered so, or given a KPJ by other means), `refused` (by the branch) and
    `waiting` (no answer yet, still verified); what these leave was withdrawn (rejected or
    ended before an answer). `corrections`: the data corrections the batch carried."""
    qs = BpjsBatch.objects.filter(scope_of(user).q("region_code") | Q(created_by=user))
    if programme is not None:
        qs = qs.filter(programme=programme)
    waiting = Q(entries__outcome=BpjsBatchEntry.Outcome.WAITING)
    no_kpj = Q(entries__enrolment__kpj_number="")
    corrections = (
        BpjsNotice.objects.filter(
            kind=BpjsNotice.Kind.CORRECTION,
            programme_code=OuterRef("programme__code"),
            sent_batch=OuterRef("number"),
        )
        .values("programme_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("programme", "created_by")
        .annotate(corrections=Coalesce(Subquery(corrections), 0))
        .annotate(
            sent=Count("entries"),
            registered=Count(
                "entries",
                filter=Q(entries__outcome=BpjsBatchEntry.Outcome.REGISTERED) | (waiting & ~no_kpj),
            ),
            refused=Count("entries", filter=Q(entries__outcome=BpjsBatchEntry.Outcome.REFUSED)),
            waiting=Count(
                "entries",
                filter=waiting & no_kpj & Q(entries__enrolment__status=Enrolment.Status.VERIFIED),
            ),
        )
        .order_by("-created_at", "-pk")
    )


def bpjs_batch_get(*, user: User, pk: int) -> BpjsBatch:
    return bpjs_batches_for(user=user).get(pk=pk)


def batch_enrolments(batch: BpjsBatch, *, outcome: str | None = None) -> QuerySet[Enrolment]:
    """The batch's enrolments (any order: `batch_export` orders them by position)."""
    entries = BpjsBatchEntry.objects.filter(batch=batch)
    if outcome is not None:
        entries = entries.filter(outcome=outcome)
    return Enrolment.objects.filter(pk__in=entries.values("enrolment_id")).select_related(
        "worker__village__parent__parent", "worker__occupation"
    )


def batch_name(batch: BpjsBatch) -> str:
    """How a batch is named in its file names, and recognised in an answer's (`BATCH_IN_NAME`)."""
    return f"{batch.programme.code}-batch-{batch.number:03d}"


def batch_export(*, by: User, batch: BpjsBatch, fmt: str) -> ExportFile:
    """The batch's registration file, written from its entries (so a re-download carries the
    workers' data as corrected since; NO is the position in the batch). The sheet is named
    after the batch, so an answer returned in the same workbook names it too. An XLSX
    batch that carried corrections has a second sheet, KOREKSI (`CORRECTION_COLUMNS`); a
    CSV holds one table, so its corrections are their own file (`batch_corrections_export`).
    The registration sheet stays the first: the one an answer is read from."""
    _may_register(by)
    positions = dict(
        BpjsBatchEntry.objects.filter(batch=batch).values_list("enrolment_id", "position")
    )
    enrolments = sorted(batch_enrolments(batch), key=lambda e: positions[e.pk])
    rows = [_registration_row(positions[e.pk], e, batch.programme) for e in enrolments]
    sheet = f"Batch {batch.number} {batch.programme.code}"
    corrections = _correction_rows(batch) if fmt == "xlsx" else []
    if not corrections:
        return _registration_file(rows, fmt, sheet=sheet)
    book = exports.XlsxBook()
    ws = book.sheet(sheet)
    ws.append(REGISTRATION_COLUMNS, data=False)
    for r in rows:
        ws.append(r)
    _correction_sheet(book, corrections)
    return book.file()


# --- data corrections (sheet KOREKSI) -----------------------------------------------------

CORRECTION_SHEET = "KOREKSI"
CORRECTION_COLUMNS = [
    "NO",
    "NO_KPJ",
    "NAMA",
    "NIK_LAMA",
    "NIK_BARU",
    "TANGGAL_LAHIR_LAMA",
    "TANGGAL_LAHIR_BARU",
    "DATA_DIKOREKSI",
    "ALASAN",
    "TANGGAL_KOREKSI",
    "KODE_PROGRAM",
    "ID_KEPESERTAAN_LINDUNG",
]


def _dmy(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")


def _correction_rows(batch: BpjsBatch) -> list[list[object]]:
    """One row per correction the batch carried: the KPJ BPJS knows the participant by, the
    old and the new NIK and birth date (an unchanged one twice, as the worker's record has it
    now), what changed, the Dinas's reason and the date of the correction."""
    rows: list[list[object]] = []
    notices = bpjs_corrections_of_batch(programme_code=batch.programme.code, number=batch.number)
    for n, notice in enumerate(notices, 1):
        w = notice.worker
        nik = notice.details.get("nik") or [w.nik, w.nik]
        birth = notice.details.get("birth_date") or [w.birth_date.isoformat()] * 2
        changed = [
            c for k, c in (("nik", "NIK"), ("birth_date", "TANGGAL_LAHIR")) if k in notice.details
        ]
        rows.append(
            [
                n,
                notice.kpj_number,
                w.name,
                nik[0],
                nik[1],
                _dmy(birth[0]),
                _dmy(birth[1]),
                ", ".join(changed),
                notice.reason,
                (notice.event_date or notice.created_at.date()).strftime("%d-%m-%Y"),
                notice.programme_code,
                notice.enrolment_id or "",
            ]
        )
    return rows


def _correction_sheet(book: exports.XlsxBook, rows: list[list[object]]) -> None:
    ws = book.sheet(CORRECTION_SHEET)
    ws.append(CORRECTION_COLUMNS, data=False)
    for r in rows:
        ws.append(r)


def batch_corrections_export(*, by: User, batch: BpjsBatch, fmt: str) -> ExportFile:
    """The corrections a batch carried (sheet KOREKSI) as a file of their own: the CSV
    batch's second file, and for a branch that wants them apart."""
    _may_register(by)
    rows = _correction_rows(batch)
    if fmt == "csv":
        return exports.csv_file(CORRECTION_COLUMNS, rows)
    book = exports.XlsxBook()
    _correction_sheet(book, rows)
    return book.file()


def batches_answered_by(*, user: User, content_sha256: str) -> QuerySet[BpjsBatch]:
    """The batches an answer file (by its SHA-256) answered rows of."""
    if not content_sha256:
        return BpjsBatch.objects.none()
    return bpjs_batches_for(user=user).filter(
        pk__in=BpjsBatchEntry.objects.filter(answer_sha256=content_sha256).values("batch_id")
    )


def named_batch_number(content: bytes, filename: str) -> int | None:
    """The batch number an answer names in its file name or, for an .xlsx, its first sheet's
    name ("Batch 3 PASER-2026", "jawaban PASER-2026-batch-003.xlsx"); None when neither does.
    Called after the file was read under the upload limits; reads at most 1 MB of the
    workbook part."""
    if m := BATCH_IN_NAME.search(filename):
        return int(m[1])
    if not filename.lower().endswith((".xlsx", ".xlsm")):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book, book.open("xl/workbook.xml") as f:
            head = f.read(1_000_000).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    sheet = re.search(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', head)
    if sheet and (m := BATCH_IN_NAME.search(sheet[1])):
        return int(m[1])
    return None


def registration_region(*, by: User, programme: Programme) -> str:
    """The region the user's registration file covers, for the audit trail: the programme's
    region, narrowed to the user's when the user sees only part of it (a regency's officer
    exporting a province programme); the smallest region holding all of them when several."""
    scope = scope_of(by)
    if scope.covers(programme.region_id):
        return programme.region_id
    inside = [p.split(".") for p in scope.prefixes if p.startswith(programme.region_id + ".")]
    if not inside:
        return programme.region_id
    common: list[str] = []
    for parts in zip(*inside, strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return ".".join(common)


@dataclass
class AnswerReport:
    rows: int = 0
    registered: int = 0
    activated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    conflicts: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            k: getattr(self, k)
            for k in ("rows", "registered", "activated", "unchanged", "unmatched", "conflicts")
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def _answer_table(
    content: bytes, filename: str
) -> tuple[dict[str, int], list[tuple[int, list[object]]]]:
    header, rows = parsers.split_header(parsers.read_rows(content, filename))
    columns = rules.map_headers(header, ANSWER_ALIASES)
    missing = [
        c
        for c, f in (("NIK", "nik"), ("NO_KPJ", "kpj"), ("TANGGAL_TERDAFTAR", "date"))
        if f not in columns
    ]
    if missing:
        raise parsers.FileRefused(
            _(
                "Kolom wajib tidak ditemukan: %(cols)s. Berkas jawaban BPJS harus memuat NIK, "
                "NO_KPJ, TANGGAL_TERDAFTAR dan STATUS."
            )
            % {"cols": ", ".join(missing)},
            code="column_missing",
        )
    return columns, rows


def bpjs_answer_import(
    *,
    by: User,
    content: bytes,
    filename: str,
    programme: Programme | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> AnswerReport:
    """Apply the branch's answer. Each row: the open enrolment of that NIK (verified,
    registered or active; in `programme` when given) moves to registered (status TERDAFTAR) or
    active (AKTIF). One transaction for the file; a dry run rolls it back after reporting.
    Set-based: the rows are matched to enrolments in one query and applied by one call of
    `enrolments_register_many`, never a query per row.

    Each matched enrolment's entry in the batch that sent it records the answer (registered,
    or refused with the branch's reason), so the batch shows what still waits; a row whose
    enrolment was sent in another batch than the one the file names is a warning
    (`batch_other`), its answer recorded all the same."""
    _may_register(by)
    columns, rows = _answer_table(content, filename)
    report = AnswerReport(rows=len(rows))

    def get(cells: list[object], name: str) -> object:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    def problem(row: int, column: str, code: str, message: str, *, unmatched: bool = False) -> None:
        report.errors.append(rules.issue(row, column, code, message))
        if unmatched:
            report.unmatched += 1
        else:
            report.conflicts += 1

    parsed: list[tuple[int, str, str, dt.date, str]] = []
    reasons: dict[int, str] = {}  # row -> the branch's reason for a refusal
    for row, cells in rows:
        raw_nik = get(cells, "nik")
        if rules.is_number_cell(raw_nik):
            problem(
                row,
                "NIK",
                "nik_number_cell",
                _(
                    "NIK tersimpan sebagai angka sehingga digit terakhirnya hilang. Minta berkas "
                    "dengan kolom NIK berformat Teks."
                ),
            )
            continue
        nik = registry_rules.normalise_number(raw_nik)
        if len(nik) != 16 or not nik.isdigit():
            problem(row, "NIK", "nik_format", _("NIK harus 16 digit angka."))
            continue
        word = rules.header_key(get(cells, "status") or "terdaftar")
        status = STATUS_WORDS.get(word)
        if status is None:
            problem(
                row,
                "STATUS",
                "status_invalid",
                _('status "%(s)s" tidak dikenal; isi TERDAFTAR, AKTIF atau DITOLAK.')
                % {"s": rules.text(get(cells, "status"))[:20]},
            )
            continue
        try:
            date = rules.parse_date(get(cells, "date"))
        except rules.CellInvalid as e:
            if status != "refused":
                problem(row, "TANGGAL_TERDAFTAR", e.code, e.message)
                continue
            date = dt.date.min
        parsed.append((row, nik, rules.text(get(cells, "kpj")), date, status))
        if status == "refused":
            reasons[row] = exports.clean_text(rules.text(get(cells, "reason")))[:250]

    # The open enrolments of the file's NIKs: pk, NIK, worker name, programme code, status,
    # KPJ. In the model's order, which the ambiguity message lists the programmes in.
    by_nik: dict[str, list[tuple[int, str, str, str, str, str]]] = {}
    for part in in_batches(sorted({p[1] for p in parsed})):
        qs = scope_queryset(
            Enrolment.objects.filter(
                worker__nik__in_array=part,
                status__in=[
                    Enrolment.Status.VERIFIED,
                    Enrolment.Status.REGISTERED,
                    Enrolment.Status.ACTIVE,
                ],
            ),
            scope_of(by),
        )
        if programme is not None:
            qs = qs.filter(programme=programme)
        for found in qs.values_list(
            "pk", "worker__nik", "worker__name", "programme__code", "status", "kpj_number"
        ):
            by_nik.setdefault(found[1], []).append(found)

    # Each row is classified here; what needs writing goes to `enrolments_register_many` in one
    # call. Problems are reported in row order: `pending` holds either a problem found here or
    # the position of the row's registration, whose problem the service reports.
    registrations: list[Registration] = []
    registration_rows: list[int] = []
    pending: list[tuple[int, str, str, str, bool] | int] = []
    answered: dict[int, tuple[int, str]] = {}  # enrolment -> (row, outcome) for its batch
    for n, (row, nik, kpj, date, status) in enumerate(parsed, 1):
        if progress and n % 500 == 0:
            progress("memproses", n, len(parsed))
        found = by_nik.get(nik, [])
        if not found:
            pending.append(
                (
                    row,
                    "NIK",
                    "nik_unmatched",
                    _(
                        "tidak ada kepesertaan terverifikasi dengan NIK %(nik)s di wilayah Anda. "
                        "Periksa NIK atau status verifikasinya."
                    )
                    % {"nik": nik},
                    True,
                )
            )
            continue
        if len(found) > 1:
            pending.append(
                (
                    row,
                    "NIK",
                    "enrolment_ambiguous",
                    _(
                        "NIK %(nik)s terdaftar di beberapa program (%(codes)s); impor jawaban per "
                        "program."
                    )
                    % {"nik": nik, "codes": ", ".join(f[3] for f in found)},
                    False,
                )
            )
            continue
        pk, _nik, name, _code, current, recorded_kpj = found[0]
        if status == "refused":
            reason = reasons.get(row)
            pending.append(
                (
                    row,
                    "STATUS",
                    "bpjs_refused",
                    (
                        _(
                            "BPJS menolak pendaftaran %(name)s (%(reason)s). Perbaiki data pekerjanya "
                            "(berkas perbaikan batch di halaman BPJS), lalu kirim di batch berikutnya; "
                            "atau tolak usulannya."
                        )
                        if reason
                        else _(
                            "BPJS menolak pendaftaran %(name)s. Perbaiki data pekerjanya (berkas "
                            "perbaikan batch di halaman BPJS), lalu kirim di batch berikutnya; atau tolak "
                            "usulannya."
                        )
                    )
                    % {"name": name, "reason": reason},
                    False,
                )
            )
            if current == Enrolment.Status.VERIFIED:
                answered[pk] = (row, BpjsBatchEntry.Outcome.REFUSED)
            continue
        if current == Enrolment.Status.VERIFIED:
            registration = Registration(
                enrolment_id=pk, kpj_number=kpj, registration_date=date, activate=status == "active"
            )
        elif registry_rules.normalise_number(kpj) != recorded_kpj:
            pending.append(
                (
                    row,
                    "NO_KPJ",
                    "kpj_mismatch",
                    _(
                        "kepesertaan ini sudah tercatat dengan KPJ %(old)s, berbeda dengan KPJ di "
                        "berkas (%(new)s). Periksa dengan kantor cabang."
                    )
                    % {"old": recorded_kpj, "new": kpj},
                    False,
                )
            )
            continue
        elif current == Enrolment.Status.REGISTERED and status == "active":
            registration = Registration(enrolment_id=pk, activate=True)
        else:
            report.unchanged += 1
            answered.setdefault(pk, (row, BpjsBatchEntry.Outcome.REGISTERED))
            continue
        pending.append(len(registrations))
        registrations.append(registration)
        registration_rows.append(row)

    with transaction.atomic():
        result = enrolments_register_many(by=by, items=registrations)
        report.registered = len(result.registered)
        report.activated = len(result.activated)
        for entry in pending:
            if not isinstance(entry, int):
                row, column, code, message, unmatched = entry
                problem(row, column, code, message, unmatched=unmatched)
            elif (error := result.problems.get(entry)) is not None:
                column = {
                    "kpj_format": "NO_KPJ",
                    "kpj_taken": "NO_KPJ",
                    "date_invalid": "TANGGAL_TERDAFTAR",
                }.get(error.code, "STATUS")
                problem(registration_rows[entry], column, error.code, error.message)
            else:
                done = registrations[entry].enrolment_id
                answered.setdefault(
                    done, (registration_rows[entry], BpjsBatchEntry.Outcome.REGISTERED)
                )
        _record_batch_answers(
            answered,
            reasons=reasons,
            report=report,
            named=named_batch_number(content, filename),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _record_batch_answers(
    answered: dict[int, tuple[int, str]],
    *,
    reasons: dict[int, str],
    report: AnswerReport,
    named: int | None,
    sha256: str,
) -> None:
    """Record the answer on the entries still waiting for one (the batch that sent each
    enrolment); warn about rows sent in another batch than the one the file names. A few
    queries for the whole file."""
    if not answered:
        return
    now = clock.now()
    waiting: list[tuple[int, int, str]] = []  # (entry, enrolment, batch label)
    for part in in_batches(sorted(answered)):
        entries = (
            BpjsBatchEntry.objects.filter(enrolment_id__in=part)
            .exclude(outcome=BpjsBatchEntry.Outcome.REFUSED)
            .values_list("pk", "enrolment_id", "outcome", "batch__number", "batch__programme__code")
        )
        for pk, enrolment_id, outcome, number, code in entries:
            row, _answer = answered[enrolment_id]
            if named is not None and number != named:
                report.warnings.append(
                    rules.issue(
                        row,
                        "NIK",
                        "batch_other",
                        _(
                            "kepesertaan ini dikirim di batch %(n)s %(code)s, bukan batch %(named)s "
                            "yang disebut nama berkas; jawabannya dicatat pada batch %(n)s."
                        )
                        % {"n": number, "code": code, "named": named},
                    )
                )
            if outcome == BpjsBatchEntry.Outcome.WAITING:
                waiting.append((pk, enrolment_id, code))
    registered = [
        pk for pk, e, _c in waiting if answered[e][1] == BpjsBatchEntry.Outcome.REGISTERED
    ]
    for part in in_batches(registered):
        BpjsBatchEntry.objects.filter(pk__in=part).update(
            outcome=BpjsBatchEntry.Outcome.REGISTERED, answered_at=now, answer_sha256=sha256
        )
    refused = [
        BpjsBatchEntry(
            pk=pk,
            outcome=BpjsBatchEntry.Outcome.REFUSED,
            answered_at=now,
            answer_sha256=sha256,
            reason=reasons.get(answered[e][0], ""),
        )
        for pk, e, _c in waiting
        if answered[e][1] == BpjsBatchEntry.Outcome.REFUSED
    ]
    BpjsBatchEntry.objects.bulk_update(
        refused, ["outcome", "answered_at", "answer_sha256", "reason"], batch_size=1000
    )
    report.warnings.sort(key=lambda w: w.row)

"""Spreadsheets the importer hands out: the template, the error workbook of an import (worker
rows or a BPJS answer) and the correction workbook of the workers a BPJS batch refused.

Every sheet a village fills in keeps NIK, NO_KK, KODE_DESA and NO_HP cells as Text (number
format "@": Excel would otherwise keep 15 digits of a 16-digit NIK and drop leading zeros),
offers drop-down lists for JENIS_KELAMIN, KODE_DESA and PEKERJAAN fed from a reference sheet
(the villages of the user's region, within the programme's; the occupations the programme
accepts, or every current one), and comes with a short instructions sheet. The data sheet is
always the first: it is the one the importer reads. All writing goes through `core.exports`
(formula-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core import exports
from lindung.core.exports import ExportFile, Styled, XlsxBook, XlsxSheet
from lindung.imports import parsers, report, rules
from lindung.imports.models import BpjsBatch, BpjsBatchEntry, ImportJob
from lindung.programs.models import Enrolment, Programme
from lindung.regions.selectors import villages_in_scope
from lindung.registry.selectors import occupations_current

XLSX = exports.XLSX
TEXT = "@"
DATE_FORMAT = "DD/MM/YYYY"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F5F8B")
TEMPLATE_ROWS = 1000  # blank rows pre-formatted (text cells, date cells) and with drop-downs
SPARE_ROWS = 100  # rows below a correction workbook's data that keep the drop-downs
MESSAGE_COLUMN = "PESAN_KESALAHAN"
TEXT_FIELDS = ("nik", "kk_number", "village_code", "phone")
TEMPLATE_WIDTHS = [20, 20, 28, 14, 16, 14, 16, 30, 18, 16, 14]
_POSITION = {name: i for i, (name, _f) in enumerate(rules.COLUMNS, 1)}
TEXT_COLUMNS = [_POSITION[c] for c in ("NIK", "NO_KK", "KODE_DESA", "NO_HP")]
DATE_COLUMN = _POSITION["TANGGAL_LAHIR"]
TEMPLATE_FIELDS = {f: i for i, (_c, f) in enumerate(rules.COLUMNS)}  # field -> 0-based


def _header(ws: XlsxSheet, names: Sequence[str], widths: Sequence[int] | None = None) -> None:
    ws.widths(widths or [18] * len(names)).freeze("A2")
    ws.header(names, font=HEAD, fill=HEAD_FILL)


def _worker_instructions() -> list[str]:
    return [
        _(
            "NIK, NO_KK, KODE_DESA dan NO_HP berformat Teks: ketik atau tempel angkanya apa "
            "adanya, jangan ubah formatnya ke Angka (Excel hanya menyimpan 15 digit angka, "
            "jadi NIK 16 digit akan rusak)."
        ),
        _(
            "JENIS_KELAMIN, KODE_DESA dan PEKERJAAN punya daftar pilihan: klik selnya lalu "
            "panah di sebelah kanan. Isinya ada di lembar Referensi (desa di wilayah Anda, "
            "pekerjaan yang diterima program)."
        ),
        _("TANGGAL_LAHIR ditulis hh/bb/tttt, mis. 17/08/1985."),
        _(
            "Simpan sebagai .xlsx, lalu unggah di menu Impor Excel. Baris yang salah dikembalikan "
            "dalam berkas perbaikan beserta alasannya; baris yang benar tersimpan."
        ),
    ]


def _instructions(book: XlsxBook, steps: Sequence[str], *, columns: bool = True) -> None:
    """The 'Petunjuk' sheet: numbered steps, then what each template column holds."""
    hints = book.sheet(_("Petunjuk")).widths([18, 90])
    hints.append([Styled(_("Petunjuk"), font=Font(bold=True))], data=False)
    for n, step in enumerate(steps, 1):
        hints.append([f"{n}.", step], data=False)
    if columns:
        hints.append([], data=False)
        hints.append(
            [Styled(_("Kolom"), font=Font(bold=True)), Styled(_("Isi"), font=Font(bold=True))],
            data=False,
        )
        for name, _field in rules.COLUMNS:
            hints.append([name, str(rules.COLUMN_HINTS[name])], data=False)


def _reference_rows(
    *, by: User, programme: Programme | None
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """The villages of the user's region (within the programme's) and the occupations the
    programme accepts (every current one without a programme)."""
    villages = villages_in_scope(scope=scope_of(by))
    if programme is not None:
        villages = villages.filter(code__startswith=programme.region_id + ".")
    occupations = (
        programme.occupations.order_by("name") if programme is not None else occupations_current()
    )
    return (
        [(v.code, v.name, v.parent.name if v.parent else "") for v in villages.order_by("code")],
        [(o.code, o.name) for o in occupations],
    )


def _reference_sheet(book: XlsxBook, *, by: User, programme: Programme | None) -> tuple[str, str]:
    """The 'Referensi' sheet; returns the ranges of its village codes and occupation codes
    for the drop-down lists ("" when a list is empty)."""
    village_rows, occupation_rows = _reference_rows(by=by, programme=programme)
    ref = book.sheet("Referensi")
    _header(
        ref,
        ["KODE_DESA", "DESA", "KECAMATAN", "", "KODE_PEKERJAAN", "PEKERJAAN"],
        [16, 26, 22, 4, 24, 30],
    )
    ref.column_formats({1: TEXT})
    for i in range(max(len(village_rows), len(occupation_rows))):
        left = village_rows[i] if i < len(village_rows) else ("", "", "")
        right = occupation_rows[i] if i < len(occupation_rows) else ("", "")
        ref.append([Styled(left[0], number_format=TEXT), *left[1:], "", *right], data=False)
    villages = ref.range_ref(1, 2, len(village_rows) + 1) if village_rows else ""
    occupations = ref.range_ref(5, 2, len(occupation_rows) + 1) if occupation_rows else ""
    return villages, occupations


def _dropdowns(
    ws: XlsxSheet, fields: dict[str, int], last_row: int, *, villages: str, occupations: str
) -> None:
    """Drop-down lists on the sheet's sex, village code and occupation columns (0-based
    `fields`), rows 2 to `last_row`."""

    def cells(field: str) -> str:
        letter = get_column_letter(fields[field] + 1)
        return f"{letter}2:{letter}{last_row}"

    if "sex" in fields:
        ws.dropdown(
            cells("sex"),
            values=["L", "P"],
            title=_("Jenis kelamin"),
            prompt=_("L (laki-laki) atau P (perempuan)"),
        )
    if "village_code" in fields and villages:
        ws.dropdown(
            cells("village_code"),
            source=villages,
            title=_("Kode desa"),
            prompt=_("Kode desa/kelurahan dari lembar Referensi"),
        )
    if "occupation" in fields and occupations:
        ws.dropdown(
            cells("occupation"),
            source=occupations,
            title=_("Pekerjaan"),
            prompt=_("Kode pekerjaan dari lembar Referensi"),
        )


def _text_cells(values: Sequence[object], text_at: set[int]) -> list[object]:
    """A row with the identity-number cells marked Text (their value unchanged)."""
    return [Styled(v, number_format=TEXT) if i in text_at else v for i, v in enumerate(values)]


def template_workbook(*, by: User, programme: Programme | None = None) -> bytes:
    """Sheet 1 'Pekerja': the columns, TEMPLATE_ROWS rows with NIK, NO_KK, KODE_DESA and
    NO_HP cells as Text and drop-down lists; 'Petunjuk': the steps and what each column holds;
    'Referensi': the villages and occupations the lists offer."""
    book = exports.XlsxBook()
    ws = book.sheet("Pekerja")
    names = [c for c, _f in rules.COLUMNS]
    _header(ws, names, TEMPLATE_WIDTHS)
    ws.column_formats(dict.fromkeys(TEXT_COLUMNS, TEXT))
    formats = {i: TEXT for i in TEXT_COLUMNS} | {DATE_COLUMN: DATE_FORMAT}
    blank = [
        exports.Styled(None, number_format=formats.get(i)) if i in formats else None
        for i in range(1, max(formats) + 1)
    ]
    for _row in range(TEMPLATE_ROWS):
        ws.append(blank, data=False)
    _instructions(
        book,
        [
            _(
                "Isi satu baris per pekerja di lembar Pekerja, mulai baris 2. "
                "Jangan mengubah baris judul."
            ),
            *_worker_instructions(),
        ],
    )
    villages, occupations = _reference_sheet(book, by=by, programme=programme)
    _dropdowns(ws, TEMPLATE_FIELDS, TEMPLATE_ROWS + 1, villages=villages, occupations=occupations)
    return book.file().content


def _correction_steps(what: str) -> list[str]:
    return [
        _(
            "Setiap baris di lembar Perbaiki %(what)s; alasannya ada di kolom PESAN_KESALAHAN "
            "(kode di dalam kurung siku untuk petugas dan sistem)."
        )
        % {"what": what},
        _(
            "Perbaiki sel yang disebut pesannya. Kolom PESAN_KESALAHAN boleh dibiarkan: "
            "diabaikan saat diunggah."
        ),
    ]


def error_workbook_export(*, job: ImportJob) -> ExportFile:
    """The rejected rows of the job's file as they were uploaded, plus a PESAN_KESALAHAN
    column, so they can be fixed and this file uploaded again. Written by `core.exports`: a
    cell that looks like a formula stays text, with its value unchanged.

    Built by the task worker with every error of the import at hand (`job.errors`), so it also
    records the job's error groups (`report.error_groups`) the result page shows: the job row
    keeps only the first 1,000 errors."""
    ImportJob.objects.filter(pk=job.pk).update(error_groups=report.error_groups(job.errors))
    if job.kind == ImportJob.Kind.BPJS_ANSWER:
        return _answer_error_workbook(job)
    return _worker_error_workbook(job)


def _messages_by_row(job: ImportJob) -> dict[int, list[str]]:
    by_row: dict[int, list[str]] = {}
    for e in job.errors:
        by_row.setdefault(int(e["row"]), []).append(f"[{e['code']}] {e['message']}")
    return by_row


def _worker_error_workbook(job: ImportJob) -> ExportFile:
    by_row = _messages_by_row(job)
    # A job with errors was read once already, so its file has a header row.
    raw_header, rows = parsers.split_header(parsers.read_rows(bytes(job.content), job.filename))
    header = [rules.text(c) for c in raw_header]
    fields = rules.map_headers(header)
    text_at = {fields[f] for f in TEXT_FIELDS if f in fields}
    book = exports.XlsxBook()
    ws = book.sheet("Perbaiki")
    _header(ws, [*header, MESSAGE_COLUMN], [18] * len(header) + [60])
    ws.column_formats({i + 1: TEXT for i in text_at})
    for row_no, raw in rows:
        messages = by_row.get(row_no)
        if messages:
            cells = list(raw) + [""] * (len(header) - len(raw))
            ws.append([*_text_cells(cells[: len(header)], text_at), "; ".join(messages)])
    _instructions(book, [*_correction_steps(_("ditolak saat impor")), *_worker_instructions()])
    villages, occupations = _reference_sheet(book, by=job.created_by, programme=job.programme)
    _dropdowns(ws, fields, ws.rows + 1 + SPARE_ROWS, villages=villages, occupations=occupations)
    return book.file()


def _answer_error_workbook(job: ImportJob) -> ExportFile:
    """The answer rows that could not be applied, as the branch sent them, with the reason:
    corrected (or asked again from the branch), the file is uploaded again as an answer."""
    from lindung.imports.bpjs import ANSWER_ALIASES

    by_row = _messages_by_row(job)
    raw_header, rows = parsers.split_header(parsers.read_rows(bytes(job.content), job.filename))
    header = [rules.text(c) for c in raw_header]
    nik = rules.map_headers(header, ANSWER_ALIASES).get("nik")
    text_at = {nik} if nik is not None else set()
    book = exports.XlsxBook()
    ws = book.sheet("Perbaiki")
    _header(ws, [*header, MESSAGE_COLUMN], [18] * len(header) + [60])
    ws.column_formats({i + 1: TEXT for i in text_at})
    for row_no, raw in rows:
        messages = by_row.get(row_no)
        if messages:
            cells = list(raw) + [""] * (len(header) - len(raw))
            ws.append([*_text_cells(cells[: len(header)], text_at), "; ".join(messages)])
    _instructions(
        book,
        [
            *_correction_steps(_("dari jawaban BPJS tidak dapat dicatat")),
            _(
                "NO_KPJ salah, NIK tidak cocok atau STATUS tidak dikenal: perbaiki (tanyakan ke kantor "
                "cabang bila perlu), lalu unggah berkas ini lagi di halaman Pertukaran data BPJS."
            ),
            _(
                "Ditolak BPJS: data pekerjanya yang harus diperbaiki. Unduh berkas perbaikan batchnya "
                "di halaman Pertukaran data BPJS, perbaiki dan unggah di Impor Excel, lalu kirim "
                "dalam batch berikutnya."
            ),
        ],
        columns=False,
    )
    return book.file()


def _worker_row(w: Any) -> list[object]:
    """A registry worker in the template's columns."""
    return [
        w.nik,
        w.kk_number,
        w.name,
        w.sex,
        w.birth_place,
        Styled(w.birth_date, number_format=DATE_FORMAT),
        w.village_id,
        w.address,
        w.occupation.code,
        w.phone,
        w.declared_income,
    ]


def refused_workbook_export(*, by: User, batch: BpjsBatch) -> ExportFile:
    """The workers of the batch the BPJS branch refused (and still verified: not yet sent
    again or rejected), in the template's columns with the branch's reason, to correct and
    upload in Impor Excel; the next batch then sends them again."""
    from lindung.imports.bpjs import batch_enrolments

    reasons = dict(
        BpjsBatchEntry.objects.filter(
            batch=batch, outcome=BpjsBatchEntry.Outcome.REFUSED
        ).values_list("enrolment_id", "reason")
    )
    enrolments = (
        batch_enrolments(batch, outcome=BpjsBatchEntry.Outcome.REFUSED)
        .filter(status=Enrolment.Status.VERIFIED)
        .order_by("worker__nik")
    )
    book = exports.XlsxBook()
    ws = book.sheet("Perbaiki")
    names = [c for c, _f in rules.COLUMNS]
    _header(ws, [*names, MESSAGE_COLUMN], [*TEMPLATE_WIDTHS, 60])
    ws.column_formats(dict.fromkeys(TEXT_COLUMNS, TEXT))
    text_at = {i - 1 for i in TEXT_COLUMNS}
    for e in enrolments:
        reason = reasons.get(e.pk) or _("tanpa alasan tertulis")
        ws.append(
            [
                *_text_cells(_worker_row(e.worker), text_at),
                "[bpjs_refused] "
                + _("Ditolak BPJS (batch %(n)s %(code)s): %(reason)s")
                % {"n": batch.number, "code": batch.programme.code, "reason": reason},
            ]
        )
    _instructions(
        book,
        [
            *_correction_steps(_("berisi pekerja yang pendaftarannya ditolak BPJS")),
            _(
                "Unggah berkas ini di menu Impor Excel tanpa memilih program: data pekerja "
                "diperbarui, kepesertaannya tetap terverifikasi."
            ),
            _(
                "Lalu buat batch baru di halaman Pertukaran data BPJS: pekerja yang ditolak dan sudah "
                "diperbaiki ikut terkirim lagi."
            ),
            *_worker_instructions()[:3],
        ],
    )
    villages, occupations = _reference_sheet(book, by=by, programme=batch.programme)
    _dropdowns(
        ws, TEMPLATE_FIELDS, ws.rows + 1 + SPARE_ROWS, villages=villages, occupations=occupations
    )
    return book.file()

"""Spreadsheets the importer hands out: the template and the error workbook."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core import exports
from lindung.core.exports import ExportFile, XlsxSheet
from lindung.imports import parsers, rules
from lindung.imports.models import ImportJob
from lindung.programs.models import Programme
from lindung.regions.selectors import villages_in_scope
from lindung.registry.selectors import occupations_current

XLSX = exports.XLSX
TEXT = "@"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F5F8B")
TEMPLATE_ROWS = 1000  # rows whose NIK/KK cells are pre-formatted as text
_POSITION = {name: i for i, (name, _f) in enumerate(rules.COLUMNS, 1)}
TEXT_COLUMNS = [_POSITION[c] for c in ("NIK", "NO_KK", "KODE_DESA", "NO_HP")]
DATE_COLUMN = _POSITION["TANGGAL_LAHIR"]


def _header(ws: XlsxSheet, names: list[str], widths: list[int] | None = None) -> None:
    ws.widths(widths or [18] * len(names)).freeze("A2")
    ws.header(names, font=HEAD, fill=HEAD_FILL)


def template_workbook(*, by: User, programme: Programme | None = None) -> bytes:
    """Sheet 1: the columns, NIK and NO_KK cells formatted as text (so Excel keeps all 16
    digits). Sheet 2: the villages of the user's scope (within the programme's region) and the
    occupations the programme accepts."""
    book = exports.XlsxBook()
    ws = book.sheet("Pekerja")
    names = [c for c, _f in rules.COLUMNS]
    _header(ws, names, [20, 20, 28, 14, 16, 14, 16, 30, 18, 16, 14])
    ws.column_formats(dict.fromkeys(TEXT_COLUMNS, TEXT))
    formats = {i: TEXT for i in TEXT_COLUMNS} | {DATE_COLUMN: "DD/MM/YYYY"}
    blank = [exports.Styled(None, number_format=formats.get(i)) if i in formats else None
             for i in range(1, max(formats) + 1)]
    for _row in range(TEMPLATE_ROWS):
        ws.append(blank, data=False)
    hints = book.sheet("Petunjuk").widths([18, 60])
    hints.append([_("Kolom"), _("Isi")], data=False)
    for name in names:
        hints.append([name, str(rules.COLUMN_HINTS[name])])

    ref = book.sheet("Referensi")
    _header(ref, ["KODE_DESA", "DESA", "KECAMATAN", "", "KODE_PEKERJAAN", "PEKERJAAN"],
            [16, 26, 22, 4, 24, 30])
    villages = villages_in_scope(scope=scope_of(by))
    if programme is not None:
        villages = villages.filter(code__startswith=programme.region_id + ".")
    occupations = (programme.occupations.order_by("name") if programme is not None
                   else occupations_current())
    village_rows = [(v.code, v.name, v.parent.name if v.parent else "")
                    for v in villages.order_by("code")]
    occupation_rows = [(o.code, o.name) for o in occupations]
    for i in range(max(len(village_rows), len(occupation_rows))):
        left = village_rows[i] if i < len(village_rows) else ("", "", "")
        right = occupation_rows[i] if i < len(occupation_rows) else ("", "")
        ref.append([*left, "", *right])
    return book.file().content


def error_workbook_export(*, job: ImportJob) -> ExportFile:
    """The rejected rows of the job's file as they were uploaded, plus a PESAN_KESALAHAN
    column, so the village can fix them and upload this file again. Written by
    `core.exports`: a cell that looks like a formula stays text, with its value unchanged."""
    by_row: dict[int, list[str]] = {}
    for e in job.errors:
        by_row.setdefault(int(e["row"]), []).append(f"[{e['code']}] {e['message']}")
    # A job with errors was read once already, so its file has a header row.
    raw_header, rows = parsers.split_header(parsers.read_rows(bytes(job.content), job.filename))
    book = exports.XlsxBook()
    ws = book.sheet("Perbaiki")
    header = [rules.text(c) for c in raw_header]
    ws.append([*header, "PESAN_KESALAHAN"], data=False)
    for row_no, raw in rows:
        messages = by_row.get(row_no)
        if messages:
            cells = list(raw) + [""] * (len(header) - len(raw))
            ws.append([*cells[: len(header)], "; ".join(messages)])
    return book.file()

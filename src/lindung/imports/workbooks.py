"""Spreadsheets the importer hands out: the template and the error workbook."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.imports import parsers, rules
from lindung.imports.models import ImportJob
from lindung.programs.models import Programme
from lindung.regions.selectors import villages_in_scope
from lindung.registry.selectors import occupations_current

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "@"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F5F8B")
TEMPLATE_ROWS = 1000  # rows whose NIK/KK cells are pre-formatted as text


def _header(ws: Worksheet, names: list[str], widths: list[int] | None = None) -> None:
    ws.append(names)
    for i, _name in enumerate(names, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = HEAD
        cell.fill = HEAD_FILL
        ws.column_dimensions[get_column_letter(i)].width = (widths or [18] * len(names))[i - 1]
    ws.freeze_panes = "A2"


def template_workbook(*, by: User, programme: Programme | None = None) -> bytes:
    """Sheet 1: the columns, NIK and NO_KK cells formatted as text (so Excel keeps all 16
    digits). Sheet 2: the villages of the user's scope (within the programme's region) and the
    occupations the programme accepts."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Pekerja"
    names = [c for c, _f in rules.COLUMNS]
    _header(ws, names, [20, 20, 28, 14, 16, 14, 16, 30, 18, 16, 14])
    for col in ("A", "B", "G", "J"):
        ws.column_dimensions[col].number_format = TEXT
        for row in range(2, TEMPLATE_ROWS + 2):
            ws[f"{col}{row}"].number_format = TEXT
    for row in range(2, TEMPLATE_ROWS + 2):
        ws[f"F{row}"].number_format = "DD/MM/YYYY"
    hints = wb.create_sheet("Petunjuk")
    hints.append([_("Kolom"), _("Isi")])
    for name in names:
        hints.append([name, str(rules.COLUMN_HINTS[name])])
    hints.column_dimensions["A"].width = 18
    hints.column_dimensions["B"].width = 60

    ref = wb.create_sheet("Referensi")
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
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def error_workbook(*, job: ImportJob) -> bytes:
    """The rejected rows of the job's file as they were uploaded, plus a PESAN_KESALAHAN
    column, so the village can fix them and upload this file again."""
    by_row: dict[int, list[str]] = {}
    for e in job.errors:
        by_row.setdefault(int(e["row"]), []).append(f"[{e['code']}] {e['message']}")
    # A job with errors was read once already, so its file has a header row.
    raw_header, rows = parsers.split_header(parsers.read_rows(bytes(job.content), job.filename))
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Perbaiki")
    header = [rules.text(c) for c in raw_header]
    ws.append([*header, "PESAN_KESALAHAN"])
    for row_no, raw in rows:
        messages = by_row.get(row_no)
        if messages:
            cells = list(raw) + [""] * (len(header) - len(raw))
            ws.append([_cell(c) for c in cells[: len(header)]] + ["; ".join(messages)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, (dt.date, int, float, str)) or value is None:
        return value
    return str(value)

"""A report as XLSX: one sheet per table (`reports.tables`), numbers as numbers with their cell
format, written by the one formula-safe writer (`core.exports`): a village or programme name
that starts with `=` stays text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from lindung.core.exports import ExportFile, Styled, XlsxBook
from lindung.core.formatting import tanggal
from lindung.reports.tables import DATE, INT, PCT, RP, SCORE, TableSpec

TITLE = Font(bold=True, size=13)
BOLD = Font(bold=True)
FORMATS = {INT: "#,##0", PCT: "0.0", RP: '"Rp"#,##0', SCORE: "0.00", DATE: "DD-MM-YYYY"}


def _cell(value: object, kind: str, *, bold: bool = False) -> object:
    fmt = FORMATS.get(kind)
    if value is None or (fmt is None and not bold):
        return value
    return Styled(
        value,
        number_format=fmt if not isinstance(value, str) else None,
        font=BOLD if bold else None,
    )


def _sheet_name(key: str, used: set[str]) -> str:
    # Excel refuses []:*?/\ in a sheet's name and names longer than 31 characters.
    name = "".join(c for c in key if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name.lower())
    return name


def workbook(
    *,
    title: str,
    subtitle: Sequence[str],
    tables: Sequence[TableSpec],
    sentences: Sequence[str] = (),
    sentences_title: str = "",
) -> ExportFile:
    """The title and subtitle lines head the first sheet; each table gets its sheet."""
    book = XlsxBook()
    used: set[str] = set()
    for i, t in enumerate(tables):
        widths = [max(12.0, 10 * c.width) for c in t.columns]
        sheet = book.sheet(_sheet_name(t.key, used)).widths(widths)
        if i == 0:
            sheet.append([Styled(title, font=TITLE)], data=False)
            for line in subtitle:
                sheet.append([line], data=False)
            sheet.append([], data=False)
        sheet.append([Styled(t.title, font=BOLD)], data=False)
        sheet.header([c.name for c in t.columns], font=BOLD)
        for r, row in enumerate(t.rows):
            bold = r in t.bold_rows
            sheet.append([_cell(v, t.kind(r, c), bold=bold) for c, v in enumerate(row)])
        if t.total is not None:
            sheet.append(
                [_cell(v, t.kind(-1, c), bold=True) for c, v in enumerate(t.total)], data=False
            )
        if t.note:
            sheet.append([], data=False)
            sheet.append([t.note], data=False)
        if i == 0 and sentences:
            sheet.append([], data=False)
            sheet.append([Styled(sentences_title, font=BOLD)], data=False)
            for s in sentences:
                sheet.append([s], data=False)
    return book.file()


def generated_line(on: dt.date, by: str) -> str:
    return _("Disusun %(date)s oleh %(who)s dengan Lindung") % {"date": tanggal(on), "who": by}

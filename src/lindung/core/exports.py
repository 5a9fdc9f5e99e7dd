"""The one writer of every spreadsheet Lindung hands out (XLSX and CSV), safe against formula
injection.

A worker named `=HYPERLINK("http://x","a")` is entered by a village and opened by the BPJS
branch or the Dinas in Excel or LibreOffice: written naively it becomes a live formula (a link,
a DDE command, a data leak). The rule is OWASP's "CSV Injection": a text cell whose first
character is `=`, `+`, `-`, `@`, a tab or a carriage return (and, because spreadsheet
programs accept them as formula starters too, a line feed and the full-width `＝ ＋ － ＠`) must
not reach the spreadsheet as something it may evaluate:

- CSV has no types: such a field is prefixed with a single quote (`'=HYPERLINK(…)`), the
  prefix Excel itself uses for "this is text", and every text field is enclosed in double
  quotes (embedded quotes doubled). Numbers are written bare and stay numbers.
- XLSX has types: such a cell is written as a string (openpyxl would otherwise store any
  string starting with `=` as a formula, and `#N/A` as an error) and marked `quotePrefix`, the
  cell attribute Excel sets when a user types the leading quote, so that even editing the
  cell keeps it text. The value itself is unchanged: a village that corrects the error workbook
  and uploads it again gets back exactly what it entered.

Numbers (`int`, `float`, `Decimal`) are never touched: a negative amount is a number, not text.
Characters that XML cannot hold (control characters other than tab, CR and LF) are dropped
rather than letting one hostile name make the whole export fail.

Every export returns an `ExportFile` (content, type, the number of data rows for the audit
trail) and is served by `download_response`, never cached (`Cache-Control: no-store`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
PDF = "application/pdf"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters a spreadsheet may read as the start of a formula (OWASP, plus line feed
and the full-width forms ＝ ＋ － ＠)."""

# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them with an exception.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER = (int, float, Decimal)

# Cell formats of the exports: amounts stay numbers (a column still sums) shown as rupiah
# ("Rp3.024.000.000" in an Indonesian-locale spreadsheet), dates stay dates.
RUPIAH_FORMAT = '"Rp"#,##0;-"Rp"#,##0'
DATE_FORMAT = "DD-MM-YYYY"
INTEGER_FORMAT = "#,##0"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula."""
    return text.startswith(FORMULA_PREFIXES)


def clean_text(text: str) -> str:
    """`text` without the characters a spreadsheet file cannot hold."""
    return _UNWRITABLE.sub("", text)


def neutralise(text: str) -> str:
    """The CSV form of a text field: prefixed with a single quote when it looks like a
    formula (OWASP), so Excel and LibreOffice show it as text."""
    text = clean_text(text)
    return "'" + text if is_formula_like(text) else text


@dataclass(frozen=True)
class ExportFile:
    """A generated file: its bytes, media type, extension and how many data rows (not headers,
    titles or totals) it holds, as recorded in the audit trail."""

    content: bytes
    content_type: str
    extension: str
    rows: int


@dataclass(frozen=True)
class Styled:
    """A value with its cell format (XLSX only; CSV writes the bare value)."""

    value: object
    number_format: str | None = None
    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None


def _plain(value: object) -> object:
    """The value as a type a spreadsheet holds: numbers, dates, booleans stay; timezone-aware
    times become local; anything else (lazy translations, enums, UUIDs …) becomes text."""
    if value is None or isinstance(value, (bool, *_NUMBER)):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, (dt.date, dt.time)):
        return value
    return clean_text(str(value))


class XlsxSheet:
    """One sheet of an `XlsxBook` (openpyxl write-only mode: rows are streamed to the file, so
    memory does not grow with the number of rows)."""

    def __init__(self, book: XlsxBook, title: str) -> None:
        self._ws = book._wb.create_sheet(title[:31])
        self.rows = 0
        self.last_row = 0  # the sheet's row number of the last row written (titles included)

    def widths(self, widths: Sequence[float] | Mapping[int, float]) -> XlsxSheet:
        """Column widths, by position (1-based keys in a mapping). Before the first row."""
        items = widths.items() if isinstance(widths, Mapping) else enumerate(widths, 1)
        for column, width in items:
            self._ws.column_dimensions[get_column_letter(column)].width = width
        return self

    def column_formats(self, formats: Mapping[int, str]) -> XlsxSheet:
        """Number formats of whole columns (1-based), e.g. "@" (text) for identity numbers
        typed in below the written rows. Before the first row."""
        for column, number_format in formats.items():
            self._ws.column_dimensions[get_column_letter(column)].number_format = number_format
        return self

    @property
    def title(self) -> str:
        return self._ws.title

    def range_ref(self, column: int, first_row: int, last_row: int) -> str:
        """An absolute reference to cells of one column of this sheet, e.g.
        `Referensi!$A$2:$A$140`, for a drop-down list's `source` on another sheet."""
        letter = get_column_letter(column)
        return f"{quote_sheetname(self.title)}!${letter}${first_row}:${letter}${last_row}"

    def dropdown(
        self,
        cells: str,
        *,
        values: Sequence[str] = (),
        source: str = "",
        title: str = "",
        prompt: str = "",
    ) -> XlsxSheet:
        """A drop-down list (data validation) on `cells` (e.g. "D2:D1001"): fixed `values`
        (short words) or a `source` range from `range_ref`. Only a warning when something
        else is typed: the importer reads more spellings than a list holds (`Laki-laki`,
        `6401012009`), so the list guides and never blocks. The list is a formula Lindung
        writes itself, never from cell data: `values` holding a quote or a comma (which would
        end the list or the formula) are refused. Works in write-only mode: validations are
        written when the sheet is closed, so it may be called before or after the rows."""
        if bool(values) == bool(source):
            raise ValueError("dropdown: give either values or source")
        if values:
            if any('"' in v or "," in v for v in values):
                raise ValueError("dropdown values may not hold quotes or commas")
            formula = '"' + ",".join(values) + '"'
            if len(formula) > 257:  # Excel's limit: 255 characters inside the quotes
                raise ValueError("dropdown values too long; use a source range")
        else:
            formula = source
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            showInputMessage=bool(prompt),
        )
        validation.errorTitle = clean_text(title)[:32] or None
        validation.error = clean_text(prompt)[:255] or None
        validation.promptTitle = clean_text(title)[:32] or None
        validation.prompt = clean_text(prompt)[:255] or None
        validation.add(cells)
        self._ws.data_validations.append(validation)
        return self

    def freeze(self, cell: str) -> XlsxSheet:
        """Keep the rows above and columns left of `cell` in view. Before the first row."""
        self._ws.freeze_panes = cell
        return self

    def landscape(self, *, repeat_rows: tuple[int, int] | None = None) -> XlsxSheet:
        """Printed across the page; rows `repeat_rows` (first, last) repeated at the top of
        every printed page (a table's header row). May be called after the rows."""
        self._ws.page_setup.orientation = "landscape"
        if repeat_rows is not None:
            self._ws.print_title_rows = f"{repeat_rows[0]}:{repeat_rows[1]}"
        return self

    def banner(
        self,
        value: object,
        *,
        columns: int,
        font: Font | None = None,
        horizontal: str = "center",
    ) -> None:
        """A title row (not counted as data): `value` in a cell merged across the first
        `columns` columns, e.g. a letterhead line centred over a table."""
        self.append(
            [Styled(value, font=font, alignment=Alignment(horizontal=horizontal, wrap_text=True))],
            data=False,
        )
        if columns > 1:
            self._ws.merged_cells.add(
                CellRange(min_col=1, min_row=self.last_row, max_col=columns, max_row=self.last_row)
            )

    def header(
        self, names: Iterable[object], *, font: Font | None = None, fill: PatternFill | None = None
    ) -> None:
        """A header row (not counted as data)."""
        self.append([Styled(n, font=font, fill=fill) for n in names], data=False)

    def append(self, values: Iterable[object], *, data: bool = True) -> None:
        """One row. `data=False` for titles, blank lines, labels and totals: rows the audit
        trail does not count."""
        self._ws.append([self._cell(v) for v in values])
        self.last_row += 1
        if data:
            self.rows += 1

    def _cell(self, value: object) -> object:
        # The common cases first (a bare text or number: most cells of a large export).
        if isinstance(value, str):
            value = clean_text(value) if _UNWRITABLE.search(value) else str(value)
            if not is_formula_like(value) and value not in ERROR_CODES:
                return value
        elif value is None or type(value) in (int, float):
            return value
        styled = value if isinstance(value, Styled) else None
        plain = _plain(styled.value if styled else value)
        protect = isinstance(plain, str) and (is_formula_like(plain) or plain in ERROR_CODES)
        if styled is None and not protect:
            return plain  # openpyxl types it: a string that is not formula-like stays text
        cell = WriteOnlyCell(self._ws, plain)
        if protect:
            cell.data_type = "s"
            cell.quotePrefix = True
        if styled is not None:
            if styled.number_format:
                cell.number_format = styled.number_format
            if styled.font is not None:
                cell.font = styled.font
            if styled.fill is not None:
                cell.fill = styled.fill
            if styled.alignment is not None:
                cell.alignment = styled.alignment
        return cell


class XlsxBook:
    """An XLSX workbook written through `XlsxSheet`s, every text cell formula-safe."""

    def __init__(self) -> None:
        self._wb = Workbook(write_only=True)
        self._sheets: list[XlsxSheet] = []

    def sheet(self, title: str) -> XlsxSheet:
        sheet = XlsxSheet(self, title)
        self._sheets.append(sheet)
        return sheet

    def file(self) -> ExportFile:
        out = io.BytesIO()
        self._wb.save(out)
        return ExportFile(out.getvalue(), XLSX, "xlsx", sum(s.rows for s in self._sheets))


def csv_file(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ";",
    bom: bool = True,
) -> ExportFile:
    """A CSV export: UTF-8 (with the byte-order mark Excel needs to read it as UTF-8), every
    text field quoted and neutralised, numbers bare."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_STRINGS, lineterminator="\r\n")

    def field(value: object) -> object:
        value = value.value if isinstance(value, Styled) else value
        if value is None or isinstance(value, bool):
            return "" if value is None else str(value)
        if isinstance(value, _NUMBER):
            return value
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        return neutralise(value.isoformat() if isinstance(value, dt.date) else str(value))

    writer.writerow([field(v) for v in header])
    count = 0
    for row in rows:
        writer.writerow([field(v) for v in row])
        count += 1
    text = buf.getvalue()
    return ExportFile((("\ufeff" if bom else "") + text).encode("utf-8"), CSV, "csv", count)


def download_response(
    export: ExportFile | bytes, filename: str, content_type: str | None = None
) -> HttpResponse:
    """The response serving a generated file: an attachment, never stored by a browser or
    proxy cache (the files hold NIKs, names and phone numbers)."""
    content = export.content if isinstance(export, ExportFile) else export
    kind = content_type or (export.content_type if isinstance(export, ExportFile) else None)
    response = HttpResponse(content, content_type=kind or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    return response

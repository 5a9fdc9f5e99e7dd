"""core.exports: the one XLSX/CSV writer neutralises formula prefixes (OWASP CSV injection)
in every text cell and leaves numbers numbers."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from lindung.core import exports
from tests.exports import HOSTILE, csv_fields, xlsx_values


@pytest.mark.parametrize("text", HOSTILE[:-1] + ["\n=1", "\uff0b1", "\uff0dcmd", "\uff20SUM(A1)"])
def test_formula_like_text_gets_a_single_quote_in_csv(text):
    assert exports.is_formula_like(text)
    assert exports.neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Siti Rahayu", "RT 01 / RW 02", "081234567890", " =1", "a=b", "'already quoted", ""]
)
def test_ordinary_text_is_left_alone(text):
    assert not exports.is_formula_like(text)
    assert exports.neutralise(text) == text


def test_xlsx_writes_hostile_text_as_quoted_strings_and_numbers_as_numbers():
    book = exports.XlsxBook()
    ws = book.sheet("Data").widths([30, 12]).freeze("A2")
    ws.header(["NAMA", "JUMLAH"])
    for i, text in enumerate(HOSTILE):
        ws.append([text, -i - 1])
    ws.append([exports.Styled("=1+1", number_format="@"), Decimal("-16800")])
    export = book.file()
    assert (export.rows, export.extension, export.content_type) == (
        len(HOSTILE) + 1,
        "xlsx",
        exports.XLSX,
    )

    values = xlsx_values(export.content)  # asserts no formula, quotePrefix on each
    texts = [v for _s, coord, v in values if coord.startswith("A")]
    # Values unchanged, so the error workbook round-trips (XML reads a raw CR as LF).
    expected = [t.replace("\r", "\n") for t in HOSTILE]
    assert texts == ["NAMA", *expected, "=1+1"]
    numbers = [v for _s, coord, v in values if coord.startswith("B")][1:]
    assert numbers == [-i - 1 for i in range(len(HOSTILE))] + [-16800]
    ws = openpyxl.load_workbook(io.BytesIO(export.content))["Data"]
    assert ws["A2"].quotePrefix and not ws["A1"].quotePrefix
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 30
    # What another program reads back (the importer uses calamine): the same text.
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert [r[0] for r in rows[1:]] == [*expected, "=1+1"]


def test_xlsx_drops_characters_xml_cannot_hold_instead_of_failing():
    book = exports.XlsxBook()
    book.sheet("x").append(["Ahmad\x00\x07 Yusuf", "=\x1b1"])
    values = [v for *_k, v in xlsx_values(book.file().content)]
    assert values == ["Ahmad Yusuf", "=1"]


def test_xlsx_keeps_dates_and_writes_aware_times_in_local_time():
    book = exports.XlsxBook()
    at = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    book.sheet("x").append([dt.date(2026, 1, 31), at, None, True])
    ws = openpyxl.load_workbook(io.BytesIO(book.file().content))["x"]
    assert ws["A1"].value == dt.datetime(2026, 1, 31)
    assert ws["B1"].value == dt.datetime(2026, 11, 20, 10, 0)  # WITA
    assert ws["C1"].value is None and ws["D1"].value is True


def test_empty_styled_cells_carry_their_format():
    book = exports.XlsxBook()
    ws = book.sheet("x").column_formats({1: "@"})
    ws.append([exports.Styled(None, number_format="@"), "a"], data=False)
    export = book.file()
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["x"]
    assert sheet["A1"].number_format == "@" and export.rows == 0
    assert sheet.column_dimensions["A"].number_format == "@"


def test_banner_rows_are_merged_titles_and_amounts_keep_a_rupiah_format():
    """A document's header (a letterhead line) spans the table below it; it is not data, and
    a hostile title stays text. Amounts stay numbers shown as rupiah."""
    book = exports.XlsxBook()
    ws = book.sheet("x")
    ws.banner("PEMERINTAH KABUPATEN PASER", columns=4)
    ws.banner("=cmd", columns=4, horizontal="left")
    ws.header(["No.", "Nama", "Tanggal", "Jumlah"])
    ws.append(
        [
            1,
            "a",
            exports.Styled(dt.date(2026, 1, 15), number_format=exports.DATE_FORMAT),
            exports.Styled(3_024_000_000, number_format=exports.RUPIAH_FORMAT),
        ]
    )
    ws.landscape(repeat_rows=(ws.last_row - 1, ws.last_row - 1))
    export = book.file()
    assert export.rows == 1 and ws.last_row == 4
    assert ("x", "A2", "=cmd") in xlsx_values(export.content)  # text, not a formula
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["x"]
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:D1", "A2:D2"}
    assert sheet["A1"].alignment.horizontal == "center" and sheet["A2"].value == "=cmd"
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert (
        sheet["D4"].value == 3_024_000_000 and sheet["D4"].number_format == '"Rp"#,##0;-"Rp"#,##0'
    )
    assert (
        sheet["C4"].value == dt.datetime(2026, 1, 15) and sheet["C4"].number_format == "DD-MM-YYYY"
    )
    assert sheet.print_title_rows == "$3:$3" and sheet.page_setup.orientation == "landscape"


def test_csv_quotes_every_text_field_and_prefixes_formulas():
    export = exports.csv_file(
        ["NAMA", "JUMLAH", "TANGGAL"],
        [[text, -i, dt.date(2026, 1, 31)] for i, text in enumerate(HOSTILE)]
        + [['Nama "kutip"; titik-koma', Decimal("-16800.5"), None]],
    )
    assert (export.rows, export.extension) == (len(HOSTILE) + 1, "csv")
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = csv_fields(export.content)  # asserts: nothing starts like a formula, text quoted
    assert rows[0] == ["NAMA", "JUMLAH", "TANGGAL"]
    assert [r[0] for r in rows[1:-1]] == [t if t.startswith("#") else "'" + t for t in HOSTILE]
    assert [r[1] for r in rows[1:-1]] == [str(-i) for i in range(len(HOSTILE))]
    assert rows[-1] == ['Nama "kutip"; titik-koma', "-16800.5", ""]
    text = export.content.decode("utf-8-sig")
    assert ';-3;"2026-01-31"' in text  # a negative number is written bare: still a number


def test_download_is_an_attachment_never_cached():
    export = exports.csv_file(["A"], [["x"]])
    response = exports.download_response(export, "daftar pekerja.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="daftar pekerja.csv"'
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == export.content


def test_core_exports_imports_no_domain_app():
    tree = ast.parse(Path(exports.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not {
        m for m in modules if m and m.startswith("lindung.") and not m.startswith("lindung.core")
    }


def test_every_spreadsheet_of_the_app_is_written_by_core_exports():
    """openpyxl's Workbook, csv.writer and reportlab's Paragraph with data appear nowhere
    else: a new export must go through the one writer."""
    src = Path(exports.__file__).parents[1]
    writers = [
        p.relative_to(src).as_posix()
        for p in src.rglob("*.py")
        if any(s in p.read_text() for s in ("Workbook(", "csv.writer", "DictWriter"))
    ]
    assert writers == ["core/exports.py"]

"""Checks shared by the export tests: hostile values and a cell-by-cell formula check of XLSX
and CSV files, written independently of `lindung.core.exports` (a test that reused the
writer's own prefix list would agree with any mistake in it)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl

# What a village can type into a name, an address or a reference (OWASP's examples).
HOSTILE = [
    '=HYPERLINK("http://x","a")',
    "+1+1",
    "-cmd",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    '\uff1dHYPERLINK("http://x")',  # full-width equals sign
    "#N/A",
]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def xlsx_values(content: bytes) -> list[tuple[str, str, object]]:
    """Every non-empty cell of every sheet as (sheet, coordinate, value), after asserting that
    none is a formula: no <f> element in the file, no cell typed 'f', and every text that a
    spreadsheet could read as a formula (or an error code) stored as a string marked
    quotePrefix, so that editing the cell keeps it text."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    found = []
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and (
                    cell.value.startswith(DANGEROUS_START) or cell.value.startswith("#")
                ):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    assert cell.quotePrefix, (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, (int, float)):
                    assert cell.data_type == "n", (ws.title, cell.coordinate, cell.value)
                found.append((ws.title, cell.coordinate, cell.value))
    return found


def csv_fields(content: bytes, delimiter: str = ";") -> list[list[str]]:
    """The rows of a CSV export, after asserting that no field starts like a formula (the
    writer prefixes those with a single quote; a bare number such as -5 is a number) and that
    every text field is enclosed in double quotes."""
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    for row in rows:
        for value in row:
            if value.startswith(DANGEROUS_START):
                assert _NUMBER.fullmatch(value), value
            elif value and not _NUMBER.fullmatch(value):
                assert '"' + value.replace('"', '""') + '"' in text, value
    return rows

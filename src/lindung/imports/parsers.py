"""Reading an uploaded spreadsheet into rows of raw cells, with spreadsheet row numbers.

XLSX through python-calamine (Rust, the fastest reader available to us), CSV through the
standard library with the delimiter (comma or semicolon) taken from the header line. A file that
cannot be read at all raises `FileRefused`; the importer then writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from lindung.core.errors import DomainError
from lindung.imports import rules

MAX_BYTES = 50 * 1024 * 1024


class FileRefused(DomainError):
    """The whole file is refused: unreadable, not a spreadsheet, or a required column missing."""

    code = "file_refused"


@dataclass
class Table:
    headers: list[str]
    columns: dict[str, int]  # field -> column index
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (row number, cells)

    def cell(self, cells: list[object], name: str) -> object:
        i = self.columns.get(name)
        if i is None or i >= len(cells):
            return None
        return cells[i]


def sniff_kind(content: bytes, filename: str) -> str:
    name = filename.lower()
    if content[:4] == b"PK\x03\x04":
        return "xlsx"
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if name.endswith((".csv", ".txt")):
        return "csv"
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        return "broken"
    return "csv" if _looks_like_text(content) else "unknown"


def _looks_like_text(content: bytes) -> bool:
    head = content[:4096]
    return b"\x00" not in head and (b"," in head or b";" in head)


def read_rows(content: bytes, filename: str) -> list[list[object]]:
    """Every row of the first sheet (or of the CSV), as lists of cells, row 1 first."""
    if len(content) > MAX_BYTES:
        raise FileRefused(
            _("Berkas terlalu besar (maksimal 50 MB). Pecah menjadi beberapa berkas."),
            code="file_too_large")
    kind = sniff_kind(content, filename)
    if kind in ("xlsx", "xls"):
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except (CalamineError, ValueError, IndexError) as e:
            raise FileRefused(
                _("Berkas Excel tidak dapat dibaca (%(e)s). Simpan ulang sebagai .xlsx dari "
                  "templat.") % {"e": str(e)[:100]}, code="file_unreadable") from e
    if kind == "csv":
        return list(_csv_rows(content))
    raise FileRefused(
        _("Berkas bukan lembar kerja. Unggah berkas .xlsx (dari templat) atau .csv."),
        code="file_type")


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page when not asked for UTF-8.
        decoded = content.decode("cp1252", errors="replace")
    first = decoded.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    yield from csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)


def split_header(raw: list[list[object]]) -> tuple[list[object], list[tuple[int, list[object]]]]:
    """The header row (the first non-empty row) and every non-empty row after it, with its
    spreadsheet row number. Raises FileRefused when the file holds no row at all."""
    header_at = next((i for i, r in enumerate(raw) if any(not rules.is_blank(c) for c in r)),
                     None)
    if header_at is None:
        raise FileRefused(_("Berkas kosong: tidak ada baris judul kolom."), code="file_empty")
    rows = [(i + 1, raw[i]) for i in range(header_at + 1, len(raw))
            if any(not rules.is_blank(c) for c in raw[i])]
    return raw[header_at], rows


def read_table(content: bytes, filename: str) -> Table:
    """The header row mapped to fields, then every non-empty row. Raises FileRefused when the
    file is unreadable or a required column is missing."""
    header, rows = split_header(read_rows(content, filename))
    headers = [rules.text(c) for c in header]
    columns = rules.map_headers(headers)
    missing = rules.missing_columns(columns)
    if missing:
        raise FileRefused(
            _("Kolom wajib tidak ditemukan: %(cols)s. Gunakan baris judul dari templat "
              "(baris judul yang terbaca: %(found)s).")
            % {"cols": ", ".join(missing), "found": ", ".join(h for h in headers if h)[:300]},
            code="column_missing")
    return Table(headers=headers, columns=columns, rows=rows)

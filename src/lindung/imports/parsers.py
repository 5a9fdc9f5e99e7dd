"""Reading an uploaded spreadsheet into rows of raw cells, with spreadsheet row numbers.

The reading itself is `core.uploads`: every limit (size, unpacked size, rows, columns, cells)
checked before parsing, XLSX parsed by python-calamine in a child process with its memory capped,
CSV through the standard library with the delimiter (comma, semicolon or tab) taken from the
header line, rows handed over one by one. A file that cannot be read at all, or breaks a limit,
raises `FileRefused`; the importer then writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lindung.core import uploads
from lindung.core.uploads import FileRefused, Limits
from lindung.imports import rules

__all__ = ["FileRefused", "Limits", "Table", "read_rows", "read_table", "split_header"]

Row = uploads.Row


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


def read_rows(content: bytes, filename: str) -> Iterable[Row]:
    """(spreadsheet row number, cells) of every row of the first sheet (or of the CSV), row 1
    first, read under the installation's upload limits. Raises FileRefused."""
    return uploads.read_rows(content, filename)


def split_header(raw: Iterable[Row]) -> tuple[list[object], list[Row]]:
    """The header row (the first non-empty row) and every non-empty row after it, with its
    spreadsheet row number. Consumes `raw` as it comes. Raises FileRefused when the file holds
    no row at all."""
    rows = iter(raw)
    for _n, cells in rows:
        if any(not rules.is_blank(c) for c in cells):
            header = cells
            break
    else:
        raise FileRefused(_("Berkas kosong: tidak ada baris judul kolom."), code="file_empty")
    return header, [(n, cells) for n, cells in rows if any(not rules.is_blank(c) for c in cells)]


def read_table(content: bytes, filename: str) -> Table:
    """The header row mapped to fields, then every non-empty row. Raises FileRefused when the
    file is unreadable or a required column is missing."""
    header, rows = split_header(read_rows(content, filename))
    headers = [rules.text(c) for c in header]
    columns = rules.map_headers(headers)
    missing = rules.missing_columns(columns)
    if missing:
        raise FileRefused(
            _(
                "Kolom wajib tidak ditemukan: %(cols)s. Gunakan baris judul dari templat "
                "(baris judul yang terbaca: %(found)s)."
            )
            % {"cols": ", ".join(missing), "found": ", ".join(h for h in headers if h)[:300]},
            code="column_missing",
        )
    return Table(headers=headers, columns=columns, rows=rows)

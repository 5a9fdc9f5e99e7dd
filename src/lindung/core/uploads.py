"""Uploaded spreadsheets (.xlsx, .csv) read under limits that are checked BEFORE parsing.

Every upload is hostile until checked: any village operator can upload, and a 5 KB .xlsx with one
cell at XFD1048576 makes python-calamine ask for 512 GiB and abort the process (issue 14). So:

1. `inspect` looks at the bytes with the standard library only, in bounded memory: the size;
   for an .xlsx the zip directory (member count, unpacked size, compression ratio), the shared
   strings' size, and the first sheet's `<dimension ref>` and the cells actually present, found
   by streaming the sheet XML (a dimension can be missing or lie); for a CSV NUL bytes, the
   number of rows. Anything beyond `Limits` refuses the whole file with a message naming the
   limit ("Berkas memiliki 1.048.576 baris; batas 200.000 baris per berkas.").
2. `read_rows` then yields (row number, cells) one by one. An .xlsx is parsed by calamine in a
   child process (`core.sheet_reader`) with its memory and CPU time capped, so that even a file
   that slips past step 1 can only end the child: that is reported as a refused file, and the
   web server or the task worker carries on.

The limits are settings (`UPLOAD_LIMITS`, see `Limits`), shared by every upload: worker files,
BPJS answers, denominators, claim documents. `core` imports no domain app, so any app can use it.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import pickle
import re
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from lindung.core.errors import DomainError
from lindung.core.formatting import thousands

log = logging.getLogger(__name__)

MB = 1024 * 1024
Row = tuple[int, list[object]]  # (spreadsheet row number, cells)


class FileRefused(DomainError):
    """The whole file is refused: unreadable, not a spreadsheet, beyond a limit, or (for the
    importers built on it) a required column missing."""

    code = "file_refused"


@dataclass(frozen=True)
class Limits:
    """What an upload may hold. Defaults fit twice the 100,000-row benchmark import; override
    any of them in settings: `UPLOAD_LIMITS = {"max_rows": 300_000}`."""

    max_bytes: int = 50 * MB  # the file as uploaded
    max_unpacked_bytes: int = 500 * MB  # every member of an .xlsx, unpacked
    max_ratio: int = 100  # unpacked / packed, for members above RATIO_FLOOR
    max_members: int = 1000  # files inside an .xlsx
    max_shared_strings_bytes: int = 100 * MB  # the shared strings table, unpacked
    max_rows: int = 200_000  # sheet rows, header included
    max_columns: int = 100
    max_cells: int = 5_000_000  # rows x columns of the area a reader allocates
    max_field_chars: int = 32_767  # one CSV field (Excel's own limit for a cell)
    parse_memory_mb: int = 2048  # address space of the .xlsx reader process
    parse_seconds: int = 300  # CPU time of the .xlsx reader process

    @classmethod
    def current(cls) -> Limits:
        overrides: dict[str, Any] = getattr(settings, "UPLOAD_LIMITS", None) or {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: int(v) for k, v in overrides.items() if k in known})


RATIO_FLOOR = MB  # small members compress well for innocent reasons (styles, repeated tags)

_SIGNATURES = [
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf", "7-Zip"),
    (b"MZ", "program"),
    (b"\x7fELF", "program"),
]
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _n(value: int) -> str:
    return thousands(value)


def _refuse(message: str, code: str) -> FileRefused:
    return FileRefused(message, code=code)


# --- 1. inspection before parsing ------------------------------------------------------------


def inspect(content: bytes, filename: str, limits: Limits | None = None) -> str:
    """'xlsx' or 'csv' once every limit has been checked; raises FileRefused otherwise."""
    limits = limits or Limits.current()
    if len(content) > limits.max_bytes:
        raise _refuse(
            _(
                "Berkas berukuran %(size)s MB; batas %(max)s MB per berkas. Pecah "
                "menjadi beberapa berkas."
            )
            % {"size": _n(-(-len(content) // MB)), "max": _n(limits.max_bytes // MB)},
            "file_too_large",
        )
    name = filename.lower()
    if content[:4] == b"PK\x03\x04" or content[:4] == b"PK\x05\x06":
        _inspect_xlsx(content, limits)
        return "xlsx"
    if content[:8] == _OLE:
        raise _refuse(
            _(
                "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi. Buka "
                "di Excel lalu Simpan Sebagai .xlsx tanpa kata sandi."
            ),
            "file_type",
        )
    for magic, what in _SIGNATURES:
        if content.startswith(magic):
            raise _refuse(
                _(
                    "Berkas ini berisi %(what)s, bukan lembar kerja. Unggah berkas .xlsx "
                    "(dari templat) atau .csv."
                )
                % {"what": what},
                "file_type",
            )
    head = content[:4096]
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _refuse(
            _(
                "Berkas teks ini tersimpan sebagai UTF-16 (Unicode Text). Di Excel pilih "
                'Simpan Sebagai "CSV UTF-8".'
            ),
            "file_encoding",
        )
    if re.search(rb"(?i)^\s*<(!doctype html|html|table)", head):
        raise _refuse(
            _(
                'Berkas ini halaman HTML (misalnya unduhan "Excel" dari aplikasi web), '
                "bukan lembar kerja. Buka di Excel lalu Simpan Sebagai .xlsx."
            ),
            "file_type",
        )
    text = b"\x00" not in head and (b"," in head or b";" in head or b"\t" in head)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        if text:
            raise _refuse(
                _(
                    "Berkas bernama .xlsx tetapi isinya teks (CSV). Ubah akhiran namanya "
                    "menjadi .csv, atau simpan ulang sebagai .xlsx."
                ),
                "file_type",
            )
        raise _refuse(
            _(
                "Berkas Excel tidak dapat dibaca (isinya bukan .xlsx). Simpan ulang "
                "sebagai .xlsx dari templat."
            ),
            "file_unreadable",
        )
    if not (name.endswith((".csv", ".txt")) or text):
        raise _refuse(
            _("Berkas bukan lembar kerja. Unggah berkas .xlsx (dari templat) atau .csv."),
            "file_type",
        )
    _inspect_csv(content, limits)
    return "csv"


def _eocd_entries(content: bytes) -> int | None:
    """Number of members the zip's end-of-central-directory record announces, read before
    `zipfile` builds one object per member (a forged directory could announce millions)."""
    at = content.rfind(b"PK\x05\x06", max(0, len(content) - 65_557))
    if at < 0 or at + 22 > len(content):
        return None
    return struct.unpack_from("<H", content, at + 10)[0]


def _inspect_xlsx(content: bytes, limits: Limits) -> None:
    unreadable = _(
        "Berkas Excel tidak dapat dibaca (arsip .xlsx rusak). Simpan ulang sebagai "
        ".xlsx dari templat."
    )
    entries = _eocd_entries(content)
    if entries is None:
        raise _refuse(unreadable, "file_unreadable")
    if entries > limits.max_members:
        raise _refuse(
            _(
                "Berkas Excel berisi %(n)s bagian; batas %(max)s. Simpan ulang sebagai "
                ".xlsx dari templat."
            )
            % {"n": _n(entries), "max": _n(limits.max_members)},
            "too_many_members",
        )
    try:
        book = zipfile.ZipFile(io.BytesIO(content))
        members = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, struct.error) as e:
        raise _refuse(unreadable, "file_unreadable") from e
    by_name = {m.filename: m for m in members}
    if len(members) > limits.max_members:
        raise _refuse(
            _("Berkas Excel berisi %(n)s bagian; batas %(max)s.")
            % {"n": _n(len(members)), "max": _n(limits.max_members)},
            "too_many_members",
        )
    if "xl/workbook.xml" not in by_name:
        if b"opendocument.spreadsheet" in content[:200]:
            raise _refuse(
                _("Berkas OpenDocument (.ods) tidak didukung. Simpan Sebagai .xlsx."), "file_type"
            )
        raise _refuse(
            _(
                "Berkas ZIP ini bukan buku kerja Excel (.xlsx). Unggah berkas .xlsx "
                "(dari templat) atau .csv."
            ),
            "file_type",
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise _refuse(
            _("Berkas Excel ini dilindungi kata sandi. Simpan ulang tanpa kata sandi."), "file_type"
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise _refuse(
            _(
                "Isi berkas Excel berukuran %(size)s MB setelah dibuka; batas %(max)s MB. "
                "Pecah menjadi beberapa berkas."
            )
            % {"size": _n(-(-unpacked // MB)), "max": _n(limits.max_unpacked_bytes // MB)},
            "too_large_unpacked",
        )
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > limits.max_ratio * max(m.compress_size, 1):
            raise _refuse(
                _(
                    "Berkas Excel tidak wajar: bagian %(part)s memampat %(ratio)s kali "
                    "(batas %(max)s kali). Simpan ulang sebagai .xlsx dari templat."
                )
                % {
                    "part": m.filename[:60],
                    "ratio": _n(m.file_size // max(m.compress_size, 1)),
                    "max": _n(limits.max_ratio),
                },
                "too_compressed",
            )
        if (
            m.filename.lower().endswith("sharedstrings.xml")
            and m.file_size > limits.max_shared_strings_bytes
        ):
            raise _refuse(
                _(
                    "Teks dalam berkas Excel berukuran %(size)s MB; batas %(max)s MB. "
                    "Pecah menjadi beberapa berkas."
                )
                % {
                    "size": _n(-(-m.file_size // MB)),
                    "max": _n(limits.max_shared_strings_bytes // MB),
                },
                "shared_strings_too_large",
            )
    sheet = _first_sheet(book, by_name)
    if sheet is None:
        raise _refuse(_("Berkas Excel tidak berisi lembar kerja."), "file_unreadable")
    try:
        _SheetScan(book, sheet, limits).run()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:  # zlib.error is an OSError
        raise _refuse(unreadable, "file_unreadable") from e


def _first_sheet(
    book: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> zipfile.ZipInfo | None:
    """The member of the workbook's first sheet (the one every importer reads), through
    workbook.xml and its relationships; the first worksheet member if they cannot be followed."""
    try:
        workbook = book.read("xl/workbook.xml")[:1_000_000]
        rels = book.read("xl/_rels/workbook.xml.rels")[:1_000_000]
        first = re.search(rb'<(?:\w+:)?sheet\b[^>]*?\b(?:\w+:)?id="([^"]+)"', workbook)
        if first:
            for rel in re.finditer(rb"<Relationship\b[^>]*>", rels):
                tag = rel.group(0)
                if re.search(rb'\bId="' + re.escape(first.group(1)) + rb'"', tag):
                    target = re.search(rb'\bTarget="([^"]+)"', tag)
                    if target:
                        path = target.group(1).decode("utf-8", "replace").lstrip("/")
                        path = path if path.startswith("xl/") else "xl/" + path
                        if path in by_name:
                            return by_name[path]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        pass  # no readable workbook relationships: the first worksheet by name, as below
    sheets = sorted(n for n in by_name if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    return by_name[sheets[0]] if sheets else None


_REF = re.compile(rb"([A-Z]{1,3})(\d{1,9})")
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([^"]*)"')
_CELL_WITHOUT_REF = re.compile(rb'<c(?:>|/>|\s(?!r="))')  # <c>, <c/>, <c s="1" r="A1">
_ALL_REFS = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_ANY_TAG = re.compile(rb"<(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb'\br="([A-Z]{0,3})(\d*)"')


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters.encode() if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


class _SheetScan:
    """Finds the extent of a sheet's cells by streaming its XML in 1 MB chunks: never more than
    a chunk in memory, however large the sheet.

    Fast path (every cell starts with its reference, as Excel, LibreOffice and openpyxl write
    them): one regular expression per chunk picks out only the references that could break a
    limit, those with a column of two or more letters or a row number as long as `max_rows`.
    Every other reference is known to be below `short_rows` x `short_cols` without being looked
    at, so a 100,000-row sheet costs a few hundred milliseconds, not a Python step per cell. When
    those bounds alone would break the cell limit, the references are all read (exact pass).
    A sheet with cells that omit their reference is walked tag by tag, as calamine counts them."""

    CHUNK = MB

    def __init__(self, book: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
        self.book, self.member, self.limits = book, member, limits
        digits = len(str(limits.max_rows))
        self.short_rows = 10 ** (digits - 1) - 1  # below max_rows, whatever its value
        letters = 2 if limits.max_columns >= 26 else 1
        self.short_cols = 26 if letters == 2 else 0
        self.outliers = re.compile(
            rb'<c r="((?:[A-Z]{%d,3}(?=\d))|[A-Z]{1,3}(?=\d{%d}))(\d+)"' % (letters, digits)
        )
        self.max_row = self.max_col = 0
        self._row = self._col = self._tags = 0  # the tag walk, across chunks

    def chunks(self) -> Iterator[bytes]:
        """The sheet XML in pieces that each end at a tag boundary; refuses beyond the
        unpacked limit whatever the zip directory claimed."""
        read = 0
        tail = b""
        with self.book.open(self.member) as f:
            while chunk := f.read(self.CHUNK):
                read += len(chunk)
                if read > self.limits.max_unpacked_bytes:
                    raise _refuse(
                        _("Isi berkas Excel melebihi %(max)s MB setelah dibuka.")
                        % {"max": _n(self.limits.max_unpacked_bytes // MB)},
                        "too_large_unpacked",
                    )
                data = tail + chunk
                cut = data.rfind(b"<")
                if cut <= 0:
                    tail = data
                    continue
                yield data[:cut]
                tail = data[cut:]
        if tail:
            yield tail

    def run(self) -> None:
        first, walk = True, False
        for data in self.chunks():
            if first:
                first = False
                if m := _DIMENSION.search(data):
                    self.check_dimension(m.group(1).decode("ascii", "replace"))
            if _CELL_WITHOUT_REF.search(data):
                walk = True
                break
            self.take(self.outliers.findall(data))
        if walk:
            self.max_row = self.max_col = 0
            for data in self.chunks():
                self.walk(data)
            self.check(self.max_row, self.max_col)
            return
        rows, cols = max(self.max_row, self.short_rows), max(self.max_col, self.short_cols)
        self.check(rows, cols)
        if rows * cols > self.limits.max_cells:  # only the bounds are over: count exactly
            for data in self.chunks():
                self.take(_ALL_REFS.findall(data))
        self.check(self.max_row, self.max_col)

    def take(self, refs: list[tuple[bytes, bytes]]) -> None:
        if refs:
            self.max_col = max(self.max_col, *(column_number(c) for c in {c for c, _r in refs}))
            self.max_row = max(self.max_row, *(int(r) for r in {r for _c, r in refs}))

    def walk(self, data: bytes) -> None:
        """Positions as calamine assigns them: a row without r follows the previous one, a cell
        without r follows the previous cell of its row."""
        row, col = self._row, self._col
        budget = self.limits.max_cells + self.limits.max_rows - self._tags
        n = -1
        for n, m in enumerate(_ANY_TAG.finditer(data)):
            if n >= budget:  # more cells and rows than any accepted sheet can hold
                self.refuse_cells(self._tags + n)
            ref = _R_ATTR.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
                continue
            if ref and ref.group(1) and ref.group(2):
                col, row_of_cell = column_number(ref.group(1)), int(ref.group(2))
            else:
                col, row_of_cell = col + 1, row
            self.max_col = max(self.max_col, col)
            self.max_row = max(self.max_row, row_of_cell)
        self._row, self._col = row, col
        self._tags += n + 1

    def check_dimension(self, ref: str) -> None:
        """The size the sheet declares: a corner beyond the limits is refused at once."""
        last = ref.split(":")[-1].replace("$", "")
        m = _REF.fullmatch(last.encode())
        if m:
            self.check(int(m.group(2)), column_number(m.group(1)), declared=ref)

    def check(self, rows: int, columns: int, declared: str = "") -> None:
        limits = self.limits
        where = (_(" (ukuran lembar %(ref)s)") % {"ref": declared[:40]}) if declared else ""
        fix = _("Hapus baris dan kolom kosong di luar data, atau salin data ke templat.")
        if rows > limits.max_rows:
            raise _refuse(
                _("Berkas memiliki %(n)s baris%(where)s; batas %(max)s baris per berkas. %(fix)s")
                % {"n": _n(rows), "where": where, "max": _n(limits.max_rows), "fix": fix},
                "too_many_rows",
            )
        if columns > limits.max_columns:
            raise _refuse(
                _("Berkas memiliki %(n)s kolom%(where)s; batas %(max)s kolom per berkas. %(fix)s")
                % {"n": _n(columns), "where": where, "max": _n(limits.max_columns), "fix": fix},
                "too_many_columns",
            )
        if rows * columns > limits.max_cells:
            self.refuse_cells(rows * columns, where)

    def refuse_cells(self, cells: int, where: str = "") -> None:
        raise _refuse(
            _(
                "Berkas mencakup %(n)s sel%(where)s; batas %(max)s sel per berkas. "
                "Pecah menjadi beberapa berkas atau hapus kolom yang tidak dipakai."
            )
            % {"n": _n(cells), "where": where, "max": _n(self.limits.max_cells)},
            "too_many_cells",
        )


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page when not asked for UTF-8.
        return content.decode("cp1252", errors="replace")


def _inspect_csv(content: bytes, limits: Limits) -> None:
    if b"\x00" in content:
        raise _refuse(
            _(
                "Berkas berisi karakter NUL (data biner), jadi bukan CSV teks. Di Excel "
                'pilih Simpan Sebagai "CSV UTF-8".'
            ),
            "file_binary",
        )
    # Each row ends with a newline, so lines bound the rows from above; only when that bound is
    # over the limit are the rows counted exactly (a quoted field may hold a newline).
    if content.count(b"\n") + 1 > limits.max_rows:
        rows = sum(1 for _r in _csv_reader(_decode(content)))
        if rows > limits.max_rows:
            raise _refuse(
                _(
                    "Berkas memiliki %(n)s baris; batas %(max)s baris per berkas. Pecah "
                    "menjadi beberapa berkas."
                )
                % {"n": _n(rows), "max": _n(limits.max_rows)},
                "too_many_rows",
            )


def _csv_reader(decoded: str) -> Iterator[list[str]]:
    first = decoded.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if first.count("\t") > max(first.count(";"), first.count(",")):
        delimiter = "\t"
    try:
        yield from csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    except csv.Error as e:  # a field past csv.field_size_limit (128 KiB)
        raise _refuse(
            _("Berkas CSV tidak dapat dibaca (%(e)s). Simpan ulang sebagai CSV UTF-8.")
            % {"e": str(e)[:100]},
            "file_unreadable",
        ) from e


# --- 2. reading, row by row ------------------------------------------------------------------


def read_rows(content: bytes, filename: str, limits: Limits | None = None) -> Iterator[Row]:
    """(spreadsheet row number, cells) for every row of the first sheet or of the CSV, in order,
    after `inspect`. Lazy: a caller that stops early stops the reader."""
    limits = limits or Limits.current()
    kind = inspect(content, filename, limits)
    if kind == "xlsx":
        return _xlsx_rows(content, limits)
    return _csv_rows(content, limits)


def _csv_rows(content: bytes, limits: Limits) -> Iterator[Row]:
    for n, cells in enumerate(_csv_reader(_decode(content)), 1):
        if n > limits.max_rows:
            raise _refuse(
                _("Berkas memiliki lebih dari %(max)s baris; batas %(max)s baris per berkas.")
                % {"max": _n(limits.max_rows)},
                "too_many_rows",
            )
        if len(cells) > limits.max_columns:
            raise _refuse(
                _("Baris %(row)s memiliki %(n)s kolom; batas %(max)s kolom per berkas.")
                % {"row": _n(n), "n": _n(len(cells)), "max": _n(limits.max_columns)},
                "too_many_columns",
            )
        if cells and max(map(len, cells)) > limits.max_field_chars:
            raise _refuse(
                _(
                    "Baris %(row)s memuat isian sepanjang %(n)s karakter; batas %(max)s "
                    "karakter per sel."
                )
                % {"row": _n(n), "n": _n(max(map(len, cells))), "max": _n(limits.max_field_chars)},
                "field_too_long",
            )
        yield n, cells  # type: ignore[misc]


def _xlsx_rows(content: bytes, limits: Limits) -> Iterator[Row]:
    """Rows from the `core.sheet_reader` child. Its death (signal, memory or CPU limit) before
    its closing record refuses the file; it never reaches this process."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            _reader_command(limits),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_child_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        finished = False
        try:
            try:
                proc.stdin.write(content)
                proc.stdin.close()
            except BrokenPipeError:  # the child died already; its exit status says why
                pass
            while True:
                try:
                    kind, value = pickle.load(proc.stdout)
                except EOFError:
                    break
                if kind == "rows":
                    yield from value
                elif kind == "error":
                    raise _refuse(
                        _(
                            "Berkas Excel tidak dapat dibaca (%(e)s). Simpan ulang "
                            "sebagai .xlsx dari templat."
                        )
                        % {"e": value},
                        "file_unreadable",
                    )
                else:
                    finished = True
                    break
        finally:
            if not finished and proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if not finished:
            errors.seek(0)
            log.warning(
                "xlsx reader ended with %s: %s",
                code,
                errors.read()[-500:].decode("utf-8", "replace"),
            )
            raise _refuse(
                _(
                    "Berkas Excel tidak dapat dibaca dalam batas %(mb)s MB memori dan "
                    "%(s)s detik. Periksa isinya, atau pecah menjadi beberapa berkas."
                )
                % {"mb": _n(limits.parse_memory_mb), "s": _n(limits.parse_seconds)},
                "parse_failed",
            )


def _reader_command(limits: Limits) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lindung.core.sheet_reader",
        str(limits.parse_memory_mb),
        str(limits.parse_seconds),
    ]


def _child_env() -> dict[str, str]:
    return {**os.environ, "RUST_BACKTRACE": "0", "PYTHONDONTWRITEBYTECODE": "1"}

"""Benchmark: hostile uploads, each refused whole by `lindung import-workers` (issue 14).

    .venv/bin/python -m bench.hostile_files [--db sqlite|postgres] [--only NAME ...]

Every file of the corpus below is generated (with zipfile directly: openpyxl would need minutes
and gigabytes for some of them), written to var/bench/hostile/ and imported end to end by the
real CLI in a child process against a migrated database with one superuser. For each file the
benchmark prints its size, the exit code (2 = refused), the code of the refusal, the wall time
and the peak memory of the CLI process and its .xlsx reader child (ru_maxrss from wait4 covers
waited-for descendants), and checks that it was refused with the expected code, not crashed.
For comparison it first lets python-calamine, unprotected, open the corner-cell file in a child
process (`to_python(skip_empty_area=False)`, what the importer did before): that child aborts.

The same generators feed tests/imports/test_hostile_files.py at a smaller scale.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import CACHE, ROOT, pg_recreate, psql, run_child  # noqa: E402

HEADER = [
    "NIK",
    "NO_KK",
    "NAMA",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "KODE_DESA",
    "ALAMAT",
    "PEKERJAAN",
    "NO_HP",
    "PENGHASILAN",
]
MB = 1024 * 1024

# --- building .xlsx files by hand --------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships"><sheets><sheet name="Pekerja" sheetId="1" '
    b'r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    b'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)
SHEET_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def col(n: int) -> str:
    """1 -> 'A', 27 -> 'AA', 16384 -> 'XFD'."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row(columns: list[str] = HEADER) -> bytes:
    return (
        b'<row r="1">'
        + b"".join(cell(f"{col(i)}1", h) for i, h in enumerate(columns, 1))
        + b"</row>"
    )


def xlsx(
    rows: Iterable[bytes],
    *,
    dimension: str | None = None,
    shared: bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A minimal .xlsx whose first sheet holds `rows` (XML of <row> elements, streamed into
    the zip), with an optional <dimension ref>, shared strings table and extra members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_OPEN)
            if dimension:
                f.write(f'<dimension ref="{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            for r in rows:
                f.write(r)
            f.write(b"</sheetData></worksheet>")
        z.writestr(
            "xl/sharedStrings.xml",
            shared
            or (
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" '
                b'uniqueCount="0"></sst>'
            ),
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def forge_size(content: bytes, member: str, claimed: int) -> bytes:
    """The zip with `member`'s uncompressed size rewritten to `claimed` in both its local
    header and the central directory: a bomb whose directory lies about what it unpacks to."""
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, claimed)
    central = data.rfind(b"PK\x01\x02", 0, len(data))
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == member.encode():
            struct.pack_into("<I", data, central + 24, claimed)
            break
        central = data.rfind(b"PK\x01\x02", 0, central)
    return bytes(data)


# --- the corpus -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    name: str
    filename: str
    code: str  # the refusal expected with the default limits
    what: str
    make: Callable[[float], bytes]  # scale (1.0 = full size) -> file content


def _rows_one_cell(n: int, start: int = 2) -> Iterator[bytes]:
    for r in range(start, start + n):
        yield b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>a</t></is></c></row>' % (r, r)


def _corner(dimension: str | None) -> bytes:
    return xlsx(
        [header_row(), b'<row r="1048576">' + cell("XFD1048576", "a") + b"</row>"],
        dimension=dimension,
    )


def _rows_without_refs(scale: float) -> bytes:
    # Positions by counting: 1,048,575 empty rows, then one cell; no r attribute anywhere.
    n = int(1_048_575 * scale)
    body = b'<row><c t="inlineStr"><is><t>NIK</t></is></c></row>' + b"<row/>" * n
    return xlsx([body, b'<row><c t="inlineStr"><is><t>a</t></is></c></row>'])


def _million_rows(scale: float) -> bytes:
    return xlsx([header_row(["NIK"]), *_rows_one_cell(int(1_048_575 * scale))])


def _sparse_bomb(_scale: float) -> bytes:
    # Rows and columns each within their limit, their product (19 million cells) not.
    wide = b'<row r="1">' + b"".join(cell(f"{col(i)}1", f"K{i}") for i in range(1, 101)) + b"</row>"
    return xlsx([wide, b'<row r="190000">' + cell("A190000", "a") + b"</row>"])


def _digits(n_bytes: int, seed: int = 14) -> bytes:
    rng = random.Random(seed)
    return rng.randbytes(n_bytes).translate(bytes(48 + b % 10 for b in range(256)))


def _shared_strings(scale: float) -> bytes:
    # 101 MB of 16-digit strings: compresses ~2.3 x, so it passes the size and ratio checks
    # and only the shared-strings limit stops it.
    size = int(101 * MB * scale)
    digits = _digits(size // 30 * 16)
    items = b"".join(
        b"<si><t>" + digits[i : i + 16] + b"</t></si>" for i in range(0, len(digits), 16)
    )
    return xlsx(
        [header_row()],
        shared=(
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + items
            + b"</sst>"
        ),
    )


def _zeros(scale: float) -> bytes:
    # A sheet padded with 200 MB of spaces (valid XML whitespace): packs 1,000 to 1.
    pad = b" " * MB
    return xlsx([header_row(), *(pad for _ in range(int(200 * scale)))])


def _zeros_forged(scale: float) -> bytes:
    return forge_size(_zeros(scale), "xl/worksheets/sheet1.xml", 4096)


def _many_members(_scale: float) -> bytes:
    return xlsx([header_row()], extra={f"xl/media/x{i}.bin": b"" for i in range(5000)})


def _wide(_scale: float) -> bytes:
    return xlsx([header_row(), b'<row r="2">' + cell("XFD2", "a") + b"</row>"])


def _csv_million(scale: float) -> bytes:
    return b"NIK\n" + b"a\n" * int(1_048_575 * scale)


def _too_big(scale: float) -> bytes:
    return b"NIK,NAMA\n" + _digits(int(51 * MB * scale), seed=2)


def _plain_zip(_scale: float) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", b"<w:document/>")
    return buf.getvalue()


CORPUS = [
    Hostile(
        "corner_cell",
        "sudut.xlsx",
        "too_many_rows",
        "header in row 1 and one cell at XFD1048576 (issue 14, item 1)",
        lambda _s: _corner("A1:XFD1048576"),
    ),
    Hostile(
        "corner_no_dimension",
        "sudut-tanpa-dimensi.xlsx",
        "too_many_rows",
        "the same without <dimension>",
        lambda _s: _corner(None),
    ),
    Hostile(
        "corner_lying_dimension",
        "sudut-dimensi-palsu.xlsx",
        "too_many_rows",
        'the same with <dimension ref="A1:K2">',
        lambda _s: _corner("A1:K2"),
    ),
    Hostile("wide_row", "lebar.xlsx", "too_many_columns", "one cell at XFD2", _wide),
    Hostile(
        "sparse_bomb",
        "jarang.xlsx",
        "too_many_cells",
        "100 columns x 190,000 rows, two cells",
        _sparse_bomb,
    ),
    Hostile(
        "rows_without_refs",
        "tanpa-ref.xlsx",
        "too_compressed",
        "1,048,576 <row/> without r, then a cell",
        _rows_without_refs,
    ),
    Hostile(
        "million_rows_xlsx",
        "sejuta.xlsx",
        "too_many_rows",
        "1,048,576 rows of one character",
        _million_rows,
    ),
    Hostile(
        "million_rows_csv",
        "sejuta.csv",
        "too_many_rows",
        "1,048,576 lines of one character",
        _csv_million,
    ),
    Hostile(
        "huge_shared_strings",
        "teks-besar.xlsx",
        "shared_strings_too_large",
        "101 MB shared strings table",
        _shared_strings,
    ),
    Hostile("zip_of_zeros", "nol.xlsx", "too_compressed", "200 MB of spaces in the sheet", _zeros),
    Hostile(
        "zip_of_zeros_forged",
        "nol-palsu.xlsx",
        "file_unreadable",
        "the same, its directory claiming 4 KB",
        _zeros_forged,
    ),
    Hostile(
        "many_members", "banyak-bagian.xlsx", "too_many_members", "5,000 zip members", _many_members
    ),
    Hostile("too_big", "besar.csv", "file_too_large", "51 MB CSV", _too_big),
    Hostile(
        "pdf_as_xlsx",
        "pekerja.xlsx",
        "file_type",
        "a PDF named .xlsx",
        lambda _s: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    ),
    Hostile(
        "png_as_csv",
        "pekerja.csv",
        "file_type",
        "a PNG named .csv",
        lambda _s: b"\x89PNG\r\n\x1a\n" + bytes(64),
    ),
    Hostile(
        "zip_not_xlsx", "pekerja.xlsx", "file_type", "a .docx-like zip named .xlsx", _plain_zip
    ),
    Hostile(
        "html_as_xlsx",
        "pekerja.xlsx",
        "file_type",
        "an HTML table named .xlsx",
        lambda _s: b"<html><body><table><tr><td>NIK</td></tr></table></body></html>",
    ),
    Hostile(
        "ole_xls",
        "pekerja.xlsx",
        "file_type",
        "an Excel 97 (OLE) file named .xlsx",
        lambda _s: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    ),
    Hostile(
        "nul_csv",
        "pekerja.csv",
        "file_binary",
        "NUL bytes in a CSV",
        lambda _s: b"NIK,NAMA\n6401015708850002,Siti\x00Aminah\n",
    ),
    Hostile(
        "utf16_csv",
        "pekerja.csv",
        "file_encoding",
        "a UTF-16 CSV",
        lambda _s: "NIK,NAMA\n6401015708850002,Siti\n".encode("utf-16"),
    ),
    Hostile(
        "long_field_csv",
        "pekerja.csv",
        "field_too_long",
        "one 40,000-character field",
        lambda _s: b"NIK,NAMA\n6401015708850002," + b"a" * 40_000 + b"\n",
    ),
    Hostile(
        "wide_csv",
        "pekerja.csv",
        "too_many_columns",
        "5,000 columns",
        lambda _s: b",".join(b"K%d" % i for i in range(5000)) + b"\n",
    ),
]


# --- the benchmark ----------------------------------------------------------------------------


def calamine_unprotected(path: Path) -> int:
    """Exit status of a child that reads `path` as the importer did before issue 14."""
    code = (
        "import sys; from python_calamine import CalamineWorkbook; "
        "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0)"
        ".to_python(skip_empty_area=False)"
    )
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], env=env, stderr=subprocess.DEVNULL
    ).returncode


def prepare_database(db: str, tmp: str) -> str:
    url = (
        pg_recreate("lindung_bench_hostile")
        if db == "postgres"
        else f"sqlite:///{tmp}/hostile.sqlite3"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "lindung.settings",
        "LINDUNG_DATA_DIR": tmp,
    }
    subprocess.run(
        [sys.executable, "-m", "lindung.cli", "migrate", "--verbosity", "0"],
        check=True,
        env=env,
        cwd=ROOT,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lindung.cli",
            "shell",
            "-c",
            "from lindung.accounts.models import User; "
            "User.objects.create_superuser('bench', password='bench-hostile-2026')",
        ],
        check=True,
        env=env,
        cwd=ROOT,
    )
    return url


def make(name: str, path: str) -> None:
    """Write one corpus file, in its own process: generating the larger ones takes hundreds of
    MB, which the benchmark process must not hold (a child's ru_maxrss starts from its parent's
    resident size at fork)."""
    Path(path).write_bytes(next(h for h in CORPUS if h.name == name).make(1.0))


def refuse(url: str, path: str) -> None:
    """Time `parsers.read_table` (limits, then the reader) on one file, in a Django process;
    prints {"code", "seconds"}."""
    import json
    import time

    from bench.common import django_setup

    django_setup(url)
    from lindung.imports import parsers

    content = Path(path).read_bytes()
    t = time.perf_counter()
    try:
        parsers.read_table(content, Path(path).name.split("-", 1)[-1])
        code = ""
    except parsers.FileRefused as e:
        code = e.code
    print(json.dumps({"code": code, "seconds": time.perf_counter() - t}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--make", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--refuse", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make(*args.make)
        return
    if args.refuse:
        refuse(*args.refuse)
        return
    folder = CACHE / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="lindung-bench-hostile-")
    url = prepare_database(args.db, tmp)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "lindung.settings",
        "LINDUNG_DATA_DIR": tmp,
        "RUST_BACKTRACE": "0",
    }
    corpus = [h for h in CORPUS if not args.only or h.name in args.only]
    failed = 0
    try:
        corner = folder / "corner_cell-sudut.xlsx"
        if not corner.exists():
            make("corner_cell", str(corner))
        code = calamine_unprotected(corner)
        print(
            f"unprotected calamine on {corner.name}: exit {code} "
            f"({'aborted' if code < 0 else 'survived'})"
        )
        baseline = folder / "baik.csv"
        baseline.write_bytes(b"NIK,NAMA\n")
        run = run_child(
            [
                sys.executable,
                "-m",
                "lindung.cli",
                "import-workers",
                str(baseline),
                "--json",
                "--user",
                "bench",
            ],
            env=env,
            capture_stderr=True,
        )
        print(
            f"CLI on an empty valid file (start-up): {run.seconds:.2f} s, {run.peak_mb:,.0f} MB\n"
        )
        print(
            f"{'file':<24} {'size':>9} {'exit':>4} {'refusal':<25} {'refused in':>10} "
            f"{'CLI wall':>8} {'peak':>7}"
        )
        for h in corpus:
            path = folder / f"{h.name}-{h.filename}"
            if not path.exists():
                subprocess.run(
                    [sys.executable, "-m", "bench.hostile_files", "--make", h.name, str(path)],
                    check=True,
                    cwd=ROOT,
                )
            timed = run_child(
                [sys.executable, "-m", "bench.hostile_files", "--refuse", url, str(path)], env=env
            )
            refused_in = json.loads(timed.out)["seconds"]
            run = run_child(
                [
                    sys.executable,
                    "-m",
                    "lindung.cli",
                    "import-workers",
                    str(path),
                    "--json",
                    "--user",
                    "bench",
                ],
                env=env,
                capture_stderr=True,
            )
            refusal = ""
            if run.returncode == 2 and run.out:
                refusal = json.loads(run.out.decode().splitlines()[-1])["refused"]["code"]
            ok = run.returncode == 2 and refusal == h.code
            failed |= not ok
            size = path.stat().st_size
            print(
                f"{h.name:<24} {size / MB:>7.2f}MB {run.returncode:>4} {refusal:<25} "
                f"{refused_in:>9.3f}s {run.seconds:>7.2f}s {run.peak_mb:>5,.0f}MB"
                f"{'' if ok else '  UNEXPECTED'}",
                flush=True,
            )
            if not ok:
                print("   " + run.err.decode()[-500:])
    finally:
        if args.db == "postgres":
            psql("DROP DATABASE IF EXISTS lindung_bench_hostile WITH (FORCE)")
    print(f"\nevery file refused with its code, no crash: {'yes' if not failed else 'NO'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

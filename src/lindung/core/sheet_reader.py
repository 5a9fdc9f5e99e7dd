"""The child process that reads an .xlsx with python-calamine (`core.uploads` starts it).

Why a child: calamine builds a dense range of the sheet (rows x columns x 32 bytes). A file that
slips past the checks of `core.uploads` could still ask for more memory than the machine has, and
Rust then aborts the whole process (SIGABRT, uncatchable). In a child with its address space and
CPU time limited (`setrlimit`), that abort ends only the child; the parent refuses the file.

Deliberately free of Django so that it starts in a few milliseconds:

    python -m lindung.core.sheet_reader MEMORY_MB CPU_SECONDS < book.xlsx > pickles

Output on stdout, a sequence of pickles: ("rows", [(row number, cells), ...]) batches in sheet
order, then ("end", count) — or ("error", message) when calamine refuses the file. A child that
dies writes no ("end"): the parent treats that as a refused file.
"""

from __future__ import annotations

import io
import pickle
import resource
import sys

BATCH = 2000
MB = 1024 * 1024


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    for kind, soft in (
        (resource.RLIMIT_AS, memory_mb * MB),
        (resource.RLIMIT_CPU, cpu_seconds),
        (resource.RLIMIT_CORE, 0),
    ):  # an abort must not write a core file
        hard = resource.getrlimit(kind)[1]
        # Never above a hard limit the system already set (setrlimit would refuse it).
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(kind, (soft, hard if kind == resource.RLIMIT_CPU else soft))


def _clean(cell: object) -> object:
    # XML cannot carry NUL, but the `_x0000_` escape of shared strings can; no database column
    # accepts it (PostgreSQL refuses NUL in text), so it never leaves the reader.
    if type(cell) is str and "\x00" in cell:
        return cell.replace("\x00", "")
    return cell


def main(argv: list[str]) -> int:
    memory_mb, cpu_seconds = int(argv[1]), int(argv[2])
    _limit(memory_mb, cpu_seconds)
    content = sys.stdin.buffer.read()
    out = sys.stdout.buffer

    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        start = sheet.start
        rows = sheet.iter_rows()
    except (CalamineError, ValueError, IndexError) as e:
        pickle.dump(("error", str(e)[:200]), out)
        return 0
    del content
    # iter_rows starts at row 1 but at the first column holding data: pad the columns, so that
    # positions are the sheet's (as to_python(skip_empty_area=False) gave them).
    pad = [""] * (start[1] if start is not None else 0)
    batch: list[tuple[int, list[object]]] = []
    n = 0
    for n, cells in enumerate(rows, 1):
        if any(type(c) is str and "\x00" in c for c in cells):
            cells = [_clean(c) for c in cells]
        batch.append((n, pad + cells if pad else cells))
        if len(batch) >= BATCH:
            pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
            batch = []
    if batch:
        pickle.dump(("rows", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
    pickle.dump(("end", n), out)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

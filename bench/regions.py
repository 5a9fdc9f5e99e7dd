"""Benchmark: load the whole Kemendagri hierarchy (91,599 rows) into an empty database.

    .venv/bin/python -m bench.regions [--db sqlite|postgres]

Prints rows, seconds and rows per second, and the demo-data load time on top of it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import django_setup, pg_recreate, psql  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="lindung-bench-")
    os.environ["LINDUNG_DATA_DIR"] = tmp
    if args.db == "postgres":
        name = f"lindung_bench_regions_{os.getpid()}"
        django_setup(pg_recreate(name))
    else:
        django_setup(f"sqlite:///{tmp}/bench.sqlite3")
    from django.core.management import call_command

    from lindung.demo.data import demo_load
    from lindung.regions.services import regions_load

    try:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        n = regions_load()
        took = time.perf_counter() - start
        print(f"regions_load [{args.db}]: {n} rows in {took:.2f} s ({n / took:,.0f} rows/s)")
        start = time.perf_counter()
        again = regions_load()
        print(f"regions_load again: {again} new rows in {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        s = demo_load()
        print(
            f"demo_load: {s.workers} workers, {s.enrolments} enrolments in "
            f"{time.perf_counter() - start:.2f} s"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory: {peak:.0f} MB; machine: {os.cpu_count()} cores")
    finally:
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    main()

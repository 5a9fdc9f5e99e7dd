"""Run every benchmark at the issues' scale and print their figures.

    .venv/bin/python -m bench [--db sqlite|postgres]      (make bench, make bench DB=postgres)

- bench/regions.py         the Kemendagri hierarchy (91,599 rows) and the demo data
- bench/import_workers.py  100,000-row XLSX into a registry of 1,000,000 workers (issue 3)
- bench/billing.py         one month's bill for 1,000,000 active enrolments (issue 4)
- bench/bpjs_answer.py     the BPJS branch's answer for 15,000 verified enrolments (issue 3)
- bench/indicators.py      the dashboard's indicators over 1,000,000 workers (issue 9)
- bench/dashboards.py      every dashboard page over 1,000,000 workers, maintained rows (issue 9)
- bench/reports.py         the monev PDF and XLSX of a regency of 1,000,000 workers (issue 10)
- bench/statements.py      the XLSX and PDF statement of a bill of 15,000 lines (issue 13)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

BENCHES = [
    "bench/regions.py",
    "bench/import_workers.py",
    "bench/billing.py",
    "bench/bpjs_answer.py",
    "bench/indicators.py",
    "bench/dashboards.py",
    "bench/reports.py",
    "bench/statements.py",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; database: {args.db}", flush=True)
    failed = 0
    for bench in BENCHES:
        print(f"\n== {bench} --db {args.db}", flush=True)
        failed |= subprocess.run([sys.executable, bench, "--db", args.db]).returncode
    sys.exit(failed)


if __name__ == "__main__":
    main()

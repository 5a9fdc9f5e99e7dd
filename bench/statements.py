"""Bill statement benchmark: the statement (rekapitulasi tagihan iuran, issue 13) of one bill of
N lines, as XLSX and as PDF, on SQLite or PostgreSQL: time and peak memory of each.

    .venv/bin/python -m bench.statements --db sqlite               # 15,000 lines
    .venv/bin/python bench/statements.py --db postgres --size 100000
    .venv/bin/python bench/statements.py --db sqlite --reuse       # keep the generated data

A province programme's bill holds 15,000 lines or more (PPU alone pays for 15,000 workers).
The data is generated in the database (INSERT … SELECT, like bench/billing.py): N workers over
Paser's villages, names of very different lengths (a few wrap onto two lines in the PDF), one
active enrolment each for January, the letterhead with its signatory; January is billed
through `bill_generate` and paid. Each format is then built `--repeat` times, each time in a
fresh child process (`reports.statements.statement` + `statement_export`, what the
background task runs), so that its peak resident memory is its
own; a child that only loads Django and the bill gives the baseline the peak is compared with.

Target: the statement of a bill of more than `contributions.selectors.statement_direct_max()`
lines is built in the background, so no limit applies to the web request; the figures here say how long
the progress bar runs and that memory stays bounded (the XLSX is streamed; the PDF holds the
laid-out pages until it is written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import (  # noqa: E402
    bench_database,
    bench_programme,
    bench_user,
    count_villages,
    django_setup,
    insert_workers,
    run_child,
    sql_pad,
)

CODE = "BENCH-STATEMENT"
REGION = "64.01"
JAN = dt.date(2026, 1, 1)


def generate(size: int) -> None:
    """Workers (some with long names), their January enrolments, set-based."""
    from django.db import connection, transaction

    from lindung.programs.models import Enrolment, EnrolmentMonth, Programme
    from lindung.registry.models import Worker

    programme = Programme.objects.get(code=CODE)
    e, m, w = Enrolment._meta.db_table, EnrolmentMonth._meta.db_table, Worker._meta.db_table
    now = "CURRENT_TIMESTAMP"
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        n_villages = count_villages(cur, REGION)
        print(f"  generating {size:,} workers in {n_villages} villages …", flush=True)
        insert_workers(
            cur,
            first=1,
            count=size,
            region=REGION,
            n_villages=n_villages,
            income="CASE WHEN n % 10 = 0 THEN 2500000 ELSE 1000000 END",
        )
        # One name in 50 long enough to wrap in the PDF's name column.
        cur.execute(
            f"UPDATE {w} SET name = 'Muhammad Abdurrahman Syahputra Wijayakusuma ' || name "
            "WHERE id % 50 = 0"
        )
        cur.execute(f"""
            INSERT INTO {e} (worker_id, programme_id, status, period_start, period_end,
                             kpj_number, registration_date, end_reason, reject_reason,
                             proposed_at, verified_at, registered_at, activated_at)
            SELECT id, {programme.pk}, 'aktif', '2026-01-01', '2026-12-31',
                   {sql_pad("id", 11)}, '2026-01-10', '', '', {now}, {now}, {now}, {now}
            FROM {w} ORDER BY id
        """)
        month = (
            "CAST('2026-01-01' AS date)" if connection.vendor == "postgresql" else "'2026-01-01'"
        )
        cur.execute(f"""
            INSERT INTO {m} (worker_id, month, enrolment_id)
            SELECT worker_id, {month}, id FROM {e} WHERE programme_id = {programme.pk}
            ORDER BY worker_id
        """)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def prepare(size: int) -> int:
    """The data and January's bill (made once per database); returns the bill's id."""

    from lindung.contributions.models import Bill
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.programs.models import Enrolment
    from lindung.reports.services import letterhead_set

    admin = bench_user("bench", role="admin_kabupaten", region=REGION)
    programme = bench_programme(
        CODE, region=REGION, quota=size, name="Benchmark rekapitulasi tagihan"
    )
    if not Enrolment.objects.filter(programme=programme).exists():  # a new database
        letterhead_set(
            by=admin,
            region=admin.region,
            government="PEMERINTAH KABUPATEN PASER",
            agency="Dinas Tenaga Kerja dan Transmigrasi",
            address="Jl. Jenderal Sudirman, Tana Paser",
            city="Tana Paser",
            signer_name="Budi Santoso",
            signer_nip="19700101 199003 1 001",
        )
    have = Enrolment.objects.filter(programme=programme).count()
    if have != size:
        if have:
            sys.exit(f"database holds {have:,} enrolments; run without --reuse")
        started = time.perf_counter()
        generate(size)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    bill = Bill.objects.filter(programme=programme, month=JAN).first()
    if bill is None:
        started = time.perf_counter()
        bill = bill_generate(by=admin, programme=programme, month=JAN)
        payment_record(
            by=admin,
            programme=programme,
            paid_on=dt.date(2026, 1, 14),
            amount=bill.total,
            reference="SP2D-BENCH-01",
            first_month=JAN,
        )
        print(f"  January billed and paid in {time.perf_counter() - started:.1f} s", flush=True)
    return bill.pk


def child(fmt: str, bill_id: int) -> None:
    """One build in this process; prints its figures as JSON on stdout."""
    import time_machine

    from lindung.accounts.models import User
    from lindung.contributions import selectors
    from lindung.contributions.models import Bill
    from lindung.reports import statements

    user = User.objects.get(username="bench")
    with time_machine.travel(dt.datetime(2026, 11, 20, 10), tick=True):
        started = time.perf_counter()
        bill = selectors.bill_get(user=user, pk=bill_id)
        size = rows = 0
        if fmt != "none":
            st = statements.statement(user=user, bill=bill)
            export = statements.statement_export(st, fmt)
            size, rows = len(export.content), export.rows
        seconds = time.perf_counter() - started
    lines = Bill.objects.get(pk=bill_id).line_count
    print(json.dumps({"seconds": seconds, "bytes": size, "rows": rows, "lines": lines}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--size", type=int, default=15_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the previous run (same --size)"
    )
    parser.add_argument("--child", choices=["none", "xlsx", "pdf"], help=argparse.SUPPRESS)
    parser.add_argument("--bill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        django_setup(bench_database(args.db, "statements", reuse=True))
        child(args.child, args.bill)
        return

    url = bench_database(args.db, "statements", reuse=args.reuse)
    django_setup(url)
    from django.db import connection

    print(
        f"Lindung bill statement benchmark — {connection.vendor}, a bill of {args.size:,} "
        f"lines, {os.cpu_count()} CPU"
    )
    bill_id = prepare(args.size)
    connection.close()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--db", args.db, "--bill", str(bill_id)]
    env = {**os.environ, "DATABASE_URL": url}
    print(f"timed (each run in a fresh process, {args.repeat} runs per format):")
    baseline = 0.0
    for fmt in ("none", "xlsx", "pdf"):
        times, peaks, figures = [], [], {}
        for _ in range(1 if fmt == "none" else args.repeat):
            run = run_child([*cmd, "--child", fmt], env=env)
            if run.returncode:
                sys.exit(f"child {fmt} failed ({run.returncode})")
            figures = json.loads(run.out.decode().strip().splitlines()[-1])
            times.append(figures["seconds"])
            peaks.append(run.peak_mb)
        if fmt == "none":
            baseline = max(peaks)
            print(f"  baseline (Django, the bill)       peak {baseline:6.0f} MB")
            continue
        print(
            f"  {fmt.upper():<5} {figures['lines']:,} lines   p50 {statistics.median(times):5.1f} s"
            f"   max {max(times):5.1f} s   peak {max(peaks):6.0f} MB "
            f"(+{max(peaks) - baseline:.0f} MB)   {figures['bytes'] / 1024:,.0f} KB, "
            f"{figures['rows']:,} rows",
            flush=True,
        )


if __name__ == "__main__":
    main()

"""Billing benchmark: one month's bill for N active enrolments, and coverage status of one
programme-month, on SQLite or PostgreSQL.

    .venv/bin/python bench/billing.py --db sqlite             # 1,000,000 enrolments
    .venv/bin/python bench/billing.py --db postgres --size 100000
    .venv/bin/python bench/billing.py --db sqlite --reuse     # keep the generated data

Targets (issue 4, 2-core machine): billing <= 20 s on PostgreSQL and <= 60 s on SQLite;
coverage status of one programme-month <= 2 s.

The data is generated inside the database with INSERT … SELECT over a recursive number series
(no Python row objects): workers spread over Paser's 144 villages, one active enrolment each for
January–December 2026, and the 12 EnrolmentMonth rows per enrolment the foundation keeps
(12,000,000 rows at full size) so the billing join runs against a realistically sized table.
The timed steps call the real services (`bill_generate`, `payment_record`, `coverage_summary`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import (  # noqa: E402
    bench_database,
    bench_parser,
    bench_programme,
    bench_user,
    count_villages,
    django_setup,
    insert_workers,
    sql_pad,
)

LIMITS = {"sqlite": 60.0, "postgresql": 20.0}
COVERAGE_LIMIT = 2.0
CODE = "BENCH-2026"
JAN = dt.date(2026, 1, 1)


def timed(label: str, func, *args, **kwargs):  # noqa: ANN001, ANN201
    started = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - started
    print(f"  {label:<58} {seconds:8.2f} s", flush=True)
    return result, seconds


def generate(size: int) -> None:
    """Workers, enrolments and enrolment months, set-based in the database."""
    from django.db import connection, transaction

    from lindung.programs.models import Enrolment, EnrolmentMonth, Programme
    from lindung.registry.models import Worker

    vendor = connection.vendor
    now = "CURRENT_TIMESTAMP"
    programme = Programme.objects.get(code=CODE)
    e, m = Enrolment._meta.db_table, EnrolmentMonth._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        if vendor == "postgresql":
            # The rows are consistent by construction; skip the 26 million deferred foreign-key
            # checks at commit (bench database only, needs the superuser the bench runs as).
            cur.execute("SET LOCAL session_replication_role = replica")
        n_villages = count_villages(cur, "64.01")
        print(f"  generating {size:,} workers in {n_villages} villages …", flush=True)
        insert_workers(
            cur,
            first=1,
            count=int(size),
            region="64.01",
            n_villages=n_villages,
            income="CASE WHEN n % 10 = 0 THEN 2500000 WHEN n % 97 = 0 THEN 30000000 "
            "ELSE 1000000 END",
        )
        cur.execute(f"""
            INSERT INTO {e} (worker_id, programme_id, status, period_start, period_end,
                             kpj_number, registration_date, end_reason, reject_reason,
                             proposed_at, verified_at, registered_at, activated_at)
            SELECT id, {programme.pk}, 'aktif', '2026-01-01', '2026-12-31',
                   {sql_pad("id", 11)}, '2026-01-10', '', '', {now}, {now}, {now}, {now}
            FROM {Worker._meta.db_table} ORDER BY id
        """)
        months = " UNION ALL ".join(f"SELECT '2026-{i:02d}-01' AS month" for i in range(1, 13))
        month_col = "CAST(mm.month AS date)" if vendor == "postgresql" else "mm.month"
        cur.execute(f"""
            INSERT INTO {m} (worker_id, month, enrolment_id)
            SELECT e.worker_id, {month_col}, e.id FROM {e} e CROSS JOIN ({months}) mm
            WHERE e.programme_id = {programme.pk}
            ORDER BY e.worker_id, mm.month
        """)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def main() -> None:
    parser = bench_parser(__doc__)
    args = parser.parse_args()
    django_setup(bench_database(args.db, "billing", reuse=args.reuse), immediate_tasks=True)
    from django.db import connection

    from lindung.contributions.models import Bill, Payment
    from lindung.contributions.selectors import coverage_summary
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.core.formatting import rupiah, thousands
    from lindung.programs.models import Enrolment

    print(
        f"Lindung billing benchmark — {connection.vendor}, {args.size:,} enrolments, "
        f"{os.cpu_count()} CPU"
    )
    admin = bench_user("bench", role="admin_kabupaten", region="64.01")
    programme = bench_programme(CODE, region="64.01", quota=args.size)
    have = Enrolment.objects.filter(programme=programme).count()
    if have != args.size:
        if have:
            sys.exit(f"database holds {have:,} enrolments; run without --reuse")
        timed("generate workers, enrolments, enrolment months", generate, args.size)
    Payment.objects.filter(programme=programme).delete()
    Bill.objects.filter(programme=programme).delete()

    print("timed:")
    bill, t_bill = timed(
        "bill January (INSERT … SELECT)", bill_generate, by=admin, programme=programme, month=JAN
    )
    _again, t_again = timed(
        "regenerate January (idempotent)", bill_generate, by=admin, programme=programme, month=JAN
    )
    bill.refresh_from_db()
    assert bill.line_count == args.size, bill.line_count
    timed(
        "pay January (allocate, lock)",
        payment_record,
        by=admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 14),
        amount=bill.total,
        reference="SP2D-BENCH-01",
        first_month=JAN,
    )
    feb, t_feb = timed(
        "bill February", bill_generate, by=admin, programme=programme, month=dt.date(2026, 2, 1)
    )
    summary, t_cov = timed(
        "coverage status February (set-based)",
        coverage_summary,
        user=admin,
        programme=programme,
        month=dt.date(2026, 2, 1),
        on=dt.date(2026, 3, 20),
    )
    _s, t_slow = timed(
        "coverage status March (no bill yet: from enrolments)",
        coverage_summary,
        user=admin,
        programme=programme,
        month=dt.date(2026, 3, 1),
        on=dt.date(2026, 3, 20),
    )
    print("result:")
    print(f"  January bill: {thousands(bill.line_count)} lines, {rupiah(bill.total)}")
    print(f"  coverage February: {dict(summary.counts)}")
    limit = LIMITS[connection.vendor]
    ok_bill = max(t_bill, t_again, t_feb) <= limit
    ok_cov = t_cov <= COVERAGE_LIMIT
    print(
        f"  billing {max(t_bill, t_again, t_feb):.2f} s (limit {limit:.0f} s): "
        f"{'OK' if ok_bill else 'TOO SLOW'}"
    )
    print(
        f"  coverage {t_cov:.2f} s (limit {COVERAGE_LIMIT:.0f} s): {'OK' if ok_cov else 'TOO SLOW'}"
    )
    sys.exit(0 if ok_bill and ok_cov else 1)


if __name__ == "__main__":
    main()

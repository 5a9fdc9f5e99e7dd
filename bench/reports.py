"""Reports benchmark: the monev report of one regency (Paser, 64.01) holding N workers, as PDF
and as XLSX, on SQLite or PostgreSQL (issue 10: ≤ 10 s each with 1,000,000 workers).

    .venv/bin/python bench/reports.py --db sqlite                 # 1,000,000 workers
    .venv/bin/python bench/reports.py --db postgres --size 100000
    .venv/bin/python bench/reports.py --db sqlite --reuse         # keep the generated data

The data is generated in the database (INSERT … SELECT) like bench/indicators.py, but inside
one regency: workers over Paser's 144 villages, one enrolment each (70 % active, 10 % ended in
June, 10 % proposed, 10 % verified), a denominator per village, an event in every other
village, a budget line, and October billed and paid. Timed: `reports.services.report_build`
(the figures through `monitoring.indicators`, the tables, the file) for 2026-Q4 (running, to
20 November), PDF then XLSX, `--repeat` times each; then the report's root figures are
checked against the indicators.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import (  # noqa: E402
    bench_database,
    bench_parser,
    bench_programme,
    bench_user,
    django_setup,
    generate_monev_population,
)

CODE = "BENCH-PASER-2026"
REGION = "64.01"
JAN = dt.date(2026, 1, 1)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    django_setup(bench_database(args.db, "reports", reuse=args.reuse), immediate_tasks=True)
    import time_machine
    from django.db import connection

    from lindung.accounts.models import User
    from lindung.contributions.models import Bill
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.monitoring import indicators
    from lindung.programs.models import BudgetLine, Enrolment
    from lindung.reports import rules, selectors, services

    print(
        f"Lindung reports benchmark — {connection.vendor}, {args.size:,} workers in "
        f"{REGION}, {os.cpu_count()} CPU"
    )
    user = bench_user("bench", role="admin_kabupaten", region=REGION)
    programme = bench_programme(CODE, region=REGION, quota=args.size)
    if not BudgetLine.objects.filter(programme=programme).exists():
        BudgetLine.objects.create(
            programme=programme,
            kind="apbd_murni",
            amount=args.size * 16_800 * 12,
            date=JAN,
            document_ref="DPA BENCH",
        )
    have = Enrolment.objects.filter(programme=programme).count()
    if have != args.size:
        if have:
            sys.exit(f"database holds {have:,} enrolments; run without --reuse")
        started = time.perf_counter()
        generate_monev_population(args.size, programme=programme, region=REGION)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    october = dt.date(2026, 10, 1)
    if not Bill.objects.filter(programme=programme, month=october).exists():
        started = time.perf_counter()
        admin = User.objects.filter(
            username="bench-super"
        ).first() or User.objects.create_superuser("bench-super", password=None)
        with time_machine.travel(dt.datetime(2026, 10, 20, 9)):
            bill = bill_generate(by=admin, programme=programme, month=october)
            payment_record(
                by=admin,
                programme=programme,
                paid_on=dt.date(2026, 10, 14),
                amount=bill.total,
                reference="SP2D-BENCH",
                first_month=october,
            )
        print(f"  October billed and paid in {time.perf_counter() - started:.0f} s")

    print(f"timed (monev {REGION} 2026-Q4 on 2026-11-20, {args.repeat} runs each):")
    with time_machine.travel(dt.datetime(2026, 11, 20, 10), tick=True):
        for fmt in ("pdf", "xlsx"):
            times, size = [], 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                export, _name = services.report_build(
                    user=user, kind="monev", code=REGION, period="2026-Q4", fmt=fmt
                )
                times.append(time.perf_counter() - started)
                size = len(export.content)
            print(
                f"  {fmt.upper():<5} p50 {statistics.median(times):6.1f} s   "
                f"max {max(times):6.1f} s   {size / 1024:,.0f} KB, {export.rows} rows",
                flush=True,
            )
        data = selectors.monev_data(user=user, code=REGION, period=rules.parse_period("2026-Q4"))
        expected = indicators.region_report(
            user=user, code=REGION, on=dt.date(2026, 11, 20), start=dt.date(2026, 10, 1)
        )
    assert data.report.root.as_dict() == expected.root.as_dict()
    r = data.report.root
    print(
        f"result: active {r.active:,}, registered {r.registered:,}, coverage "
        f"{r.coverage_pct} %, villages {r.villages_implementing}/{r.villages_total}; "
        f"{len(data.villages)} village rows; figures equal region_report: OK"
    )


if __name__ == "__main__":
    main()

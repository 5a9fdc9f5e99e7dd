"""Indicators benchmark: the dashboard's selectors (`monitoring.indicators`) at every level of
Kalimantan Timur with N workers, on SQLite or PostgreSQL.

    .venv/bin/python bench/indicators.py --db sqlite             # 1,000,000 workers
    .venv/bin/python bench/indicators.py --db postgres --size 100000 --repeat 10
    .venv/bin/python bench/indicators.py --db sqlite --reuse     # keep the generated data

The data is generated in the database (INSERT … SELECT): workers spread over the province's
villages; one enrolment each: 70 % active, 10 % ended in June, 10 % proposed, 10 % verified;
October billed and paid (so the lapse test of coverage runs its anti-joins); a denominator
per village and an outreach event in every other village. Timed: `region_report` (with its
monthly trend) for a village, a kecamatan, a regency and the province, and the province's
village rollout, each `--repeat` times (p50 and max printed). The figures are then checked
against plain count queries.
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

CODE = "BENCH-KALTIM-2026"
JAN = dt.date(2026, 1, 1)
ON = dt.date(2026, 11, 20)


def measure(label: str, repeat: int, func, *args, **kwargs):  # noqa: ANN001, ANN201
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func(*args, **kwargs)
        times.append(time.perf_counter() - started)
    p50 = statistics.median(times) * 1000
    print(f"  {label:<46} p50 {p50:8.0f} ms   max {max(times) * 1000:8.0f} ms", flush=True)
    return result, p50, max(times) * 1000


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django_setup(bench_database(args.db, "indicators", reuse=args.reuse), immediate_tasks=True)
    import time_machine
    from django.db import connection
    from django.db.models import Q

    from lindung.accounts.models import User
    from lindung.contributions.models import Bill, Payment
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.monitoring import indicators
    from lindung.programs.models import Enrolment
    from lindung.registry.models import Worker

    print(
        f"Lindung indicators benchmark — {connection.vendor}, {args.size:,} workers, "
        f"{os.cpu_count()} CPU"
    )
    user = bench_user("bench", role="admin_provinsi", region="64")
    programme = bench_programme(CODE, region="64", quota=args.size)
    have = Enrolment.objects.filter(programme=programme).count()
    if have != args.size:
        if have:
            sys.exit(f"database holds {have:,} enrolments; run without --reuse")
        started = time.perf_counter()
        generate_monev_population(args.size, programme=programme, region="64")
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
    assert Payment.objects.filter(programme=programme).exists()

    village = Worker.objects.order_by("id").values_list("village_id", flat=True).first()
    levels = [
        ("village " + village, village),
        ("kecamatan " + village[:8], village[:8]),
        ("regency " + village[:5], village[:5]),
        ("province 64", "64"),
    ]
    print(f"timed (on {ON}, {args.repeat} runs each):")
    results = {}
    with time_machine.travel(dt.datetime(2026, 11, 20, 10), tick=True):
        for label, code in levels:
            report, p50, worst = measure(
                f"region_report {label}",
                args.repeat,
                indicators.region_report,
                user=user,
                code=code,
                with_trend=True,
            )
            results[code] = report
        rows, _p50, _max = measure(
            "village_rollout province 64",
            args.repeat,
            indicators.village_rollout,
            user=user,
            code="64",
        )
    # The figures against plain count queries: October paid, so no one has lapsed.
    root = results["64"].root
    raw_active = Enrolment.objects.filter(
        Q(status="aktif") | Q(status="berakhir", end_date__gt=ON), activated_at__isnull=False
    ).count()
    raw_registered = Worker.objects.filter(status="aktif").count()
    print("result:")
    print(
        f"  province: registered {root.registered:,}, active {root.active:,}, "
        f"denominator {root.denominator:,}, coverage {root.coverage_pct} %, "
        f"villages {root.villages_total:,} ({root.villages_socialised:,} socialised)"
    )
    assert root.registered == raw_registered, (root.registered, raw_registered)
    assert root.active == raw_active, (root.active, raw_active)
    assert root.proposed == Enrolment.objects.filter(status="diusulkan").count()
    assert len(rows) == root.villages_total
    print("  registered, active, proposed and village counts equal the raw count queries: OK")


if __name__ == "__main__":
    main()

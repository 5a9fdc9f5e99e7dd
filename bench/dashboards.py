"""Dashboards benchmark (issue 9): every dashboard page and the `indicators` command over
1,000,000 workers and ~11,400,000 enrolment-months in Kalimantan Timur, with writes between
the requests, on SQLite or PostgreSQL.

    .venv/bin/python bench/dashboards.py --db sqlite              # 1,000,000 workers
    .venv/bin/python bench/dashboards.py --db postgres --requests 50
    .venv/bin/python bench/dashboards.py --db sqlite --size 100000 --reuse

Data, generated in the database (INSERT … SELECT): N workers over the province's 1,038
villages (four occupations, both sexes), one enrolment each in a province programme for 2026
(70 % active with BPJS registration dates spread January–October, 10 % ended on 30 June,
10 % proposed, 10 % verified), the programme's months for every open enrolment (January–
December; January–June for the ended), October billed and paid (so the lapse test runs), a
denominator per village, an outreach event in every other village and targets.

Measured: the first build of the maintained rows; then, on 20 November 2026, each page
`--requests` times through Django's test client in this process (server time: the request
through the middleware, view and template), with a write through the services (verify,
register + activate, end: each touching one village) before every 5th request; p50 / p95 /
max per page. Each write queues the refresh of the rows it changed once it commits
(`monitoring.tasks`); the benchmark's task backend runs it at once, inside the write's
timing (printed too), where a server hands it to the worker. Then, timed alone: November's
bill and payment on the province's programme (the refresh recomputes that programme's active
figures from November on), every village recomputed for comparison, the new day rolled by the
worker's periodic refresh and the day's first pages. Finally the maintained figures are
checked against the raw definitions (`monitoring.indicators`, raw=True) at every level.
"""

from __future__ import annotations

import datetime as dt
import io
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
    count_villages,
    django_setup,
    insert_monitoring_inputs,
    insert_workers,
    sql_pad,
)

CODE = "BENCH-DASH-KALTIM-2026"
JAN = dt.date(2026, 1, 1)
WITA = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=WITA)


def generate(size: int, programme) -> None:  # noqa: ANN001
    from django.db import connection, transaction

    from lindung.monitoring.models import Target
    from lindung.programs.models import Enrolment, EnrolmentMonth
    from lindung.registry.models import Occupation, Worker

    pg = connection.vendor == "postgresql"
    e, m, w = (Enrolment._meta.db_table, EnrolmentMonth._meta.db_table, Worker._meta.db_table)
    now = "CURRENT_TIMESTAMP"
    day = ("DATE '{}'" if pg else "'{}'").format
    occupations = list(
        Occupation.objects.filter(
            code__in=["nelayan", "petani", "marbot", "guru-ngaji"]
        ).values_list("pk", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cur:
        if pg:
            cur.execute("SET LOCAL session_replication_role = replica")
        n_villages = count_villages(cur, "64")
        t = time.perf_counter()
        print(f"  {size:,} workers in {n_villages} villages …", end=" ", flush=True)
        insert_workers(cur, first=1, count=size, region="64", n_villages=n_villages)
        occ = " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(occupations))
        cur.execute(f"""UPDATE {w} SET sex = CASE WHEN id % 2 = 0 THEN 'P' ELSE 'L' END,
                        occupation_id = CASE id % {len(occupations)} {occ} END""")
        print(f"{time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        print("  enrolments …", end=" ", flush=True)
        status = (
            "CASE WHEN id % 10 < 7 THEN 'aktif' WHEN id % 10 = 7 THEN 'berakhir' "
            "WHEN id % 10 = 8 THEN 'diusulkan' ELSE 'diverifikasi' END"
        )
        # BPJS registration spread over January-October (the trend rises month by month).
        reg_month = "1 + (id / 10) % 10"
        registration = (
            f"make_date(2026, CAST({reg_month} AS integer), 10)"
            if pg
            else f"printf('2026-%02d-10', {reg_month})"
        )
        cur.execute(f"""
            INSERT INTO {e} (worker_id, programme_id, status, period_start, period_end,
                             kpj_number, registration_date, end_date, end_reason,
                             reject_reason, proposed_at, activated_at)
            SELECT id, {programme.pk}, {status}, {day("2026-01-01")}, {day("2026-12-31")},
                   CASE WHEN id % 10 < 8 THEN {sql_pad("id", 11)} ELSE '' END,
                   CASE WHEN id % 10 < 7 THEN {registration}
                        WHEN id % 10 = 7 THEN {day("2026-01-10")} END,
                   CASE WHEN id % 10 = 7 THEN {day("2026-06-30")} END,
                   CASE WHEN id % 10 = 7 THEN 'pindah' ELSE '' END, '', {now},
                   CASE WHEN id % 10 < 8 THEN {now} END
            FROM {w} ORDER BY id
        """)
        print(f"{time.perf_counter() - t:.0f} s", flush=True)
        t = time.perf_counter()
        print("  enrolment months …", end=" ", flush=True)
        months = " UNION ALL ".join(
            f"SELECT {day(f'2026-{i:02d}-01')} AS month" for i in range(1, 13)
        )
        cur.execute(f"""
            INSERT INTO {m} (worker_id, month, enrolment_id)
            SELECT e.worker_id, ms.month, e.id FROM {e} e CROSS JOIN ({months}) ms
            WHERE e.programme_id = {programme.pk}
              AND (e.status <> 'berakhir' OR ms.month <= {day("2026-06-01")})
            ORDER BY e.worker_id, ms.month
        """)
        print(f"{time.perf_counter() - t:.0f} s", flush=True)
        insert_monitoring_inputs(cur, region="64", size=size, n_villages=n_villages)
    from django.utils import timezone

    Target.objects.create(region_id="64", year=2026, participants=size, updated_at=timezone.now())
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def stats(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000, ordered[-1] * 1000


class Writer:
    """A write through the services before every 5th request: verify a proposal, register
    and activate a verified enrolment, or end an active one (each in a village of its own)."""

    def __init__(self, programme, admin) -> None:  # noqa: ANN001
        from lindung.programs.models import Enrolment

        self.admin = admin
        self.proposed = list(
            Enrolment.objects.filter(programme=programme, status="diusulkan")
            .order_by("pk")
            .values_list("pk", flat=True)[:400:7]
        )
        self.verified = list(
            Enrolment.objects.filter(programme=programme, status="diverifikasi")
            .order_by("-pk")
            .values_list("pk", flat=True)[:400:7]
        )
        self.active = list(
            Enrolment.objects.filter(programme=programme, status="aktif")
            .order_by("pk")
            .values_list("pk", flat=True)[1000:1400:7]
        )
        self.n = 0
        self.kinds: dict[str, int] = {}
        self.times: list[float] = []

    def write(self) -> None:
        from lindung.programs.models import Enrolment
        from lindung.programs.services import (
            enrolment_activate,
            enrolment_end,
            enrolment_register,
            enrolment_verify,
        )

        kind = ("verify", "activate", "end")[self.n % 3]
        self.n += 1
        started = time.perf_counter()
        if kind == "verify" and self.proposed:
            enrolment_verify(enrolment=Enrolment.objects.get(pk=self.proposed.pop()), by=self.admin)
        elif kind == "activate" and self.verified:
            e = Enrolment.objects.get(pk=self.verified.pop())
            e = enrolment_register(
                enrolment=e,
                by=self.admin,
                kpj_number=f"9{e.pk:010d}",
                registration_date=dt.date(2026, 11, 18),
            )
            enrolment_activate(enrolment=e, by=self.admin)
        elif kind == "end" and self.active:
            enrolment_end(
                enrolment=Enrolment.objects.get(pk=self.active.pop()),
                by=self.admin,
                reason="pindah",
                end_date=dt.date(2026, 11, 19),
            )
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        # The service and, once it commits, the refresh of the maintained rows it queues
        # (`monitoring.tasks`; the benchmark's task backend runs it at once, where a server
        # hands it to the worker).
        self.times.append(time.perf_counter() - started)


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    django_setup(bench_database(args.db, "dashboards", reuse=args.reuse), immediate_tasks=True)
    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lindung.contributions.models import Bill
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.monitoring import aggregates, indicators, tasks
    from lindung.programs.models import Enrolment, EnrolmentMonth
    from lindung.regions.models import Region

    setup_test_environment()  # the test client's host name
    print(
        f"Lindung dashboards benchmark — {connection.vendor}, {args.size:,} workers, "
        f"{os.cpu_count()} CPU",
        flush=True,
    )
    leader = bench_user("bench-pimpinan", role="pimpinan", region="64")
    admin = bench_user("bench-super", role="", region=None)
    programme = bench_programme(CODE, region="64", quota=args.size * 2, name="Benchmark dashboards")
    have = Enrolment.objects.filter(programme=programme).count()
    if have == 0:
        started = time.perf_counter()
        generate(args.size, programme)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    elif have < args.size:
        sys.exit(f"database holds {have:,} enrolments; run without --reuse")
    print(f"  enrolment-months: {EnrolmentMonth.objects.count():,}", flush=True)
    october = dt.date(2026, 10, 1)
    if not Bill.objects.filter(programme=programme, month=october).exists():
        started = time.perf_counter()
        with time_machine.travel(dt.datetime(2026, 10, 20, 9, tzinfo=WITA)):
            bill = bill_generate(by=admin, programme=programme, month=october)
            payment_record(
                by=admin,
                programme=programme,
                paid_on=dt.date(2026, 10, 14),
                amount=bill.total,
                reference="SP2D-BENCH-DASH",
                first_month=october,
            )
        print(f"  October billed and paid in {time.perf_counter() - started:.0f} s", flush=True)

    village = (
        Region.objects.filter(code__startswith="64.01.", level=4)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    with time_machine.travel(NOW, tick=True):
        started = time.perf_counter()
        built = aggregates.rebuild()
        print(
            f"first build of the maintained rows: {time.perf_counter() - started:.1f} s "
            f"({built.rows:,} village-month rows)",
            flush=True,
        )
        pages = [
            ("province /monitoring/wilayah/64/", "/monitoring/wilayah/64/"),
            ("regency " + village[:5], f"/monitoring/wilayah/{village[:5]}/"),
            ("kecamatan " + village[:8], f"/monitoring/wilayah/{village[:8]}/"),
            ("village " + village, f"/monitoring/wilayah/{village}/"),
            ("province, month 2026-06", "/monitoring/wilayah/64/?bulan=2026-06"),
            ("province CSV download", "/monitoring/wilayah/64/?format=csv"),
            ("village rollout, province", "/monitoring/desa/64/"),
            ("gap list, province", "/monitoring/desa/64/?status=belum_dijangkau"),
            ("API /api/v1/indicators?region=64", "/api/v1/indicators?region=64"),
        ]
        client = Client()
        client.force_login(leader)
        writer = Writer(programme, admin)
        results = []
        print(
            f"server time, {args.requests} requests per page, a write before every 5th "
            f"(on {NOW:%Y-%m-%d}):",
            flush=True,
        )
        for label, url in pages:
            client.get(url)  # warm: templates, URL resolvers, the session
            times = []
            for i in range(args.requests):
                if i % 5 == 4:
                    writer.write()
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
                assert response.status_code == 200, (url, response.status_code)
            p50, p95, worst = stats(times)
            results.append((label, p50, p95, worst))
            print(
                f"  {label:<40} p50 {p50:7.0f} ms  p95 {p95:7.0f} ms  max {worst:7.0f} ms",
                flush=True,
            )
        times = []
        for i in range(args.requests):
            if i % 5 == 4:
                writer.write()
            t = time.perf_counter()
            call_command(
                "indicators", region="64", json=True, user="bench-pimpinan", stdout=io.StringIO()
            )
            times.append(time.perf_counter() - t)
        p50, p95, worst = stats(times)
        print(
            f"  {'lindung indicators --region 64 --json':<40} p50 {p50:7.0f} ms  "
            f"p95 {p95:7.0f} ms  max {worst:7.0f} ms",
            flush=True,
        )
        p50, p95, worst = stats(writer.times)
        print(
            f"  writes between requests {writer.kinds}, each with the refresh it queues: "
            f"p50 {p50:.0f} ms  p95 {p95:.0f} ms  max {worst:.0f} ms",
            flush=True,
        )

        # A payment on the province's programme: its participants' lapse test from the
        # payment's month on (`aggregates.billing_touched`), not every figure of the province.
        november = dt.date(2026, 11, 1)
        started = time.perf_counter()
        bill = Bill.objects.filter(programme=programme, month=november).first() or bill_generate(
            by=admin, programme=programme, month=november
        )
        generated = time.perf_counter() - started
        started = time.perf_counter()
        payment_record(
            by=admin,
            programme=programme,
            paid_on=dt.date(2026, 11, 18),
            amount=bill.total,
            reference="SP2D-BENCH-DASH-11",
            first_month=november,
        )
        paid = time.perf_counter() - started
        started = time.perf_counter()
        client.get("/monitoring/wilayah/64/")
        print(
            f"November bill of {bill.line_count:,} lines generated in {generated:.1f} s; its "
            f"payment recorded, with the refresh it queues, in {paid:.1f} s; the next province "
            f"page {(time.perf_counter() - started) * 1000:.0f} ms",
            flush=True,
        )
        print("maintained = raw (monitoring.indicators, raw=True):", flush=True)
        for code in ("64", village[:5], village[:8], village):
            started = time.perf_counter()
            kept = indicators.region_report(user=leader, code=code, with_trend=True)
            raw = indicators.region_report(user=leader, code=code, with_trend=True, raw=True)
            same = (
                kept.as_dict() == raw.as_dict()
                and kept.trend == raw.trend
                and kept.by_programme == raw.by_programme
            )
            print(
                f"  {code:<14} {'equal' if same else 'DIFFERENT'} (raw took "
                f"{time.perf_counter() - started:.1f} s); active {kept.root.active:,}, "
                f"registered {kept.root.registered:,}",
                flush=True,
            )
            assert same, (kept.as_dict(), raw.as_dict())
        kept = indicators.village_rollout(user=leader, code="64")
        raw = indicators.village_rollout(user=leader, code="64", raw=True)
        assert [f.as_dict() for f in kept] == [f.as_dict() for f in raw]
        print("  village rollout 64 equal", flush=True)
        started = time.perf_counter()
        rows = aggregates.recompute(
            aggregates.Touched(prefixes={"64"}),
            aggregates.months_from(JAN, NOW.date()),
            today=NOW.date(),
        )
        print(
            f"for comparison, every figure of every village recomputed ({rows:,} "
            f"village-months): {time.perf_counter() - started:.1f} s",
            flush=True,
        )

    with time_machine.travel(NOW + dt.timedelta(days=1, hours=-9, minutes=-55), tick=True):
        # 00:05 the next day: the worker's periodic run rolls the current month.
        started = time.perf_counter()
        tasks.aggregates_refresh_task.call()
        print(
            f"a new day, rolled by the worker's periodic refresh (current month recomputed "
            f"for every village): {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=True):
        client.force_login(leader)  # yesterday's session has ended
        times = []
        for _ in range(5):
            started = time.perf_counter()
            client.get("/monitoring/wilayah/64/")
            times.append(time.perf_counter() - started)
        print(
            f"the day's first province pages after it: "
            f"{', '.join(f'{t * 1000:.0f}' for t in times)} ms",
            flush=True,
        )


if __name__ == "__main__":
    main()

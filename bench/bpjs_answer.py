"""Benchmark: apply the BPJS branch office's answer file (NIK, NO_KPJ, TANGGAL_TERDAFTAR,
STATUS) for N verified enrolments of one regency's programme.

    .venv/bin/python -m bench.bpjs_answer --db sqlite|postgres [--rows N] [--old-rows N]

Each run starts from a fresh database (SQLite file var/bench/bpjs-answer.sqlite3, PostgreSQL
database lindung_bench_bpjs), seeded set-based with INSERT ... SELECT over a number series:
Kalimantan Timur's regions, N verified enrolments of Penajam Paser Utara's programme (its 2026
target: 15,000), and --background active enrolments of Paser holding KPJ numbers, so that the
KPJ check runs against a populated index. The answer (XLSX, NIK and KPJ as text cells, dates as
date cells, 70 % AKTIF and 30 % TERDAFTAR) carries the defects branch files have: ~2 % NIKs
that match no enrolment, ~1 % KPJ numbers of the wrong length, a few KPJs already held by a
Paser worker and a few refusals (DITOLAK).

`bpjs_answer_import` runs end to end (parse, match, apply, audit, commit) in a child process;
the benchmark prints rows, seconds, rows/s and the child's peak memory. With --old-rows, the
per-row path the import used before (`enrolment_register` + `enrolment_activate` in one
savepoint per row) is timed on that many other verified enrolments, for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `bench`, when run by path
from bench.common import (  # noqa: E402
    CACHE,
    count_villages,
    django_setup,
    insert_workers,
    pg_recreate,
    psql,
    run_child,
    sql_pad,
    sqlite_remove,
)

PG_NAME = "lindung_bench_bpjs"
PROGRAMME = "PPU-2026"
BACKGROUND = "PASER-2026"
OLD = "PPU-2026-LAMA"


def prepare(db: str) -> str:
    """A fresh, empty database; returns its DATABASE_URL."""
    if db == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        path = CACHE / "bpjs-answer.sqlite3"
        sqlite_remove(path)
        return f"sqlite:///{path}"
    return pg_recreate(PG_NAME, force=True)


def _insert_enrolments(
    cur,
    *,
    first: int,
    count: int,
    region: str,
    programme_id: int,  # noqa: ANN001
    status: str,
    kpj_prefix: str,
    user_id: int,
) -> None:
    """`count` workers (serials first .. first+count-1) in the villages of `region`, one
    enrolment each in `status`, by INSERT ... SELECT over a recursive series."""
    from lindung.programs.models import Enrolment
    from lindung.registry.models import Worker

    w, e = Worker._meta.db_table, Enrolment._meta.db_table
    insert_workers(
        cur, first=first, count=count, region=region, n_villages=count_villages(cur, region)
    )
    registered = status != "diverifikasi"
    kpj = f"'{kpj_prefix}' || {sql_pad('w.id', 10)}" if registered else "''"
    reg_date = "'2026-01-10'" if registered else "NULL"
    reg_at = "CURRENT_TIMESTAMP" if registered else "NULL"
    cur.execute(f"""
        INSERT INTO {e} (worker_id, programme_id, status, period_start, period_end,
                         kpj_number, registration_date, end_reason, reject_reason,
                         proposed_at, proposed_by_id, verified_at, verified_by_id,
                         registered_at, activated_at)
        SELECT w.id, {programme_id}, '{status}', '2026-01-01', '2026-12-31', {kpj},
               {reg_date}, '', '', CURRENT_TIMESTAMP, {user_id}, CURRENT_TIMESTAMP,
               {user_id}, {reg_at}, {reg_at}
        FROM {w} w WHERE w.nik >= '64' || {sql_pad(str(first), 14)}
                     AND w.nik <= '64' || {sql_pad(str(first + count - 1), 14)}
        ORDER BY w.id
    """)


def seed(url: str, rows: int, old_rows: int, background: int, xlsx: Path) -> None:
    """Schema, regions, users, programmes and enrolments; then the answer file."""
    django_setup(url, immediate_tasks=True)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from lindung.accounts.models import User
    from lindung.programs.models import Enrolment, Programme
    from lindung.regions.services import regions_load

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    regions_load(prefix="64")
    admin = User.objects.create_user(
        "bench_admin", password=None, role="admin_kabupaten", region_id="64.09"
    )
    User.objects.create_user("bench_bpjs", password=None, role="petugas_bpjs", region_id="64.09")
    programmes = {}
    for code, region in ((PROGRAMME, "64.09"), (OLD, "64.09"), (BACKGROUND, "64.01")):
        programmes[code] = Programme.objects.create(
            code=code,
            name=f"Benchmark {code}",
            region_id=region,
            fiscal_year=2026,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            age_min=15,
            age_max=64,
            quota=max(rows, background, old_rows, 1),
        )
    with transaction.atomic(), connection.cursor() as cur:
        _insert_enrolments(
            cur,
            first=1,
            count=rows,
            region="64.09",
            programme_id=programmes[PROGRAMME].pk,
            status="diverifikasi",
            kpj_prefix="",
            user_id=admin.pk,
        )
        if old_rows:
            _insert_enrolments(
                cur,
                first=rows + 1,
                count=old_rows,
                region="64.09",
                programme_id=programmes[OLD].pk,
                status="diverifikasi",
                kpj_prefix="",
                user_id=admin.pk,
            )
        if background:
            _insert_enrolments(
                cur,
                first=rows + old_rows + 1,
                count=background,
                region="64.01",
                programme_id=programmes[BACKGROUND].pk,
                status="aktif",
                kpj_prefix="1",
                user_id=admin.pk,
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"  seeded {rows:,} verified enrolments (+{old_rows:,} for the per-row path, "
        f"{background:,} active in Paser) in {time.perf_counter() - t:.1f} s",
        flush=True,
    )

    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    rng = random.Random(2026)
    today = timezone.localdate()
    taken = list(
        Enrolment.objects.filter(programme=programmes[BACKGROUND]).values_list(
            "kpj_number", flat=True
        )[:500]
    )
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Jawaban BPJS")
    ws.append(["NIK", "NO_KPJ", "TANGGAL_TERDAFTAR", "STATUS"])

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "@"
        return cell

    niks = (
        Enrolment.objects.filter(programme=programmes[PROGRAMME])
        .order_by("pk")
        .values_list("worker__nik", flat=True)
    )
    for n, nik in enumerate(niks.iterator(chunk_size=5000), 1):
        kpj = f"2{n:010d}"
        status = "AKTIF" if rng.random() < 0.7 else "TERDAFTAR"
        roll = rng.random()
        if roll < 0.02:
            nik = f"6409999{n:09d}"  # matches no enrolment
        elif roll < 0.03:
            kpj = kpj[:-1]  # ten digits
        elif roll < 0.032:
            kpj = rng.choice(taken)  # held by a Paser worker
        elif roll < 0.037:
            status = "DITOLAK"
        date = today - dt.timedelta(days=rng.randint(1, 40))
        ws.append([text(nik), text(kpj), date, status])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx.write_bytes(buf.getvalue())


def run_new(url: str, xlsx: Path) -> None:
    """The timed import; prints one JSON line."""
    django_setup(url, immediate_tasks=True)
    from lindung.accounts.models import User
    from lindung.imports.bpjs import bpjs_answer_import

    user = User.objects.get(username="bench_bpjs")
    content = xlsx.read_bytes()
    t = time.perf_counter()
    report = bpjs_answer_import(by=user, content=content, filename=xlsx.name)
    took = time.perf_counter() - t
    codes: dict[str, int] = {}
    for e in report.errors:
        codes[e.code] = codes.get(e.code, 0) + 1
    print(json.dumps({"seconds": took, **report.counts(), "codes": codes}), flush=True)


def run_old(url: str) -> None:
    """The per-row path bpjs_answer_import used before (see the module docstring)."""
    django_setup(url, immediate_tasks=True)
    from django.db import transaction
    from django.utils import timezone

    from lindung.accounts.models import User
    from lindung.programs.models import Enrolment
    from lindung.programs.services import enrolment_activate, enrolment_register

    user = User.objects.get(username="bench_bpjs")
    today = timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(programme__code=OLD).select_related("worker", "programme")
    )
    t = time.perf_counter()
    with transaction.atomic():
        for n, e in enumerate(enrolments, 1):
            with transaction.atomic():
                e = enrolment_register(
                    enrolment=e, by=user, kpj_number=f"3{n:010d}", registration_date=today
                )
                if n % 10 < 7:
                    enrolment_activate(enrolment=e, by=user)
    took = time.perf_counter() - t
    print(json.dumps({"seconds": took, "rows": len(enrolments)}), flush=True)


def _child(args: list[str]) -> tuple[dict[str, object], float, float]:
    """Run this module with `args`; returns its JSON line, wall seconds and peak RSS (MB)."""
    run = run_child([sys.executable, "-m", "bench.bpjs_answer", *args])
    if run.returncode:
        sys.exit(f"bench child {args[0]} failed")
    out = run.out.decode()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    for line in out.splitlines():
        if not line.startswith("{"):
            print(line)
    return (json.loads(lines[-1]) if lines else {}), run.seconds, run.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=15_000)
    parser.add_argument(
        "--old-rows",
        type=int,
        default=1_000,
        help="enrolments to register through the old per-row path (0: skip)",
    )
    parser.add_argument(
        "--background",
        type=int,
        default=50_000,
        help="active enrolments with KPJ numbers in another regency",
    )
    parser.add_argument("--seed", default="", help=argparse.SUPPRESS)
    parser.add_argument("--run", default="", help=argparse.SUPPRESS)
    parser.add_argument("--run-old", default="", help=argparse.SUPPRESS)
    parser.add_argument("--xlsx", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    xlsx = Path(args.xlsx or CACHE / f"bpjs-answer-{args.rows}.xlsx")
    if args.seed:
        seed(args.seed, args.rows, args.old_rows, args.background, xlsx)
        return
    if args.run:
        run_new(args.run, xlsx)
        return
    if args.run_old:
        run_old(args.run_old)
        return

    CACHE.mkdir(parents=True, exist_ok=True)
    url = prepare(args.db)
    print(f"bpjs_answer [{args.db}, {os.cpu_count()} cores]: {args.rows:,} answer rows", flush=True)
    _child(
        [
            "--seed",
            url,
            "--rows",
            str(args.rows),
            "--old-rows",
            str(args.old_rows),
            "--background",
            str(args.background),
            "--xlsx",
            str(xlsx),
        ]
    )
    if args.db == "postgres":
        psql("CHECKPOINT")  # start from a database at rest
    report, wall, peak = _child(["--run", url, "--xlsx", str(xlsx)])
    seconds = float(report["seconds"])  # type: ignore[arg-type]
    rows = int(report["rows"])  # type: ignore[call-overload]
    print(
        "  counts: "
        + ", ".join(
            f"{k} {report[k]:,}"
            for k in ("registered", "activated", "unchanged", "unmatched", "conflicts")
        )
        + f"; errors by code {report['codes']}"
    )
    print(
        f"  bpjs_answer_import: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} "
        f"rows/s; child wall {wall:.1f} s (with Django start-up); peak memory {peak:,.0f} MB"
    )
    if args.old_rows:
        old, _wall, _peak = _child(["--run-old", url])
        old_s = float(old["seconds"])  # type: ignore[arg-type]
        old_n = int(old["rows"])  # type: ignore[call-overload]
        print(
            f"  old per-row path (register + activate per row, savepoint each): "
            f"{old_n:,} rows in {old_s:.2f} s = {old_n / old_s:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()

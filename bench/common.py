"""Plumbing the benchmarks share: the PostgreSQL maintenance connection, fresh databases,
Django set-up in a bench process, a child process's wall time and peak memory, and the
set-based generation of workers.

The scripts run both as `python bench/X.py` (bench/__main__.py runs them so) and as
`python -m bench.X`; run by path, each puts the project root on sys.path before importing this.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"
PG = "postgres://postgres@127.0.0.1:5432/{name}"
IMMEDIATE_TASKS = "django.tasks.backends.immediate.ImmediateBackend"


# --- databases ---------------------------------------------------------------------------------


def psql(sql: str) -> None:
    """One autocommit statement against the maintenance database `postgres`."""
    import psycopg

    with psycopg.connect(PG.format(name="postgres"), autocommit=True) as c:
        c.execute(sql)


def pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG.format(name="postgres")) as c:
        return (
            c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        )


def pg_recreate(name: str, *, force: bool = False) -> str:
    """Drop the PostgreSQL database `name` if it exists (`force`: even with sessions still
    connected) and create it empty; returns its DATABASE_URL."""
    psql(f"DROP DATABASE IF EXISTS {name}{' WITH (FORCE)' if force else ''}")
    psql(f"CREATE DATABASE {name}")
    return PG.format(name=name)


def sqlite_remove(path: Path | str) -> None:
    """Delete a SQLite database file with its -wal and -shm companions, if present."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- Django ------------------------------------------------------------------------------------


def django_setup(url: str, *, immediate_tasks: bool = False) -> None:
    """Configure Django in this process against DATABASE_URL `url`; `immediate_tasks` runs
    enqueued tasks inline (TASKS_BACKEND = ImmediateBackend)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    if immediate_tasks:
        os.environ["TASKS_BACKEND"] = IMMEDIATE_TASKS
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    if immediate_tasks:  # one log line per task run drowns the figures
        import logging

        logging.getLogger("django.tasks").setLevel(logging.WARNING)


# --- child processes ---------------------------------------------------------------------------


@dataclass
class ChildRun:
    out: bytes
    err: bytes  # empty unless capture_stderr
    returncode: int
    seconds: float  # wall time, start-up included
    peak_mb: float  # the child's own peak RSS


def run_child(
    cmd: list[str], *, env: dict[str, str] | None = None, capture_stderr: bool = False
) -> ChildRun:
    """Run `cmd` from the project root with its stdout captured (stderr too if asked, through a
    temporary file so that a chatty child cannot block on a full pipe). The peak RSS comes
    from os.wait4, the child's own: RUSAGE_CHILDREN would mix in earlier children such as the
    seeding one."""
    with tempfile.TemporaryFile() as errf:
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=errf if capture_stderr else None, env=env, cwd=ROOT
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = b""
        if capture_stderr:
            errf.seek(0)
            err = errf.read()
    return ChildRun(out, err, proc.returncode, took, usage.ru_maxrss / 1024)


# --- generated data ----------------------------------------------------------------------------


def sql_pad(col: str, width: int) -> str:
    """SQL for the integer `col` as text zero-padded to `width` digits, in the dialect of
    Django's default connection."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"lpad(CAST({col} AS text), {width}, '0')"
    return f"printf('%0{width}d', {col})"


def count_villages(cur, region: str) -> int:  # noqa: ANN001
    cur.execute(f"SELECT COUNT(*) FROM regions_region WHERE level = 4 AND code LIKE '{region}.%%'")
    return cur.fetchone()[0]


def insert_workers(
    cur,
    *,
    first: int,
    count: int,
    region: str,
    n_villages: int,  # noqa: ANN001
    income: str = "1000000",
) -> None:
    """`count` active fishermen with serials n = first .. first+count-1 (NIK '64' + n in 14
    digits), spread in turn over the `n_villages` villages of `region`, by INSERT ... SELECT
    over a recursive number series (no Python row objects). `income`: an SQL expression in n."""
    from lindung.registry.models import Occupation, Worker

    occupation = Occupation.objects.get(code="nelayan").pk
    cur.execute(f"""
        INSERT INTO {Worker._meta.db_table} (nik, kk_number, name, sex, birth_place, birth_date,
                         village_id, address, phone, occupation_id, declared_income, status,
                         created_at, updated_at)
        WITH RECURSIVE seq(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM seq
                                  WHERE n < {first + count - 1})
        SELECT '64' || {sql_pad("n", 14)}, '', 'Pekerja ' || n, 'L', '', '1985-08-17', v.code,
               '', '', {occupation}, {income}, 'aktif', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
        FROM seq JOIN (SELECT code, ROW_NUMBER() OVER (ORDER BY code) - 1 AS i
                       FROM regions_region WHERE level = 4 AND code LIKE '{region}.%%') v
             ON v.i = n % {n_villages}
    """)


# --- the shared shape of the data benchmarks ---------------------------------------------------


def bench_database(kind: str, name: str, *, reuse: bool) -> str:
    """The database a benchmark runs against: PostgreSQL `lindung_bench_<name>` or the SQLite
    file `$BENCH_DIR/lindung_bench_<name>.sqlite3` (BENCH_DIR defaults to /tmp), emptied
    unless `reuse` and it exists. Returns its DATABASE_URL."""
    db = f"lindung_bench_{name}"
    if kind == "sqlite":
        path = Path(os.environ.get("BENCH_DIR", "/tmp")) / f"{db}.sqlite3"
        if not reuse:
            sqlite_remove(path)
        return f"sqlite:///{path}"
    if not reuse or not pg_exists(db):
        pg_recreate(db, force=True)
    return PG.format(name=db)


def bench_parser(doc: str | None, *, size: int = 1_000_000) -> argparse.ArgumentParser:
    """The arguments every data benchmark takes: --db, --size and --reuse."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--size", type=int, default=size)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the previous run (same --size)"
    )
    return parser


def insert_monitoring_inputs(cur, *, region: str, size: int, n_villages: int) -> None:  # noqa: ANN001
    """A denominator for every village of `region` (3 × its share of `size`) and a
    sosialisasi on 1 March 2026 in every other village."""
    from django.db import connection

    from lindung.monitoring.models import Denominator
    from lindung.outreach.models import OutreachEvent

    now = "CURRENT_TIMESTAMP"
    march = "DATE '2026-03-01'" if connection.vendor == "postgresql" else "'2026-03-01'"
    d, o = Denominator._meta.db_table, OutreachEvent._meta.db_table
    cur.execute(f"""
        INSERT INTO {d} (village_id, occupation_id, year, estimated_workers, source, notes,
                         updated_at)
        SELECT code, NULL, 2026, {size} * 3 / {n_villages}, 'dtks', '', {now}
        FROM regions_region WHERE level = 4 AND code LIKE '{region}.%%'
    """)
    cur.execute(f"""
        INSERT INTO {o} (region_id, date, kind, organiser, attendees_male,
                         attendees_female, notes, created_at, updated_at)
        SELECT code, {march}, 'sosialisasi', 'disnaker', 10, 10, '', {now}, {now}
        FROM (SELECT code, ROW_NUMBER() OVER (ORDER BY code) AS i FROM regions_region
              WHERE level = 4 AND code LIKE '{region}.%%') v WHERE i % 2 = 0
    """)


def generate_monev_population(size: int, *, programme, region: str) -> None:  # noqa: ANN001
    """`size` workers over the villages of `region`, one enrolment each in `programme` for
    2026 (70 % active and 10 % ended on 30 June, both registered at BPJS on 10 January; 10 %
    proposed, 10 % verified), October's enrolment months of the active (what billing joins),
    the monitoring inputs, then ANALYZE. Set-based, triggers off on PostgreSQL."""
    from django.db import connection, transaction

    from lindung.programs.models import Enrolment, EnrolmentMonth
    from lindung.registry.models import Worker

    pg = connection.vendor == "postgresql"
    e, m = Enrolment._meta.db_table, EnrolmentMonth._meta.db_table
    now = "CURRENT_TIMESTAMP"
    day = ("DATE '{}'" if pg else "'{}'").format
    with transaction.atomic(), connection.cursor() as cur:
        if pg:
            cur.execute("SET LOCAL session_replication_role = replica")
        n_villages = count_villages(cur, region)
        print(f"  generating {size:,} workers in {n_villages} villages …", flush=True)
        insert_workers(cur, first=1, count=size, region=region, n_villages=n_villages)
        status = (
            "CASE WHEN id % 10 < 7 THEN 'aktif' WHEN id % 10 = 7 THEN 'berakhir' "
            "WHEN id % 10 = 8 THEN 'diusulkan' ELSE 'diverifikasi' END"
        )
        activated = f"CASE WHEN id % 10 < 8 THEN {now} END"
        cur.execute(f"""
            INSERT INTO {e} (worker_id, programme_id, status, period_start, period_end,
                             kpj_number, registration_date, end_date, end_reason,
                             reject_reason, proposed_at, activated_at)
            SELECT id, {programme.pk}, {status}, {day("2026-01-01")}, {day("2026-12-31")},
                   CASE WHEN id % 10 < 8 THEN {sql_pad("id", 11)} ELSE '' END,
                   CASE WHEN id % 10 < 8 THEN {day("2026-01-10")} END,
                   CASE WHEN id % 10 = 7 THEN {day("2026-06-30")} END,
                   CASE WHEN id % 10 = 7 THEN 'pindah' ELSE '' END, '', {now}, {activated}
            FROM {Worker._meta.db_table} ORDER BY id
        """)
        cur.execute(f"""
            INSERT INTO {m} (worker_id, month, enrolment_id)
            SELECT worker_id, {day("2026-10-01")}, id FROM {e}
            WHERE programme_id = {programme.pk} AND status = 'aktif' ORDER BY worker_id
        """)
        insert_monitoring_inputs(cur, region=region, size=size, n_villages=n_villages)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def bench_user(username: str, *, role: str, region: str | None) -> Any:
    """The database migrated, Kalimantan Timur's regions loaded (once) and the benchmark's
    user `username` (created once; a superuser when `role` is empty)."""
    from django.core.management import call_command

    from lindung.accounts.models import User
    from lindung.regions.models import Region
    from lindung.regions.services import regions_load

    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="64").exists():
        regions_load(prefix="64")
    user = User.objects.filter(username=username).first()
    if user is None and not role:
        user = User.objects.create_superuser(username, password=None)
    elif user is None:
        user = User.objects.create_user(
            username, password=None, role=role, region=Region.objects.get(code=region)
        )
    return user


def bench_programme(code: str, *, region: str, quota: int, name: str = "Benchmark") -> Any:
    """The benchmark's programme for 2026 (ages 15-64, every occupation), created once."""
    import datetime as dt

    from lindung.programs.models import Programme
    from lindung.registry.models import Occupation

    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        programme = Programme.objects.create(
            code=code,
            name=name,
            region_id=region,
            fiscal_year=2026,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            age_min=15,
            age_max=64,
            quota=quota,
        )
        programme.occupations.set(Occupation.objects.all())
    return programme

"""Plumbing the benchmarks share: the PostgreSQL maintenance connection, fresh databases,
Django set-up in a bench process, a child process's wall time and peak memory, and the
set-based generation of workers.

The scripts run both as `python bench/X.py` (bench/__main__.py runs them so) and as
`python -m bench.X`; run by path, each puts the project root on sys.path before importing this.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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

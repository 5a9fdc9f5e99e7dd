"""Backup and restore of an installation: the database and the uploaded files (MEDIA_ROOT, the
claim documents), in one tar archive.

- SQLite: Python's `sqlite3.Connection.backup` (SQLite's online backup API) copies the live
  database page by page, consistent even while the web server and the task worker write; a
  restore copies the archived database back the same way, into the same file.
- PostgreSQL: `pg_dump -Fc` (custom format, compressed, one consistent snapshot) and
  `pg_restore --clean --if-exists --single-transaction`: the restore replaces every object of
  the dump, all or nothing. Connection details come from the `DATABASES` setting
  (DATABASE_URL); the password goes to the tools through PGPASSWORD, never on a command line.
  The client tools must be at least the server's version (`postgresql-client`).

The archive holds `manifest.json` (format, database vendor, time), `database.sqlite3` or
`database.pgdump`, and `media/`. A restore checks the archive first (vendor, a Lindung database
inside) and, unless told otherwise, first backs up what it is about to replace.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from lindung.core import clock

FORMAT = 1
MANIFEST = "manifest.json"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (Indonesian) says why and what to
    do."""


@dataclass
class BackupResult:
    path: Path
    vendor: str
    size: int
    media_files: int
    seconds: float


def _connection(using: str):
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(
            f"Basis data {connection.vendor} tidak didukung: cadangan hanya untuk "
            "SQLite dan PostgreSQL."
        )
    return connection


def default_path(prefix: str = "lindung") -> Path:
    """BACKUP_DIR/lindung-YYYYMMDD-HHMMSS.tar (local time), never an existing file."""
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().astimezone().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{prefix}-{stamp}.tar", 1
    while path.exists():
        n += 1
        path = folder / f"{prefix}-{stamp}-{n}.tar"
    return path


# --- PostgreSQL client tools ---------------------------------------------------------------------


def _pg(tool: str, args: list[str], settings_dict: dict) -> subprocess.CompletedProcess:
    """Run pg_dump/pg_restore against the database of `settings_dict`."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} tidak ditemukan. Pasang alat klien PostgreSQL (paket "
            "postgresql-client) dengan versi sama atau lebih baru dari server."
        )
    options = settings_dict.get("OPTIONS") or {}
    env = dict(os.environ)
    for key, name in (
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
    ):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    dbname = ["--dbname", str(settings_dict["NAME"])] if settings_dict.get("NAME") else []
    result = subprocess.run([tool, *args, *dbname], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{tool} gagal (kode {result.returncode}): {result.stderr.strip()[-2000:]}"
        )
    return result


# --- backup --------------------------------------------------------------------------------------


def _dump_database(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            with destination:
                connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        _pg("pg_dump", ["--format=custom", "--file", str(target)], connection.settings_dict)


def backup(*, output: Path | None = None, using: str = "default") -> BackupResult:
    """Write the database and MEDIA_ROOT to one tar archive at `output` (written beside it
    first and renamed when complete: never half a backup under the final name)."""
    start = time.perf_counter()
    connection = _connection(using)
    output = Path(output) if output else default_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    media_files = 0
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".cadangan-") as work:
        dump = Path(work) / DUMP_NAMES[connection.vendor]
        _dump_database(connection, dump)
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": clock.now().isoformat(),
            "database": str(connection.settings_dict["NAME"]),
        }
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(time.time())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            if media.is_dir():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    tar.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
                    media_files += 1
        os.replace(partial, output)
    return BackupResult(
        path=output,
        vendor=connection.vendor,
        size=output.stat().st_size,
        media_files=media_files,
        seconds=time.perf_counter() - start,
    )


# --- restore -------------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest of a Lindung backup archive; BackupError when `source` is not one."""
    if not Path(source).is_file():
        raise BackupError(f"Berkas cadangan {source} tidak ada.")
    try:
        with tarfile.open(source, "r") as tar:
            manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
            names = set(tar.getnames())
    except (tarfile.TarError, KeyError, ValueError, TypeError) as e:
        raise BackupError(
            f"{source} bukan berkas cadangan Lindung (dibuat dengan 'lindung backup'): {e}"
        ) from e
    if manifest.get("format") != FORMAT or DUMP_NAMES.get(manifest.get("vendor")) not in names:
        raise BackupError(f"{source} bukan berkas cadangan Lindung yang dikenal versi ini.")
    return manifest


def _check_sqlite(path: Path) -> None:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        lindung = db.execute(
            "SELECT count(*) FROM django_migrations WHERE app = 'registry'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise BackupError(
            f"Basis data di dalam cadangan rusak atau bukan milik Lindung: {e}"
        ) from e
    finally:
        db.close()
    if not ok or not lindung:
        raise BackupError("Basis data di dalam cadangan rusak atau bukan milik Lindung.")


def _load_database(connection, dump: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("Pemulihan tidak dapat berjalan di dalam transaksi.")
    if connection.vendor == "sqlite":
        _check_sqlite(dump)
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # holds no lock while pg_restore drops and recreates the tables
        listing = _pg("pg_restore", ["--list", str(dump)], {"NAME": ""}).stdout
        if "TABLE DATA public django_migrations" not in listing:
            raise BackupError("Basis data di dalam cadangan bukan milik Lindung.")
        _pg(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                str(dump),
            ],
            connection.settings_dict,
        )
    connection.close()  # the next query opens a connection on the restored database


def _replace_media(extracted: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    if extracted.is_dir():
        shutil.copytree(extracted, media)
        return sum(1 for p in media.rglob("*") if p.is_file())
    media.mkdir(parents=True, exist_ok=True)
    return 0


def restore(
    *, source: Path, using: str = "default", safety_backup: bool = True
) -> tuple[dict, BackupResult | None, int]:
    """Replace the database and MEDIA_ROOT with the contents of a backup archive. Returns the
    archive's manifest, the backup made first of what was replaced (None when not asked), and
    how many uploaded files were restored."""
    connection = _connection(using)
    manifest = read_manifest(source)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"Cadangan ini dari basis data {manifest['vendor']}, sedangkan "
            f"Lindung kini memakai {connection.vendor}: pulihkan ke basis data "
            "jenis yang sama."
        )
    before = (
        backup(output=default_path("sebelum-pemulihan"), using=using) if safety_backup else None
    )
    Path(settings.BACKUP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pemulihan-", dir=Path(settings.BACKUP_DIR)) as work:
        with tarfile.open(source, "r") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links or '..' out
        _load_database(connection, Path(work) / DUMP_NAMES[connection.vendor])
        restored = _replace_media(Path(work) / "media")
    return manifest, before, restored

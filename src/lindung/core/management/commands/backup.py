"""`lindung backup [--output FILE]`: the database and the uploaded files in one archive
(lindung.core.backup)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Mencadangkan basis data (SQLite: backup daring; PostgreSQL: pg_dump) dan berkas "
        "unggahan ke satu arsip .tar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="berkas arsip (bawaan: BACKUP_DIR/lindung-TTTTBBHH-jjmmdd.tar)",
        )
        parser.add_argument("--database", default="default", help="alias basis data Django")

    def handle(self, *args, output: Path | None = None, database: str = "default", **options):
        try:
            result = backup(output=output, using=database)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan tersimpan: {result.path} ({result.vendor}, "
                f"{result.size / 1_000_000:.1f} MB, {result.media_files} berkas unggahan, "
                f"{result.seconds:.1f} detik)."
            )
        )

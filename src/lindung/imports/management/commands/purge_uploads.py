"""`lindung purge-uploads [--days N] [--dry-run]`: delete uploaded files past their retention.

Meant for a daily cron job or systemd timer (docs/imports.md). Exit 0 when done, 2 when the
number of days is refused."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.imports.services import upload_retention_days, uploads_purge

REFUSED = 2


class Command(BaseCommand):
    help = (
        "Hapus berkas unggahan (impor pekerja, jawaban BPJS) yang melewati masa simpan "
        "(parameter retensi_berkas_hari, bawaan 90 hari)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="masa simpan dalam hari (bawaan: parameter retensi_berkas_hari)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="hitung saja berkas yang akan dihapus, tidak menghapus",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        today = clock.today()
        days = opts["days"] if opts["days"] is not None else upload_retention_days(on=today)
        try:
            n = uploads_purge(on=today, days=days, dry_run=opts["dry_run"])
        except DomainError as e:
            self.stderr.write(e.message)
            raise SystemExit(REFUSED) from e
        if opts["dry_run"]:
            self.stdout.write(
                f"{n} berkas unggahan lebih dari {days} hari akan dihapus "
                "(uji coba, tidak ada yang dihapus)."
            )
        else:
            self.stdout.write(f"{n} berkas unggahan lebih dari {days} hari dihapus.")

"""`lindung notify-due [--date YYYY-MM-DD]`: the daily notifications (bills due and overdue,
workers about to lapse) and those from the audit trail since the last run.

The task worker already runs this every few minutes; the command is for an installation
without the worker, for cron, or to look at once. Running it again the same day creates
nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lindung.core import clock
from lindung.notifications.services import notifications_due, notifications_from_audit


class Command(BaseCommand):
    help = (
        "Buat notifikasi harian (tagihan jatuh tempo, tagihan lewat jatuh tempo, peringatan "
        "putus kepesertaan) dan notifikasi dari jejak audit sejak proses terakhir."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            default=None,
            help="periksa tagihan per tanggal ini (YYYY-MM-DD; bawaan: hari ini)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        on = clock.today()
        if opts["date"]:
            try:
                on = dt.date.fromisoformat(opts["date"])
            except ValueError as e:
                raise CommandError(f"Tanggal tidak sah: {opts['date']!r} (YYYY-MM-DD).") from e
        audit = notifications_from_audit()
        due = notifications_due(on=on)
        self.stdout.write(
            f"Notifikasi per {on:%d-%m-%Y}: {audit.rejected} usulan ditolak, {audit.waiting} "
            f"rekap usulan baru, {audit.reverify} rekap verifikasi ulang, {due.bills} tagihan, "
            f"{due.lapses} peringatan putus; "
            f"{due.deleted} notifikasi lama yang sudah dibaca dihapus."
        )

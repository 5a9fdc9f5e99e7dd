"""`lindung bill --programme PASER-2026 --month 2026-03`: generate or regenerate a month's bill.

Runs as the user given by --user (default: the first active superuser), with the same role and
region checks as the web page."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lindung.accounts.models import User
from lindung.contributions.services import bill_generate
from lindung.core.errors import DomainError
from lindung.core.formatting import rupiah, thousands
from lindung.programs.models import Programme


def parse_month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError as e:
        raise CommandError(f"Bulan harus berbentuk YYYY-MM, bukan {value!r}.") from e


class Command(BaseCommand):
    help = "Buat atau perbarui tagihan iuran bulanan satu program."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="Kode program, mis. PASER-2026")
        parser.add_argument("--month", required=True, help="Bulan iuran, YYYY-MM")
        parser.add_argument("--user", help="Nama pengguna pelaku (bawaan: superuser pertama)")

    def handle(self, *args: object, **options: str) -> None:
        month = parse_month(options["month"])
        try:
            programme = Programme.objects.get(code=options["programme"])
        except Programme.DoesNotExist as e:
            raise CommandError(f"Program {options['programme']} tidak ditemukan.") from e
        users = User.objects.filter(is_active=True)
        user = (
            users.filter(username=options["user"]).first()
            if options.get("user")
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError("Pengguna tidak ditemukan; pakai --user NAMA.")
        started = time.perf_counter()
        try:
            bill = bill_generate(by=user, programme=programme, month=month)
        except DomainError as e:
            raise CommandError(e.message) from e
        self.stdout.write(
            f"Tagihan {programme.code} {month:%Y-%m}: {thousands(bill.line_count)} peserta, "
            f"{rupiah(bill.total)}, jatuh tempo {bill.due_date:%d-%m-%Y} "
            f"({time.perf_counter() - started:.1f} detik)"
        )

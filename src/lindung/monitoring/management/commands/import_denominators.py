"""`lindung import-denominators FILE --year YYYY [--dry-run] [--json] [--user USERNAME]`

Exit 0 when the file was processed (even with rejected rows), 2 when it was refused whole
(unreadable, not a spreadsheet, a required column missing, unknown user)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.accounts.models import User
from lindung.core.errors import DomainError
from lindung.monitoring.services import denominators_import

REFUSED = 2


def command_user(username: str) -> User:
    """The user a command acts as: `username`, or the first superuser."""
    qs = User.objects.filter(is_active=True)
    user = (
        qs.filter(username=username).first()
        if username
        else qs.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise DomainError(
            f"Pengguna {username} tidak ditemukan."
            if username
            else "Tidak ada superuser; pilih pengguna dengan --user.",
            code="user_unknown",
        )
    return user


class Command(BaseCommand):
    help = "Impor penyebut cakupan (perkiraan pekerja rentan per desa) dari .xlsx atau .csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="berkas .xlsx atau .csv")
        parser.add_argument(
            "--year",
            "--tahun",
            dest="year",
            type=int,
            required=True,
            help="tahun penyebut, mis. 2026",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="periksa saja, tidak menyimpan apa pun"
        )
        parser.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")
        parser.add_argument(
            "--user", default="", help="pengguna yang mengimpor (bawaan: superuser pertama)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        as_json = opts["json"]
        try:
            user = command_user(opts["user"])
            path = Path(opts["file"])
            try:
                content = path.read_bytes()
            except OSError as e:
                raise DomainError(
                    f"Berkas {path} tidak dapat dibuka: {e.strerror}.", code="file_unreadable"
                ) from e
            report = denominators_import(
                by=user,
                content=content,
                filename=path.name,
                year=opts["year"],
                dry_run=opts["dry_run"],
            )
        except DomainError as e:
            if as_json:
                self.stdout.write(
                    json.dumps(
                        {"refused": {"code": e.code, "message": e.message}}, ensure_ascii=False
                    )
                )
            self.stderr.write(f"Berkas ditolak: {e.message}")
            sys.exit(REFUSED)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        c = report.as_dict()
        prefix = "[uji coba, tidak disimpan] " if opts["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{c['rows']} baris: {c['accepted']} diterima, {c['rejected']} ditolak; "
            f"{c['created']} baru, {c['updated']} diubah, {c['unchanged']} tidak berubah."
        )
        for e in report.errors:
            self.stdout.write(f"  baris {e.row} [{e.code}] {e.message}")

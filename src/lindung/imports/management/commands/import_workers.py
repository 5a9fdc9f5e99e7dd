"""`lindung import-workers FILE [--programme CODE] [--dry-run] [--json] [--user USERNAME]`

Exit 0 when the file was processed (even with rejected rows), 2 when it was refused whole
(unreadable, not a spreadsheet, beyond a limit of `core.uploads`, a required column missing,
the same file being imported right now, unknown programme or user). The file is parsed in a
child process, so that a hostile file can end that child but never this command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.accounts.models import User
from lindung.core.errors import DomainError
from lindung.core.formatting import thousands
from lindung.core.uploads import MB, FileRefused, Limits
from lindung.imports.services import workers_import
from lindung.programs.models import Programme

REFUSED = 2


class Command(BaseCommand):
    help = "Impor pekerja dari berkas Excel (.xlsx) atau CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="berkas .xlsx atau .csv")
        parser.add_argument(
            "--programme",
            "--program",
            dest="programme",
            default="",
            help="kode program: baris yang diterima sekaligus diusulkan",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="periksa saja, tidak menyimpan apa pun"
        )
        parser.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")
        parser.add_argument(
            "--user",
            default="",
            help="pengguna yang mengimpor (bawaan: superuser pertama); "
            "impor dibatasi wilayah pengguna ini",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        as_json = opts["json"]
        try:
            user = self._user(opts["user"])
            programme = None
            if opts["programme"]:
                programme = Programme.objects.filter(code=opts["programme"]).first()
                if programme is None:
                    raise DomainError(
                        f"Program {opts['programme']} tidak ditemukan.", code="programme_unknown"
                    )
            path = Path(opts["file"])
            try:
                size = path.stat().st_size
                limit = Limits.current().max_bytes
                if size > limit:  # refused before a byte of it is read into memory
                    raise FileRefused(
                        f"Berkas berukuran {thousands(-(-size // MB))} MB; batas "
                        f"{thousands(limit // MB)} MB per berkas.",
                        code="file_too_large",
                    )
                content = path.read_bytes()
            except OSError as e:
                raise DomainError(
                    f"Berkas {path} tidak dapat dibuka: {e.strerror}.", code="file_unreadable"
                ) from e
            report = workers_import(
                by=user,
                content=content,
                filename=path.name,
                programme=programme,
                dry_run=opts["dry_run"],
                source=f"CLI {path.name}",
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
        if opts["verbosity"] >= 2:
            self.stderr.write("timings: " + json.dumps(report.timings))
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        prefix = "[uji coba, tidak disimpan] " if opts["dry_run"] else ""
        c = report.counts()
        self.stdout.write(
            f"{prefix}{c['rows']} baris: {c['accepted']} diterima, {c['rejected']} ditolak; "
            f"{c['created']} baru, {c['updated']} diubah, {c['unchanged']} tidak berubah, "
            f"{c['enrolled']} diusulkan."
        )
        for e in report.errors:
            self.stdout.write(f"  baris {e.row} [{e.code}] {e.message}")
        for w in report.warnings:
            self.stdout.write(f"  baris {w.row} (peringatan) [{w.code}] {w.message}")

    def _user(self, username: str) -> User:
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

"""`lindung import-boundaries FILE [--dry-run] [--json] [--user USERNAME]`

Region outlines (GeoJSON FeatureCollection, each feature with a Kemendagri code in its
properties) for the coverage map (`monitoring.boundaries`). Exit 2 when the file is refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.core.errors import DomainError
from lindung.monitoring.boundaries import boundaries_import
from lindung.monitoring.management.commands.import_denominators import command_user

REFUSED = 2


class Command(BaseCommand):
    help = "Impor batas wilayah (GeoJSON) untuk peta cakupan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--user", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        try:
            user = command_user(opts["user"])
            if not path.is_file():
                raise DomainError(f"Berkas {path} tidak ditemukan.", code="file_missing")
            report = boundaries_import(content=path.read_bytes(), by=user, dry_run=opts["dry_run"])
        except DomainError as e:
            self.stderr.write(e.message)
            sys.exit(REFUSED)
        if opts["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{report.imported} dari {report.features} wilayah diimpor"
            f"{' (uji coba)' if opts['dry_run'] else ''}."
        )
        for e in report.errors:
            self.stdout.write(f"  {e['row'] or '-'}: {e['code']} {e['message']}")

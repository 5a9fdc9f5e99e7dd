"""`lindung report monev --region CODE --period 2026-Q3 [--format pdf|xlsx] --output FILE
[--user NAME]` and `lindung report paritrana --region CODE [--year YYYY] ...`

Builds the report now (no task worker, no archive entry) with the same code as the report page;
the file written is recorded in the audit trail like a download. Exit 2 on a bad argument, an
unknown region or user, or a region outside the user's scope (the message names it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.audit.services import audit_export
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.monitoring.management.commands.import_denominators import command_user
from lindung.regions.models import Region
from lindung.reports import services
from lindung.reports.models import ReportRun

REFUSED = 2


class Command(BaseCommand):
    help = "Susun laporan monev atau penilaian Paritrana (PDF/XLSX) ke berkas."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind, help_text in (
            (ReportRun.Kind.MONEV, "laporan monitoring dan evaluasi"),
            (ReportRun.Kind.PARITRANA, "penilaian mandiri Paritrana"),
        ):
            p = sub.add_parser(kind, help=help_text)
            p.add_argument(
                "--region",
                "--wilayah",
                dest="region",
                required=True,
                help="kode Kemendagri, mis. 64.01",
            )
            if kind == ReportRun.Kind.MONEV:
                p.add_argument(
                    "--period",
                    "--periode",
                    dest="period",
                    required=True,
                    help="2026-11 (bulan), 2026-Q3, 2026-S2 atau 2026",
                )
            else:
                p.add_argument(
                    "--year",
                    "--tahun",
                    dest="period",
                    default=None,
                    help="tahun dinilai (bawaan: tahun lalu)",
                )
            p.add_argument(
                "--format",
                choices=ReportRun.Format.values,
                default=None,
                help="pdf atau xlsx (bawaan: dari akhiran --output, else pdf)",
            )
            p.add_argument("--output", "-o", required=True, help="berkas tujuan")
            p.add_argument(
                "--user", default="", help="pengguna yang menyusun (bawaan: superuser pertama)"
            )

    def handle(self, *args: Any, **opts: Any) -> None:
        output = Path(opts["output"])
        fmt = opts["format"] or ("xlsx" if output.suffix.lower() == ".xlsx" else "pdf")
        period = opts["period"] or str(clock.today().year - 1)
        try:
            user = command_user(opts["user"])
            export, filename = services.report_build(
                user=user, kind=opts["kind"], code=opts["region"], period=period, fmt=fmt
            )
        except DomainError as e:
            self.stderr.write(e.message)
            sys.exit(REFUSED)
        try:
            output.write_bytes(export.content)
        except OSError as e:
            self.stderr.write(f"Tidak dapat menulis {output}: {e.strerror}")
            sys.exit(REFUSED)
        region = Region.objects.get(code=opts["region"])
        audit_export(
            actor=user,
            obj=region,
            region_code=region.code,
            what=f"{filename} (lindung report)",
            kind=f"report_{opts['kind']}",
            fmt=fmt,
            rows=export.rows,
        )
        self.stdout.write(
            f"{output} ({len(export.content):,} byte, {export.rows} baris)".replace(",", ".")
        )

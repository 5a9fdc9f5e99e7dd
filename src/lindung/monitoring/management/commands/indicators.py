"""`lindung indicators --region CODE [--year YYYY | --month YYYY-MM] [--json] [--user NAME]`

The indicators of a region and of its children (`monitoring.indicators`), as JSON or a table.
Exit 2 for an unknown region or user, or a region outside the user's scope."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.formatting import thousands
from lindung.monitoring import indicators, rules
from lindung.monitoring.management.commands.import_denominators import command_user
from lindung.regions.models import Region

REFUSED = 2


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}".replace(".", ",") + " %"


class Command(BaseCommand):
    help = "Indikator monitoring suatu wilayah dan wilayah di bawahnya."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--region",
            "--wilayah",
            dest="region",
            default="",
            help="kode Kemendagri, mis. 64.01 (bawaan: seluruh Indonesia)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--year", "--tahun", dest="year", type=int, default=None)
        group.add_argument("--month", "--bulan", dest="month", default=None, help="bulan TTTT-BB")
        parser.add_argument("--json", action="store_true", help="cetak sebagai JSON")
        parser.add_argument(
            "--user", default="", help="pengguna yang membaca (bawaan: superuser pertama)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            user = command_user(opts["user"])
            try:
                start, end = rules.parse_period(
                    year=opts["year"], month=opts["month"], on=clock.today()
                )
            except ValueError as e:
                raise DomainError(
                    "Tulis bulan sebagai TTTT-BB, mis. 2026-11.", code="month_invalid"
                ) from e
            report = indicators.region_report(user=user, code=opts["region"], on=end, start=start)
        except Region.DoesNotExist:
            self.stderr.write(f"Wilayah {opts['region']} tidak ditemukan.")
            sys.exit(REFUSED)
        except DomainError as e:
            self.stderr.write(e.message)
            sys.exit(REFUSED)
        if opts["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"{report.root.name} ({report.start} s.d. {report.end})")
        header = f"{'wilayah':<32}{'terdata':>10}{'aktif':>10}{'cakupan':>10}{'desa':>12}"
        self.stdout.write(header)
        for f in [*report.children, report.root]:
            villages = f"{f.villages_implementing}/{f.villages_total}"
            self.stdout.write(
                f"{f.name[:31]:<32}{thousands(f.registered):>10}"
                f"{thousands(f.active):>10}{_pct(f.coverage_pct):>10}"
                f"{villages:>12}"
            )

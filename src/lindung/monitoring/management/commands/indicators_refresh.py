"""`lindung indicators-refresh [--full] [--json]`

Bring the maintained indicator rows (`monitoring.aggregates`) up to date now: what every
dashboard does before answering. `--full` rebuilds them from the data (after writes that
bypassed the services: raw SQL, restored backups, edits in the Django admin). Optional in
cron shortly after midnight so that no user pays the new day's recompute."""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandParser

from lindung.monitoring import aggregates


class Command(BaseCommand):
    help = "Perbarui baris indikator yang dipelihara (--full: bangun ulang semuanya)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        result = aggregates.rebuild() if options["full"] else aggregates.refresh()
        seconds = round(time.perf_counter() - started, 3)
        out = {
            "rebuilt": result.rebuilt,
            "new_day": result.rolled_days,
            "events": result.events,
            "villages": result.villages,
            "prefixes": list(result.prefixes),
            "rows": result.rows,
            "seconds": seconds,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out))
        else:
            self.stdout.write(" ".join(f"{k}={v}" for k, v in out.items()))

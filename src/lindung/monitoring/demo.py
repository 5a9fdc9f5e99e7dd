"""Demo monitoring data (DOMAIN.md §9), called by `demo.data.demo_load` after the workers and
enrolments exist: denominators per village, targets, and outreach events in every village
with workers plus some reached but not implementing yet.

Idempotent: a year's denominators, targets and demo events are written once; a second call
changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from lindung.accounts.models import User
from lindung.core import clock
from lindung.monitoring import aggregates
from lindung.monitoring.models import Denominator, Target
from lindung.outreach.models import OutreachEvent
from lindung.regions.models import Region
from lindung.registry.models import Worker

# Estimated vulnerable workers (DOMAIN.md §9): Paser's 2022 target 32.268; PPU's 15.000 for
# 2024–25; Kalimantan Timur's 100.000 across all regencies and cities.
DENOMINATORS = {"64.01": 32_268, "64.09": 15_000}
TARGETS = {"64": (100_000, None), "64.01": (32_268, 100), "64.09": (15_000, 100)}
DEMO_NOTE = "Data demo"
EXTRA_REACHED = 15  # villages socialised but without participants yet, per regency


@dataclass
class MonitoringDemoSummary:
    denominators: int = 0
    targets: int = 0
    events: int = 0


def _spread(total: int, codes: list[str], rng: random.Random) -> dict[str, int]:
    """`total` over `codes` in random proportions, summing exactly to `total`."""
    weights = [rng.uniform(0.5, 1.5) for _ in codes]
    s = sum(weights)
    values = [int(total * w / s) for w in weights]
    values[0] += total - sum(values)
    return dict(zip(codes, values, strict=True))


@transaction.atomic
def monitoring_demo_load(
    *,
    year: int,
    region_codes: Sequence[str] = ("64.01", "64.09"),
    by: User | None = None,
    seed: int = 9,
) -> MonitoringDemoSummary:
    """Denominators and targets of `year` for `region_codes` (regencies) and the province
    above them, and outreach events in the villages with workers plus a few more."""
    rng = random.Random(seed)
    summary = MonitoringDemoSummary()
    now = clock.now()
    today = clock.today()
    for code in region_codes:
        villages = list(
            Region.objects.filter(code__startswith=code + ".", level=Region.Level.VILLAGE)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if not villages:
            continue
        if not Denominator.objects.filter(village__pk__startswith=code + ".", year=year).exists():
            total = DENOMINATORS.get(code, 100 * len(villages))
            rows = [
                Denominator(
                    village_id=v,
                    year=year,
                    estimated_workers=n,
                    source=Denominator.Source.DTKS,
                    notes=DEMO_NOTE,
                    updated_at=now,
                    updated_by=by,
                )
                for v, n in _spread(total, villages, rng).items()
            ]
            Denominator.objects.bulk_create(rows)
            summary.denominators += len(rows)
        if not OutreachEvent.objects.filter(
            region__pk__startswith=code + ".", notes=DEMO_NOTE, date__year=year
        ).exists():
            with_workers = set(
                Worker.objects.filter(village__pk__startswith=code + ".")
                .values_list("village_id", flat=True)
                .distinct()
            )
            others = [v for v in villages if v not in with_workers]
            reached = sorted(with_workers) + rng.sample(others, min(EXTRA_REACHED, len(others)))
            first = dt.date(year, 1, 1)
            span = max((min(today, dt.date(year, 12, 31)) - first).days, 0)
            events = [
                OutreachEvent(
                    region_id=v,
                    date=first + dt.timedelta(days=rng.randint(0, span)),
                    kind=rng.choice(
                        [OutreachEvent.Kind.SOSIALISASI, OutreachEvent.Kind.MASS_REGISTRATION]
                    ),
                    organiser=rng.choice(list(OutreachEvent.Organiser.values)),
                    attendees_male=rng.randint(8, 40),
                    attendees_female=rng.randint(5, 35),
                    notes=DEMO_NOTE,
                    created_at=now,
                    created_by=by,
                    updated_at=now,
                )
                for v in reached
            ]
            districts = sorted({v[:8] for v in villages})
            events += [
                OutreachEvent(
                    region_id=d,
                    date=first + dt.timedelta(days=min(span, 150)),
                    kind=OutreachEvent.Kind.MONEV,
                    organiser=OutreachEvent.Organiser.BPJS,
                    attendees_male=rng.randint(10, 20),
                    attendees_female=rng.randint(5, 15),
                    notes=DEMO_NOTE,
                    created_at=now,
                    created_by=by,
                    updated_at=now,
                )
                for d in districts
            ]
            OutreachEvent.objects.bulk_create(events)
            summary.events += len(events)
    for code, (participants, villages_pct) in TARGETS.items():
        if code != "64" and code not in region_codes:
            continue
        if Target.objects.filter(region_id=code, year=year).exists():
            continue
        n_villages = Region.objects.filter(
            code__startswith=code + ".", level=Region.Level.VILLAGE
        ).count()
        Target.objects.create(
            region_id=code,
            year=year,
            participants=participants,
            coverage_pct=villages_pct,
            villages_implementing=n_villages if villages_pct else None,
            notes=DEMO_NOTE,
            updated_at=now,
            updated_by=by,
        )
        summary.targets += 1
    # The demo writes workers and enrolments in bulk, partly without audit events: the
    # maintained indicator rows are rebuilt from the data once.
    aggregates.rebuild(today=today)
    return summary

"""Paritrana criteria (DOMAIN.md §8). Kemenko PMK and BPJS Ketenagakerjaan publish no weights:
these are Lindung's defaults, documented in docs/reports.md as such, to be corrected by an
administrator (add a row with a later valid_from)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = "Bawaan Lindung (tidak ada bobot resmi yang dipublikasikan)"
VALID_FROM = dt.date(2020, 1, 1)

CRITERIA = [
    # A Perda binds the budget of every year; a Perbup can be changed by the Bupati alone.
    ("regulation", Decimal("20"), {"perda": 100, "perbup": 70, "none": 0}),
    # Share of the estimated vulnerable workers covered (active ÷ denominator, %).
    ("coverage", Decimal("35"), [[0, 0], [10, 20], [25, 40], [50, 60], [75, 80], [90, 100]]),
    # Budget realised ÷ allocated (%); no budget allocated scores 0.
    ("budget", Decimal("20"), [[0, 0], [25, 25], [50, 50], [75, 75], [90, 100]]),
    # Innovations with evidence.
    ("innovation", Decimal("10"), [[0, 0], [1, 50], [2, 75], [3, 100]]),
    # The interview of the head of region: the score entered (0-100).
    ("interview", Decimal("15"), []),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("reports", "ParitranaCriterion")
    for key, weight, bands in CRITERIA:
        Criterion.objects.get_or_create(key=key, valid_from=VALID_FROM,
                                        defaults={"weight": weight, "bands": bands,
                                                  "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""The demo's monitoring data: figures of DOMAIN.md §9, idempotent."""

from __future__ import annotations

import pytest

from lindung.monitoring import indicators
from lindung.monitoring.demo import EXTRA_REACHED, monitoring_demo_load
from lindung.monitoring.models import Denominator
from lindung.outreach.models import OutreachEvent
from tests.conftest import DESA_A, DESA_B, PASER

pytestmark = pytest.mark.django_db


def test_demo_monitoring_is_idempotent_and_realistic(users, make_worker):
    make_worker(village=DESA_A)
    make_worker(village=DESA_B)
    first = monitoring_demo_load(year=2026, by=users.admin)
    assert (first.denominators, first.targets) == (144 + 54, 3)
    again = monitoring_demo_load(year=2026, by=users.admin)
    assert (again.denominators, again.targets, again.events) == (0, 0, 0)
    report = indicators.region_report(user=users.province, code="64")
    assert report.root.target_participants == 100_000
    assert report.root.denominator == 32_268 + 15_000
    paser = {c.code: c for c in report.children}[PASER]
    assert (paser.denominator, paser.target_participants, paser.target_villages) == (
        32_268,
        32_268,
        144,
    )
    assert paser.villages_socialised == 2 + EXTRA_REACHED
    assert OutreachEvent.objects.filter(region_id__in=[DESA_A, DESA_B]).count() == 2
    assert Denominator.objects.filter(year=2026, estimated_workers__lte=0).count() == 0

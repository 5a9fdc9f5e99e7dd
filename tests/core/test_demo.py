import datetime as dt

import pytest

from lindung.contributions.models import Bill, Payment
from lindung.core.demo import demo_load
from lindung.programs.models import Enrolment, Programme
from lindung.programs.selectors import programme_quota_used
from lindung.registry.models import Worker
from lindung.registry.rules import check_nik_matches, parse_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_25_november_2026(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 25))


def test_demo_data_is_realistic_and_idempotent(regions, on_25_november_2026):
    first = demo_load(paser_workers=600, ppu_workers=120)
    assert first.workers == 720

    # 30 of Paser's desa, as in the seed; every NIK valid and agreeing with sex and birth date.
    paser = Worker.objects.filter(village__pk__startswith="64.01.")
    assert paser.values("village").distinct().count() == 30
    for w in Worker.objects.all():
        info = parse_nik(w.nik)
        check_nik_matches(info, sex=w.sex, birth_date=w.birth_date)
        assert w.village_id.startswith(info.region_code)

    # Every enrolment status, and room left in both quotas for new proposals.
    for code in ("PASER-2026", "PPU-2026"):
        programme = Programme.objects.get(code=code)
        assert set(programme.enrolments.values_list("status", flat=True)) == set(
            Enrolment.Status.values)
        assert programme.quota - programme_quota_used(programme=programme) >= 1000
    ppu = Programme.objects.get(code="PPU-2026")
    assert sum(b.amount for b in ppu.budget_lines.all()) == 3_024_000_000
    assert (ppu.age_min, ppu.age_max) == (18, 65)

    # Bills from January to this month, paid by SP2D up to September: arrears to show.
    paser = Programme.objects.get(code="PASER-2026")
    bills = Bill.objects.filter(programme=paser).order_by("month")
    assert bills.first().month == dt.date(2026, 1, 1)
    assert all(b.paid_at for b in bills if b.month.month <= 9)
    assert any(b.paid_at is None for b in bills if b.month.month > 9)
    assert Payment.objects.filter(programme=paser).count() == 3

    again = demo_load(paser_workers=600, ppu_workers=120)
    assert (again.regions, again.workers, again.enrolments) == (0, 0, 0)
    assert Worker.objects.count() == 720

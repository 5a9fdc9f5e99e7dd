import datetime as dt

import pytest
import time_machine

from lindung.accounts.models import User
from lindung.contributions.models import Bill, Payment
from lindung.contributions.rules import Coverage
from lindung.contributions.selectors import coverage_summary
from lindung.demo.data import DemoCalendar, demo_load
from lindung.programs.models import Enrolment, Programme
from lindung.programs.selectors import programme_quota_used
from lindung.registry.models import Worker
from lindung.registry.rules import check_nik_matches, parse_nik

pytestmark = pytest.mark.django_db


def test_demo_data_is_realistic_and_idempotent(regions):
    # The suite's clock: 20 November 2026 (tests/conftest.py).
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
        # Every status but the waiting list (the demo quotas have room).
        assert set(programme.enrolments.values_list("status", flat=True)) == set(
            Enrolment.Status.values
        ) - {Enrolment.Status.WAITING}
        assert programme.quota - programme_quota_used(programme=programme) >= 1000
    ppu = Programme.objects.get(code="PPU-2026")
    assert sum(b.amount for b in ppu.budget_lines.all()) == 3_024_000_000
    assert (ppu.age_min, ppu.age_max) == (18, 65)

    # Bills from January to last month (October), paid by SP2D up to August: arrears to show.
    paser = Programme.objects.get(code="PASER-2026")
    bills = list(Bill.objects.filter(programme=paser).order_by("month"))
    assert [b.month.month for b in bills] == list(range(1, 11))
    assert all(b.paid_at for b in bills if b.month.month <= 8)
    assert all(b.paid_at is None for b in bills if b.month.month > 8)
    # Two quarters, then July and August one month at a time.
    assert Payment.objects.filter(programme=paser).count() == 4

    # Monitoring: Paser's denominator (its 2022 target), targets and sosialisasi events.
    from lindung.monitoring.models import Denominator, Target
    from lindung.outreach.models import OutreachEvent

    paser_denominator = Denominator.objects.filter(village__pk__startswith="64.01.", year=2026)
    assert sum(paser_denominator.values_list("estimated_workers", flat=True)) == 32_268
    assert Target.objects.filter(year=2026, region_id="64").exists()
    assert OutreachEvent.objects.filter(region__pk__startswith="64.01.").count() >= 30

    again = demo_load(paser_workers=600, ppu_workers=120)
    assert (again.regions, again.workers, again.enrolments) == (0, 0, 0)
    assert Worker.objects.count() == 720


def test_demo_follows_the_calendar_into_the_next_year(regions):
    demo_load(paser_workers=300, ppu_workers=60)
    before_2026 = {
        b.pk: (b.total, b.paid_at) for b in Bill.objects.filter(programme__fiscal_year=2026)
    }

    with time_machine.travel(dt.datetime(2027, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False):
        summary = demo_load(paser_workers=300, ppu_workers=60)
        paser = Programme.objects.get(code="PASER-2027")
        assert Programme.objects.filter(code="PPU-2027").exists()
        assert (paser.fiscal_year, paser.period_start, paser.quota) == (
            2027,
            dt.date(2027, 1, 1),
            8000,
        )
        assert sorted(paser.budget_lines.values_list("kind", flat=True)) == [
            "apbd_murni",
            "apbd_perubahan",
        ]
        assert summary.workers == 0 and summary.enrolments > 0  # the same people, a new year
        # Bills for January and February 2027, none paid yet: arrears are visible.
        bills = list(Bill.objects.filter(programme=paser).order_by("month"))
        assert [b.month for b in bills] == [dt.date(2027, 1, 1), dt.date(2027, 2, 1)]
        assert all(b.paid_at is None for b in bills)
        admin = User.objects.get(username="admin.paser")
        coverage = coverage_summary(
            user=admin, programme=paser, month=dt.date(2027, 2, 1), on=dt.date(2027, 3, 10)
        )
        assert coverage.counts[Coverage.ARREARS] > 0

    # 2026 untouched.
    assert {
        b.pk: (b.total, b.paid_at) for b in Bill.objects.filter(programme__fiscal_year=2026)
    } == before_2026


@pytest.mark.parametrize(
    ("on", "billed", "paid_through"),
    [
        (dt.date(2027, 1, 20), dt.date(2027, 1, 1), None),
        (dt.date(2027, 4, 2), dt.date(2027, 3, 1), dt.date(2027, 1, 1)),
        (dt.date(2027, 12, 31), dt.date(2027, 11, 1), dt.date(2027, 9, 1)),
    ],
)
def test_demo_calendar_bills_to_last_month_and_pays_until_three_months_ago(
    on, billed, paid_through
):
    cal = DemoCalendar(on)
    assert (cal.last_billed_month, cal.paid_through) == (billed, paid_through)
    assert cal.day(9, 15) <= on

"""Indicator definitions on a small population, with the numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core.errors import ScopeDenied
from lindung.monitoring import indicators
from lindung.monitoring.rules import Rollout
from lindung.regions.models import Region
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU, PASER

pytestmark = pytest.mark.django_db


def test_paser_figures(users, monev):
    r = indicators.region_report(user=users.admin, code=PASER)
    root = r.root
    assert (root.registered, root.active, root.new, root.ended) == (7, 3, 4, 1)
    assert (root.proposed, root.verified) == (1, 1)
    # 100 (Samurangau) + 30 + 20 (Busui's occupations) + 40 (Keladen's total, not its 10)
    assert root.denominator == 190
    assert root.coverage_pct == 1.6  # 3 / 190 = 1.578...
    assert (root.target_participants, root.target_progress_pct) == (10, 30.0)
    assert root.target_villages == 30
    # 144 villages; Samurangau and Busui implement, Keladen is socialised only.
    assert (root.villages_total, root.villages_implementing, root.villages_socialised) == (
        144,
        2,
        3,
    )
    assert root.villages_not_reached == 141
    assert r.by_sex == {"L": 1, "P": 2}
    assert {o["name"]: o["active"] for o in r.by_occupation} == {"Nelayan": 2, "Petani": 1}
    assert r.by_programme == [{"code": "PASER-2026", "region": "Kabupaten Paser", "active": 3}]
    assert r.events == {"events": 3, "attendees_male": 42, "attendees_female": 8}


def test_paser_children_are_its_kecamatan(users, monev):
    r = indicators.region_report(user=users.admin, code=PASER)
    assert r.child_level == 3 and len(r.children) == 10
    kids = {c.code: c for c in r.children}
    batu_sopang, tanjung_harapan = kids["64.01.01"], kids["64.01.02"]
    assert (batu_sopang.registered, batu_sopang.active, batu_sopang.denominator) == (6, 3, 150)
    assert batu_sopang.coverage_pct == 2.0
    assert (
        batu_sopang.villages_total,
        batu_sopang.villages_implementing,
        batu_sopang.villages_socialised,
    ) == (9, 2, 2)
    assert (tanjung_harapan.registered, tanjung_harapan.active) == (1, 0)
    assert tanjung_harapan.coverage_pct == 0.0  # a denominator and nobody covered: 0 %, not None
    assert tanjung_harapan.villages_socialised == 1
    assert kids["64.01.03"].denominator is None and kids["64.01.03"].coverage_pct is None
    assert kids["64.01.03"].villages_socialised == 0  # its kecamatan meeting moves no village
    # The children add up to the region.
    for key in (
        "registered",
        "active",
        "new",
        "ended",
        "proposed",
        "verified",
        "villages_total",
        "villages_socialised",
        "villages_implementing",
    ):
        assert sum(getattr(c, key) for c in r.children) == getattr(r.root, key), key


def test_kecamatan_children_are_villages_with_their_rollout(users, monev):
    r = indicators.region_report(user=users.admin, code="64.01.01")
    kids = {c.code: c for c in r.children}
    a = kids[DESA_A]
    assert (a.registered, a.active, a.new, a.ended, a.proposed) == (4, 2, 3, 1, 1)
    assert (a.denominator, a.coverage_pct, a.rollout) == (100, 2.0, Rollout.IMPLEMENTING)
    assert kids[DESA_B].denominator == 50
    assert kids["64.01.01.2011"].rollout == Rollout.NOT_REACHED


def test_village_rollout_and_gap(users, monev):
    rows = indicators.village_rollout(user=users.admin, code="64.01.02")
    assert [(f.code, f.rollout) for f in rows if f.rollout != Rollout.NOT_REACHED] == [
        (DESA_OTHER_KEC, Rollout.SOCIALISED)
    ]
    assert rows[[f.code for f in rows].index(DESA_OTHER_KEC)].last_event == dt.date(2026, 5, 2)
    gap = indicators.village_rollout(user=users.admin, code=PASER, status=Rollout.NOT_REACHED)
    assert len(gap) == 141 and DESA_A not in {f.code for f in gap}


def test_figures_as_of_an_earlier_date(users, monev):
    # On 31 May 2026 the ended worker was still active and Samurangau's second worker
    # (registered 10 March) too; the event of 2 May had been held.
    r = indicators.region_report(user=users.admin, code=PASER, on=dt.date(2026, 5, 31))
    assert (r.root.active, r.root.ended, r.root.new) == (4, 0, 4)
    r = indicators.region_report(
        user=users.admin, code=PASER, on=dt.date(2026, 2, 28), start=dt.date(2026, 2, 1)
    )
    assert (r.root.active, r.root.new) == (3, 0)
    assert r.root.villages_socialised == 2  # before the sosialisasi in Keladen


def test_trend_counts_active_at_each_month_end(users, monev):
    r = indicators.region_report(user=users.admin, code=PASER, with_trend=True)
    trend = dict(r.trend)
    assert trend[dt.date(2026, 1, 31)] == 3
    assert trend[dt.date(2026, 3, 31)] == 4
    assert trend[dt.date(2026, 6, 30)] == 3  # the worker who moved ended on 30 June
    assert r.trend[-1] == (dt.date(2026, 11, 20), 3)


def test_province_rollup_has_every_regency(users, monev):
    r = indicators.region_report(user=users.province, code="64")
    assert len(r.children) == 10
    assert r.root.active == 4  # Paser 3 + PPU 1
    kids = {c.code: c for c in r.children}
    assert kids["64.09"].active == 1 and kids[PASER].active == 3
    assert r.root.villages_total == Region.objects.filter(code__startswith="64.", level=4).count()


def test_no_denominator_is_none_not_zero(users, monev):
    r = indicators.region_report(user=users.admin_ppu, code="64.09")
    assert r.root.active == 1
    assert r.root.denominator is None and r.root.coverage_pct is None
    assert r.root.target_progress_pct is None
    assert r.as_dict()["coverage_pct"] is None


def test_json_shape(users, monev):
    d = indicators.region_report(user=users.admin, code=PASER).as_dict()
    assert {
        "region",
        "name",
        "period",
        "registered",
        "active",
        "new",
        "ended",
        "denominator",
        "coverage_pct",
        "target_participants",
        "target_progress_pct",
        "villages_total",
        "villages_socialised",
        "villages_implementing",
        "children",
        "by_occupation",
        "by_sex",
    } <= d.keys()
    assert d["period"] == {"start": "2026-01-01", "end": "2026-11-20"}
    assert d["children"][0]["region"] == "64.01.01"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("admin", "64.09"),
        ("admin_ppu", PASER),
        ("operator", DESA_B),
        ("operator", "64.01.01"),
        ("admin", "64"),
        ("admin", ""),
    ],
)
def test_scope_refuses_regions_outside(users, monev, who, code):
    with pytest.raises(ScopeDenied):
        indicators.region_report(user=getattr(users, who), code=code)


def test_operator_sees_their_village_only(users, monev):
    r = indicators.region_report(user=users.operator, code=DESA_A)
    assert r.children == [] and r.child_level is None
    assert (r.root.active, r.root.villages_total, r.root.rollout) == (2, 1, Rollout.IMPLEMENTING)
    assert [f.code for f in indicators.village_rollout(user=users.operator, code=DESA_A)] == [
        DESA_A
    ]


def test_unknown_region_is_not_found(users, monev):
    with pytest.raises(Region.DoesNotExist):
        indicators.region_report(user=users.province, code="64.99")


def test_ppu_worker_never_counted_in_paser(users, monev):
    r = indicators.region_report(user=users.admin, code=PASER)
    assert DESA_PPU not in {c.code for c in r.children}
    assert r.root.registered == 7


def test_lapsed_participants_are_not_covered(users, programme, make_worker, activate):
    """A billed programme: cover lapses after four unpaid due months (contributions rules)."""
    from lindung.contributions.selectors import coverage_summary
    from lindung.contributions.services import bill_generate, payment_record

    for _ in range(2):
        activate(programme, make_worker(village=DESA_A))
    bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 1, 1))
    # On 20 November nothing has been paid since January's cover began: lapsed.
    assert indicators.region_report(user=users.admin, code=PASER).root.active == 0
    summary = coverage_summary(user=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    assert summary.due_to_lapse == 2
    # Paying August (and generating its bill) brings them back within three unpaid months.
    bill = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 8, 1))
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 8, 10),
        amount=bill.total,
        reference="SP2D-08",
        first_month=dt.date(2026, 8, 1),
    )
    assert indicators.region_report(user=users.admin, code=PASER).root.active == 2
    summary = coverage_summary(user=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    assert summary.due_to_lapse == 0

"""Programme eligibility and period rules as pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.programs import rules

PASER = rules.ProgrammeRules(
    code="PASER-2026",
    region_code="64.01",
    age_min=15,
    age_max=64,
    occupation_codes=frozenset({"nelayan", "petani", "imam"}),
    period_start=dt.date(2026, 1, 1),
    period_end=dt.date(2026, 12, 31),
)
PPU = rules.ProgrammeRules(
    code="PPU-2026",
    region_code="64.09",
    age_min=18,
    age_max=65,
    occupation_codes=frozenset({"nelayan", "ojek", "buruh-tani"}),
    period_start=dt.date(2026, 1, 1),
    period_end=dt.date(2026, 12, 31),
)
ON = dt.date(2026, 3, 10)


def problems(
    prog=PASER,
    *,
    birth=dt.date(1985, 8, 17),
    occupation="nelayan",
    village="64.01.01.2009",
    status="aktif",
    on=ON,
):
    return [
        p.code
        for p in rules.eligibility_problems(
            prog,
            birth_date=birth,
            occupation_code=occupation,
            village_code=village,
            worker_status=status,
            on=on,
        )
    ]


def born_years_before(on: dt.date, years: int, days: int = 0) -> dt.date:
    return on.replace(year=on.year - years) + dt.timedelta(days=days)


def test_eligible_worker_has_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    "prog,age,ok",
    [
        (PASER, 14, False),
        (PASER, 15, True),
        (PASER, 64, True),
        (PASER, 65, False),
        (PPU, 15, False),
        (PPU, 17, False),
        (PPU, 18, True),
        (PPU, 65, True),
        (PPU, 66, False),
    ],
)
def test_age_limits_are_the_programme_own(prog, age, ok):
    village = "64.01.01.2009" if prog is PASER else "64.09.01.2020"
    got = problems(prog, birth=born_years_before(ON, age), village=village)
    assert (got == []) is ok
    if not ok:
        assert got == ["age_out_of_range"]


def test_age_is_counted_on_the_day_of_proposal():
    fifteen_tomorrow = born_years_before(ON, 15, days=1)
    assert problems(birth=fifteen_tomorrow) == ["age_out_of_range"]
    assert problems(birth=fifteen_tomorrow, on=ON + dt.timedelta(days=1)) == []


def test_age_problem_names_the_programme_limits():
    (p,) = rules.eligibility_problems(
        PPU,
        birth_date=born_years_before(ON, 17),
        occupation_code="ojek",
        village_code="64.09.01.2020",
        on=ON,
    )
    assert "18-65" in p.message and "PPU-2026" in p.message
    assert p.field == "birth_date"


def test_occupation_not_in_programme_list_is_refused():
    assert problems(occupation="ojek") == ["occupation_not_eligible"]
    assert problems(PPU, occupation="ojek", village="64.09.01.2020") == []


@pytest.mark.parametrize(
    "village", ["64.09.01.2020", "64.02.01.2001", "63.01.01.2001", "64.010.01.2001"]
)
def test_residence_outside_the_sponsoring_region_is_refused(village):
    assert problems(village=village) == ["village_out_of_scope"]


def test_province_programme_accepts_every_regency_of_the_province():
    kaltim = rules.ProgrammeRules(**{**PASER.__dict__, "code": "KALTIM-2026", "region_code": "64"})
    assert problems(kaltim, village="64.09.01.2020") == []
    assert problems(kaltim, village="63.01.01.2001") == ["village_out_of_scope"]


@pytest.mark.parametrize("status", ["meninggal", "pindah", "nonaktif"])
def test_inactive_worker_is_refused(status):
    assert problems(status=status) == ["worker_inactive"]


def test_every_problem_is_reported_at_once():
    got = problems(
        birth=dt.date(2015, 1, 1), occupation="ojek", village="64.09.01.2020", status="pindah"
    )
    assert sorted(got) == [
        "age_out_of_range",
        "occupation_not_eligible",
        "village_out_of_scope",
        "worker_inactive",
    ]


# --- periods -----------------------------------------------------------------------------------


def test_months_between_includes_both_ends():
    assert rules.months_between(dt.date(2026, 11, 15), dt.date(2027, 2, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    ]


def test_add_months_crosses_the_year():
    assert rules.add_months(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)
    assert rules.add_months(dt.date(2026, 1, 15), -1) == dt.date(2025, 12, 1)


def test_enrolment_holds_months_from_the_proposal_month_onward():
    assert rules.enrolment_period(PASER, on=ON) == (dt.date(2026, 3, 1), dt.date(2026, 12, 31))


def test_proposal_before_the_programme_starts_holds_the_whole_period():
    assert rules.enrolment_period(PASER, on=dt.date(2025, 11, 20)) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )


def test_proposal_after_the_programme_ended_has_no_period():
    assert rules.enrolment_period(PASER, on=dt.date(2027, 1, 1)) is None

import datetime as dt
from decimal import Decimal

from lindung.contributions import rules
from lindung.contributions.rules import Coverage, Rate

JKK = Rate(
    "jkk", dt.date(2015, 7, 1), percent=Decimal("1.00"), amount_min=10_000, amount_max=207_000
)
JKM = Rate("jkm", dt.date(2015, 7, 1), flat_amount=6_800)
JHT = Rate("jht", dt.date(2015, 7, 1), percent=Decimal("2.00"), amount_min=20_000)


def test_usual_pemda_package_is_16800_a_month():
    assert rules.premium({"jkk": JKK, "jkm": JKM}, 1_000_000).total == 16_800


def test_jkk_floor_applies_below_one_million_income():
    assert rules.component_amount(JKK, 500_000) == 10_000
    assert rules.component_amount(JKK, 0) == 10_000


def test_jkk_ceiling_caps_at_207000():
    assert rules.component_amount(JKK, 20_700_000) == 207_000
    assert rules.component_amount(JKK, 50_000_000) == 207_000
    assert rules.component_amount(JKK, 2_500_000) == 25_000


def test_percentage_rounds_half_up_to_whole_rupiah():
    assert rules.component_amount(JKK, 1_234_550) == 12_346


def test_optional_jht_adds_two_percent():
    p = rules.premium({"jkk": JKK, "jkm": JKM, "jht": JHT}, 1_500_000)
    assert (p.jkk, p.jkm, p.jht, p.total) == (15_000, 6_800, 30_000, 51_800)


def test_rate_valid_on_the_first_day_of_the_month_applies():
    new_jkm = Rate("jkm", dt.date(2026, 7, 1), flat_amount=7_500)
    mid_month = Rate("jkm", dt.date(2026, 9, 10), flat_amount=8_000)
    rates = [JKK, JKM, new_jkm, mid_month]
    assert rules.rates_for_month(rates, dt.date(2026, 6, 1))["jkm"].flat_amount == 6_800
    assert rules.rates_for_month(rates, dt.date(2026, 7, 1))["jkm"].flat_amount == 7_500
    assert rules.rates_for_month(rates, dt.date(2026, 9, 1))["jkm"].flat_amount == 7_500
    assert rules.rates_for_month(rates, dt.date(2026, 10, 1))["jkm"].flat_amount == 8_000


def test_ppu_quota_follows_from_budget():
    assert 15_000 * 16_800 * 12 == 3_024_000_000
    assert rules.quota_for_budget(budget=3_024_000_000, premium=16_800, months=12) == 15_000


JAN = dt.date(2026, 1, 1)


def state(on, *, month, last_paid=None):
    return rules.coverage_state(month=month, first_month=JAN, last_paid=last_paid, on=on)


def test_month_is_not_in_arrears_before_its_due_date():
    assert state(dt.date(2026, 1, 15), month=JAN).status == Coverage.NOT_DUE
    assert state(dt.date(2026, 1, 16), month=JAN).status == Coverage.ARREARS


def test_lapse_after_the_fourth_unpaid_month_and_not_before():
    april = dt.date(2026, 4, 1)
    three = state(dt.date(2026, 4, 15), month=april)
    assert (three.status, three.unpaid_months) == (Coverage.ARREARS, 3)
    four = state(dt.date(2026, 4, 16), month=april)
    assert (four.status, four.unpaid_months) == (Coverage.LAPSED, 4)
    assert four.lapses_on == dt.date(2026, 4, 16)


def test_paid_month_is_covered_and_restarts_the_count():
    feb = dt.date(2026, 2, 1)
    assert state(dt.date(2026, 5, 20), month=feb, last_paid=feb).status == Coverage.COVERED
    may = state(dt.date(2026, 5, 20), month=dt.date(2026, 5, 1), last_paid=feb)
    assert (may.status, may.unpaid_months) == (Coverage.ARREARS, 3)
    assert may.lapses_on == dt.date(2026, 6, 16)


def test_last_due_month():
    assert rules.last_due_month(dt.date(2026, 3, 15)) == dt.date(2026, 2, 1)
    assert rules.last_due_month(dt.date(2026, 3, 16)) == dt.date(2026, 3, 1)


def test_forecast_with_ppu_figures_full_year():
    f = rules.budget_forecast(
        budget=3_024_000_000,
        billed=0,
        future_costs=[(dt.date(2025, m, 1), 15_000 * 16_800) for m in range(1, 13)],
        premium=16_800,
        current_month=dt.date(2025, 1, 1),
        fiscal_year_end=dt.date(2025, 12, 31),
        programme_months=12,
        active=15_000,
        target=15_000,
        monthly_cost=252_000_000,
    )
    assert f.committed == 3_024_000_000
    assert f.available == 0 and f.runs_out is None and f.covered_until == dt.date(2025, 12, 1)
    assert f.extra_workers == 0 and f.quota == 15_000 and f.target_cost == 0
    text = " ".join(rules.forecast_sentences(f))
    assert "Rp3.024.000.000" in text and "15.000" in text


def test_forecast_names_the_month_the_budget_runs_out():
    # PPU enrols 20.000 workers on a budget for 15.000: money lasts 9 months.
    f = rules.budget_forecast(
        budget=3_024_000_000,
        billed=0,
        future_costs=[(dt.date(2025, m, 1), 20_000 * 16_800) for m in range(1, 13)],
        premium=16_800,
        current_month=dt.date(2025, 1, 1),
        fiscal_year_end=dt.date(2025, 12, 31),
        programme_months=12,
        active=20_000,
        target=20_000,
        monthly_cost=336_000_000,
    )
    assert f.runs_out == dt.date(2025, 10, 1)
    assert f.covered_until == dt.date(2025, 9, 1)
    assert "Oktober 2025" in rules.forecast_sentences(f)[0]


def test_forecast_extra_workers_and_cost_of_target():
    # 10.000 active from July; 6 months left; target 15.000.
    f = rules.budget_forecast(
        budget=3_024_000_000,
        billed=1_008_000_000,
        future_costs=[(dt.date(2025, m, 1), 10_000 * 16_800) for m in range(7, 13)],
        premium=16_800,
        current_month=dt.date(2025, 7, 1),
        fiscal_year_end=dt.date(2025, 12, 31),
        programme_months=12,
        active=10_000,
        target=15_000,
        monthly_cost=168_000_000,
    )
    assert f.available == 3_024_000_000 - 1_008_000_000 - 1_008_000_000
    assert f.extra_workers == 1_008_000_000 // (16_800 * 6) == 10_000
    assert f.target_cost == 5_000 * 16_800 * 6 and f.target_shortfall == 0


def test_month_span_names_the_year_once_within_a_year():
    from lindung.contributions.rules import month_span

    assert month_span(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == "Januari–Desember 2026"
    assert month_span(dt.date(2025, 7, 1), dt.date(2026, 6, 30)) == "Juli 2025–Juni 2026"

"""The claim rules at their boundaries, and every amount against hand-computed figures.

Pure: the benefit rules are the seeded values (the data migration's list), no database."""

import datetime as dt
import importlib

import pytest

from lindung.claims import rules
from lindung.claims.rules import Child, Facts, evaluate

SEED = importlib.import_module("lindung.claims.migrations.0002_seed_benefit_rules")
R = {key: value for key, value, _source in SEED.RULES}
R_DAYS = {**R, "jkm_waiting_days": 90}

D = dt.date


def facts(
    claim_type=rules.JKM,
    *,
    income=1_000_000,
    member_since=dt.date(2026, 1, 10),
    event=dt.date(2026, 8, 3),
    reported=dt.date(2026, 8, 20),
    unpaid=(),
    **extra,
) -> Facts:
    coverage = rules.coverage_from_unpaid(
        member_since=member_since, upto=event, unpaid=unpaid, on=reported
    )
    return Facts(
        claim_type=claim_type,
        income=income,
        member_since=member_since,
        event=event,
        reported=reported,
        coverage=coverage,
        **extra,
    )


def amounts(outcome):
    return [i.amount for i in outcome.breakdown]


# --- amounts ----------------------------------------------------------------------------------


def test_jkm_pays_42_million_as_20_plus_12_periodic_plus_10_funeral():
    out = evaluate(facts(), R)
    assert (out.eligible, out.code) == (True, "covered")
    assert amounts(out) == [20_000_000, 12_000_000, 10_000_000]
    assert out.total == 42_000_000
    assert "Rp42.000.000" in out.explanation


def test_jkk_death_at_one_million_income_is_70_million():
    out = evaluate(facts(rules.JKK_DEATH), R)
    assert amounts(out) == [48_000_000, 12_000_000, 10_000_000]
    assert out.total == 70_000_000


def test_jkk_death_follows_declared_income():
    out = evaluate(facts(rules.JKK_DEATH, income=2_500_000), R)
    assert out.total == 48 * 2_500_000 + 22_000_000 == 142_000_000


def test_total_disability_is_56_times_income():
    assert evaluate(facts(rules.JKK_DISABILITY), R).total == 56_000_000
    assert evaluate(facts(rules.JKK_DISABILITY, income=1_750_000), R).total == 98_000_000


def test_stmb_pays_full_income_for_12_months_then_half():
    twelve = evaluate(facts(rules.JKK_STMB, stmb_months=12), R)
    assert amounts(twelve) == [12_000_000]
    fifteen = evaluate(facts(rules.JKK_STMB, stmb_months=15), R)
    assert amounts(fifteen) == [12_000_000, 3 * 500_000]
    assert fifteen.total == 13_500_000
    two = evaluate(facts(rules.JKK_STMB, stmb_months=2, income=1_200_000), R)
    assert two.total == 2_400_000


def test_stmb_half_income_rounds_half_up_to_whole_rupiah():
    out = evaluate(facts(rules.JKK_STMB, stmb_months=13, income=1_000_001), R)
    assert amounts(out) == [12 * 1_000_001, 500_001]


def test_medical_care_pays_the_recorded_cost_without_ceiling():
    out = evaluate(facts(rules.JKK_MEDICAL, medical_cost=187_450_000), R)
    assert (out.code, out.total) == ("covered", 187_450_000)


def test_scholarship_per_level_and_year():
    out = evaluate(
        facts(
            rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("SD", 10), Child("SMA", 16))
        ),
        R,
    )
    assert amounts(out) == [1_500_000, 3_000_000]
    tk_pt = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKK_DISABILITY,
            children=(Child("TK", 5), Child("PT", 19)),
        ),
        R,
    )
    assert amounts(tk_pt) == [1_500_000, 12_000_000]
    smp = evaluate(facts(rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("SMP", 13),)), R)
    assert smp.total == 2_000_000


# --- coverage of the event month --------------------------------------------------------------


def test_unpaid_event_month_is_not_covered_and_says_which_month():
    out = evaluate(facts(unpaid=[D(2026, 8, 1)]), R)
    assert (out.eligible, out.code, out.total) == (False, "event_not_covered", 0)
    assert out.explanation.startswith(
        "Iuran Agustus 2026 belum dibayar: peristiwa ini tidak dijamin"
    )


def test_event_month_not_yet_due_but_unpaid_is_not_covered():
    out = evaluate(facts(event=D(2026, 8, 3), reported=D(2026, 8, 5), unpaid=[D(2026, 8, 1)]), R)
    assert out.code == "event_not_covered"


def test_three_unpaid_months_up_to_the_event_are_arrears_not_a_lapse():
    out = evaluate(facts(unpaid=[D(2026, 6, 1), D(2026, 7, 1), D(2026, 8, 1)]), R)
    assert out.code == "event_not_covered"


def test_four_unpaid_months_up_to_the_event_end_the_membership():
    out = evaluate(facts(unpaid=[D(2026, m, 1) for m in (5, 6, 7, 8)]), R)
    assert (out.eligible, out.code) == (False, "lapsed")
    assert "Mei 2026" in out.explanation and "16 Agustus 2026" in out.explanation


def test_an_earlier_lapse_is_not_undone_by_later_payments():
    out = evaluate(facts(unpaid=[D(2026, m, 1) for m in (2, 3, 4, 5)]), R)
    assert out.code == "lapsed"


def test_lapsed_since_given_refuses_events_from_that_month():
    assert evaluate(facts(lapsed_since=D(2026, 8, 1)), R).code == "lapsed"
    assert evaluate(facts(lapsed_since=D(2026, 9, 1)), R).code == "covered"


def test_event_before_registration_is_not_covered():
    out = evaluate(facts(event=D(2026, 1, 9), reported=D(2026, 1, 20)), R)
    assert (out.eligible, out.code) == (False, "not_member")


# --- JKM waiting period -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "code", "total"),
    [
        (89, "waiting_period", 10_000_000),
        (90, "covered", 42_000_000),
        (91, "covered", 42_000_000),
    ],
)
def test_jkm_waiting_period_read_in_days(days, code, total):
    since = D(2026, 3, 15)
    out = evaluate(
        facts(member_since=since, event=since + dt.timedelta(days=days), reported=D(2026, 7, 1)),
        R_DAYS,
    )
    assert (out.eligible, out.code, out.total) == (True, code, total)
    if code == "waiting_period":
        assert [i.item for i in out.breakdown] == ["Biaya pemakaman"]


@pytest.mark.parametrize(
    ("event", "code"),
    [
        (D(2026, 6, 13), "waiting_period"),  # day 90 since registration, still inside 3 months
        (D(2026, 6, 14), "waiting_period"),
        (D(2026, 6, 15), "covered"),  # 3 calendar months after 15 March
    ],
)
def test_jkm_waiting_period_read_in_calendar_months_by_default(event, code):
    out = evaluate(facts(member_since=D(2026, 3, 15), event=event, reported=D(2026, 7, 1)), R)
    assert out.code == code


def test_waiting_period_does_not_apply_to_work_accidents():
    out = evaluate(
        facts(
            rules.JKK_DEATH,
            member_since=D(2026, 3, 15),
            event=D(2026, 3, 20),
            reported=D(2026, 4, 1),
        ),
        R,
    )
    assert (out.code, out.total) == ("covered", 70_000_000)


# --- JKK expiry -------------------------------------------------------------------------------


def test_jkk_claim_reported_on_the_fifth_anniversary_is_in_time_the_day_after_expired():
    base = {"member_since": D(2021, 1, 4), "event": D(2021, 6, 10)}
    on_day = evaluate(facts(rules.JKK_DISABILITY, reported=D(2026, 6, 10), **base), R)
    assert on_day.code == "covered"
    late = evaluate(facts(rules.JKK_DISABILITY, reported=D(2026, 6, 11), **base), R)
    assert (late.eligible, late.code, late.total) == (False, "expired", 0)
    assert "11 Juni 2026" in late.explanation


def test_expiry_does_not_apply_to_jkm():
    out = evaluate(
        facts(rules.JKM, member_since=D(2021, 1, 4), event=D(2021, 6, 10), reported=D(2026, 11, 1)),
        R,
    )
    assert out.code == "covered"


def test_expiry_follows_the_dated_rule():
    out = evaluate(
        facts(
            rules.JKK_MEDICAL,
            member_since=D(2023, 1, 4),
            event=D(2023, 6, 10),
            reported=D(2025, 6, 11),
        ),
        {**R, "jkk_expiry_years": 2},
    )
    assert out.code == "expired"


# --- scholarship limits -----------------------------------------------------------------------


def test_two_children_pass_three_are_too_many():
    two = evaluate(
        facts(rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("SD", 8), Child("SD", 10))),
        R,
    )
    assert (two.code, two.total) == ("covered", 3_000_000)
    three = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKK_DEATH,
            children=(Child("SD", 8), Child("SD", 10), Child("SMP", 13)),
        ),
        R,
    )
    assert (three.eligible, three.code, three.total) == (False, "too_many_children", 0)


def test_child_aged_22_is_paid_23_is_too_old():
    young = evaluate(
        facts(rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("PT", 22),)), R
    )
    assert (young.code, young.total) == ("covered", 12_000_000)
    old = evaluate(facts(rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("PT", 23),)), R)
    assert (old.eligible, old.code) == (False, "child_too_old")


def test_one_child_too_old_leaves_the_other_paid_and_explained():
    out = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKK_DEATH,
            children=(Child("PT", 23, name="Sari"), Child("SMA", 17, name="Budi")),
        ),
        R,
    )
    assert (out.code, out.total) == ("covered", 3_000_000)
    assert "Sari berusia 23 tahun" in out.explanation


@pytest.mark.parametrize(("years", "code"), [(2, "scholarship_min_years"), (3, "covered")])
def test_scholarship_after_jkm_needs_three_years_of_contributions(years, code):
    out = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKM,
            children=(Child("SD", 9),),
            contribution_months=years * 12,
        ),
        R,
    )
    assert out.code == code


def test_scholarship_after_jkm_counts_35_paid_months_as_too_few():
    out = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKM,
            member_since=D(2023, 9, 10),
            event=D(2026, 7, 31),
            reported=D(2026, 8, 20),
            children=(Child("SD", 9),),
        ),
        R,
    )
    assert out.code == "scholarship_min_years"  # September 2023 – July 2026: 35 months
    out = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKM,
            member_since=D(2023, 9, 10),
            event=D(2026, 8, 3),
            reported=D(2026, 8, 20),
            children=(Child("SD", 9),),
        ),
        R,
    )
    assert out.code == "covered"  # 36 months


def test_scholarship_after_work_death_needs_no_minimum_period():
    out = evaluate(
        facts(
            rules.SCHOLARSHIP,
            cause=rules.JKK_DEATH,
            children=(Child("SD", 9),),
            contribution_months=1,
        ),
        R,
    )
    assert out.code == "covered"


def test_scholarship_level_paid_for_its_years_only():
    out = evaluate(
        facts(rules.SCHOLARSHIP, cause=rules.JKK_DEATH, children=(Child("SMP", 15, years_paid=3),)),
        R,
    )
    assert out.code == "level_years_used"


# --- dated rules ------------------------------------------------------------------------------


def test_rule_valid_on_a_date_is_the_latest_not_after_it():
    rows = [(k, D(2019, 12, 2), v) for k, v in R.items()]
    rows.append(("jkm_funeral", D(2027, 1, 1), 12_000_000))
    assert rules.rules_valid_on(rows, D(2026, 12, 31))["jkm_funeral"] == 10_000_000
    assert rules.rules_valid_on(rows, D(2027, 1, 1))["jkm_funeral"] == 12_000_000


def test_no_rule_before_the_first_valid_from():
    rows = [(k, D(2019, 12, 2), v) for k, v in R.items()]
    with pytest.raises(rules.RulesMissing) as err:
        rules.rules_valid_on(rows, D(2019, 12, 1))
    assert "1 Desember 2019" in err.value.message


def test_add_years_keeps_29_february_as_28():
    assert rules.add_years(D(2024, 2, 29), 5) == D(2029, 2, 28)


def test_missing_documents_in_checklist_order():
    assert rules.missing_documents(rules.JKM, ["kk", "kpj_card"]) == [
        "ktp_member",
        "ktp_heir",
        "death_certificate",
        "heir_statement",
        "bank_book_heir",
    ]

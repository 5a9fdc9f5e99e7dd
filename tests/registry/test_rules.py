"""NIK, No. KK and KPJ rules (DOMAIN.md §4) as pure functions: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.registry import rules
from lindung.registry.rules import NikInvalid

TODAY = dt.date(2026, 6, 1)
# Paser (64.01.01), born 17 Aug 1985, serial 0001.
MALE_NIK = "6401011708850001"
FEMALE_NIK = "6401015708850001"  # day 17 + 40


def parse(raw, **kw):
    return rules.parse_nik(raw, today=TODAY, **kw)


def code_of(raw) -> str:
    with pytest.raises(NikInvalid) as exc:
        parse(raw)
    return exc.value.code


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "6401011708850001",
        " 6401011708850001 ",
        "6401 0117 0885 0001",
        "64.01.01.170885.0001",
        "64-01-01-170885-0001",
        "'6401011708850001",
        "’6401011708850001",
        "\t64 01 01 17 08 85 00 01\n",
    ],
)
def test_normalise_strips_spaces_dots_dashes_and_leading_apostrophe(raw):
    assert rules.normalise_number(raw) == MALE_NIK
    assert parse(raw).nik == MALE_NIK


def test_normalise_treats_none_as_empty():
    assert rules.normalise_number(None) == ""


def test_an_integer_from_a_spreadsheet_number_cell_is_refused():
    """Excel keeps 15 significant digits: an integer NIK has lost its last one (one rule on
    every channel; the import and the form once disagreed)."""
    assert code_of(6401011708850001) == "nik_number_cell"


# --- nik_format --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "640101170885001", "64010117088500011", "6401"])
def test_nik_of_wrong_length_is_nik_format(raw):
    assert code_of(raw) == "nik_format"


@pytest.mark.parametrize("raw", ["640101170885000A", "64O1011708850001", "6401011708850O01"])
def test_nik_with_letters_is_nik_format(raw):
    assert code_of(raw) == "nik_format"


def test_nik_format_message_tells_the_length_written():
    with pytest.raises(NikInvalid) as exc:
        parse("640101170885001")
    assert "16 digit" in exc.value.message
    assert "15" in exc.value.message
    assert exc.value.field == "nik"


# --- nik_region --------------------------------------------------------------------------------


@pytest.mark.parametrize("pp", ["00", "10", "20", "66", "99"])
def test_nik_whose_first_two_digits_are_not_a_province_is_nik_region(pp):
    assert code_of(pp + MALE_NIK[2:]) == "nik_region"


@pytest.mark.parametrize("pp", ["11", "31", "64", "65", "91", "96"])
def test_nik_of_every_kind_of_province_is_accepted(pp):
    assert parse(pp + MALE_NIK[2:]).region_code == f"{pp}.01.01"


def test_province_list_has_38_provinces():
    assert len(rules.province_codes()) == 38


def test_custom_province_list_is_respected():
    with pytest.raises(NikInvalid) as exc:
        parse(MALE_NIK, provinces=frozenset({"11"}))
    assert exc.value.code == "nik_region"


# --- nik_date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000185",  # day 0
        "320185",  # day 32
        "400185",  # day 40: neither a man's nor a woman's day
        "720185",  # day 72 = woman's 32
        "171385",  # month 13
        "170085",  # month 0
        "310485",  # 31 April
        "310285",  # 31 February
        "300285",  # 30 February
        "290285",  # 29 February in a common year
        "690285",  # woman, 29 February in a common year
    ],
)
def test_nik_whose_date_part_is_not_a_real_date_is_nik_date(ddmmyy):
    assert code_of(f"640101{ddmmyy}0001") == "nik_date"


def test_nik_date_message_names_the_digits():
    with pytest.raises(NikInvalid) as exc:
        parse("6401013102850001")
    assert "310285" in exc.value.message


def test_male_nik_gives_birth_date_and_sex():
    info = parse(MALE_NIK)
    assert info.sex == "L"
    assert info.birth_date == dt.date(1985, 8, 17)
    assert info.region_code == "64.01.01"


def test_female_nik_adds_40_to_day():
    info = parse(FEMALE_NIK)
    assert info.sex == "P"
    assert info.birth_date == dt.date(1985, 8, 17)


@pytest.mark.parametrize(
    "ddmm,expected", [("4101", dt.date(1990, 1, 1)), ("7112", dt.date(1990, 12, 31))]
)
def test_female_nik_day_range_is_41_to_71(ddmm, expected):
    info = parse(f"640101{ddmm}900001")
    assert (info.sex, info.birth_date) == ("P", expected)


def test_leap_day_is_accepted_for_both_sexes():
    assert parse("6401012902000001").birth_date == dt.date(2000, 2, 29)
    assert parse("6401016902000001").birth_date == dt.date(2000, 2, 29)


def test_two_digit_year_is_the_most_recent_year_not_in_the_future():
    assert parse("6401010101260001").birth_date.year == 2026
    assert parse("6401010101270001").birth_date.year == 1927
    assert parse("6401010101000001").birth_date.year == 2000


def test_birth_date_later_this_year_belongs_to_the_last_century():
    assert parse("6401013112260001").birth_date == dt.date(1926, 12, 31)
    assert parse("6401010106260001").birth_date == dt.date(2026, 6, 1)


# --- nik_mismatch ------------------------------------------------------------------------------


def test_nik_matching_declared_sex_and_birth_date_passes():
    rules.check_nik_matches(parse(FEMALE_NIK), sex="P", birth_date=dt.date(1985, 8, 17))


def test_male_nik_declared_as_woman_is_nik_mismatch():
    with pytest.raises(NikInvalid) as exc:
        rules.check_nik_matches(parse(MALE_NIK), sex="P", birth_date=dt.date(1985, 8, 17))
    assert exc.value.code == "nik_mismatch"
    assert "jenis kelamin" in exc.value.message


def test_female_nik_declared_as_man_is_nik_mismatch():
    with pytest.raises(NikInvalid) as exc:
        rules.check_nik_matches(parse(FEMALE_NIK), sex="L", birth_date=None)
    assert exc.value.code == "nik_mismatch"


@pytest.mark.parametrize(
    "declared", [dt.date(1985, 8, 18), dt.date(1985, 9, 17), dt.date(1986, 8, 17)]
)
def test_nik_whose_date_disagrees_with_declared_birth_date_is_nik_mismatch(declared):
    with pytest.raises(NikInvalid) as exc:
        rules.check_nik_matches(parse(MALE_NIK), sex="L", birth_date=declared)
    assert exc.value.code == "nik_mismatch"
    assert "tanggal lahir" in exc.value.message


def test_nik_mismatch_on_both_names_both_problems():
    with pytest.raises(NikInvalid) as exc:
        rules.check_nik_matches(parse(MALE_NIK), sex="P", birth_date=dt.date(1990, 1, 1))
    assert "jenis kelamin" in exc.value.message and "tanggal lahir" in exc.value.message


def test_declared_century_is_not_checked_because_nik_holds_two_digits():
    rules.check_nik_matches(parse(MALE_NIK), sex="L", birth_date=dt.date(1885, 8, 17))


def test_missing_declared_values_are_not_a_mismatch():
    rules.check_nik_matches(parse(MALE_NIK), sex=None, birth_date=None)


# --- nik_number_cell ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        6.40101e15,
        6401011708850001.0,
        "6.40101E+15",
        "6.40101e+15",
        "6,40101E+15",
        "6.40101E15",
        "6401011708850001.0",
        "640101170885001.00",
    ],
)
def test_nik_stored_as_a_number_cell_is_refused_not_guessed(raw):
    assert rules.looks_like_float(raw)
    assert code_of(raw) == "nik_number_cell"


def test_nik_number_cell_message_asks_to_retype_as_text():
    with pytest.raises(NikInvalid) as exc:
        parse("6.40101E+15")
    assert "teks" in exc.value.message


@pytest.mark.parametrize("raw", [MALE_NIK, "64.01.01.170885.0001", "'6401011708850001"])
def test_text_niks_do_not_look_like_number_cells(raw):
    assert not rules.looks_like_float(raw)


# --- No. KK ------------------------------------------------------------------------------------


def test_kk_is_normalised_like_a_nik():
    assert rules.validate_kk("'6401 0112 3456 0001") == "6401011234560001"


@pytest.mark.parametrize("raw", ["640101123456000", "64010112345600012", "640101123456000X"])
def test_kk_not_16_digits_is_kk_format(raw):
    with pytest.raises(NikInvalid) as exc:
        rules.validate_kk(raw)
    assert (exc.value.code, exc.value.field) == ("kk_format", "kk_number")


def test_kk_whose_first_two_digits_are_not_a_province_is_kk_format():
    with pytest.raises(NikInvalid) as exc:
        rules.validate_kk("9901011234560001")
    assert exc.value.code == "kk_format"
    assert "99" in exc.value.message


@pytest.mark.parametrize("raw", ["6.40101E+15", 6401011234560001.0])
def test_kk_stored_as_a_number_cell_is_refused(raw):
    with pytest.raises(NikInvalid) as exc:
        rules.validate_kk(raw)
    assert (exc.value.code, exc.value.field) == ("nik_number_cell", "kk_number")


# --- KPJ ---------------------------------------------------------------------------------------


def test_kpj_of_the_configured_length_is_accepted_and_normalised():
    assert rules.validate_kpj("123 4567 8901", digits=11) == "12345678901"


@pytest.mark.parametrize("raw", ["1234567890", "123456789012", "1234567890A", ""])
def test_kpj_of_other_length_or_with_letters_is_kpj_format(raw):
    with pytest.raises(NikInvalid) as exc:
        rules.validate_kpj(raw, digits=11)
    assert (exc.value.code, exc.value.field) == ("kpj_format", "kpj_number")


def test_kpj_length_follows_the_digits_given():
    assert rules.validate_kpj("1234567890123", digits=13) == "1234567890123"
    with pytest.raises(NikInvalid):
        rules.validate_kpj("12345678901", digits=13)


# --- age and names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "on,age",
    [
        (dt.date(2026, 8, 16), 40),
        (dt.date(2026, 8, 17), 41),
        (dt.date(2026, 12, 31), 41),
        (dt.date(1985, 8, 17), 0),
    ],
)
def test_age_counts_completed_years_and_turns_on_the_birthday(on, age):
    assert rules.age_on(dt.date(1985, 8, 17), on) == age


def test_age_of_someone_born_on_29_february_turns_on_1_march_in_common_years():
    born = dt.date(2008, 2, 29)
    assert rules.age_on(born, dt.date(2023, 2, 28)) == 14
    assert rules.age_on(born, dt.date(2023, 3, 1)) == 15
    assert rules.age_on(born, dt.date(2024, 2, 29)) == 16


def test_normalise_name_collapses_spaces_and_keeps_capitalisation():
    assert rules.normalise_name("  Siti   binti  AHMAD ") == "Siti binti AHMAD"
    assert rules.normalise_name(None) == ""


@pytest.mark.parametrize(
    ("region", "birth", "sex", "serial", "nik"),
    [
        ("64.01.01.2009", dt.date(1985, 8, 17), "L", 1, "6401011708850001"),
        ("640101", dt.date(1990, 8, 17), "P", 12, "6401015708900012"),
    ],
)
def test_nik_compose_is_the_inverse_of_parse_nik(region, birth, sex, serial, nik):
    assert rules.nik_compose(region, birth, sex, serial) == nik
    info = rules.parse_nik(nik, today=dt.date(2026, 11, 25))
    assert (info.birth_date, info.sex) == (birth, sex)

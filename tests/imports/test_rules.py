import datetime as dt

import pytest

from lindung.imports import rules
from lindung.registry import rules as registry_rules


@pytest.mark.parametrize(
    "header, field",
    [
        ("NIK", "nik"),
        ("No. KK", "kk_number"),
        ("Nama Lengkap", "name"),
        ("L/P", "sex"),
        ("Tgl Lahir", "birth_date"),
        ("Tanggal Lahir", "birth_date"),
        ("Kode Desa", "village_code"),
        ("No HP", "phone"),
        ("  jenis_kelamin ", "sex"),
        ("Tempat Lahir", "birth_place"),
        ("Desa/Kelurahan", "village_name"),
        ("Kecamatan", "district_name"),
    ],
)
def test_header_aliases_ignore_case_spaces_and_punctuation(header, field):
    assert rules.map_headers([header]) == {field: 0}


def test_village_may_be_given_by_name_and_kecamatan_instead_of_code():
    found = rules.map_headers(["NIK", "Nama", "L/P", "Tgl Lahir", "Desa", "Kecamatan", "Pekerjaan"])
    assert rules.missing_columns(found) == []
    assert rules.missing_columns(rules.map_headers(["NIK", "Nama"])) == [
        "JENIS_KELAMIN",
        "TANGGAL_LAHIR",
        "PEKERJAAN",
        "KODE_DESA",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(1985, 8, 17),
        dt.datetime(1985, 8, 17),
        31276.0,
        "31276",
        "17/08/1985",
        "17-08-1985",
        "1985-08-17",
        "17.08.1985",
        "1985-08-17 00:00:00",
    ],
)
def test_date_forms(raw):
    assert rules.parse_date(raw) == dt.date(1985, 8, 17)


@pytest.mark.parametrize("raw", ["31/02/1980", "kemarin", "17/8/85", "1985/08/17"])
def test_unreadable_dates_are_date_invalid(raw):
    with pytest.raises(rules.CellInvalid) as e:
        rules.parse_date(raw)
    assert e.value.code == "date_invalid"


@pytest.mark.parametrize(
    "raw, expected",
    [
        (6401011708850001.0, True),
        ("6.40104E+15", True),
        ("6401011708850001.0", True),
        (6401011708850001, True),
        ("6401011708850001", False),
        ("'6401011708850001", False),
    ],
)
def test_identity_numbers_in_number_cells_are_detected(raw, expected):
    assert rules.is_number_cell(raw) is expected


def test_every_column_of_the_template_is_read_by_a_registry_field_rule():
    """The row checker is a table: each column and the registry rule (shared with the form and
    the API) that checks it."""
    assert [spec.column for spec in rules.COLUMN_SPECS] == [c for c, _f in rules.COLUMNS]
    assert {spec.field for spec in rules.COLUMN_SPECS} == set(registry_rules.FIELD_RULE)

"""Denominator and target services: permissions, validation, upsert; the denominator file."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from lindung.core.errors import ScopeDenied, ValidationFailed
from lindung.imports.parsers import FileRefused
from lindung.monitoring.models import Denominator, Target
from lindung.monitoring.services import denominator_set, denominators_import, target_set
from tests.conftest import DESA_A, DESA_B, DESA_PPU, PASER

pytestmark = pytest.mark.django_db


def test_admin_sets_and_replaces_a_denominator(users, regions):
    village = regions.get(code=DESA_A)
    denominator_set(by=users.admin, village=village, year=2026, estimated_workers=10, source="bps")
    denominator_set(by=users.admin, village=village, year=2026, estimated_workers=12, source="dtks")
    (row,) = Denominator.objects.all()
    assert (row.estimated_workers, row.source) == (12, "dtks")


@pytest.mark.parametrize("who", ["operator", "leader", "bpjs", "auditor", "admin_ppu"])
def test_others_may_not_set_paser_denominators(users, regions, who):
    with pytest.raises(ScopeDenied):
        denominator_set(
            by=getattr(users, who),
            village=regions.get(code=DESA_A),
            year=2026,
            estimated_workers=10,
            source="bps",
        )


def test_denominator_needs_a_village(users, regions):
    with pytest.raises(ValidationFailed) as e:
        denominator_set(
            by=users.admin,
            village=regions.get(code="64.01.01"),
            year=2026,
            estimated_workers=10,
            source="bps",
        )
    assert e.value.code == "village_level"


def test_target_upsert_and_scope(users, regions):
    target_set(by=users.admin, region=regions.get(code=PASER), year=2026, participants=100)
    target_set(
        by=users.admin,
        region=regions.get(code=PASER),
        year=2026,
        participants=200,
        coverage_pct=Decimal("100"),
    )
    assert Target.objects.get().participants == 200
    with pytest.raises(ScopeDenied):
        target_set(by=users.admin, region=regions.get(code="64"), year=2026, participants=1)
    target_set(by=users.province, region=regions.get(code="64"), year=2026, participants=100_000)
    with pytest.raises(ValidationFailed) as e:
        target_set(by=users.admin, region=regions.get(code=PASER), year=2026)
    assert e.value.code == "missing_value"
    with pytest.raises(ValidationFailed):
        target_set(
            by=users.admin, region=regions.get(code=PASER), year=2026, coverage_pct=Decimal("120")
        )


CSV = (
    "KODE_DESA;PEKERJAAN;JUMLAH;SUMBER;CATATAN\n"
    f"{DESA_A};;420;BPS;\n"
    f"{DESA_A};nelayan;130;survei desa;\n"
    f"{DESA_B};Petani;1.250;DTKS;\n"
)


def test_import_then_reimport_changes_nothing(users, regions):
    report = denominators_import(by=users.admin, content=CSV.encode(), filename="d.csv", year=2026)
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    assert Denominator.objects.get(village_id=DESA_B).estimated_workers == 1250
    again = denominators_import(by=users.admin, content=CSV.encode(), filename="d.csv", year=2026)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    changed = CSV.replace(";420;", ";421;")
    third = denominators_import(
        by=users.admin, content=changed.encode(), filename="d.csv", year=2026
    )
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    assert Denominator.objects.count() == 3


def test_dry_run_writes_nothing(users, regions):
    report = denominators_import(
        by=users.admin, content=CSV.encode(), filename="d.csv", year=2026, dry_run=True
    )
    assert report.created == 3 and Denominator.objects.count() == 0


def test_each_bad_row_has_a_code_and_writes_nothing(users, regions):
    content = (
        "KODE_DESA;PEKERJAAN;JUMLAH;SUMBER\n"
        f"{DESA_A};;100;BPS\n"
        "99.99.99.9999;;5;BPS\n"
        f"{DESA_PPU};;5;BPS\n"
        f"{DESA_B};astronot;5;BPS\n"
        f"{DESA_B};;lima;BPS\n"
        f"{DESA_B};;;BPS\n"
        f"{DESA_B};;5;koran\n"
        f"{DESA_A};;7;BPS\n"
        "64.01.01;;7;BPS\n"
    )
    report = denominators_import(
        by=users.admin, content=content.encode(), filename="d.csv", year=2026
    )
    assert [(e.row, e.code) for e in report.errors] == [
        (3, "village_unknown"),
        (4, "village_out_of_scope"),
        (5, "occupation_unknown"),
        (6, "number_invalid"),
        (7, "missing_value"),
        (8, "source_invalid"),
        (9, "duplicate_in_file"),
        (10, "village_unknown"),
    ]
    assert report.created == 1
    assert list(Denominator.objects.values_list("village_id", flat=True)) == [DESA_A]
    assert report.as_dict()["rejected"] == 8


def test_xlsx_file_with_a_missing_column_is_refused(users, regions):
    wb = openpyxl.Workbook()
    wb.active.append(["KODE_DESA", "SUMBER"])
    wb.active.append([DESA_A, "BPS"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(FileRefused) as e:
        denominators_import(by=users.admin, content=buf.getvalue(), filename="d.xlsx", year=2026)
    assert e.value.code == "column_missing" and "JUMLAH" in e.value.message


def test_xlsx_numbers_are_read(users, regions):
    wb = openpyxl.Workbook()
    wb.active.append(["Kode Desa", "Jumlah", "Sumber"])
    wb.active.append([DESA_A, 300, "BPS"])
    buf = io.BytesIO()
    wb.save(buf)
    report = denominators_import(
        by=users.admin, content=buf.getvalue(), filename="d.xlsx", year=2026
    )
    assert report.created == 1 and Denominator.objects.get().estimated_workers == 300


def test_command_json_and_dry_run(users, regions, tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    call_command(
        "import_denominators",
        str(path),
        "--year",
        "2026",
        "--dry-run",
        "--json",
        "--user",
        "admin_paser",
    )
    out = json.loads(capsys.readouterr().out)
    assert (out["created"], out["dry_run"], out["rejected"]) == (3, True, 0)
    assert Denominator.objects.count() == 0
    call_command("import_denominators", str(path), "--year", "2026", "--user", "admin_paser")
    assert Denominator.objects.count() == 3
    assert "3 baris" in capsys.readouterr().out


def test_command_refuses_an_unreadable_file(users, regions, tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("NAMA;X\na;b\n")
    with pytest.raises(SystemExit) as e:
        call_command(
            "import_denominators", str(path), "--year", "2026", "--json", "--user", "admin_paser"
        )
    assert e.value.code == 2
    assert json.loads(capsys.readouterr().out)["refused"]["code"] == "column_missing"


def test_indicators_command_json(users, monev, capsys):
    call_command("indicators", "--region", PASER, "--json", "--user", "admin_paser")
    out = json.loads(capsys.readouterr().out)
    assert (out["region"], out["active"], out["coverage_pct"]) == (PASER, 3, 1.6)
    assert len(out["children"]) == 10 and out["by_sex"] == {"L": 1, "P": 2}
    call_command(
        "indicators", "--region", PASER, "--month", "2026-03", "--json", "--user", "admin_paser"
    )
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"start": "2026-03-01", "end": "2026-03-31"}


def test_indicators_command_refuses_out_of_scope(users, monev):
    with pytest.raises(SystemExit) as e:
        call_command("indicators", "--region", "64.09", "--user", "admin_paser")
    assert e.value.code == 2

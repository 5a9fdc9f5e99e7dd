"""`lindung import-workers`: exit codes and the --json shape."""

import json

import pytest
from django.core.management import call_command

from lindung.registry.models import Worker
from tests.imports.conftest import HEADER, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    try:
        call_command("import_workers", *args)
        code = 0
    except SystemExit as e:
        code = e.code
    return code, capsys.readouterr()


def test_json_output_shape_and_exit_0_with_rejected_rows(tmp_path, capsys, users, programme):
    path = tmp_path / "pekerja.xlsx"
    path.write_bytes(xlsx_bytes([person(1), person(2, JENIS_KELAMIN="X")]))
    code, out = run(
        capsys, str(path), "--programme", "PASER-2026", "--json", "--user", "admin_paser"
    )
    data = json.loads(out.out)
    assert code == 0
    assert list(data) == [
        "rows",
        "accepted",
        "rejected",
        "created",
        "updated",
        "unchanged",
        "enrolled",
        "errors",
        "warnings",
    ]
    assert (data["rows"], data["accepted"], data["rejected"], data["enrolled"]) == (2, 1, 1, 1)
    assert data["errors"] == [
        {
            "row": 3,
            "column": "JENIS_KELAMIN",
            "code": "sex_invalid",
            "message": data["errors"][0]["message"],
        }
    ]


def test_dry_run_prints_the_same_and_writes_nothing(tmp_path, capsys, users, programme):
    path = tmp_path / "pekerja.xlsx"
    path.write_bytes(xlsx_bytes([person(1), person(2)]))
    _code, dry = run(capsys, str(path), "--dry-run", "--json", "--user", "admin_paser")
    assert Worker.objects.count() == 0
    _code, real = run(capsys, str(path), "--json", "--user", "admin_paser")
    assert json.loads(dry.out) == json.loads(real.out)
    assert Worker.objects.count() == 2


def test_refused_file_exits_2_with_a_message(tmp_path, capsys, users):
    path = tmp_path / "pekerja.xlsx"
    path.write_bytes(xlsx_bytes([person(1)], header=[h for h in HEADER if h != "NAMA"]))
    code, out = run(capsys, str(path), "--user", "admin_paser")
    assert code == 2
    assert "NAMA" in out.err
    assert Worker.objects.count() == 0


@pytest.mark.parametrize(
    "args", [["tidak-ada.xlsx"], ["{f}", "--programme", "TIDAK-ADA"], ["{f}", "--user", "siapa"]]
)
def test_missing_file_programme_or_user_exit_2(tmp_path, capsys, users, args):
    path = tmp_path / "pekerja.csv"
    path.write_bytes(b"NIK,NAMA\n")
    args = [a.format(f=path) for a in args]
    if "--user" not in args:
        args += ["--user", "admin_paser"]
    code, _out = run(capsys, *args)
    assert code == 2


def test_default_user_is_a_superuser(tmp_path, capsys, db, regions, django_user_model):
    django_user_model.objects.create_superuser("root", password="x-rahasia-1")
    path = tmp_path / "pekerja.csv"
    from tests.imports.conftest import csv_bytes

    path.write_bytes(csv_bytes([person(1)], delimiter=";"))
    code, out = run(capsys, str(path))
    assert code == 0
    assert "1 baru" in out.out

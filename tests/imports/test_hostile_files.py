"""Hostile uploads (issue 14): each file of the corpus is refused whole, with its message naming
the limit, through the service, the CLI and the served upload page; this process (which is the
web server, the task worker or the CLI in production) stays alive because .xlsx files are parsed
in a child process. The corpus is bench/hostile_files.py at a small scale, with limits lowered
where a full-size file would be slow to generate."""

from __future__ import annotations

import io
import sys
from functools import cache

import pytest
from django.core.management import call_command
from django.urls import reverse

from bench.hostile_files import CORPUS, Hostile, cell, header_row, xlsx
from lindung.core import uploads
from lindung.core.uploads import MB, FileRefused, Limits
from lindung.imports.models import ImportJob
from lindung.imports.services import import_job_create, workers_import
from lindung.imports.tasks import run_import_job
from lindung.registry.models import Worker
from tests.imports.conftest import person, xlsx_bytes

pytestmark = pytest.mark.django_db

SCALE = 0.002  # about 2,100 rows where the full file has a million
LOWERED = {"max_rows": 1000}
# Cases whose full-size trigger is replaced by a lowered limit (same check, faster file).
CASES: dict[str, tuple[float, dict[str, int], str]] = {
    "million_rows_xlsx": (SCALE, LOWERED, "too_many_rows"),
    "million_rows_csv": (SCALE, LOWERED, "too_many_rows"),
    "rows_without_refs": (SCALE, LOWERED, "too_many_rows"),  # small: under the ratio floor
    "huge_shared_strings": (0.02, {"max_shared_strings_bytes": MB}, "shared_strings_too_large"),
    "zip_of_zeros": (0.02, {}, "too_compressed"),
    "zip_of_zeros_forged": (0.02, {}, "file_unreadable"),
    "too_big": (0.01, {"max_bytes": MB // 4}, "file_too_large"),
}


@cache
def content(name: str) -> bytes:
    h = next(h for h in CORPUS if h.name == name)
    return h.make(CASES.get(name, (SCALE,))[0])


def case(h: Hostile) -> tuple[dict[str, int], str]:
    _scale, limits, code = CASES.get(h.name, (SCALE, {}, h.code))
    return limits, code


IDS = [h.name for h in CORPUS]


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_service_refuses_each_hostile_file_naming_the_limit(hostile, users, settings):
    limits, code = case(hostile)
    settings.UPLOAD_LIMITS = limits
    with pytest.raises(FileRefused) as e:
        workers_import(by=users.admin, content=content(hostile.name), filename=hostile.filename)
    assert e.value.code == code
    if code.startswith("too_") or code.endswith("_too_large") or code == "field_too_long":
        assert "batas " in e.value.message  # the limit, named in the message
    assert Worker.objects.count() == 0


@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_cli_exits_2_with_the_message(hostile, users, settings, tmp_path, capsys):
    limits, code = case(hostile)
    settings.UPLOAD_LIMITS = limits
    path = tmp_path / hostile.filename
    path.write_bytes(content(hostile.name))
    with pytest.raises(SystemExit) as e:
        call_command("import_workers", str(path), "--json", "--user", "admin_paser")
    out = capsys.readouterr()
    assert e.value.code == 2
    assert f'"code": "{code}"' in out.out
    assert out.err.startswith("Berkas ditolak: ")


@pytest.mark.parametrize("hostile", CORPUS, ids=IDS)
def test_upload_page_refuses_the_job_and_the_site_still_answers(
    hostile, users, settings, client, immediate_tasks, django_capture_on_commit_callbacks
):
    limits, _code = case(hostile)
    settings.UPLOAD_LIMITS = limits
    client.force_login(users.admin)
    f = io.BytesIO(content(hostile.name))
    f.name = hostile.filename
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"file": f})
    if hostile.name == "too_big":  # refused by the form, before a job exists
        assert response.status_code == 200
        assert "MB per berkas" in response.content.decode()
        assert not ImportJob.objects.exists()
    else:
        job = ImportJob.objects.get()
        assert response.status_code == 302
        assert (job.status, job.errors, job.result) == (ImportJob.Status.REFUSED, [], {})
        page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
        assert job.message and job.message.split(";")[0][:40] in page
    assert client.get(reverse("imports:upload")).status_code == 200


def test_corner_cell_message_names_rows_and_limit(users):
    corner = content("corner_cell")
    with pytest.raises(FileRefused) as e:
        workers_import(by=users.admin, content=corner, filename="sudut.xlsx")
    assert e.value.message.startswith("Berkas memiliki 1.048.576 baris")
    assert "batas 200.000 baris per berkas" in e.value.message


def test_the_limits_come_from_settings(settings):
    settings.UPLOAD_LIMITS = {"max_rows": 7, "unknown": 1}
    assert Limits.current().max_rows == 7 and Limits.current().max_columns == 100


def test_a_reader_that_dies_refuses_the_file_and_this_process_carries_on(users, monkeypatch):
    """The last line of defence: whatever gets past the checks can only end the child."""
    monkeypatch.setattr(
        uploads, "_reader_command", lambda limits: [sys.executable, "-c", "import os; os.abort()"]
    )
    with pytest.raises(FileRefused) as e:
        workers_import(by=users.admin, content=xlsx_bytes([person(1)]), filename="a.xlsx")
    assert e.value.code == "parse_failed" and "2.048 MB" in e.value.message


def test_the_reader_runs_under_its_memory_limit(users, settings):
    settings.UPLOAD_LIMITS = {"parse_memory_mb": 16}  # too little even to load calamine
    with pytest.raises(FileRefused) as e:
        workers_import(by=users.admin, content=xlsx_bytes([person(1)]), filename="a.xlsx")
    assert e.value.code == "parse_failed" and "16 MB" in e.value.message


def test_the_task_worker_survives_a_hostile_job_and_runs_the_next(users):
    bad = import_job_create(by=users.admin, filename="sudut.xlsx", content=content("corner_cell"))
    good = import_job_create(by=users.admin, filename="baik.xlsx", content=xlsx_bytes([person(1)]))
    run_import_job.call(bad.pk)
    run_import_job.call(good.pk)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == ImportJob.Status.REFUSED and "1.048.576 baris" in bad.message
    assert good.status == ImportJob.Status.DONE and Worker.objects.count() == 1


def test_nul_in_a_cell_never_reaches_the_database(users):
    """XML cannot hold NUL, but the `_x0000_` escape can: the reader drops it."""
    row = person(1)
    names = ["NIK", "NAMA", "JENIS_KELAMIN", "TANGGAL_LAHIR", "KODE_DESA", "PEKERJAAN"]
    values = [row["NIK"], "Siti_x0000_Aminah", "P", "17/08/1985", row["KODE_DESA"], "nelayan"]
    values[0] = row["NIK"][:6] + "57" + row["NIK"][8:]  # a woman's NIK: day + 40
    content = xlsx(
        [
            header_row(names),
            b'<row r="2">'
            + b"".join(cell(f"{chr(65 + i)}2", v) for i, v in enumerate(values))
            + b"</row>",
        ]
    )
    report = workers_import(by=users.admin, content=content, filename="nul.xlsx")
    assert report.accepted == 1, report.errors
    assert Worker.objects.get().name == "SitiAminah"


def test_data_starting_right_of_column_a_keeps_its_positions(users):
    content = xlsx(
        [
            b'<row r="3">' + cell("C3", "NIK") + cell("D3", "NAMA") + b"</row>",
            b'<row r="4">' + cell("C4", "x") + b"</row>",
        ]
    )
    rows = list(uploads.read_rows(content, "a.xlsx"))
    assert rows == [
        (1, [""] * 4),
        (2, [""] * 4),
        (3, ["", "", "NIK", "NAMA"]),
        (4, ["", "", "x", ""]),
    ]


def test_a_sheet_just_inside_the_limits_passes(settings):
    """No false refusal at the edge: exactly max_rows rows and max_columns columns, with
    max_cells covering them (the checks bound unexamined references from below the limits)."""
    settings.UPLOAD_LIMITS = {"max_rows": 2000, "max_columns": 30, "max_cells": 60_000}
    rows = [
        b'<row r="%d">' % r + b"".join(cell(f"{c}{r}", "v") for c in ("A", "AD")) + b"</row>"
        for r in range(2, 2001)
    ]
    assert uploads.inspect(xlsx([header_row(), *rows]), "tepat.xlsx") == "xlsx"
    rows.append(b'<row r="2001">' + cell("A2001", "v") + b"</row>")
    with pytest.raises(FileRefused) as e:
        uploads.inspect(xlsx([header_row(), *rows]), "lewat.xlsx")
    assert e.value.code == "too_many_rows" and "2.001 baris" in e.value.message

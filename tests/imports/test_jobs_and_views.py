"""Web wiring: upload -> background job -> progress -> result, error workbook, template."""

import io

import openpyxl
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.imports.models import ImportJob
from lindung.imports.services import import_job_create, import_job_run
from lindung.registry.models import Worker
from tests.conftest import DESA_A, DESA_PPU
from tests.imports.conftest import HEADER, person, xlsx_bytes

pytestmark = pytest.mark.django_db

IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def upload(client, content, name="pekerja.xlsx", **data):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("imports:upload"), {"file": f, **data})


def test_upload_runs_the_job_and_shows_the_result(
    client, users, programme, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, xlsx_bytes([person(1), person(2, NAMA="")]), programme="PASER-2026"
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.result == {
        "rows": 2,
        "accepted": 1,
        "rejected": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "enrolled": 1,
    }
    assert (job.rows_done, job.rows_total) == (2, 2) and job.rows_per_second > 0
    page = client.get(response.url).content.decode()
    assert "missing_value" in page and "Kolom NAMA" in page
    assert reverse("imports:job_errors", args=[job.pk]) in page


def test_progress_fragment_while_running_and_redirect_when_done(client, users):
    client.force_login(users.admin)
    job = ImportJob.objects.create(
        created_by=users.admin,
        region_code="64.01",
        filename="a.xlsx",
        content=b"",
        status="berjalan",
        rows_total=200,
        rows_done=50,
        rows_per_second=1234.5,
    )
    url = reverse("imports:job_progress", args=[job.pk])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    # Time left in words, not rows per second: 150 rows at 1,234.5 a second.
    assert 'value="25"' in fragment and "kurang dari 1 menit lagi" in fragment
    assert "baris/detik" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(rows_total=200_000, rows_per_second=1000)
    later = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "sekitar 4 menit lagi" in later  # 199,950 rows at 1,000 a second: 3 min 20 s
    assert 'hx-trigger="every 1s"' in fragment
    # The full page (a reload) shows the same bar.
    assert 'id="job-progress"' in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="selesai")
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("imports:job", args=[job.pk])


def test_error_workbook_holds_the_rejected_rows_and_their_messages(client, users):
    client.force_login(users.admin)
    good, bad = person(1), person(2, JENIS_KELAMIN="X", KODE_DESA="64.01.99.9999")
    job = import_job_create(by=users.admin, filename="desa.xlsx", content=xlsx_bytes([good, bad]))
    import_job_run(job_id=job.pk)
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response["Content-Disposition"].endswith('desa-perbaiki.xlsx"')
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0] == [*HEADER, "PESAN_KESALAHAN"]
    assert len(rows) == 2 and rows[1][0] == bad["NIK"]
    assert "[sex_invalid]" in rows[1][-1] and "[village_unknown]" in rows[1][-1]


def test_refused_file_is_reported_on_the_job(users):
    job = import_job_create(by=users.admin, filename="x.csv", content=b"A,B\n1,2\n")
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REFUSED
    assert "NIK" in job.message and Worker.objects.count() == 0


def test_template_has_text_nik_cells_and_the_reference_sheet(client, users, programme):
    client.force_login(users.operator)
    response = client.get(reverse("imports:template") + "?program=PASER-2026")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Pekerja"]
    assert [c.value for c in ws[1]] == HEADER
    assert ws["A2"].number_format == "@" and ws["B2"].number_format == "@"
    ref = wb["Referensi"]
    codes = [r[0].value for r in ref.iter_rows(min_row=2) if r[0].value]
    assert codes == [DESA_A]  # the operator's scope: one village
    occupations = {r[4].value for r in ref.iter_rows(min_row=2) if r[4].value}
    assert "nelayan" in occupations and "ojek" not in occupations


def test_jobs_are_scoped(client, users):
    job = import_job_create(
        by=users.admin_ppu, filename="ppu.xlsx", content=xlsx_bytes([person(1, village=DESA_PPU)])
    )
    client.force_login(users.admin)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    client.force_login(users.province)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 200


def test_roles_that_cannot_edit_workers_cannot_open_the_upload_page(client, users):
    client.force_login(users.leader)
    assert client.get(reverse("imports:upload")).status_code == 403
    client.force_login(users.operator)
    assert client.get(reverse("imports:upload")).status_code == 200

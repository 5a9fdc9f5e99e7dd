"""Stuck and parallel work (issue 14, item 8): jobs whose worker died are marked failed, two
imports of one file never race, error lists are capped on the job and the error workbook is
built by the task worker."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.core import clock, liveness
from lindung.imports import services
from lindung.imports.models import ImportJob, ImportLock
from lindung.imports.services import (
    ImportConflict,
    ImportInProgress,
    import_job_create,
    import_job_run,
    import_jobs_reclaim,
    import_lock,
    workers_import,
)
from lindung.registry.models import Worker
from tests.imports.conftest import person, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def dead_process() -> str:
    p = subprocess.Popen(["true"])
    holder = f"{liveness.this_process().split(':')[0]}:{p.pid}:{liveness._stat(p.pid)[1]}"
    p.wait()
    return holder


def running_job(user, **fields) -> ImportJob:
    return ImportJob.objects.create(
        created_by=user,
        region_code="64.01",
        filename="a.xlsx",
        content=b"x",
        status=ImportJob.Status.RUNNING,
        **fields,
    )


# --- reclaiming jobs whose worker died -----------------------------------------------------


def test_a_job_whose_worker_process_died_is_marked_failed(users):
    job = running_job(users.admin, worker=dead_process(), heartbeat_at=clock.now())
    assert import_jobs_reclaim() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "Pekerja latar berhenti" in job.message and "Tidak ada data yang disimpan" in job.message


def test_a_live_job_is_left_alone_and_a_silent_one_on_another_machine_is_reclaimed(users):
    alive = running_job(users.admin, worker=liveness.this_process(), heartbeat_at=clock.now())
    elsewhere = running_job(users.admin, worker="server-b:4242:99", heartbeat_at=clock.now())
    silent = running_job(
        users.admin, worker="server-b:4243:99", heartbeat_at=clock.now() - dt.timedelta(minutes=16)
    )
    assert import_jobs_reclaim() == 1
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {alive.pk: "berjalan", elsewhere.pk: "berjalan", silent.pk: "gagal"}


def test_the_progress_poll_of_a_dead_job_sends_the_page_to_its_failure(client, users):
    job = running_job(users.admin, worker=dead_process(), heartbeat_at=clock.now())
    client.force_login(users.admin)
    response = client.get(reverse("imports:job_progress", args=[job.pk]))
    assert response.status_code == 204
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Pekerja latar berhenti" in page


def test_the_worker_reclaims_before_running_the_next_job(users):
    stuck = running_job(users.admin, worker=dead_process(), heartbeat_at=clock.now())
    job = import_job_create(by=users.admin, filename="a.xlsx", content=xlsx_bytes([person(1)]))
    import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=stuck.pk).status == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.worker == liveness.this_process()
    assert job.heartbeat_at is not None


# --- two imports of one file ---------------------------------------------------------------


def test_the_same_file_imported_while_it_runs_is_refused_with_a_message(users):
    content = xlsx_bytes([person(1)])
    with import_lock(content=content, label="impor #7 desa.xlsx (admin_paser)"):
        with pytest.raises(ImportInProgress) as e:
            workers_import(by=users.admin, content=content, filename="desa.xlsx")
        # A dry run writes nothing and needs no lock.
        assert (
            workers_import(
                by=users.admin, content=content, filename="desa.xlsx", dry_run=True
            ).accepted
            == 1
        )
    assert "sedang diimpor (impor #7 desa.xlsx (admin_paser), mulai 10." in e.value.message
    assert Worker.objects.count() == 0
    assert workers_import(by=users.admin, content=content, filename="desa.xlsx").created == 1
    assert not ImportLock.objects.exists()  # released after each import


def test_the_lock_of_a_dead_process_is_taken_over(users):
    content = xlsx_bytes([person(1)])
    ImportLock.objects.create(
        content_sha256=__import__("hashlib").sha256(content).hexdigest(),
        holder=dead_process(),
        label="CLI",
        started_at=clock.now(),
        heartbeat_at=clock.now(),
    )
    assert workers_import(by=users.admin, content=content, filename="a.xlsx").created == 1


def test_the_cli_refuses_a_file_being_imported_with_exit_2(users, tmp_path, capsys):
    path = tmp_path / "desa.xlsx"
    path.write_bytes(xlsx_bytes([person(1)]))
    with import_lock(content=path.read_bytes(), label="impor #3 desa.xlsx (op_a)"):
        with pytest.raises(SystemExit) as e:
            call_command("import_workers", str(path), "--user", "admin_paser")
    assert e.value.code == 2
    assert "Berkas yang sama sedang diimpor" in capsys.readouterr().err


def test_a_job_queued_twice_is_refused_at_upload(client, users):
    content = xlsx_bytes([person(1)])
    first = import_job_create(by=users.admin, filename="desa.xlsx", content=content)
    with pytest.raises(ImportInProgress) as e:
        import_job_create(by=users.admin, filename="desa.xlsx", content=content)
    assert f"impor #{first.pk}" in e.value.message
    ImportJob.objects.filter(pk=first.pk).update(status=ImportJob.Status.DONE)
    assert import_job_create(by=users.admin, filename="desa.xlsx", content=content).pk


def test_a_nik_saved_by_another_import_meanwhile_is_a_clear_conflict(users, monkeypatch):
    """Two different files with one NIK, checked at the same time: the later write hits the
    unique NIK index. No traceback, nothing of this file written."""
    other = workers_import(by=users.admin, content=xlsx_bytes([person(1)]), filename="b.xlsx")
    assert other.created == 1
    other_nik = person(1)["NIK"]
    from lindung.registry import services as registry_services

    real = registry_services._records
    monkeypatch.setattr(
        registry_services,
        "_records",  # checked "before" the other import
        lambda niks=(), ids=(): real(niks=[n for n in niks if n != other_nik], ids=ids),
    )
    with pytest.raises(ImportConflict) as e:
        workers_import(
            by=users.admin, content=xlsx_bytes([person(2), person(1)]), filename="a.xlsx"
        )
    assert "Impor lain menyimpan NIK yang sama" in e.value.message
    assert Worker.objects.count() == 1


# --- capped errors and the error workbook --------------------------------------------------


def bad_rows(n: int) -> bytes:
    return xlsx_bytes([person(i, JENIS_KELAMIN="X") for i in range(1, n + 1)])


def test_errors_are_capped_on_the_job_and_all_listed_in_the_workbook(client, users, monkeypatch):
    monkeypatch.setattr(ImportJob, "ERRORS_STORED", 3)
    job = import_job_create(by=users.admin, filename="desa.xlsx", content=bad_rows(5))
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (len(job.errors), job.errors_total) == (3, 5)
    assert (job.error_file_status, job.error_file_rows) == ("siap", 5)
    client.force_login(users.admin)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "2 kesalahan lainnya ada di berkas perbaikan" in page
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows) == 6 and all("[sex_invalid]" in r[-1] for r in rows[1:])


def test_an_old_job_without_workbook_gets_it_built_by_the_worker(
    client, users, immediate_tasks, django_capture_on_commit_callbacks
):
    job = import_job_create(by=users.admin, filename="desa.xlsx", content=bad_rows(2))
    import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(error_file=None, error_file_status="")
    client.force_login(users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert waiting.status_code == 202
    assert "sedang disusun di latar belakang" in waiting.content.decode()
    ready = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert ready.status_code == 200 and ready["Content-Disposition"].endswith('desa-perbaiki.xlsx"')


def test_a_workbook_that_cannot_be_built_says_so(client, users):
    job = import_job_create(by=users.admin, filename="desa.xlsx", content=bad_rows(1))
    import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(content=b"", error_file=None)
    services.import_job_error_file_build(job=ImportJob.objects.get(pk=job.pk))
    assert ImportJob.objects.get(pk=job.pk).error_file_status == "gagal"
    client.force_login(users.admin)
    page = client.get(reverse("imports:job_errors", args=[job.pk])).content.decode()
    assert "tidak dapat disusun" in page

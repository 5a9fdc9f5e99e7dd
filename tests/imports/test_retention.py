"""Uploaded files (NIKs, names, phone numbers) are deleted after a configurable retention;
the job's record (who, when, which file, counts) stays."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import DomainError
from lindung.core.models import Parameter
from lindung.imports.models import ImportJob
from lindung.imports.services import upload_retention_days, uploads_purge
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.django_db
WITA = FROZEN_NOW.tzinfo
TODAY = FROZEN_NOW.date()  # 20 November 2026
CONTENT = b"NIK,NAMA\n6401015708850002,Siti Aminah\n"
ERRORS = [{"row": 2, "column": "NIK", "code": "nik_date", "message": "NIK 6401015708850002"}]


@pytest.fixture
def job_at(users):
    def make(when: dt.datetime, status: str = ImportJob.Status.DONE) -> ImportJob:
        with time_machine.travel(when, tick=False):
            return ImportJob.objects.create(
                created_by=users.operator,
                region_code=users.operator.region_id,
                filename=f"pekerja-{when:%m%d%H}.csv",
                content=CONTENT,
                status=status,
                result={"rows": 1, "accepted": 0, "rejected": 1},
                errors=ERRORS,
                warnings=ERRORS,
            )

    return make


def at(y: int, m: int, d: int, h: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=WITA)


def purged(job: ImportJob) -> bool:
    job.refresh_from_db()
    return bytes(job.content) == b"" and job.errors == [] and job.warnings == []


def test_files_older_than_the_retention_are_deleted_and_newer_kept(job_at):
    old = job_at(at(2026, 8, 1))
    last_day_out = job_at(at(2026, 8, 21, 23))  # 91 days before 20 November (WITA)
    last_day_in = job_at(at(2026, 8, 22, 0))  # 90 days: kept through today
    recent = job_at(at(2026, 11, 19))
    assert uploads_purge(on=TODAY, days=90) == 2
    assert purged(old) and purged(last_day_out)
    assert not purged(last_day_in) and not purged(recent)
    assert bytes(recent.content) == CONTENT and recent.errors == ERRORS
    # The record stays: who, when, which file, the counts.
    assert (old.filename, old.result["rejected"], old.created_by_id) == (
        "pekerja-080112.csv",
        1,
        old.created_by_id,
    )


def test_each_purged_file_is_one_audit_event(job_at, users):
    old = job_at(at(2026, 1, 5))
    job_at(at(2026, 11, 1))
    uploads_purge(on=TODAY, days=30)
    event = AuditEvent.objects.get(action="purge")
    assert (event.object_type, event.object_id, event.region_code, event.actor) == (
        "importjob",
        str(old.pk),
        users.operator.region_id,
        None,
    )
    assert "pekerja-010512.csv" in event.summary and "30 hari" in event.summary
    assert event.changes == {"days": 30}


def test_unfinished_jobs_keep_their_file(job_at):
    queued = job_at(at(2026, 1, 5), status=ImportJob.Status.QUEUED)
    running = job_at(at(2026, 1, 5), status=ImportJob.Status.RUNNING)
    refused = job_at(at(2026, 1, 5), status=ImportJob.Status.REFUSED)
    assert uploads_purge(on=TODAY, days=30) == 1
    assert purged(refused) and not purged(queued) and not purged(running)


def test_a_second_run_finds_nothing(job_at):
    job_at(at(2026, 1, 5))
    assert uploads_purge(on=TODAY, days=30) == 1
    assert uploads_purge(on=TODAY, days=30) == 0
    assert AuditEvent.objects.filter(action="purge").count() == 1


def test_dry_run_deletes_nothing(job_at):
    old = job_at(at(2026, 1, 5))
    assert uploads_purge(on=TODAY, days=30, dry_run=True) == 1
    assert not purged(old)
    assert not AuditEvent.objects.filter(action="purge").exists()


def test_retention_is_a_dated_parameter_90_days_by_default(job_at):
    assert upload_retention_days(on=TODAY) == 90
    Parameter.objects.create(key="retensi_berkas_hari", value="30", valid_from=dt.date(2026, 1, 1))
    assert upload_retention_days(on=TODAY) == 30
    mid = job_at(at(2026, 9, 15))  # 66 days old: kept by 90, purged by 30
    assert uploads_purge(on=TODAY) == 1
    assert purged(mid)


def test_zero_days_is_refused(job_at):
    job_at(at(2026, 11, 19))
    with pytest.raises(DomainError) as exc:
        uploads_purge(on=TODAY, days=0)
    assert exc.value.code == "retention_invalid"


def test_command_purges_and_says_how_many(job_at):
    old = job_at(at(2026, 1, 5))
    recent = job_at(at(2026, 11, 10))
    out = io.StringIO()
    call_command("purge_uploads", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "1 berkas unggahan lebih dari 30 hari dihapus."
    assert purged(old) and not purged(recent)


def test_command_dry_run_and_refusal(job_at):
    old = job_at(at(2026, 1, 5))
    out = io.StringIO()
    call_command("purge_uploads", "--dry-run", stdout=out)  # default: 90 days
    assert "1 berkas unggahan lebih dari 90 hari akan dihapus" in out.getvalue()
    assert not purged(old)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("purge_uploads", "--days", "0", stderr=err)
    assert exc.value.code == 2
    assert "minimal 1 hari" in err.getvalue()


def test_purged_job_page_still_opens(client, users, job_at):
    old = job_at(at(2026, 1, 5))
    uploads_purge(on=TODAY, days=30)
    client.force_login(users.operator)
    response = client.get(reverse("imports:job", args=[old.pk]))
    assert response.status_code == 200
    assert "6401015708850002" not in response.content.decode()
    assert client.get(reverse("imports:job_errors", args=[old.pk])).status_code == 404

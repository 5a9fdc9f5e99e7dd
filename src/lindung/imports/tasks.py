"""Background work of the import pipeline, run by `lindung db_worker` (django-tasks-db)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from lindung.imports import services
from lindung.imports.models import ImportJob


@task()
def run_import_job(job_id: int) -> dict[str, Any]:
    return services.import_job_run(job_id=job_id)


@task()
def build_error_file(job_id: int) -> None:
    """The error workbook of a job that has none yet (jobs from before error files were
    stored); the import itself builds it for new jobs."""
    job = ImportJob.objects.get(pk=job_id)
    services.import_job_error_file_build(job=job)

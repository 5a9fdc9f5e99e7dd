"""Background work of the import pipeline, run by `lindung db_worker` (django-tasks-db)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from lindung.imports import services


@task()
def run_import_job(job_id: int) -> dict[str, Any]:
    return services.import_job_run(job_id=job_id)

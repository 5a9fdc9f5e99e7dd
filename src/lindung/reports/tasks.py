"""Background work of the reports, run by `lindung db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from lindung.reports import services


@task()
def generate_report(run_id: int) -> str:
    """Build a queued report run; its progress is written to the run's row as it goes."""
    return services.report_run_execute(run_id=run_id).status

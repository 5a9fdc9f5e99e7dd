"""The notifier in the background: `notifications_refresh_task` runs the refresh and queues
its own next run REFRESH_SECONDS later, so the task worker (`lindung serve --with-worker` or
`lindung db_worker`) keeps notifications current without cron.

The chain is started, and restarted if it ever breaks (a worker killed mid-run), by
`ensure_scheduled`, which the header calls at most every CHECK_SECONDS per process: one
indexed look-up for a queued run, one INSERT only when none is queued."""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.tasks import task
from django.tasks.base import TaskResultStatus

from lindung.core import clock
from lindung.notifications.services import notifications_refresh

log = logging.getLogger(__name__)

REFRESH_SECONDS = 120
CHECK_SECONDS = 600
KEEP_FINISHED = dt.timedelta(days=1)

_next_check = 0.0


@task()
def notifications_refresh_task() -> dict:
    try:
        result = notifications_refresh()
    finally:
        schedule(delay=dt.timedelta(seconds=REFRESH_SECONDS), forget_finished=True)
    return {"created": result.created, "due_checked": result.due_checked}


def _queue():
    """The task results table when the backend is django-tasks-db (the one that can run a
    task later); None for backends that run tasks at once or not at all."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = notifications_refresh_task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    return DBTaskResult.objects


def schedule(*, delay: dt.timedelta = dt.timedelta(0), forget_finished: bool = False) -> bool:
    """Queue the next refresh after `delay` unless one is queued already. With
    `forget_finished` (the task itself, not a page) delete the refreshes that finished well
    before, 720 a day otherwise. Returns whether one was queued."""
    results = _queue()
    if results is None:
        return False
    path = notifications_refresh_task.module_path
    if forget_finished:
        results.filter(
            task_path=path,
            status=TaskResultStatus.SUCCESSFUL,
            finished_at__lt=clock.now() - KEEP_FINISHED,
        ).delete()
    if results.filter(task_path=path, status=TaskResultStatus.READY).exists():
        return False
    notifications_refresh_task.using(run_after=clock.now() + delay).enqueue()
    return True


def ensure_scheduled() -> None:
    """Called from every page's header: at most every CHECK_SECONDS per process, make sure a
    refresh is queued. Never lets a failure reach the page."""
    global _next_check
    if time.monotonic() < _next_check:
        return
    _next_check = time.monotonic() + CHECK_SECONDS
    try:
        schedule()
    except Exception:
        log.exception("scheduling the notification refresh failed")

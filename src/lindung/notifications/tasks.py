"""The notifier in the background: `notifications_refresh_task` runs the refresh and queues
its own next run REFRESH_SECONDS later (`core.periodic`), so the task worker (`lindung serve
--with-worker` or `lindung db_worker`) keeps notifications current without cron.

The chain is started, and restarted if it ever breaks (a worker killed mid-run), by
`ensure_scheduled`, which the header calls at most every CHECK_SECONDS per process."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from lindung.core.periodic import Periodic
from lindung.notifications.services import notifications_refresh

REFRESH_SECONDS = 120
CHECK_SECONDS = 600
KEEP_FINISHED = dt.timedelta(days=1)


@task()
def notifications_refresh_task() -> dict:
    try:
        result = notifications_refresh()
    finally:
        periodic.schedule(forget_finished=True)
    return {"created": result.created, "due_checked": result.due_checked}


periodic = Periodic(
    notifications_refresh_task,
    every=REFRESH_SECONDS,
    check_every=CHECK_SECONDS,
    keep_finished=KEEP_FINISHED,
)


def schedule(*, delay: dt.timedelta = dt.timedelta(0), forget_finished: bool = False) -> bool:
    """Queue a refresh after `delay` unless one is queued already (`Periodic.schedule`)."""
    return periodic.schedule(delay=delay, forget_finished=forget_finished)


def ensure_scheduled() -> None:
    """Called from every page's header: at most every CHECK_SECONDS per process, make sure a
    refresh is queued. Never lets a failure reach the page."""
    periodic.ensure()

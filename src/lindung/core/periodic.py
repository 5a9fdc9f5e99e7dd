"""Periodic work without cron: a task that keeps the next run of itself queued.

Lindung's task queue is the database (django-tasks-db, `lindung serve --with-worker` or
`lindung db_worker`). A `Periodic` wraps a task so that each run queues the next one `every`
seconds later, and `ensure()` — called from pages at most every `check_every` seconds per
process — restarts the chain if it ever broke (a worker killed mid-run): one indexed look-up
for a queued run, one INSERT only when none is queued. `soon()` asks for a run as soon as the
worker can (after a write), unless one is already due.

At most two runs are ever queued: the chain's next one and one `soon()`. Every run calls
`schedule`, which adds nothing while a run is queued, so a `soon()` run never starts a second
chain. On a backend that runs tasks at once (the immediate backend of the benchmarks),
`soon()` runs the task there and then, and `schedule` queues nothing (it cannot defer).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.tasks.base import TaskResultStatus

from lindung.core import clock

log = logging.getLogger(__name__)


class Periodic:
    def __init__(
        self,
        task: Any,
        *,
        every: int,
        check_every: int = 600,
        keep_finished: dt.timedelta = dt.timedelta(days=1),  # noqa: B008
        soon_within: int = 5,
    ) -> None:
        self.task = task
        self.every = every
        self.check_every = check_every
        self.keep_finished = keep_finished
        self.soon_within = soon_within
        self.next_check = 0.0

    def _results(self) -> Any:
        """The task results table when the backend is django-tasks-db (the one that can run
        a task later); None for backends that run tasks at once or not at all."""
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult

        if not isinstance(self.task.get_backend(), DatabaseBackend):
            return None
        return DBTaskResult.objects

    def schedule(self, *, delay: dt.timedelta | None = None, forget_finished: bool = False) -> bool:
        """Queue the next run after `delay` (default: `every` seconds; 0 for now) unless one
        is queued already. With `forget_finished` (the task itself, not a page) delete the
        runs that finished well before. Returns whether one was queued."""
        results = self._results()
        if results is None:
            return False
        path = self.task.module_path
        if forget_finished:
            results.filter(
                task_path=path,
                status=TaskResultStatus.SUCCESSFUL,
                finished_at__lt=clock.now() - self.keep_finished,
            ).delete()
        if results.filter(task_path=path, status=TaskResultStatus.READY).exists():
            return False
        delay = dt.timedelta(seconds=self.every) if delay is None else delay
        self.task.using(run_after=clock.now() + delay).enqueue()
        return True

    def ensure(self) -> None:
        """At most every `check_every` seconds per process, make sure a run is queued. Never
        lets a failure reach the page."""
        if time.monotonic() < self.next_check:
            return
        self.next_check = time.monotonic() + self.check_every
        try:
            self.schedule(delay=dt.timedelta(0))
        except Exception:
            log.exception("scheduling %s failed", self.task.module_path)

    def soon(self) -> None:
        """A run as soon as the worker can take it, unless one is due within `soon_within`
        seconds already; at once on a backend that runs tasks immediately. Never raises: the
        readers do the work themselves when it has not been done."""
        try:
            results = self._results()
            if results is None:
                self.task.enqueue()
                return
            from django.db.models import Q
            from django_tasks_db.models import get_date_max

            due = clock.now() + dt.timedelta(seconds=self.soon_within)
            if results.filter(
                Q(run_after__lte=due) | Q(run_after=get_date_max()),
                task_path=self.task.module_path,
                status=TaskResultStatus.READY,
            ).exists():
                return
            self.task.enqueue()
        except Exception:
            log.exception("queueing %s failed", self.task.module_path)

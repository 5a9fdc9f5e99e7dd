"""The maintained indicators kept current in the background (`monitoring.aggregates`).

`aggregates_refresh_task` applies what changed since the last refresh. It runs
- soon after every write: the services record audit events, `audit.signals.events_recorded`
  names their kinds, and once the writing transaction commits a run is queued (`soon`), so
  the writer's request does not wait and the next reader finds the rows current;
- every REFRESH_SECONDS as a chain (`core.periodic`), so a new day's current month is rolled
  by the worker after midnight rather than by the first reader of the day.
Readers still call `aggregates.refresh()` before reading: when the worker has not run yet (or
is not running), they bring the rows up to date themselves, so a figure is never stale.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task

from lindung.core.periodic import Periodic

REFRESH_SECONDS = 300


@task()
def aggregates_refresh_task() -> dict:
    from lindung.monitoring import aggregates

    try:
        result = aggregates.refresh()
    finally:
        periodic.schedule(forget_finished=True)
    return {"events": result.events, "rows": result.rows, "rebuilt": result.rebuilt}


periodic = Periodic(aggregates_refresh_task, every=REFRESH_SECONDS)


def relevant(kinds: set[tuple[str, str]]) -> bool:
    """Whether events of these (action, object type) can change a maintained figure."""
    from lindung.monitoring.aggregates import IGNORED_ACTIONS, IGNORED_TYPES

    return any(a not in IGNORED_ACTIONS and t not in IGNORED_TYPES for a, t in kinds)


def _soon() -> None:
    periodic.soon()


def on_events_recorded(sender: Any, *, kinds: set[tuple[str, str]], **_: Any) -> None:
    """Receiver of `events_recorded`: a refresh soon after the transaction commits, asked
    once per transaction however many events it writes."""
    if not relevant(kinds):
        return
    connection = transaction.get_connection()
    if any(func is _soon for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_soon)

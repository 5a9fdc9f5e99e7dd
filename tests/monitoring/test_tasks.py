"""The maintained indicators are refreshed in the background after every write
(`monitoring.tasks`): one run queued per writing transaction, none for events that change no
figure, and a chain that rolls the new day without a reader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from lindung.audit.services import audit_event, audit_export
from lindung.core import clock
from lindung.monitoring import aggregates, tasks
from lindung.monitoring.models import AggregateState
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _queued():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=tasks.aggregates_refresh_task.module_path)


@override_settings(TASKS=DB_BACKEND)
def test_a_write_queues_one_refresh_after_commit(
    users, make_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        make_worker(village=DESA_A)  # a worker: several audit events in one transaction
    assert len([c for c in callbacks if c is tasks._soon]) == 1
    assert _queued().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_worker(village=DESA_A)
    assert _queued().count() == 1  # one is due already: none added


@override_settings(TASKS=DB_BACKEND)
def test_events_that_change_no_figure_queue_nothing(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_export(
            actor=users.admin,
            obj=users.admin,
            region_code=DESA_A,
            what="uji",
            kind="workers",
            fmt="csv",
            rows=1,
        )
        audit_event(actor=users.admin, action="login", obj=users.admin, region_code="")
    assert callbacks == []
    assert not _queued().exists()


@override_settings(TASKS=IMMEDIATE)
def test_with_a_backend_that_runs_at_once_the_writer_refreshes(
    users, make_worker, django_capture_on_commit_callbacks
):
    aggregates.refresh()
    with django_capture_on_commit_callbacks(execute=True):
        worker = make_worker(village=DESA_A)
    state = AggregateState.objects.get(pk=1)
    assert state.watermark == aggregates._top()
    assert worker.village_id == DESA_A
    assert aggregates.refresh().events == 0  # the reader finds nothing left to do


@override_settings(TASKS=DB_BACKEND)
def test_the_task_refreshes_and_queues_its_next_run(users, make_worker):
    make_worker(village=DESA_A)
    result = tasks.aggregates_refresh_task.call()
    assert result["rebuilt"] or result["events"]
    (nxt,) = _queued()
    assert nxt.run_after > clock.now() + dt.timedelta(seconds=tasks.REFRESH_SECONDS - 10)


@pytest.mark.django_db(transaction=True)
def test_a_reader_does_not_wait_for_a_running_refresh(users, make_worker):
    """While the worker's refresh holds the state row (PostgreSQL), a reader's refresh
    returns at once and the page reads the rows as they are."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers itself")
    aggregates.refresh()
    make_worker(village=DESA_A)
    locked, release = threading.Event(), threading.Event()

    def worker() -> None:
        try:
            with transaction.atomic():
                AggregateState.objects.select_for_update().get(pk=1)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    assert locked.wait(10)
    try:
        assert aggregates.refresh(wait=False).busy
    finally:
        release.set()
        thread.join()
    result = aggregates.refresh(wait=False)
    assert not result.busy and result.events  # once free, the reader catches up

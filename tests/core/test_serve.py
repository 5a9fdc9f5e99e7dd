"""`lindung serve --with-worker`: a worker that dies is restarted and the web server keeps
serving; the tasks the dead worker held are marked failed."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from django.tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lindung.core import clock
from lindung.core.management.commands.serve import Supervisor, fail_tasks_of

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
DIE = [sys.executable, "-c", "import os; os.abort()"]  # as calamine did on a hostile sheet


def test_a_dying_worker_is_restarted_and_the_web_server_keeps_running():
    deaths: list[str] = []
    ids = iter(f"w{i}" for i in range(100))
    supervisor = Supervisor(
        SLEEP,
        lambda: (DIE, next(ids)),
        poll=0.02,
        first_delay=0.01,
        on_worker_death=deaths.append,
        say=lambda _text: None,
    )
    thread = threading.Thread(target=supervisor.run)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while supervisor.restarts < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert supervisor.restarts >= 3
        assert deaths[:3] == ["w0", "w1", "w2"]
        assert supervisor.web is not None and supervisor.web.poll() is None  # still serving
    finally:
        supervisor.stop()
        thread.join(timeout=30)
    assert not thread.is_alive()


def test_the_web_server_ending_ends_the_supervisor():
    supervisor = Supervisor(
        [sys.executable, "-c", "raise SystemExit(3)"],
        lambda: (SLEEP, "w"),
        poll=0.02,
        say=lambda _text: None,
    )
    assert supervisor.run() == 3
    assert supervisor.worker is not None and supervisor.worker.poll() is not None


@pytest.mark.django_db
def test_tasks_held_by_a_dead_worker_are_marked_failed():
    # Rows as the database backend writes them when a task is enqueued.
    held = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="lindung.imports.tasks.run_import_job",
        backend_name="default",
        run_after=_now(),
    )
    other = DBTaskResult.objects.create(
        args_kwargs={"args": [2], "kwargs": {}},
        task_path="lindung.imports.tasks.run_import_job",
        backend_name="default",
        run_after=_now(),
    )
    held.claim("serve-1-dead")
    other.claim("serve-1-alive")
    assert fail_tasks_of("serve-1-dead") == 1
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.status == TaskResultStatus.FAILED and "WorkerDied" in held.traceback
    assert other.status == TaskResultStatus.RUNNING


def _now():
    return clock.now()

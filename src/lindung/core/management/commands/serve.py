"""`lindung serve`: the production WSGI server (gunicorn) and, with --with-worker, the
background task worker (django-tasks-db `db_worker`), supervised together.

The web server is what users see, so nothing the worker does may stop it: when the worker dies
(a crash, the kernel's OOM killer, `kill -9`) this command marks the tasks it was running as
failed and starts a new worker, waiting a little longer after each quick death (1 s, 2 s, 4 s
... up to 30 s) so that a worker that cannot start does not spin. Only the web server's own end
(or Ctrl-C / SIGTERM) ends the command, stopping both.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0  # a worker that ran this long resets the backoff


class Supervisor:
    """Runs `web` and (if given) `worker`, restarting the worker whenever it ends until the web
    server ends or `stop()` is called. `worker` is a function returning the command line of a
    new worker and its id; `on_worker_death(worker_id)` is told of each death."""

    def __init__(
        self,
        web: list[str],
        worker: Callable[[], tuple[list[str], str]] | None,
        *,
        env: dict[str, str] | None = None,
        poll: float = 0.5,
        on_worker_death: Callable[[str], None] = lambda _wid: None,
        say: Callable[[str], None] = print,
        first_delay: float = 1.0,
    ) -> None:
        self.web_cmd, self.worker_factory, self.env = web, worker, env
        self.poll, self.on_worker_death, self.say = poll, on_worker_death, say
        self.first_delay = first_delay
        self.stopping = False
        self.web: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_id = ""
        self.restarts = 0

    def start_worker(self) -> None:
        assert self.worker_factory is not None
        cmd, self.worker_id = self.worker_factory()
        self.worker = subprocess.Popen(cmd, env=self.env)
        self.worker_started = time.monotonic()

    def stop(self, *_args: Any) -> None:
        self.stopping = True
        for p in (self.worker, self.web):
            if p is not None and p.poll() is None:
                p.terminate()

    def run(self) -> int:
        """Supervise until the web server ends; returns its exit code."""
        if self.worker_factory is not None:
            self.start_worker()
        self.web = subprocess.Popen(self.web_cmd, env=self.env)
        quick_deaths = 0
        restart_at: float | None = None
        try:
            while self.web.poll() is None and not self.stopping:
                if (
                    self.worker is not None
                    and restart_at is None
                    and (code := self.worker.poll()) is not None
                ):
                    lived = time.monotonic() - self.worker_started
                    quick_deaths = 0 if lived > HEALTHY_AFTER else quick_deaths + 1
                    delay = min(MAX_BACKOFF, self.first_delay * 2.0 ** max(quick_deaths - 1, 0))
                    self.say(
                        f"Pekerja latar berhenti (kode {code}); dimulai ulang dalam "
                        f"{delay:.0f} detik. Situs web tetap berjalan."
                    )
                    try:
                        self.on_worker_death(self.worker_id)
                    except Exception:  # the web server must outlive any failure here too
                        log.exception("reclaiming the tasks of worker %s failed", self.worker_id)
                    restart_at = time.monotonic() + delay
                if restart_at is not None and time.monotonic() >= restart_at and not self.stopping:
                    restart_at = None
                    self.restarts += 1
                    self.start_worker()
                time.sleep(self.poll)
        finally:
            self.stop()
            for p in (self.worker, self.web):
                if p is None:
                    continue
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        return self.web.returncode or 0


def fail_tasks_of(worker_id: str) -> int:
    """Mark failed the tasks a dead worker had claimed: django-tasks-db never runs a task
    again once it is "RUNNING", so without this they would stay running forever. The import
    job behind such a task is marked failed by the imports app (`import_jobs_reclaim`)."""
    from django.tasks.base import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    ids = [
        pk
        for pk, workers in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "pk", "worker_ids"
        )
        if worker_id in workers
    ]
    if not ids:
        return 0
    return DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="lindung.core.management.commands.serve.WorkerDied",
        traceback=f"WorkerDied: worker {worker_id} ended while running this task\n",
    )


class Command(BaseCommand):
    help = "Menjalankan Lindung (gunicorn) dan, dengan --with-worker, pekerja tugas latar."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "3"))
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="jalankan juga pekerja tugas latar (impor, tagihan, laporan); "
            "dimulai ulang otomatis bila berhenti",
        )

    def handle(self, *args, host: str, port: str, workers: str, with_worker: bool, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lindung.settings"}

        def worker() -> tuple[list[str], str]:
            worker_id = f"serve-{os.getpid()}-{get_random_string(12)}"
            return [
                sys.executable,
                "-m",
                "lindung.cli",
                "db_worker",
                "--worker-id",
                worker_id,
            ], worker_id

        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "lindung.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]

        def on_worker_death(worker_id: str) -> None:
            close_old_connections()  # this process may have been idle for days
            fail_tasks_of(worker_id)

        supervisor = Supervisor(
            web,
            worker if with_worker else None,
            env=env,
            on_worker_death=on_worker_death,
            say=lambda text: self.stderr.write(text),
        )
        signal.signal(signal.SIGTERM, supervisor.stop)
        signal.signal(signal.SIGINT, supervisor.stop)
        self.stdout.write(
            self.style.SUCCESS(f"Lindung berjalan di http://{host}:{port}/ (Ctrl-C untuk berhenti)")
        )
        code = supervisor.run()
        if code and not supervisor.stopping:
            sys.exit(code)

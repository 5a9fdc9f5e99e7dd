"""`lindung serve`: the production WSGI server (gunicorn) and, with --with-worker, the
background task worker (django-tasks-db `db_worker`), stopped together on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Menjalankan Lindung (gunicorn) dan, dengan --with-worker, pekerja tugas latar."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "3"))
        parser.add_argument("--with-worker", action="store_true",
                            help="jalankan juga pekerja tugas latar (impor, tagihan, laporan)")

    def handle(self, *args, host: str, port: str, workers: str, with_worker: bool, **options):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lindung.settings"}
        procs: list[subprocess.Popen] = []
        if with_worker:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "lindung.cli", "db_worker"], env=env))
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lindung.wsgi:application",
             "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
             "--timeout", "120"], env=env))
        self.stdout.write(self.style.SUCCESS(f"Lindung berjalan di http://{host}:{port}/ "
                                             "(Ctrl-C untuk berhenti)"))

        def stop(*_args):
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            stop()
            for p in procs:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
        code = max((p.returncode or 0) for p in procs)
        if code:
            sys.exit(code)

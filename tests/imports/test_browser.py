"""Browser journey: the Paser admin uploads a file with errors, watches the progress bar while
the real database-backed task worker runs the job, downloads the error workbook, uploads the
fixed file, verifies the proposals and exports the BPJS registration file."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import override_settings
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.imports.conftest import person, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WAIT_MS = 30_000  # htmx polls every second; generous for a loaded CI machine


class Gate:
    """Holds a running job at the "mencari data ganda" phase (its progress already written,
    no transaction open) until the test has watched the bar; a 3-row file is otherwise done
    before the first poll."""

    def __init__(self) -> None:
        self.armed = False
        self.reached = threading.Event()
        self.release = threading.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from lindung.imports import services

        original = services._JobProgress.__call__
        gate = self

        def gated(progress: object, phase: str, done: int, total: int) -> None:
            original(progress, phase, done, total)
            if gate.armed and phase == "mencari data ganda":
                gate.armed = False
                gate.reached.set()
                gate.release.wait(WAIT_MS / 1000)

        monkeypatch.setattr(services._JobProgress, "__call__", gated)


@pytest.fixture
def one_sqlite_connection(live_server, transactional_db) -> Iterator[BaseDatabaseWrapper | None]:
    """On SQLite the test database lives in memory with a shared cache, where a second
    connection that meets a write lock gets "database table is locked" at once instead of
    waiting. The session's live server starts before the test database exists, so its request
    threads open connections of their own; while this test runs they use the test thread's
    connection instead (as Django's LiveServerTestCase does), and so does the task worker."""
    main = connections[DEFAULT_DB_ALIAS]
    overrides = live_server.thread.connections_override
    if main.vendor != "sqlite" or not main.is_in_memory_db() or DEFAULT_DB_ALIAS in overrides:
        yield overrides.get(DEFAULT_DB_ALIAS)
        return
    main.inc_thread_sharing()
    overrides[DEFAULT_DB_ALIAS] = main
    try:
        yield main
    finally:
        del overrides[DEFAULT_DB_ALIAS]
        # Requested before the browser fixtures, so the browser is closed by now: let its
        # keep-alive request threads close (a no-op on this connection) before unsharing.
        for thread in threading.enumerate():
            if thread.name.endswith("(process_request_thread)"):
                thread.join(10)
        main.dec_thread_sharing()


@contextmanager
def db_worker(gate: Gate, shared: BaseDatabaseWrapper | None) -> Iterator[None]:
    """Run django-tasks-db's worker (the loop behind `lindung db_worker`) in a thread, with
    the shared in-memory SQLite connection if there is one (see `one_sqlite_connection`). On
    PostgreSQL it opens its own connection, closed when the thread ends. It runs only while
    the browser waits for a result (reads and polls), never across a form post or the test
    thread's own writes: on one shared connection their transactions would interleave."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-journey",
        excluded_queue_names=[],
    )
    failures: list[BaseException] = []

    def run() -> None:
        if shared is not None:
            connections[DEFAULT_DB_ALIAS] = shared
        try:
            worker.run()
        except BaseException as e:  # reported by the test thread
            failures.append(e)
        finally:
            connections.close_all()  # a no-op for the shared in-memory database

    if shared is not None:
        shared.inc_thread_sharing()
    thread = threading.Thread(target=run, name="db-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        gate.release.set()
        worker.running = False
        thread.join(WAIT_MS / 1000)
        if shared is not None:
            shared.dec_thread_sharing()
    assert not thread.is_alive(), "the task worker did not stop"
    assert not failures, failures


def upload(page, url: str, name: str, content: bytes) -> None:
    """Upload with no worker running: the job page shows the queued job's progress bar."""
    page.goto(f"{url}/impor/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.select_option("#id_programme", "PASER-2026")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#job-progress")).to_contain_text("Menunggu")
    expect(page.locator("#job-percent")).to_have_text("0%")
    expect(page.locator("#job-progress-bar")).to_be_visible()


@pytest.mark.browser
@override_settings(TASKS=DB_TASKS)
def test_admin_imports_fixes_errors_and_exports_for_bpjs(
    live_server,
    transactional_db,
    one_sqlite_connection,
    users,
    programme,
    browser_login,
    monkeypatch,
):
    from lindung.imports.models import ImportJob
    from lindung.programs.models import Enrolment
    from lindung.programs.services import enrolment_verify

    gate = Gate()
    gate.install(monkeypatch)
    page = browser_login("admin_paser")

    page.click("text=Impor Excel")
    rows = [person(1), person(2, JENIS_KELAMIN="X"), person(3, TANGGAL_LAHIR="31/02/1985")]
    upload(page, live_server.url, "desa-samurangau.xlsx", xlsx_bytes(rows))
    job_url = page.url
    page.reload()  # nothing runs yet: the queued job's bar is still there after a reload
    expect(page.locator("#job-progress")).to_contain_text("Menunggu")

    gate.armed = True
    with db_worker(gate, one_sqlite_connection):
        # The page polls (htmx) and shows the worker's progress while the job is held.
        progress = page.locator("#job-progress")
        expect(progress).to_contain_text("Berjalan", timeout=WAIT_MS)
        expect(progress).to_contain_text("mencari data ganda")
        expect(progress).to_contain_text("3 dari 3 baris")
        expect(page.locator("#job-percent")).to_have_text("99%")
        expect(page.locator("#job-progress-bar")).to_have_attribute("value", "99")
        page.reload()  # the bar survives a reload midway
        expect(progress).to_contain_text("Berjalan")
        expect(page.locator("#job-percent")).to_have_text("99%")
        assert gate.reached.is_set() and not page.query_selector("#job-result")
        gate.release.set()
        # No reload by hand: the next poll finds the job finished and opens its result.
        page.wait_for_selector("#job-result", timeout=WAIT_MS)
    assert page.url == job_url
    assert not page.query_selector("#job-progress")
    assert page.inner_text("#count-accepted") == "1"
    assert page.inner_text("#count-rejected") == "2"
    # Grouped by what is wrong, in words (the codes stay in the workbook).
    assert "1 baris: jenis kelamin bukan L atau P" in page.inner_text("#error-groups")

    with page.expect_download() as info:
        page.click("#error-workbook")
    fixed = (
        CalamineWorkbook.from_filelike(io.BytesIO(Path(info.value.path()).read_bytes()))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[0] for r in fixed[1:]] == [rows[1]["NIK"], rows[2]["NIK"]]
    fixed_rows = [person(2), person(3)]
    upload(page, live_server.url, "desa-samurangau-perbaiki.xlsx", xlsx_bytes(fixed_rows))
    with db_worker(gate, one_sqlite_connection):
        page.wait_for_selector("#job-result", timeout=WAIT_MS)
    assert page.inner_text("#count-accepted") == "2"
    assert page.inner_text("#count-enrolled") == "2"
    assert not page.query_selector("#errors")
    assert list(ImportJob.objects.values_list("status", flat=True)) == ["selesai", "selesai"]

    for enrolment in Enrolment.objects.all():
        enrolment_verify(enrolment=enrolment, by=users.admin)
    page.click("text=Data BPJS")
    assert "3" in page.inner_text("#bpjs-export")
    page.click("#bpjs-export button")  # the next numbered batch, XLSX
    expect(page.locator("#batch-list")).to_contain_text("batch 1")
    assert "semua sudah dikirim" in page.inner_text("#bpjs-export")
    with page.expect_download() as info:
        page.click("#batch-list >> text=XLSX")
    exported = (
        CalamineWorkbook.from_filelike(io.BytesIO(Path(info.value.path()).read_bytes()))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sorted(r[1] for r in exported[1:]) == sorted(
        [rows[0]["NIK"], rows[1]["NIK"], rows[2]["NIK"]]
    )

"""Browser journey: a pimpinan opens the report page, asks for the quarter's monev PDF, watches
the progress bar while the real database-backed task worker builds it, and downloads it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.imports.test_browser import DB_TASKS, WAIT_MS, Gate, db_worker, one_sqlite_connection

__all__ = ["one_sqlite_connection"]  # a fixture, used by name


@pytest.mark.browser
@override_settings(TASKS=DB_TASKS)
def test_pimpinan_generates_and_downloads_the_quarter_report(
    live_server, transactional_db, one_sqlite_connection, users, monev, browser_login
):
    from lindung.reports.models import ReportRun

    page = browser_login("bupati")
    page.click(".nav-main >> text=Laporan")
    expect(page.locator("#id_period")).to_have_value("2026-Q4")  # this quarter by default
    page.click("#generate")
    # Nothing builds it yet: the queued run shows its bar, and survives a reload.
    expect(page.locator("#run-progress")).to_contain_text("Menunggu")
    expect(page.locator("#run-progress-bar")).to_be_visible()
    page.reload()
    expect(page.locator("#run-percent")).to_have_text("0%")
    with db_worker(Gate(), one_sqlite_connection):
        # No reload by hand: the next poll finds the run done and shows the download.
        page.wait_for_selector("#run-done", timeout=WAIT_MS)
    run = ReportRun.objects.get()
    assert (run.status, run.period, run.created_by) == ("selesai", "2026-Q4", users.leader)
    with page.expect_download() as info:
        page.click("#download")
    assert info.value.suggested_filename == "laporan-monev-64.01-2026-Q4.pdf"
    content = Path(info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Kabupaten Paser" in text and "Triwulan IV 2026" in text
    page.click("text=Arsip laporan")
    expect(page.locator("#runs")).to_contain_text("Laporan monev")

"""Shared browser fixtures: Debian's Chromium driven by Python Playwright.

Playwright cannot download browsers here, so tests launch /usr/bin/chromium. Without it the
browser tests are skipped with a visible notice, except when LINDUNG_REQUIRE_BROWSER is set
(.ci/run sets it after installing Chromium): then a missing browser fails the run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("LINDUNG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PASSWORD = "rahasia-123"  # the fixture users' password (tests/conftest.py)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Chromium tidak ditemukan di {CHROMIUM}: uji peramban dilewati"
        if os.environ.get("LINDUNG_REQUIRE_BROWSER"):
            pytest.fail(message.replace("dilewati", "wajib di CI"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="id-ID", accept_downloads=True)
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.fixture
def browser_login(live_server: Any, browser_page: Any) -> Callable[[str], Any]:
    """Log a fixture user in through the login form; returns the page on the dashboard."""

    def login(username: str) -> Any:
        page = browser_page
        page.goto(f"{live_server.url}/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login

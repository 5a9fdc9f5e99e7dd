"""Browser journey: the operator desa registers a worker and proposes them to PASER-2026."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import nik_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        pytest.skip("Chromium tidak ditemukan di /usr/bin/chromium: uji peramban dilewati")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(locale="id-ID")
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.mark.browser
def test_operator_registers_and_proposes_a_worker(
    live_server, transactional_db, users, programme, browser_page
):
    from lindung.programs.models import Enrolment
    from lindung.registry.models import Occupation

    page = browser_page
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", "op_a")
    page.fill("#id_password", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Operator desa/kelurahan" in page.inner_text("header")

    page.click("text=Daftarkan pekerja")
    page.wait_for_url("**/pekerja/baru/")
    nik = nik_for(birth=dt.date(1979, 4, 12), sex="P", serial=21)
    page.fill("#id_nik", nik)
    page.fill("#id_name", "Sitti Rahmah")
    page.select_option("#id_sex", "P")
    page.fill("#id_birth_date", "1979-04-12")
    page.select_option("#id_occupation", str(Occupation.objects.get(code="nelayan").pk))
    assert page.input_value("#id_village") == "64.01.01.2009"  # the operator's own village
    page.click("button:has-text('Daftarkan')")
    page.wait_for_url("**/pekerja/*/")
    assert "Sitti Rahmah berhasil didaftarkan" in page.inner_text(".messages")

    page.select_option("#id_programme", "PASER-2026")
    page.click("button:has-text('Usulkan')")
    page.wait_for_selector("#enrolments")
    assert "Diusulkan" in page.inner_text("#enrolments")
    assert Enrolment.objects.get(worker__nik=nik).status == Enrolment.Status.PROPOSED

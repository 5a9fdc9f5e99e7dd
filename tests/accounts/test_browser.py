"""The account pages on a phone (360 px): change the password from the header link, create an
API token (shown once) and revoke it; a locked login says why."""

from __future__ import annotations

import os

import pytest

from lindung.api.models import ApiToken
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Pohon-Kelapa-Tinggi-7"
SHOTS = os.environ.get("LINDUNG_SCREENSHOTS")  # a folder: keep screenshots to look at


def no_sideways_scroll(page) -> bool:
    page.wait_for_load_state("load")  # lindung.js boxes the tables once the page has loaded
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_password_change_and_api_tokens_on_a_phone(live_server, browser_page, browser_login, users):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login("op_a")

    page.click("label.nav-toggle-label")  # phones: the user menu folds behind "Menu"
    page.click("text=Ubah kata sandi")
    page.wait_for_url(f"{live_server.url}/akun/kata-sandi/")
    assert no_sideways_scroll(page)
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "op_a-2026-baru")
    page.fill("#id_new_password2", "op_a-2026-baru")
    page.click("main button[type=submit]")
    assert page.locator(".field-error", has_text="tidak boleh memuat nama pengguna").count() == 1
    shot(page, "password_change_error")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("text=Kata sandi Anda sudah diubah.").count() == 1

    page.click("label.nav-toggle-label")
    page.click(".who-account >> text=Token API")
    page.wait_for_url(f"{live_server.url}/akun/token-api/")
    page.fill("#id_name", "laporan desa")
    page.check("#id_read_only")
    page.click("button:has-text('Buat token')")
    token = page.locator("input[readonly]").input_value()
    assert ApiToken.objects.get(name="laporan desa").prefix == token[:8]
    assert no_sideways_scroll(page)
    shot(page, "api_tokens_created")
    page.click("summary:has-text('Cabut')")
    page.click("button:has-text('Ya, cabut token')")
    assert page.locator("text=sudah dicabut").count() == 1
    assert ApiToken.objects.get(name="laporan desa").revoked_at is not None
    shot(page, "api_tokens_revoked")


def test_a_locked_login_says_why_on_a_phone(live_server, browser_page, users):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/masuk/")
    for _ in range(5):
        page.fill("#id_username", "op_a")
        page.fill("#id_password", "salah-sekali")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("text=dikunci sementara").count() == 1
    assert page.url.endswith("/masuk/")
    assert no_sideways_scroll(page)
    shot(page, "login_locked")

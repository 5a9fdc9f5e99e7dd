"""Browser journey: the Paser admin bills January, records the SP2D payment, and sees workers
with unpaid months in arrears."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.browser import IMMEDIATE_TASKS


@pytest.mark.browser
@override_settings(TASKS=IMMEDIATE_TASKS)
def test_admin_bills_pays_and_sees_arrears(
    live_server, transactional_db, users, programme, active, browser_login
):
    from lindung.contributions.models import Bill, Payment

    page = browser_login("admin_paser")

    page.click("text=Iuran & anggaran")
    page.click("#programmes >> text=PASER-2026")
    page.wait_for_selector("#bill-form")
    page.fill("#bill-form input[name=month]", "2026-01")
    page.click("#bill-form button[type=submit]")
    page.wait_for_selector("text=Tagihan Januari 2026 dibuat")
    assert "Rp50.400" in page.inner_text("#bills")
    assert Bill.objects.get().line_count == 3

    page.fill("#id_paid_on", "2026-01-14")
    page.fill("#id_amount", "50400")
    page.fill("#id_reference", "SP2D/0001/BTL/2026")
    page.fill("#payment-form input[name=first_month]", "2026-01")
    page.select_option("#id_months_covered", "1")
    page.click("#payment-form button[type=submit]")
    page.wait_for_selector("text=Pembayaran SP2D/0001/BTL/2026")
    assert "Lunas" in page.inner_text("#bills")
    assert Payment.objects.get().allocated == 50_400

    page.click("text=Status perlindungan peserta")
    page.fill("input[name=bulan]", "2026-03")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**bulan=2026-03**")
    table = page.inner_text("#coverage-table")
    assert active[0].worker.name in table
    assert "Menunggak 2 bulan" in table

"""Browser journey: the operator desa reports a death from the worker's page, the Dinas uploads
the documents and submits, the BPJS officer records the payment; the worker's page and the
programme's value for the budget show it."""

from __future__ import annotations

import pytest

from tests.claims.conftest import PDF


def logout(page):
    if page.is_visible(".nav-toggle-label"):  # a phone-sized window: open the menu first
        page.click(".nav-toggle-label")
    page.click("text=Keluar")
    page.wait_for_url("**/masuk/**")


@pytest.mark.browser
def test_death_reported_documented_submitted_and_paid(
    live_server, transactional_db, users, insured, heir, browser_login, programme
):
    from lindung.claims.models import Claim
    from lindung.claims.rules import CHECKLISTS

    worker, _enrolment = insured
    page = browser_login("op_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/pekerja/{worker.pk}/")
    page.click("#worker-claims >> text=Laporkan klaim")
    page.select_option("#id_claim_type", "jkm")
    page.fill("#id_event_date", "2026-08-03")
    page.fill("#id_reported_date", "2026-08-20")
    page.fill("#id_description", "Meninggal di rumah karena sakit")
    page.fill("#id_claimant_name", heir["claimant_name"])
    page.select_option("#id_claimant_relationship", "pasangan")
    page.fill("#id_claimant_nik", heir["claimant_nik"])
    page.fill("#id_bank_name", heir["bank_name"])
    page.fill("#id_bank_account", heir["bank_account"])
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("#eligibility")
    assert "Rp42.000.000" in page.inner_text("#eligibility")
    assert "Iuran Agustus 2026 sudah dibayar" in page.inner_text("#eligibility")
    claim = Claim.objects.get()
    logout(page)

    page = browser_login("admin_paser")
    page.goto(f"{live_server.url}/klaim/{claim.pk}/")
    for kind in CHECKLISTS["jkm"]:
        page.select_option("#id_kind", kind)
        page.set_input_files(
            "#id_file", {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.click("#document-form button[type=submit]")
        page.wait_for_selector(".flash-success")
    page.click("#complete-button")
    page.wait_for_selector("text=dinyatakan lengkap")
    page.fill("#id_bpjs_reference", "TT/TGT/2026/001")
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("text=diajukan ke BPJS")
    assert "Diajukan ke BPJS" in page.inner_text("#claim-status")
    logout(page)

    page = browser_login("bpjs_tgt")
    page.goto(f"{live_server.url}/klaim/{claim.pk}/")
    page.fill("#id_amount", "42.000.000")
    page.fill("#id_paid_date", "2026-11-19")
    page.click("#pay-form button[type=submit]")
    page.wait_for_selector("text=Pembayaran klaim")
    assert "Dibayar" in page.inner_text("#claim-status")
    page.goto(f"{live_server.url}/pekerja/{worker.pk}/")
    claims = page.inner_text("#worker-claims")
    assert claim.number in claims and "Dibayar" in claims
    logout(page)

    page = browser_login("admin_paser")
    page.goto(f"{live_server.url}/iuran/program/{programme.code}/")
    assert "Rp42.000.000 manfaat bagi 1 keluarga" in page.inner_text(f"#value-{programme.code}")

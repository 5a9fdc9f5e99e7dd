"""Browser journey: an admin works through a programme's proposals row by row (htmx), without
leaving the page."""

from __future__ import annotations

import pytest

from tests.conftest import DESA_B


@pytest.mark.browser
def test_admin_verifies_and_rejects_proposals_in_place(
    live_server, transactional_db, users, programme, make_worker, browser_login
):
    from lindung.programs.models import Enrolment
    from lindung.programs.services import enrolment_propose

    kept = enrolment_propose(
        programme=programme, by=users.operator, worker=make_worker(name="Budi Santoso")
    )
    refused = enrolment_propose(
        programme=programme,
        by=users.admin,
        worker=make_worker(name="Rina Wati", village=DESA_B, sex="P"),
    )

    page = browser_login("admin_paser")
    page.goto(f"{live_server.url}/program/{programme.code}/")
    url = page.url
    row = page.locator(f"#enrolment-{kept.pk}")
    row.locator("button:has-text('Verifikasi')").click()
    page.wait_for_selector(f"#enrolment-{kept.pk} >> text=Tersimpan.")
    assert "Diverifikasi" in page.inner_text(f"#enrolment-{kept.pk}")
    assert page.url == url  # the row was swapped, the page stayed

    row = page.locator(f"#enrolment-{refused.pk}")
    row.locator("summary:has-text('Tolak')").click()
    row.locator("input[name=reason]").fill("Berstatus ASN")
    page.once("dialog", lambda dialog: dialog.accept())  # "Tolak usulan Rina Wati?"
    row.locator("button:has-text('Tolak usulan')").click()
    page.wait_for_selector(f"#enrolment-{refused.pk} >> text=Berstatus ASN")
    assert "Ditolak" in page.inner_text(f"#enrolment-{refused.pk}")

    kept.refresh_from_db()
    refused.refresh_from_db()
    assert (kept.status, refused.status) == (Enrolment.Status.VERIFIED, Enrolment.Status.REJECTED)
    assert refused.reject_reason == "Berstatus ASN"

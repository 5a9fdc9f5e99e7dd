"""Browser journey at phone width: an auditor opens a worker (NIK masked), reveals the full
NIK with one click (recorded), and the page still fits 360 px."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_auditor_reveals_a_full_nik_on_a_phone(
    live_server, transactional_db, users, make_worker, browser_login
):
    from lindung.audit.models import AuditEvent
    from lindung.core.formatting import mask_identity

    worker = make_worker(by=users.operator, name="Siti Aminah", sex="P")
    page = browser_login("inspektorat")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/pekerja/{worker.pk}/")
    assert page.inner_text("#worker-nik") == mask_identity(worker.nik)
    assert worker.nik not in page.content()
    page.click("#reveal-form button")
    page.wait_for_selector(f"#worker-nik >> text={worker.nik}")
    assert AuditEvent.objects.filter(action="reveal", actor=users.auditor).count() == 1
    # Nothing wider than the phone's screen outside scrollable tables (lindung.js puts every
    # table in its scrolling box once the page has loaded: the NIK may show before that).
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

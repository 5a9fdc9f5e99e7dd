"""The Content-Security-Policy in a real browser: no page Lindung serves (its own, the admin,
the API docs) makes Chromium refuse a script or style, and the behaviour moved out of inline
handlers (language switch, confirm before bulk verification) still works."""

from __future__ import annotations

import pytest

from tests.conftest import DESA_A

PAGES = [
    "/",
    "/pekerja/",
    "/pekerja/baru/",
    "/program/",
    "/program/PASER-2026/",
    "/impor/",
    "/iuran/",
    "/audit/",
    "/monitoring/",
    "/api/docs",
    "/admin/",
    "/admin/registry/worker/",
]


@pytest.mark.browser
def test_no_page_breaks_the_content_security_policy(
    live_server, transactional_db, users, programme, make_worker, browser_login, django_user_model
):
    from lindung.programs.services import enrolment_propose

    enrolment_propose(programme=programme, worker=make_worker(village=DESA_A), by=users.admin)
    users.admin.is_staff = users.admin.is_superuser = True
    users.admin.save()
    page = browser_login("admin_paser")
    violations: list[str] = []
    page.on(
        "console",
        lambda m: (
            violations.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status < 400, (path, response.status)
        assert response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert not violations, "\n".join(violations)

    # Confirm before bulk verification: dismissing the question sends nothing.
    page.goto(f"{live_server.url}/program/PASER-2026/?status=diusulkan")
    page.once("dialog", lambda d: d.dismiss())
    page.check("input[name=ids]")
    page.click("button:has-text('Verifikasi yang dipilih')")
    assert "/verifikasi-massal/" not in page.url

    # The language switch submits itself when changed.
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not violations, "\n".join(violations)

"""The dashboard: the user's region only, figures aggregated in SQL."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.programs.services import enrolment_propose, enrolment_verify
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(users, programme, make_worker):
    a1 = make_worker(village=DESA_A, occupation="nelayan")
    make_worker(village=DESA_A, occupation="petani")
    make_worker(village=DESA_B, occupation="nelayan")
    make_worker(village=DESA_OTHER_KEC, occupation="nelayan")
    make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="ojek")
    enrolment = enrolment_propose(programme=programme, worker=a1, by=users.admin)
    enrolment_verify(enrolment=enrolment, by=users.admin)


def test_admin_dashboard_counts_paser_only(client, users, population):
    client.force_login(users.admin)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    ctx = response.context
    root = ctx["report"].root
    assert (root.registered, root.proposed, root.verified, root.active) == (4, 0, 1, 0)
    # Kecamatan of Paser, largest first, each linking to its drill-down page.
    assert [(c.code, c.registered) for c in ctx["children"]] == [
        (DESA_A[:8], 3),
        (DESA_OTHER_KEC[:8], 1),
    ]
    assert f"/monitoring/wilayah/{DESA_A[:8]}/" in response.content.decode()
    assert ctx["by_occupation"] == []  # nobody active yet
    (p,) = ctx["programmes"]
    assert (p.code, p.used, p.left) == ("PASER-2026", 1, 99)


def test_operator_dashboard_is_limited_to_the_village(client, users, population):
    client.force_login(users.operator)
    ctx = client.get(reverse("home")).context
    assert ctx["report"].root.code == DESA_A
    assert ctx["report"].root.registered == 2
    assert ctx["children"] == []  # a village has no children: the page links its list


def test_ppu_admin_sees_no_paser_programme(client, users, population):
    client.force_login(users.admin_ppu)
    response = client.get(reverse("home"))
    assert response.context["report"].root.registered == 1
    assert list(response.context["programmes"]) == []
    assert "PASER-2026" not in response.content.decode()


def test_home_page_queries_do_not_grow_with_the_registry(client, users, population, make_worker):
    # The page reads the maintained rows: after a first request (which refreshes them), a
    # second costs a fixed number of queries, and more workers add none.
    client.force_login(users.province)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for _ in range(5):
        make_worker(village=DESA_B, occupation="petani")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("home"))
    assert 0 < len(after.captured_queries) <= len(before.captured_queries)
    assert response.context["report"].root.registered == 10


def test_menu_hides_audit_from_operator_and_shows_it_to_auditor(client, users):
    client.force_login(users.operator)
    assert reverse("audit:list") not in client.get(reverse("home")).content.decode()
    client.force_login(users.auditor)
    html = client.get(reverse("home")).content.decode()
    assert reverse("audit:list") in html
    assert "Auditor (Inspektorat)" in html and "Kabupaten Paser" in html


def test_empty_dashboard_says_what_to_do_next(client, users):
    client.force_login(users.operator)
    html = client.get(reverse("home")).content.decode()
    assert "Daftarkan pekerja pertama" in html


def test_login_page_and_language_switch_work_anonymously(client, db):
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert 'action="/bahasa/"' in login.content.decode()
    response = client.post(reverse("language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert response.cookies["django_language"].value == "en"


def test_pages_use_local_pico_and_htmx(client, users):
    client.force_login(users.operator)
    html = client.get(reverse("home")).content.decode()
    assert "/static/vendor/pico/pico.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    # Every script, stylesheet and image comes from this installation: no absolute or
    # protocol-relative URL in a src/href (a bare "cdn" may occur inside the CSRF token).
    assert re.findall(r"""(?:src|href)\s*=\s*["'](?:[a-z]+:)?//""", html, re.I) == []


def test_own_css_and_js_are_served(client, users):
    client.force_login(users.operator)
    for path in (
        "/static/lindung/lindung.css",
        "/static/lindung/lindung.js",
        "/static/vendor/pico/pico.min.css",
        "/static/vendor/htmx/htmx.min.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


def test_english_is_available(client, users):
    from lindung.registry.models import Occupation

    nelayan = Occupation.objects.get(code="nelayan")
    client.cookies["django_language"] = "en"
    assert "Log in to Lindung" in client.get(reverse("login")).content.decode()
    client.force_login(users.operator)
    html = client.get(reverse("home")).content.decode()
    assert "Active participants by occupation" in html and "Village operator" in html
    response = client.post(
        reverse("registry:create"),
        {
            "nik": "123",
            "name": "X",
            "sex": "L",
            "birth_date": "1990-01-01",
            "village": "64.01.01.2009",
            "occupation": nelayan.pk,
        },
    )
    assert "The NIK must be exactly 16 digits" in response.content.decode()

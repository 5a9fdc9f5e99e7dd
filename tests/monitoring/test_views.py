"""The dashboard: the user's region only, figures aggregated in SQL."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lindung.monitoring import selectors
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
    assert ctx["worker_count"] == 4
    assert dict((s, n) for s, _label, n in ctx["status_counts"])["diverifikasi"] == 1
    assert {r["name"]: r["n"] for r in ctx["by_district"]} == {
        "Batu Sopang": 3,
        "Tanjung Harapan": 1,
    }
    assert {r["occupation__name"]: r["n"] for r in ctx["by_occupation"]}.get("Ojek") is None
    (p,) = ctx["programmes"]
    assert (p.code, p.used, p.left) == ("PASER-2026", 1, 99)


def test_operator_dashboard_is_limited_to_the_village(client, users, population):
    client.force_login(users.operator)
    ctx = client.get(reverse("home")).context
    assert ctx["worker_count"] == 2
    assert [r["n"] for r in ctx["by_district"]] == [2]
    assert sorted(r["n"] for r in ctx["by_occupation"]) == [1, 1]


def test_ppu_admin_sees_no_paser_programme(client, users, population):
    client.force_login(users.admin_ppu)
    response = client.get(reverse("home"))
    assert response.context["worker_count"] == 1
    assert list(response.context["programmes"]) == []
    assert "PASER-2026" not in response.content.decode()


def test_aggregates_are_set_based(users, population, django_assert_max_num_queries):
    # The user's extra regions, kecamatan counts + their names, occupations, programmes:
    # a fixed number of queries whatever the number of workers.
    with django_assert_max_num_queries(5):
        selectors.workers_by_district(user=users.province)
        selectors.workers_by_occupation(user=users.province)
        list(selectors.programme_quotas(user=users.province))


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
    assert "Workers by district" in html and "Village operator" in html
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

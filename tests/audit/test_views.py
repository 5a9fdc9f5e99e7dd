"""The audit trail page: auditor and admins of the region only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import DESA_PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(users, make_worker):
    make_worker(name="Warga Paser")
    make_worker(by=users.admin_ppu, village=DESA_PPU, name="Warga Penajam")


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditor_and_admin_read_their_region(client, users, events, role):
    client.force_login(getattr(users, role))
    response = client.get(reverse("audit:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pekerja Warga Paser didaftarkan" in html
    assert "Warga Penajam" not in html
    assert "admin_paser" in html  # who


@pytest.mark.parametrize("role", ["operator", "leader", "bpjs"])
def test_other_roles_get_403(client, users, events, role):
    client.force_login(getattr(users, role))
    assert client.get(reverse("audit:list")).status_code == 403


def test_filter_by_text_and_type(client, users, events, programme):
    client.force_login(users.auditor)
    by_text = client.get(reverse("audit:list"), {"q": "warga paser"})
    by_type = client.get(reverse("audit:list"), {"jenis": "programme"})
    assert [e.summary for e in by_text.context["page_obj"]] == ["Pekerja Warga Paser didaftarkan"]
    assert [e.object_type for e in by_type.context["page_obj"]] == ["programme"]


def test_htmx_filter_returns_only_the_table(client, users, events):
    client.force_login(users.auditor)
    response = client.get(reverse("audit:list"), {"q": "paser"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="event-table">')

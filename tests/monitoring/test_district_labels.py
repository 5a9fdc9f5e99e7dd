"""Kecamatan of several regencies on one dashboard carry their kabupaten's name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.regions.models import Region
from tests.conftest import DESA_A, DESA_PPU, PASER, PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regencies(users, make_worker):
    make_worker(village=DESA_A)
    make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="ojek")


def test_province_dashboard_names_the_kabupaten_of_each_kecamatan(client, users, two_regencies):
    client.force_login(users.province)
    response = client.get(reverse("home"))
    rows = {r["code"]: r["regency"] for r in response.context["by_district"]}
    paser, ppu = Region.objects.get(code=PASER).name, Region.objects.get(code=PPU).name
    assert rows == {DESA_A[:8]: paser, DESA_PPU[:8]: ppu}
    assert f'<small class="muted">· {ppu}</small>' in response.content.decode()


def test_one_regency_needs_no_kabupaten_label(client, users, two_regencies):
    client.force_login(users.admin)
    response = client.get(reverse("home"))
    assert [r["regency"] for r in response.context["by_district"]] == [""]

"""The home page of a user with several regions (a BPJS branch serving two regencies) and of
the province: one row per region, each named and linking to its drill-down page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.regions.models import Region
from tests.conftest import DESA_A, DESA_PPU, PASER, PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_regencies(users, make_worker):
    make_worker(village=DESA_A)
    make_worker(village=DESA_A)
    make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="ojek")


def test_province_home_lists_its_regencies(client, users, two_regencies):
    client.force_login(users.province)
    response = client.get(reverse("home"))
    rows = {c.code: c.registered for c in response.context["children"]}
    assert rows == {PASER: 2, PPU: 1}
    html = response.content.decode()
    assert Region.objects.get(code=PPU).name in html
    assert f"/monitoring/wilayah/{PPU}/" in html


def test_a_branch_serving_two_regencies_sees_both_summed(client, users, two_regencies):
    users.bpjs.extra_regions.add(Region.objects.get(code=PPU))
    client.force_login(users.bpjs)
    response = client.get(reverse("home"))
    report = response.context["report"]
    assert report.root.registered == 3
    assert [(c.code, c.registered) for c in response.context["children"]] == [(PASER, 2), (PPU, 1)]
    paser, ppu = Region.objects.get(code=PASER).name, Region.objects.get(code=PPU).name
    assert report.root.name == f"{paser}, {ppu}"


def test_one_regency_lists_its_kecamatan(client, users, two_regencies):
    client.force_login(users.admin)
    response = client.get(reverse("home"))
    assert [(c.code, c.registered) for c in response.context["children"]] == [(DESA_A[:8], 2)]

"""The header names the user, the role and every region the user serves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lindung.regions.models import Region
from tests.conftest import PASER, PPU

pytestmark = pytest.mark.django_db


def test_bpjs_branch_header_names_every_regency_it_serves(client, make_user):
    officer = make_user("bpjs_cabang", "petugas_bpjs", PASER)
    officer.extra_regions.add(Region.objects.get(code=PPU))
    client.force_login(officer)
    page = client.get(reverse("home")).content.decode()
    paser, ppu = Region.objects.get(code=PASER).label, Region.objects.get(code=PPU).label
    assert f"Petugas BPJS Ketenagakerjaan · {paser}, {ppu}</small>" in page


def test_single_region_header_is_unchanged(client, users):
    client.force_login(users.admin)
    page = client.get(reverse("home")).content.decode()
    paser = Region.objects.get(code=PASER).label
    assert f"Admin kabupaten/kota (Disnaker) · {paser}</small>" in page

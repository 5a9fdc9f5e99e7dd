"""Loading the whole Kemendagri hierarchy from idn-area-data 4.0.1 (DOMAIN.md §3)."""

from __future__ import annotations

import pytest
from django.db.models import Count

from lindung.regions.models import Region
from lindung.regions.services import EDITION, regions_load

pytestmark = pytest.mark.django_db


def test_all_of_indonesia_loads_once_with_the_checked_figures_and_its_edition(regions):
    regions_load()  # the session database holds Kalimantan Timur; this adds the rest
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert by_level == {
        Region.Level.PROVINCE: 38,
        Region.Level.REGENCY: 514,
        Region.Level.DISTRICT: 7_285,
        Region.Level.VILLAGE: 83_762,
    }

    def kinds(prefix: str) -> dict[str, int]:
        return dict(
            Region.objects.filter(code__startswith=prefix + ".", level=4)
            .values_list("kind")
            .annotate(n=Count("code"))
        )

    paser = Region.objects.get(code="64.01")
    assert (paser.name, paser.kind, paser.parent_id) == ("Kabupaten Paser", "kabupaten", "64")
    assert paser.children.count() == 10
    assert kinds("64.01") == {"desa": 139, "kelurahan": 5}
    ppu = Region.objects.get(code="64.09")
    assert sorted(ppu.children.values_list("name", flat=True)) == [
        "Babulu",
        "Penajam",
        "Sepaku",
        "Waru",
    ]
    assert kinds("64.09") == {"desa": 30, "kelurahan": 24}
    kaltim = Region.objects.filter(parent_id="64")
    assert (kaltim.filter(kind="kabupaten").count(), kaltim.filter(kind="kota").count()) == (7, 3)

    assert Region.objects.filter(level=4, parent__isnull=True).count() == 0
    assert set(Region.objects.values_list("edition", flat=True).distinct()) == {EDITION}
    assert "idn-area-data 4.0.1" in EDITION

    assert regions_load() == 0
    assert Region.objects.count() == 38 + 514 + 7_285 + 83_762

"""Charts and the coverage map: the npm libraries served by Lindung, `lindung
import-boundaries` (checked under the upload limits) and the map's GeoJSON (scoped)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from lindung.core.uploads import FileRefused
from lindung.monitoring.boundaries import boundaries_import
from lindung.monitoring.models import Boundary
from lindung.regions.models import Region
from tests.conftest import PASER

pytestmark = pytest.mark.django_db


def geojson(codes: list[str], *, extra: list[dict] | None = None) -> bytes:
    """A small generated collection: one square per region, side by side."""
    features = []
    for i, code in enumerate(codes):
        x, y = 116.0 + i * 0.1, -1.9
        ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"kode": code, "nama": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features + (extra or [])}).encode()


@pytest.fixture
def districts(regions):
    return list(
        Region.objects.filter(parent_id=PASER).order_by("code").values_list("code", flat=True)
    )


def test_libraries_are_served_from_npm(client, users):
    client.force_login(users.leader)
    for path in (
        "/static/vendor/chartjs/chart.umd.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/monitoring/charts.js",
        "/static/monitoring/map.js",
    ):
        assert client.get(path).status_code == 200, path


def test_region_page_has_charts_with_their_data_and_no_inline_script(client, users, monev):
    client.force_login(users.leader)
    html = client.get(reverse("monitoring:region", args=[PASER])).content.decode()
    assert 'id="chart-trend"' in html and 'id="chart-occupation"' in html
    assert 'id="trend"' in html and 'id="by-occupation-active"' in html  # the tables
    assert 'id="chart-data" type="application/json"' in html
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="map"' not in html  # no outlines imported yet


def test_import_boundaries_command_and_map(client, users, monev, districts, tmp_path):
    path = tmp_path / "paser.geojson"
    path.write_bytes(
        geojson(
            districts,
            extra=[
                {"type": "Feature", "properties": {}, "geometry": None},
                {
                    "type": "Feature",
                    "properties": {"kode": "99.99"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                    },
                },
                {
                    "type": "Feature",
                    "properties": {"kode": districts[0]},
                    "geometry": {"type": "Point", "coordinates": [0, 0]},
                },
            ],
        )
    )
    out = __import__("io").StringIO()
    call_command("import_boundaries", str(path), json=True, user=users.admin.username, stdout=out)
    report = json.loads(out.getvalue())
    assert report["imported"] == len(districts)
    assert {e["code"] for e in report["errors"]} == {
        "code_missing",
        "region_unknown",
        "geometry_invalid",
    }
    assert Boundary.objects.count() == len(districts)
    client.force_login(users.leader)
    html = client.get(reverse("monitoring:region", args=[PASER])).content.decode()
    assert 'id="map"' in html and "vendor/leaflet/leaflet.js" in html
    data = client.get(reverse("monitoring:map_data", args=[PASER])).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(by_code) == set(districts)
    first = by_code["64.01.01"]
    assert first["active"] == 3 and first["class"].startswith("cov-")
    client.force_login(users.admin_ppu)
    assert client.get(reverse("monitoring:map_data", args=[PASER])).status_code == 403


def test_boundaries_refused_like_every_upload(users, settings, districts):
    with pytest.raises(FileRefused) as e:
        boundaries_import(content=b"PK\x03\x04 not json", by=users.admin)
    assert e.value.code == "file_type"
    with pytest.raises(FileRefused):
        boundaries_import(content=b'{"type": "Feature"}', by=users.admin)
    settings.UPLOAD_LIMITS = {"max_bytes": 100}
    with pytest.raises(FileRefused) as e:
        boundaries_import(content=geojson(districts), by=users.admin)
    assert e.value.code == "file_too_large"


def test_boundaries_outside_the_scope_are_not_stored(users, regions):
    report = boundaries_import(content=geojson(["64.09.01"]), by=users.admin)
    assert report.imported == 0 and report.errors[0]["code"] == "region_out_of_scope"

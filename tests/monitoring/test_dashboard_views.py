"""Dashboard pages: wiring, scope (403/404), downloads and a query count that does not grow
with the number of villages or workers."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.monitoring import indicators
from tests.conftest import DESA_A, DESA_B, DESA_PPU, PASER, PPU

pytestmark = pytest.mark.django_db


def test_regency_page_links_each_kecamatan(client, users, monev):
    client.force_login(users.admin)
    response = client.get(reverse("monitoring:region", args=[PASER]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("monitoring:region", args=["64.01.01"]) in html
    assert "Batu Sopang" in html and "1,6 %" in html  # Paser's coverage, Indonesian form
    assert "Penajam" not in html


def test_root_redirects_to_the_users_region(client, users):
    client.force_login(users.operator)
    response = client.get(reverse("monitoring:root"))
    assert response.url == reverse("monitoring:region", args=[DESA_A])


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("admin", PPU),
        ("admin", "64.09.01"),
        ("admin_ppu", PASER),
        ("operator", DESA_B),
        ("operator", "64.01.01"),
        ("leader", "64"),
    ],
)
def test_drilling_outside_the_scope_is_forbidden(client, users, monev, who, code):
    client.force_login(getattr(users, who))
    assert client.get(reverse("monitoring:region", args=[code])).status_code == 403
    assert client.get(reverse("monitoring:rollout", args=[code])).status_code == 403
    assert (
        client.get(reverse("monitoring:region", args=[code]), {"format": "xlsx"}).status_code == 403
    )


def test_national_page_is_for_national_users_only(client, users, monev):
    client.force_login(users.province)
    assert client.get(reverse("monitoring:national")).status_code == 403


def test_unknown_region_is_404(client, users):
    client.force_login(users.province)
    assert client.get(reverse("monitoring:region", args=["64.77"])).status_code == 404


def test_operator_sees_their_village(client, users, monev):
    client.force_login(users.operator)
    html = client.get(reverse("monitoring:region", args=[DESA_A])).content.decode()
    assert "Melaksanakan" in html


def test_province_rollup_lists_every_regency(client, users, monev):
    client.force_login(users.province)
    response = client.get(reverse("monitoring:region", args=["64"]))
    report = response.context["report"]
    assert len(report.children) == 10
    html = response.content.decode()
    assert reverse("monitoring:region", args=[PPU]) in html


def test_rollout_filter_shows_the_gap(client, users, monev):
    client.force_login(users.admin)
    response = client.get(
        reverse("monitoring:rollout", args=["64.01.01"]), {"status": "belum_dijangkau"}
    )
    codes = [f.code for f, _d in response.context["rows"]]
    assert len(codes) == 7 and DESA_A not in codes and DESA_B not in codes
    response = client.get(
        reverse("monitoring:rollout", args=["64.01.01"]), {"status": "melaksanakan"}
    )
    assert [f.code for f, _d in response.context["rows"]] == [DESA_A, DESA_B]


def test_xlsx_download_is_the_table_on_screen(client, users, monev):
    client.force_login(users.admin)
    response = client.get(reverse("monitoring:region", args=[PASER]), {"format": "xlsx"})
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[3]
    body = rows[4:]
    assert header[:4] == ("Kode", "Wilayah", "Pekerja terdata", "Peserta aktif")
    assert [r[0] for r in body][:2] == ["64.01.01", "64.01.02"]
    assert body[-1][0] == PASER and body[-1][3] == 3 and body[-1][8] == 1.6
    csv = client.get(reverse("monitoring:region", args=[PASER]), {"format": "csv"})
    assert csv.content.decode("utf-8-sig").splitlines()[1].startswith('"64.01.01"')


def test_month_period(client, users, monev):
    client.force_login(users.admin)
    response = client.get(reverse("monitoring:region", args=[PASER]), {"bulan": "2026-03"})
    report = response.context["report"]
    assert (report.start.isoformat(), report.end.isoformat()) == ("2026-03-01", "2026-03-31")
    assert (report.root.active, report.root.new) == (4, 1)


def test_home_shows_the_indicators(client, users, monev):
    client.force_login(users.admin)
    response = client.get(reverse("home"))
    assert response.context["report"].root.active == 3
    assert reverse("monitoring:root") in response.content.decode()


def _queries(user, code: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        indicators.region_report(user=user, code=code, with_trend=True)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_villages(users, monev, django_assert_max_num_queries):
    # A village, a kecamatan (9 villages), a regency (144), the province (1,000+): the same
    # queries, whatever the number of villages and workers.
    indicators.region_report(user=users.province, code="64")  # the user's scope, read once
    counts = {code: _queries(users.province, code) for code in ("64.01.01", PASER, "64")}
    assert len(set(counts.values())) == 1, counts
    assert _queries(users.province, DESA_A) <= counts["64"]  # a village has no children
    # The maintained rows' refresh reads the state and the last audit id when nothing changed.
    with django_assert_max_num_queries(17):
        indicators.region_report(user=users.province, code="64", with_trend=True)
    with django_assert_max_num_queries(13):
        indicators.village_rollout(user=users.province, code="64")


def test_query_count_does_not_grow_with_workers(users, monev, make_worker, programme):
    _queries(users.admin, PASER)  # builds the maintained rows
    before = _queries(users.admin, PASER)
    make_worker(village=DESA_B)
    after_one = _queries(users.admin, PASER)  # includes refreshing the village's rows
    for _ in range(5):
        make_worker(village=DESA_B)
    make_worker(village=DESA_A)
    assert _queries(users.admin, PASER) == after_one
    assert _queries(users.admin, PASER) == before


def test_ppu_village_not_in_paser_rollout(client, users, monev):
    client.force_login(users.admin)
    response = client.get(reverse("monitoring:rollout", args=[PASER]))
    assert DESA_PPU not in [f.code for f, _d in response.context["rows"]]

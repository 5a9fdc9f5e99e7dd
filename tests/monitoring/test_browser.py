"""Browser journeys of monitoring (issue 9): a pimpinan drills from the regency to a village
and downloads the table; an operator desa records a sosialisasi and the village moves to
*sudah sosialisasi*; an admin imports denominators and sees coverage %."""

from __future__ import annotations

import pytest

from tests.conftest import DESA_A, DESA_OTHER_KEC, PASER


@pytest.mark.browser
def test_leader_drills_down_to_a_village_and_downloads(
    live_server, transactional_db, users, monev, browser_login
):
    page = browser_login("bupati")
    page.goto(f"{live_server.url}/monitoring/")
    page.wait_for_url(f"**/monitoring/wilayah/{PASER}/")
    page.wait_for_selector("#chart-trend")
    page.click("#children >> text=Batu Sopang")
    page.wait_for_url("**/monitoring/wilayah/64.01.01/")
    page.click("#children >> text=Samurangau")
    page.wait_for_url(f"**/monitoring/wilayah/{DESA_A}/")
    assert "Melaksanakan" in page.inner_text("main")
    page.goto(f"{live_server.url}/monitoring/wilayah/64.01.01/")
    with page.expect_download() as download:
        page.click("text=Unduh CSV")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "Samurangau" in text and "Peserta aktif" in text


@pytest.mark.browser
def test_operator_records_a_sosialisasi_and_the_village_moves(
    live_server, transactional_db, users, browser_login, regions
):
    from lindung.monitoring import indicators

    def stage() -> str:
        return indicators.region_report(user=users.admin, code=DESA_A).root.rollout

    assert stage() == "belum_dijangkau"
    page = browser_login("op_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/sosialisasi/baru/")
    page.select_option("#id_kind", "sosialisasi")
    page.fill("#id_date", "2026-11-18")
    page.fill("#id_attendees_male", "14")
    page.fill("#id_attendees_female", "11")
    page.click("main form button:has-text('Simpan')")
    page.wait_for_url("**/sosialisasi/")
    assert stage() == "sudah_sosialisasi"
    page.goto(f"{live_server.url}/monitoring/wilayah/{DESA_A}/")
    assert "Sudah sosialisasi" in page.inner_text("main")


@pytest.mark.browser
def test_admin_imports_denominators_and_sees_coverage(
    live_server, transactional_db, users, monev, browser_login, tmp_path
):
    from lindung.monitoring.models import Denominator

    Denominator.objects.all().delete()
    page = browser_login("admin_paser")
    page.goto(f"{live_server.url}/monitoring/wilayah/64.01.01/")
    assert "25,0 %" not in page.inner_text("#children >> tr:has-text('Samurangau')")
    page.goto(f"{live_server.url}/monitoring/penyebut/impor/")
    content = (
        f"KODE_DESA,PEKERJAAN,JUMLAH,SUMBER\n{DESA_A},,8,bps\n{DESA_OTHER_KEC},,50,bps\n"
    ).encode()
    page.set_input_files(
        "#id_file", {"name": "penyebut.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.fill("#id_year", "2026")
    page.click("main form button:has-text('Impor')")
    page.wait_for_selector("#import-report")
    assert "2 diterima" in page.inner_text("#import-report")
    page.goto(f"{live_server.url}/monitoring/wilayah/64.01.01/")
    row = page.inner_text("#children >> tr:has-text('Samurangau')")
    assert "25,0 %" in row  # 2 active of 8

"""Browser journey: the Paser admin uploads a file with errors, downloads the error workbook,
uploads the fixed file, verifies the proposals and exports the BPJS registration file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import override_settings
from python_calamine import CalamineWorkbook

from tests.browser import IMMEDIATE_TASKS
from tests.imports.conftest import person, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"




def upload(page, url: str, name: str, content: bytes) -> None:
    page.goto(f"{url}/impor/")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": XLSX,
                                             "buffer": content}])
    page.select_option("#id_programme", "PASER-2026")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#job-result")


@pytest.mark.browser
@override_settings(TASKS=IMMEDIATE_TASKS)
def test_admin_imports_fixes_errors_and_exports_for_bpjs(live_server, transactional_db, users,
                                                          programme, browser_login):
    from lindung.programs.models import Enrolment
    from lindung.programs.services import enrolment_verify

    page = browser_login("admin_paser")

    page.click("text=Impor Excel")
    rows = [person(1), person(2, JENIS_KELAMIN="X"), person(3, TANGGAL_LAHIR="31/02/1985")]
    upload(page, live_server.url, "desa-samurangau.xlsx", xlsx_bytes(rows))
    assert page.inner_text("#count-accepted") == "1"
    assert page.inner_text("#count-rejected") == "2"
    assert "sex_invalid" in page.inner_text("#errors")

    with page.expect_download() as info:
        page.click("#error-workbook")
    fixed = CalamineWorkbook.from_filelike(io.BytesIO(Path(info.value.path()).read_bytes())) \
        .get_sheet_by_index(0).to_python()
    assert [r[0] for r in fixed[1:]] == [rows[1]["NIK"], rows[2]["NIK"]]
    fixed_rows = [person(2), person(3)]
    upload(page, live_server.url, "desa-samurangau-perbaiki.xlsx", xlsx_bytes(fixed_rows))
    assert page.inner_text("#count-accepted") == "2"
    assert page.inner_text("#count-enrolled") == "2"
    assert not page.query_selector("#errors")

    for enrolment in Enrolment.objects.all():
        enrolment_verify(enrolment=enrolment, by=users.admin)
    page.click("text=Data BPJS")
    assert "3" in page.inner_text("#bpjs-export")
    with page.expect_download() as info:
        page.click("#bpjs-export >> text=XLSX")
    exported = CalamineWorkbook.from_filelike(io.BytesIO(Path(info.value.path()).read_bytes())) \
        .get_sheet_by_index(0).to_python()
    assert sorted(r[1] for r in exported[1:]) == sorted(
        [rows[0]["NIK"], rows[1]["NIK"], rows[2]["NIK"]])

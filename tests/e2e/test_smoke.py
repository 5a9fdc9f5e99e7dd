"""Browser journey: the operator desa registers a worker and proposes them to PASER-2026."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import nik_for


@pytest.mark.browser
def test_operator_registers_and_proposes_a_worker(
    live_server, transactional_db, users, programme, browser_login
):
    from lindung.programs.models import Enrolment
    from lindung.registry.models import Occupation

    page = browser_login("op_a")
    assert "Operator desa/kelurahan" in page.inner_text("header")

    page.click("text=Daftarkan pekerja")
    page.wait_for_url("**/pekerja/baru/")
    nik = nik_for(birth=dt.date(1979, 4, 12), sex="P", serial=21)
    page.fill("#id_nik", nik)
    page.fill("#id_name", "Sitti Rahmah")
    page.select_option("#id_sex", "P")
    page.fill("#id_birth_date", "1979-04-12")
    page.select_option("#id_occupation", str(Occupation.objects.get(code="nelayan").pk))
    assert page.input_value("#id_village") == "64.01.01.2009"  # the operator's own village
    page.click("button:has-text('Daftarkan')")
    page.wait_for_url("**/pekerja/*/")
    assert "Sitti Rahmah berhasil didaftarkan" in page.inner_text(".messages")

    page.select_option("#id_programme", "PASER-2026")
    page.click("button:has-text('Usulkan')")
    page.wait_for_selector("#enrolments")
    assert "Diusulkan" in page.inner_text("#enrolments")
    assert Enrolment.objects.get(worker__nik=nik).status == Enrolment.Status.PROPOSED

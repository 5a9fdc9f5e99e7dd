"""The letterhead's signatory as the bill statement prints it (issue 13): the fields an admin
edits on the letterhead page, the text shared by the PDF and the spreadsheet, and the bill
statement as a background report (kind `tagihan`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.contributions.services import bill_generate
from lindung.core.formatting import tanggal
from lindung.regions.models import Region
from lindung.reports import pdf, rules, services
from lindung.reports.models import Letterhead, ReportRun
from tests.conftest import PASER

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)


def test_letterhead_page_edits_the_signatory_the_statement_prints(client, users):
    client.force_login(users.admin)
    page = client.get(reverse("reports:letterhead")).content.decode()
    for field in ("city", "signer_title", "signer_name", "signer_rank", "signer_nip"):
        assert f'name="{field}"' in page
    response = client.post(
        reverse("reports:letterhead"),
        {
            "wilayah": PASER,
            "government": "PEMERINTAH KABUPATEN PASER",
            "agency": "Dinas Tenaga Kerja",
            "city": "Tana Paser",
            "signer_title": "Kepala Dinas Tenaga Kerja",
            "signer_name": "Rina Wulandari",
            "signer_rank": "",
            "signer_nip": "19800202 200501 2 003",
        },
    )
    assert response.status_code == 302
    lh = Letterhead.objects.get(region_id=PASER)
    sig = pdf.signature_lines(lh, dt.date(2026, 11, 20))
    assert sig == pdf.Signature(
        dated="Tana Paser, 20 November 2026",
        title="Kepala Dinas Tenaga Kerja",
        name="Rina Wulandari",
        rank="",
        nip="NIP. 19800202 200501 2 003",
    )
    assert pdf.letterhead_lines(lh.region, lh) == [
        "PEMERINTAH KABUPATEN PASER",
        "DINAS TENAGA KERJA",
    ]


def test_without_letterhead_the_lines_come_from_the_region_and_the_signature_is_blank():
    regency = Region.objects.get(code=PASER)
    assert pdf.letterhead_lines(regency, None) == ["PEMERINTAH KABUPATEN PASER"]
    province = Region.objects.get(code="64")
    assert pdf.letterhead_lines(province, None) == ["PEMERINTAH PROVINSI KALIMANTAN TIMUR"]
    sig = pdf.signature_lines(None, dt.date(2026, 11, 20))
    assert sig.dated == tanggal(dt.date(2026, 11, 20)) and sig.title == "Kepala Dinas"
    assert set(sig.name) == {"(", ".", ")"} and sig.nip.startswith("NIP. ....")


def test_statement_run_checks_month_role_and_bill(users, programme, make_worker, activate):
    activate(programme, make_worker())
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    with pytest.raises(rules.PeriodInvalid):
        services.report_run_request(
            by=users.admin,
            region_code=PASER,
            kind=ReportRun.Kind.STATEMENT,
            period="2026-Q1",
            fmt="pdf",
            parameters={"bill": bill.pk},
        )
    # A bill's month may lie ahead of today: contributions are paid in advance.
    export, name = services.report_build(
        user=users.admin,
        kind=ReportRun.Kind.STATEMENT,
        code=PASER,
        period="2026-01",
        fmt="xlsx",
        parameters={"bill": bill.pk},
    )
    assert name == "tagihan-iuran-PASER-2026-2026-01.xlsx" and export.rows == 2
    with pytest.raises(services.ReportRefused) as e:
        services.report_build(
            user=users.operator,
            kind=ReportRun.Kind.STATEMENT,
            code=users.operator.region_id,
            period="2026-01",
            fmt="pdf",
            parameters={"bill": bill.pk},
        )
    assert e.value.code == "role"
    with pytest.raises(services.ReportRefused) as e:
        services.report_build(
            user=users.admin,
            kind=ReportRun.Kind.STATEMENT,
            code=PASER,
            period="2026-01",
            fmt="pdf",
            parameters={"bill": bill.pk + 1000},
        )
    assert e.value.code == "bill_unknown"

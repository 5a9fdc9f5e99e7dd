"""The Paritrana self-assessment: seeded criteria, the facts the data knows, what the Dinas
enters, the score with hand-computed totals, exports and the province's comparison."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lindung.core.errors import ScopeDenied, ValidationFailed
from lindung.monitoring import indicators
from lindung.reports import render, selectors, services
from lindung.reports.models import ParitranaAssessment, ReportRun
from tests.conftest import PASER, PPU

pytestmark = pytest.mark.django_db


def test_seeded_criteria(criteria):
    c = selectors.criteria_on(dt.date(2026, 1, 1))
    assert {k: v.weight for k, v in c.items()} == {
        "regulation": Decimal(20),
        "coverage": Decimal(35),
        "budget": Decimal(20),
        "innovation": Decimal(10),
        "interview": Decimal(15),
    }
    assert c["regulation"].bands == {"perda": 100, "perbup": 70, "none": 0}


def test_score_of_paser_2026_from_data_and_entries(users, monev, programme, criteria):
    from lindung.contributions.services import payment_record
    from lindung.programs.services import budget_line_add

    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=200_000,
        date=dt.date(2026, 1, 2),
        document_ref="DPA 1/2026",
    )
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 2, 10),
        amount=100_800,
        reference="SP2D-1",
        first_month=dt.date(2026, 1, 1),
        months_covered=3,
    )
    services.paritrana_save(
        by=users.admin,
        region=users.admin.region,
        year=2026,
        regulation="perbup",
        regulation_number="4",
        regulation_year=2022,
        regulation_title="Perlindungan pekerja rentan",
        interview_score=Decimal("80"),
    )
    services.innovation_add(
        by=users.admin,
        region=users.admin.region,
        year=2026,
        title="Pendaftaran massal di desa",
        evidence="SK 12/2026",
    )
    services.innovation_add(
        by=users.admin, region=users.admin.region, year=2026, title="Tanpa bukti"
    )
    r = selectors.paritrana_result(user=users.admin, code=PASER, year=2026)
    # Coverage: the dashboard's at the year's end so far (below 10 % -> band 0); budget
    # 100.800 / 200.000 = 50,4 % -> 50; Perbup 70; one innovation with evidence -> 50;
    # interview 80. (70×20 + 0×35 + 50×20 + 50×10 + 80×15) / 100 = 4100 / 100
    dashboard = indicators.region_report(
        user=users.admin, code=PASER, on=dt.date(2026, 11, 20), start=dt.date(2026, 1, 1)
    ).root
    assert r.facts.coverage_pct == dashboard.coverage_pct < 10
    assert r.facts.active == dashboard.active and r.facts.programmes == ["PASER-2026"]
    assert (r.inputs.budget_allocated, r.inputs.budget_realised) == (200_000, 100_800)
    assert r.inputs.innovations == 1
    assert r.score.total == Decimal("41.00")
    assert [row.score for row in r.score.rows] == [70, 0, 50, 50, 80]
    # Budget entered by hand wins over the data: 900.000 of 1.000.000 = 90 % -> 100.
    services.paritrana_save(
        by=users.admin,
        region=users.admin.region,
        year=2026,
        regulation="perda",
        regulation_number="3",
        regulation_year=2025,
        budget_allocated=1_000_000,
        budget_realised=900_000,
        interview_score=Decimal("80"),
    )
    r = selectors.paritrana_result(user=users.admin, code=PASER, year=2026)
    # (100×20 + 0 + 100×20 + 50×10 + 80×15) / 100 = (2000 + 2000 + 500 + 1200) / 100 = 57,00
    assert r.score.total == Decimal("57.00") and not r.budget_from_data
    pdf = render.paritrana_pdf(r).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nilai total: 57,00 dari 100" in text and "Halaman 1 dari" in text
    wb = load_workbook(io.BytesIO(render.paritrana_xlsx(r).content))
    rows = list(wb["Skor"].iter_rows(values_only=True))
    total = next(row for row in rows if row[0] == "Nilai total")
    assert total[4] == pytest.approx(57.0) and total[3] == pytest.approx(100.0)


def test_entries_are_checked(users, monev, criteria):
    with pytest.raises(ValidationFailed) as e:
        services.paritrana_save(
            by=users.admin,
            region=users.admin.region,
            year=2025,
            regulation="perda",
            interview_score=Decimal("101"),
        )
    assert {x.field for x in e.value.errors} == {
        "regulation_number",
        "regulation_year",
        "interview_score",
    }
    with pytest.raises(ScopeDenied):
        services.paritrana_save(
            by=users.admin_ppu, region=users.admin.region, year=2025, regulation="none"
        )
    with pytest.raises(ScopeDenied):
        services.paritrana_save(
            by=users.leader, region=users.admin.region, year=2025, regulation="none"
        )


def test_page_opens_on_the_previous_year_and_saves(client, users, monev, criteria):
    client.force_login(users.admin)
    r = client.get(reverse("reports:paritrana_home"))
    assert r.url == reverse("reports:paritrana", args=[PASER, 2025])
    page = client.get(r.url)
    assert page.status_code == 200 and b'id="paritrana-form"' in page.content
    r = client.post(
        r.url,
        {
            "regulation": "perbup",
            "regulation_number": "4",
            "regulation_year": "2022",
            "interview_score": "75",
        },
    )
    assert r.status_code == 302
    a = ParitranaAssessment.objects.get(region_id=PASER, year=2025)
    assert (a.regulation, a.interview_score) == ("perbup", Decimal("75"))
    r = client.post(
        reverse("reports:innovation_add", args=[PASER, 2025]),
        {"title": "Kartu peserta digital", "evidence": "https://paserkab.go.id/x"},
    )
    assert r.status_code == 302 and a.innovations.count() == 1
    page = client.get(reverse("reports:paritrana", args=[PASER, 2025]))
    # Perbup 70×20 + 1 innovation 50×10 + interview 75×15 = 1400 + 500 + 1125 = 30,25
    assert b'<span id="total-score">30,25</span>' in page.content
    # A pimpinan reads the page, without the form, and cannot post.
    client.force_login(users.leader)
    page = client.get(reverse("reports:paritrana", args=[PASER, 2025]))
    assert page.status_code == 200 and b'id="paritrana-form"' not in page.content
    assert (
        client.post(
            reverse("reports:paritrana", args=[PASER, 2025]), {"regulation": "none"}
        ).status_code
        == 403
    )
    client.force_login(users.admin_ppu)
    assert client.get(reverse("reports:paritrana", args=[PASER, 2025])).status_code == 403


def test_export_runs_in_the_background(
    client, users, monev, criteria, immediate_tasks, django_capture_on_commit_callbacks
):
    client.force_login(users.admin)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("reports:paritrana_export", args=[PASER, 2025]), {"format": "xlsx"})
    run = ReportRun.objects.get()
    assert r.url == reverse("reports:run", args=[run.pk])
    assert (run.kind, run.period, run.status) == ("paritrana", "2025", "selesai")
    assert run.filename == "paritrana-64.01-2025.xlsx"
    assert client.get(reverse("reports:run_download", args=[run.pk])).content[:2] == b"PK"
    with pytest.raises(services.DomainError):
        services.report_run_request(
            by=users.admin, region_code="64.01.01", kind="paritrana", period="2025", fmt="pdf"
        )


def test_province_compares_its_regencies(client, users, monev, criteria):
    services.paritrana_save(
        by=users.admin,
        region=users.admin.region,
        year=2025,
        regulation="perda",
        regulation_number="1",
        regulation_year=2024,
    )
    client.force_login(users.province)
    page = client.get(reverse("reports:paritrana_compare", args=["64", 2025]))
    assert page.status_code == 200
    results = page.context["results"]
    assert len(results) == 11 and results[-1].region.code == "64"
    paser = next(r for r in results if r.region.code == PASER)
    assert paser.score.total == Decimal("20.00")  # Perda 100 × 20 / 100
    assert next(r for r in results if r.region.code == PPU).score.total == Decimal("0.00")
    client.force_login(users.admin)
    assert client.get(reverse("reports:paritrana_compare", args=["64", 2025])).status_code == 403

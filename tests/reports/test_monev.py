"""The monev report: its numbers are the monitoring indicators' for the same region and period;
the PDF and XLSX hold them (text extracted with pypdf, cells read with openpyxl)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lindung.core.errors import ScopeDenied
from lindung.monitoring import indicators
from lindung.reports import render, rules, selectors
from tests.conftest import DESA_A, PASER

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def _sheet(content: bytes, name: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in wb[name].iter_rows(values_only=True)]


def test_report_numbers_are_the_indicators(users, monev):
    period = rules.parse_period("2026-Q3")
    d = selectors.monev_data(user=users.admin, code=PASER, period=period)
    expected = indicators.region_report(
        user=users.admin, code=PASER, on=dt.date(2026, 9, 30), start=dt.date(2026, 7, 1)
    )
    assert d.report.root.as_dict() == expected.root.as_dict()
    assert [c.as_dict() for c in d.report.children] == [c.as_dict() for c in expected.children]
    assert d.report.by_occupation == expected.by_occupation
    previous = indicators.region_report(
        user=users.admin, code=PASER, on=dt.date(2026, 6, 30), start=dt.date(2026, 4, 1)
    )
    assert d.previous_report.root.as_dict() == previous.root.as_dict()
    # The village table is each kecamatan's village figures, for the same period.
    kec = indicators.region_report(
        user=users.admin, code="64.01.01", on=dt.date(2026, 9, 30), start=dt.date(2026, 7, 1)
    )
    rows = {v.figures.code: v.figures.as_dict() for v in d.villages}
    assert len(rows) == 144
    for child in kec.children:
        assert rows[child.code] == child.as_dict()
    assert (
        d.trend
        == indicators.region_report(
            user=users.admin,
            code=PASER,
            on=dt.date(2026, 9, 30),
            start=dt.date(2025, 10, 1),
            with_trend=True,
        ).trend
    )
    assert d.trend == indicators.trend(
        code=PASER, start=dt.date(2025, 10, 1), end=dt.date(2026, 9, 30)
    )  # the raw reference too


def test_quarter_sentences_from_the_data(users, monev):
    # Q1 2026 against Q4 2025: four participants registered in January/March, nobody before;
    # Samurangau and Busui started implementing (Keladen was socialised only).
    d = selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2026-Q1"))
    assert d.sentences[0] == (
        "Peserta aktif naik 4 dari triwulan lalu menjadi 4 (triwulan lalu belum ada peserta aktif)."
    )
    assert d.sentences[1] == (
        "Selama Triwulan I 2026: 4 peserta baru terdaftar di BPJS, 0 kepesertaan berakhir."
    )
    assert d.sentences[2] == (
        "2 desa baru melaksanakan: Busui dan Samurangau. Kini 2 dari 144 "
        "desa/kelurahan melaksanakan."
    )


def test_pdf_holds_the_figures_on_several_pages(users, monev):
    d = selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2026-Q3"))
    export = render.monev_pdf(d)
    assert export.content.startswith(b"%PDF")
    pages, texts = _pdf_text(export.content)
    assert pages > 1  # 144 villages do not fit one page
    assert all(f"Halaman {i} dari {pages}" in t for i, t in enumerate(texts, 1))
    text = "\n".join(texts)
    assert "PEMERINTAH KABUPATEN PASER" in texts[0]
    assert "Triwulan III 2026 (1 Juli 2026 – 30 September 2026)" in texts[0]
    # The village table's header is repeated on every page it spans.
    village_pages = [t for t in texts if "Samurangau" in t or "Muara Samu" in t]
    table_pages = [t for t in texts if re.search(r"64\.01\.\d\d\.\d{4}", t)]
    assert len(table_pages) > 1 and all("Desa/kelurahan" in t for t in table_pages)
    assert village_pages
    # Figures in Indonesian form: the coverage of Batu Sopang 3 / 150 = 2,0 %, Paser 1,6 %.
    assert "2,0 %" in text and "1,6 %" in text and "30,0 %" in text
    for sentence in d.sentences:
        assert sentence.split(":")[0][:40] in text.replace("\n", " ")


def test_xlsx_numbers_are_numbers_and_equal_the_indicators(users, monev):
    d = selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2026-Q3"))
    export = render.monev_xlsx(d)
    root = d.report.root
    summary = {r[0]: r[1:] for r in _sheet(export.content, "Ringkasan") if r and r[0]}
    assert summary["Peserta aktif terlindungi"][:2] == (root.active, d.previous_report.root.active)
    assert summary["Penyebut (perkiraan pekerja rentan)"][0] == 190
    assert summary["Cakupan (%)"][0] == pytest.approx(1.6)
    kec = _sheet(export.content, "Per kecamatan")
    header = kec[1]
    assert header[:4] == ("Kode", "Kecamatan", "Terdata", "Aktif")
    batu_sopang = next(r for r in kec if r[0] == "64.01.01")
    assert batu_sopang[1] == "Batu Sopang" and batu_sopang[3] == 3
    assert isinstance(batu_sopang[3], int) and batu_sopang[7] == 2.0  # coverage: a number
    total = next(r for r in kec if r[1] == "Jumlah")
    assert total[3] == root.active and total[6] == root.denominator
    villages = _sheet(export.content, "Per desa")
    samurangau = next(r for r in villages if r[0] == DESA_A)
    assert samurangau[4:8] == (2, 0, 0, 100)
    assert len([r for r in villages if r[0] and str(r[0]).startswith("64.01.")]) == 144
    occupations = {r[0]: r[1] for r in _sheet(export.content, "Per pekerjaan")}
    assert occupations["Nelayan"] == 2 and occupations["Petani"] == 1
    assert export.rows == sum(len(t.rows) for t in render.tables.monev_tables(d))


def test_budget_and_payments_per_funding_line(users, monev, programme):
    from lindung.contributions.services import payment_record
    from lindung.programs.services import budget_line_add

    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=1_000_000,
        date=dt.date(2026, 1, 2),
        document_ref="DPA 1/2026",
    )
    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_perubahan",
        amount=500_000,
        date=dt.date(2026, 10, 1),
        document_ref="DPA-P 1/2026",
    )
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 8, 10),
        amount=100_800,
        reference="SP2D-0001",
        first_month=dt.date(2026, 7, 1),
        months_covered=3,
    )
    d = selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2026-Q3"))
    (row,) = d.budget
    # The revised budget of October is not in the third quarter's budget.
    assert row.lines == [("APBD murni", "DPA 1/2026", 1_000_000)]
    assert (row.budget, row.paid_period, row.paid_total) == (1_000_000, 100_800, 100_800)
    assert row.billed_period > 0 and row.realisation_pct == 10.1
    assert d.current.contributions_paid == 100_800 and d.previous.contributions_paid == 0
    assert "Iuran dibayar Rp100.800 (triwulan lalu Rp0)." in d.sentences
    budget = _sheet(render.monev_xlsx(d).content, "Anggaran")
    programme_row = next(r for r in budget if r[0] == "PASER-2026")
    assert programme_row[3] == 1_000_000 and programme_row[5] == 100_800
    assert programme_row[8] == pytest.approx(10.1)
    # The village operator reads no money: no budget table, no contributions sentence.
    o = selectors.monev_data(user=users.operator, code=DESA_A, period=rules.parse_period("2026-Q3"))
    assert o.budget == [] and not o.money_shown
    assert not any(s.startswith("Iuran") for s in o.sentences)
    assert "Anggaran" not in load_workbook(io.BytesIO(render.monev_xlsx(o).content)).sheetnames


def test_xlsx_is_formula_safe(users, monev, programme):
    from lindung.programs.services import budget_line_add, programme_create
    from lindung.registry.models import Occupation

    hostile = programme_create(
        by=users.admin,
        code="PASER-HOSTILE",
        name='=HYPERLINK("http://x","a")',
        region=users.admin.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=15,
        age_max=64,
        occupations=list(Occupation.objects.all()[:1]),
        quota=10,
    )
    budget_line_add(
        by=users.admin,
        programme=hostile,
        kind="lainnya",
        amount=5_000,
        date=dt.date(2026, 2, 1),
        document_ref="+cmd|' /C calc'!A0",
    )
    d = selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2026-Q3"))
    wb = load_workbook(io.BytesIO(render.monev_xlsx(d).content))
    cells = {
        c.value: c for row in wb["Anggaran"].iter_rows() for c in row if isinstance(c.value, str)
    }
    for text in ('=HYPERLINK("http://x","a")', "+cmd|' /C calc'!A0"):
        assert cells[text].data_type == "s" and cells[text].quotePrefix
    amounts = [
        c.value
        for row in wb["Anggaran"].iter_rows()
        for c in row
        if c.column == 4 and isinstance(c.value, int)
    ]
    assert 5_000 in amounts


def test_kecamatan_and_village_reports(users, monev):
    period = rules.parse_period("2026")
    d = selectors.monev_data(user=users.admin, code="64.01.01", period=period)
    assert [v.figures.code for v in d.villages] == [c.code for c in d.report.children]
    v = selectors.monev_data(user=users.operator, code=DESA_A, period=period)
    assert [r.figures.code for r in v.villages] == [DESA_A]
    assert v.report.root.active == 2
    assert render.monev_pdf(v).content.startswith(b"%PDF")


def test_province_report_lists_regencies_not_villages(users, monev):
    d = selectors.monev_data(user=users.province, code="64", period=rules.parse_period("2026"))
    assert not d.villages_listed and d.villages == []
    assert set(d.current.implementing) == {DESA_A, "64.01.01.2010", "64.09.01.2020"}
    assert len(d.report.children) == 10


def test_scope_and_future_periods(users, monev):
    with pytest.raises(ScopeDenied):
        selectors.monev_data(user=users.admin_ppu, code=PASER, period=rules.parse_period("2026-Q3"))
    with pytest.raises(rules.PeriodInvalid):
        selectors.monev_data(user=users.admin, code=PASER, period=rules.parse_period("2027-Q1"))

"""The bill statement (issue 13): the letterhead of the programme's region, the title, the
summary, the participant list (masked NIK, amounts as rupiah) and the signature block, in the
XLSX (numbers with a rupiah format, dates as dates) and in the PDF (text read with pypdf).
Expected amounts come from the fixture's rates, never from a constant; a large bill is built in
the background and its download audited as a direct one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from lindung.audit.models import AuditEvent
from lindung.contributions import rules
from lindung.contributions.services import bill_generate, payment_record, rates_for
from lindung.core.exports import DATE_FORMAT, RUPIAH_FORMAT
from lindung.core.formatting import bulan, mask_identity, rupiah, tanggal, thousands
from lindung.reports import statements
from lindung.reports.models import Letterhead, ReportRun
from lindung.reports.services import letterhead_set
from tests.conftest import PASER

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 11, 20)  # the frozen clock (tests/conftest.py)
SIGNER = {
    "government": "PEMERINTAH KABUPATEN PASER",
    "agency": "Dinas Tenaga Kerja dan Transmigrasi",
    "address": "Jl. Jenderal Sudirman No. 1, Tana Paser",
    "city": "Tana Paser",
    "signer_title": "Kepala Dinas Tenaga Kerja dan Transmigrasi",
    "signer_name": "Budi Santoso, S.E.",
    "signer_rank": "Pembina Utama Muda",
    "signer_nip": "19700101 199003 1 001",
}


def rate_of(programme, worker) -> int:
    """The contribution of one worker in January under the programme's package (the data)."""
    _package, rates = rates_for(programme, JAN)
    return rules.premium(rates, worker.declared_income).total


@pytest.fixture
def letterhead(users):
    return letterhead_set(by=users.admin, region=users.admin.region, **SIGNER)


@pytest.fixture
def paid_bill(users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=bill.total,
        reference="SP2D-0012/2026",
        first_month=JAN,
    )
    bill.refresh_from_db()
    return bill


def _cells(ws) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows()]


def _values(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def _pdf_text(content: bytes) -> str:
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    # reportlab writes the mask's bullet as code 0x7F, which WinAnsiEncoding draws as a
    # bullet (PDF 1.7, annex D) and pypdf extracts as the control character.
    return text.replace("\x7f", "•")


def test_xlsx_holds_letterhead_title_summary_participants_and_signature(
    client, users, programme, active, letterhead, paid_bill
):
    rate = rate_of(programme, active[0].worker)
    client.force_login(users.admin)
    response = client.get(reverse("reports:statement", args=[paid_bill.pk, "xlsx"]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["Tagihan"]
    values = _values(ws)
    first = [row[0] for row in values]

    # Letterhead first, each line merged across the table and centred; then the title.
    assert first[:3] == [
        SIGNER["government"],
        SIGNER["agency"].upper(),
        SIGNER["address"],
    ]
    header = next(i for i, row in enumerate(values) if row[:3] == ("No.", "Nama", "NIK"))
    assert values[header][-4:] == ("Pekerjaan", "JKK", "JKM", "Jumlah")  # no JHT billed
    assert {str(r) for r in ws.merged_cells.ranges} >= {"A1:I1", "A2:I2", "A3:I3"}
    assert ws["A1"].alignment.horizontal == "center"
    assert first.index(SIGNER["government"]) < first.index(statements.title().upper())
    assert f"{programme.code} — {programme.name}" in first
    assert f"Bulan iuran {bulan(JAN)}" in first

    # Summary: numbers with the rupiah format, dates as dates.
    summary = {row[1].value: row[2] for row in _cells(ws) if len(row) > 2 and row[1].value}
    assert summary["Jumlah peserta"].value == 3
    assert summary["Iuran per peserta per bulan"].value == rate
    assert summary["Iuran per peserta per bulan"].number_format == RUPIAH_FORMAT
    assert summary["Total tagihan"].value == 3 * rate == paid_bill.total
    assert summary["Dibayar"].value == 3 * rate
    assert summary["Jatuh tempo"].value.date() == paid_bill.due_date
    assert summary["Jatuh tempo"].number_format == DATE_FORMAT
    assert summary["Status"].value == "Lunas"
    assert summary["SP2D-0012/2026"].value.date() == dt.date(2026, 1, 12)

    # Participants: one row per bill line, the NIK masked as the lists mask it.
    lines = [row for row in _cells(ws)[header + 1 :] if isinstance(row[0].value, int)]
    assert len(lines) == paid_bill.line_count == 3
    assert [row[0].value for row in lines] == [1, 2, 3]
    worker = active[0].worker
    row = next(r for r in lines if r[1].value == worker.name)
    assert row[2].value == mask_identity(worker.nik) and "•" in row[2].value
    assert row[3].value == active[0].kpj_number
    assert row[4].value == worker.village.name and row[5].value == worker.occupation.name
    assert row[-1].value == rate and row[-1].number_format == RUPIAH_FORMAT
    assert isinstance(row[-1].value, int)
    all_text = {v for r in values for v in r if isinstance(v, str)}
    assert not any(worker.nik in t for t in all_text)  # never the whole NIK
    totals = _values(ws)[header + 1 + 3]
    assert totals[1] == "Jumlah 3 peserta" and totals[-1] == 3 * rate
    assert ws.print_title_rows == f"${header + 1}:${header + 1}"

    # Signature block after the list.
    tail = [v for r in values[header + 5 :] for v in r if v]
    assert tail == [
        f"Tana Paser, {tanggal(TODAY)}",
        SIGNER["signer_title"],
        SIGNER["signer_name"],
        SIGNER["signer_rank"],
        f"NIP. {SIGNER['signer_nip']}",
    ]


def test_pdf_holds_letterhead_rupiah_amounts_participants_and_signatory(
    client, users, programme, active, letterhead, paid_bill
):
    rate = rate_of(programme, active[0].worker)
    client.force_login(users.admin)
    response = client.get(reverse("reports:statement", args=[paid_bill.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert SIGNER["government"] in text and SIGNER["agency"].upper() in text
    assert "REKAPITULASI TAGIHAN IURAN" in text.upper() and bulan(JAN) in text
    assert f"{programme.code} — {programme.name}" in text
    assert rupiah(rate) in text and rupiah(3 * rate) in text  # Rp16.800 / Rp50.400 form
    assert "SP2D-0012/2026" in text and tanggal(paid_bill.due_date) in text
    worker = active[0].worker
    assert worker.name in text and active[0].kpj_number in text
    assert mask_identity(worker.nik) in text and worker.nik not in text
    assert "Jumlah 3 peserta" in text
    assert f"Tana Paser, {tanggal(TODAY)}" in text
    assert SIGNER["signer_name"] in text and f"NIP. {SIGNER['signer_nip']}" in text
    assert text.index(worker.name) < text.index(SIGNER["signer_name"])
    assert text.index(SIGNER["government"]) < text.index(worker.name)


def test_without_letterhead_the_region_names_the_government_and_blanks_are_lines_to_sign(
    users, programme, active
):
    assert not Letterhead.objects.exists()
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    st = statements.statement(user=users.admin, bill=bill)
    text = _pdf_text(statements.statement_export(st, "pdf").content)
    assert "PEMERINTAH KABUPATEN PASER" in text
    assert "(" + "." * 40 + ")" in text and "NIP. " + "." * 30 in text
    assert "Belum lunas" in text
    ws = load_workbook(io.BytesIO(statements.statement_export(st, "xlsx").content))["Tagihan"]
    cells = [v for row in _values(ws) for v in row if v]
    assert cells[0] == "PEMERINTAH KABUPATEN PASER"
    assert cells[-3:] == [
        "Kepala Dinas",
        "(" + "." * 40 + ")",
        "NIP. " + "." * 30,
    ]


def test_a_kabupaten_without_letterhead_uses_its_province_letterhead(users, programme, active):
    letterhead_set(
        by=users.province,
        region=users.province.region,
        government="PEMERINTAH PROVINSI KALIMANTAN TIMUR",
        city="Samarinda",
        signer_name="Siti Aminah",
    )
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    st = statements.statement(user=users.admin, bill=bill)
    assert st.letterhead.region_id == "64"
    text = _pdf_text(statements.statement_export(st, "pdf").content)
    assert "PEMERINTAH PROVINSI KALIMANTAN TIMUR" in text and "Siti Aminah" in text
    assert f"Samarinda, {tanggal(TODAY)}" in text


def test_different_incomes_show_the_lowest_and_highest_contribution(
    users, programme, make_worker, activate
):
    low = activate(programme, make_worker())
    high = activate(programme, make_worker(declared_income=3_000_000))
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    st = statements.statement(user=users.admin, bill=bill)
    lo, hi = rate_of(programme, low.worker), rate_of(programme, high.worker)
    assert lo < hi and (st.rate_min, st.rate_max) == (lo, hi)
    ws = load_workbook(io.BytesIO(statements.statement_export(st, "xlsx").content))["Tagihan"]
    summary = {row[1]: row[2] for row in _values(ws) if len(row) > 2 and row[1]}
    assert summary["Iuran per peserta terendah"] == lo
    assert summary["Iuran per peserta tertinggi"] == hi
    assert summary["Total tagihan"] == lo + hi
    text = _pdf_text(statements.statement_export(st, "pdf").content)
    assert rupiah(lo) in text and rupiah(hi) in text and rupiah(lo + hi) in text


def test_audit_counts_every_participant_row(client, users, programme, active, paid_bill):
    client.force_login(users.admin)
    for fmt in ("xlsx", "pdf"):
        client.get(reverse("reports:statement", args=[paid_bill.pk, fmt]))
    st = statements.statement(user=users.admin, bill=paid_bill)
    # 3 participants, 1 kecamatan, 1 payment, no adjustment: the same for both formats.
    assert statements.statement_rows(st) == 5
    assert statements.statement_export(st, "xlsx").rows == 5
    assert [
        (e.object_type, e.object_id, e.changes["kind"], e.changes["rows"])
        for e in AuditEvent.objects.filter(action="export").order_by("pk")
    ] == [("bill", str(paid_bill.pk), "bill_statement", 5)] * 2


# --- large bills: in the background ---------------------------------------------------------


@pytest.fixture
def small_limit(settings):
    """Any bill of more than 2 lines counts as large; tasks run at once."""
    settings.STATEMENT_DIRECT_MAX_LINES = 2
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def test_large_bill_is_built_in_the_background_and_its_download_audited(
    client,
    users,
    programme,
    active,
    letterhead,
    paid_bill,
    small_limit,
    django_capture_on_commit_callbacks,
):
    client.force_login(users.admin)
    url = reverse("reports:statement", args=[paid_bill.pk, "pdf"])
    page = client.get(reverse("contributions:bill", args=[paid_bill.pk]))
    assert f'action="{url}"' in page.content.decode()  # a button (POST), not a link

    # A link followed: nothing is built, the bill page says why.
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("contributions:bill", args=[paid_bill.pk])
    assert "latar belakang" in response.content.decode()
    assert not ReportRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:run", args=[run.pk]
    )
    run.refresh_from_db()
    assert (run.kind, run.status, run.region_id, run.period) == (
        "tagihan",
        "selesai",
        PASER,
        "2026-01",
    )
    assert run.parameters["bill"] == paid_bill.pk and run.rows == 5
    assert run.filename == "tagihan-iuran-PASER-2026-2026-01.pdf"
    assert not AuditEvent.objects.filter(action="export").exists()  # audited when downloaded

    download = client.get(reverse("reports:run_download", args=[run.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    text = _pdf_text(download.content)
    assert SIGNER["signer_name"] in text and active[0].worker.name in text
    assert rupiah(paid_bill.total) in text
    [event] = AuditEvent.objects.filter(action="export")
    assert (event.object_type, event.object_id, event.region_code) == (
        "bill",
        str(paid_bill.pk),
        PASER,
    )
    assert event.changes | {"run": None} == {
        "kind": "bill_statement",
        "format": "pdf",
        "rows": 5,
        "programme": "PASER-2026",
        "month": "2026-01",
        "funder": "APBD kabupaten/kota — Kabupaten Paser",
        "bill": paid_bill.pk,
        "run": None,
    }


def test_background_statement_outside_the_region_or_role(
    client, users, programme, active, paid_bill, small_limit, make_user
):
    client.force_login(users.admin_ppu)
    url = reverse("reports:statement", args=[paid_bill.pk, "xlsx"])
    assert client.post(url).status_code == 404
    assert not ReportRun.objects.exists()

    client.force_login(users.admin)
    client.post(url)
    run = ReportRun.objects.get()
    # The run is in the archive of the region's readers of contributions only.
    from lindung.reports.selectors import report_runs_for

    assert list(report_runs_for(user=users.leader)) == [run]
    assert list(report_runs_for(user=users.admin_ppu)) == []
    operator = make_user("op_kab", "operator_desa", PASER)
    assert list(report_runs_for(user=operator)) == []
    client.force_login(operator)
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


def test_thousands_of_lines_stay_one_row_each_in_the_pdf(users, programme, active):
    """The participant table is laid out page by page (`_RowStream`): every line reaches the
    PDF once, in order, with the header on each page."""
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    st = statements.statement(user=users.admin, bill=bill)
    base = list(st.lines())
    many = [dataclasses.replace(base[i % 3], name=f"Peserta {i:04d}") for i in range(1_200)]
    st.lines = lambda chunk_size=2_000: iter(many)  # type: ignore[method-assign]
    st.bill.line_count = len(many)
    reader = PdfReader(io.BytesIO(statements.statement_export(st, "pdf").content))
    pages = [p.extract_text() for p in reader.pages]
    text = "\n".join(pages)
    positions = [text.index(f"Peserta {i:04d}") for i in range(1_200)]
    assert positions == sorted(positions)
    with_list = [p for p in pages if "Peserta 0" in p or "Peserta 1" in p]
    assert len(with_list) > 10 and all("Pekerjaan" in p for p in with_list)
    assert f"Jumlah {thousands(1_200)} peserta" in text
    assert rupiah(sum(x.amount for x in many)) in text


def test_names_with_markup_or_great_length_are_printed_as_text(users, programme, active):
    """Cells of the participant table are plain text (never reportlab markup, whose <img> reads
    files); a long name wraps onto more lines instead of running over the next column."""
    from lindung.registry.models import Worker

    long_name = "Muhammad Abdurrahman Syahputra Wijayakusuma Hadiningrat Kusumawardhana"
    Worker.objects.filter(pk=active[0].worker_id).update(name='<img src="/etc/passwd"/> & <b>')
    Worker.objects.filter(pk=active[1].worker_id).update(name=long_name)
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    st = statements.statement(user=users.admin, bill=bill)
    text = _pdf_text(statements.statement_export(st, "pdf").content)
    assert '<img src="/etc/passwd"/> & <b>' in text
    assert " ".join(text.split()).count(long_name) == 1  # whole, over two lines

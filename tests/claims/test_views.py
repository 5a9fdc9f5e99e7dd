"""Claim pages: wiring, scope by URL, documents served within scope and logged, export."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.claims import services
from lindung.claims.models import Claim
from tests.claims.conftest import PDF
from tests.claims.test_services import report, upload_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(users, insured, heir):
    worker, _e = insured
    return report(users.operator, worker, heir)


def login(client, user):
    client.force_login(user)
    return client


def test_register_lists_claims_of_the_region_only(client, users, claim):
    page = login(client, users.admin).get(reverse("claims:list"))
    assert page.status_code == 200 and claim.number in page.text
    assert "Rp42.000.000" in page.text
    other = login(client, users.admin_ppu).get(reverse("claims:list"))
    assert claim.number not in other.text


def test_register_filters(client, users, claim):
    c = login(client, users.admin)
    assert claim.number in c.get(reverse("claims:list"), {"jenis": "jkm"}).text
    assert claim.number not in c.get(reverse("claims:list"), {"jenis": "jkk_death"}).text
    assert claim.number not in c.get(reverse("claims:list"), {"status": "dibayar"}).text
    assert (
        claim.number
        in c.get(reverse("claims:list"), {"kecamatan": "64.01.01", "pekerjaan": "nelayan"}).text
    )
    assert claim.number not in c.get(reverse("claims:list"), {"dari": "2026-09-01"}).text


@pytest.mark.parametrize("who", ["operator_b", "admin_ppu"])
def test_another_regions_claim_and_documents_are_not_found_by_url(client, users, claim, who):
    doc = services.claim_document_add(
        by=users.operator, claim=claim, kind="kk", content=PDF, filename="kk.pdf"
    )
    c = login(client, getattr(users, who))
    assert c.get(reverse("claims:detail", args=[claim.pk])).status_code == 404
    assert c.get(reverse("claims:document", args=[claim.pk, doc.pk])).status_code == 404
    assert c.post(reverse("claims:complete", args=[claim.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="claim_document_view").exists()


def test_operator_reports_from_the_form(client, users, insured, heir):
    worker, _e = insured
    c = login(client, users.operator)
    assert (
        c.get(reverse("claims:worker_search"), {"q": "Ahmad"}).text.count(
            reverse("claims:report", args=[worker.pk])
        )
        == 1
    )
    response = c.post(
        reverse("claims:report", args=[worker.pk]),
        {
            "claim_type": "jkk_death",
            "event_date": "2026-07-01",
            "reported_date": "03/07/2026",
            "description": "Perahu terbalik saat melaut",
            **heir,
        },
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response.url == reverse("claims:detail", args=[claim.pk])
    assert claim.reported_date == dt.date(2026, 7, 3) and claim.calculated_amount == 70_000_000
    page = c.get(response.url)
    assert "Santunan kematian: 48 × penghasilan Rp1.000.000" in page.text
    assert "Rp70.000.000" in page.text


def test_report_form_puts_service_errors_on_fields(client, users, insured, heir):
    worker, _e = insured
    response = login(client, users.operator).post(
        reverse("claims:report", args=[worker.pk]),
        {"claim_type": "jkm", "event_date": "2026-08-03", **heir, "claimant_nik": "12345"},
    )
    assert response.status_code == 422
    assert "NIK penerima: NIK harus tepat 16 digit" in response.text
    assert not Claim.objects.exists()


def test_report_form_refused_to_read_only_roles(client, users, insured):
    worker, _e = insured
    assert (
        login(client, users.leader).get(reverse("claims:report", args=[worker.pk])).status_code
        == 403
    )


def test_upload_checks_content_not_name(client, users, claim):
    c = login(client, users.operator)
    url = reverse("claims:document_upload", args=[claim.pk])
    bad = c.post(
        url,
        {
            "kind": "kk",
            "file": SimpleUploadedFile(
                "kk.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        },
    )
    assert bad.status_code == 422 and "bukan PDF, JPEG atau PNG" in bad.text
    empty = c.post(url, {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", b"")})
    assert empty.status_code == 422 and "Berkas kosong" in empty.text
    good = c.post(url, {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", PDF)})
    assert good.status_code == 302
    assert claim.documents.get().content_type == "application/pdf"


def test_oversize_upload_refused_before_reading(client, users, claim, settings):
    settings.CLAIM_DOCUMENT_MAX_MB = 1
    response = login(client, users.operator).post(
        reverse("claims:document_upload", args=[claim.pk]),
        {"kind": "kk", "file": SimpleUploadedFile("kk.pdf", PDF + b"0" * (1024 * 1024 + 1))},
    )
    assert response.status_code == 422 and "batas 1 MB per dokumen" in response.text


def test_document_served_in_scope_sandboxed_and_logged(client, users, claim):
    doc = services.claim_document_add(
        by=users.operator, claim=claim, kind="kk", content=PDF, filename="kk.pdf"
    )
    url = reverse("claims:document", args=[claim.pk, doc.pk])
    response = login(client, users.bpjs).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="claim_document_view")
    assert (event.actor, event.object_id, event.changes["document"]) == (
        users.bpjs,
        str(claim.pk),
        doc.pk,
    )
    assert login(client, users.leader).get(url).status_code == 403  # pimpinan: no documents


def test_workflow_through_the_pages_each_role_its_step(client, users, claim):
    upload_all(users.admin, claim)
    assert (
        login(client, users.bpjs).post(reverse("claims:complete", args=[claim.pk])).status_code
        == 403
    )
    c = login(client, users.admin)
    assert c.post(reverse("claims:complete", args=[claim.pk])).status_code == 302
    assert (
        c.post(reverse("claims:submit", args=[claim.pk]), {"bpjs_reference": "TT-01"}).status_code
        == 302
    )
    assert (
        c.post(
            reverse("claims:pay", args=[claim.pk]),
            {"amount": "42.000.000", "paid_date": "2026-11-19"},
        ).status_code
        == 403
    )
    c = login(client, users.bpjs)
    bad = c.post(reverse("claims:pay", args=[claim.pk]), {"amount": "0", "paid_date": ""})
    assert bad.status_code == 422
    done = c.post(
        reverse("claims:pay", args=[claim.pk]),
        {"amount": "Rp 41.000.000", "paid_date": "2026-11-19"},
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.paid_amount, claim.bpjs_reference) == (
        "dibayar",
        41_000_000,
        "TT-01",
    )
    page = c.get(reverse("claims:detail", args=[claim.pk]))
    assert "Rp41.000.000" in page.text and "Rp1.000.000 kurang dari yang dihitung" in page.text


def test_step_refused_by_status_shows_the_message(client, users, claim):
    response = login(client, users.admin).post(reverse("claims:complete", args=[claim.pk]))
    assert response.status_code == 422 and "Dokumen belum lengkap" in response.text


def test_export_xlsx_is_formula_safe_and_audited(client, users, insured, heir):
    worker, _e = insured
    report(users.operator, worker, {**heir, "claimant_name": '=HYPERLINK("x")'})
    worker.name = "=cmd|' /C calc'!A0"
    worker.save()
    response = login(client, users.admin).get(reverse("claims:export"), {"jenis": "jkm"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1] == "=cmd|' /C calc'!A0" and ws.cell(2, 2).data_type == "s"
    assert rows[1][12] == 42_000_000
    event = AuditEvent.objects.get(action="export")
    assert event.changes["rows"] == 1 and event.changes["claim_type"] == "jkm"


def test_worker_page_shows_the_workers_claims(client, users, claim):
    page = login(client, users.admin).get(reverse("registry:detail", args=[claim.worker.pk]))
    assert page.status_code == 200 and claim.number in page.text
    assert 'id="worker-claims"' in page.text


def test_programme_page_and_value_page_show_value_for_budget(client, users, claim, programme):
    upload_all(users.admin, claim)
    services.claim_documents_complete(by=users.admin, claim=claim)
    services.claim_submit(by=users.admin, claim=claim)
    services.claim_pay(
        by=users.bpjs, claim=claim, amount=42_000_000, paid_date=dt.date(2026, 11, 2)
    )
    sentence = "Rp168.000 iuran dibayar → Rp42.000.000 manfaat bagi 1 keluarga"
    c = login(client, users.admin)
    page = c.get(reverse("contributions:programme", args=[programme.code]))
    assert page.status_code == 200 and sentence in page.text
    assert sentence in c.get(reverse("claims:value")).text
    q3 = c.get(reverse("claims:value"), {"dari": "2026-07-01", "sampai": "2026-09-30"})
    assert "Rp50.400 iuran dibayar → Rp0 manfaat bagi 0 keluarga" in q3.text


def test_menu_has_claims(client, users):
    page = login(client, users.leader).get(reverse("claims:list"))
    assert page.status_code == 200
    assert f'href="{reverse("claims:list")}"' in page.text


def test_a_death_opens_the_jkm_claim_ready_to_complete(client, users, insured, heir):
    """A covered participant marked *Meninggal dunia* is listed on the claims page as owed a
    claim (within the region only); the form opens with JKM and the date of death filled in;
    once the claim is reported the death leaves the list."""
    from lindung.registry.services import worker_update

    worker, _e = insured
    worker_update(worker=worker, by=users.operator, status="meninggal", status_date=D_DEATH)
    report_url = reverse("claims:report", args=[worker.pk])
    page = login(client, users.operator).get(reverse("claims:list"))
    assert 'id="deaths-awaiting-claim"' in page.text
    assert worker.name in page.text and report_url in page.text
    assert "12 November 2026" in page.text
    form = client.get(report_url).context["form"]
    assert (form["claim_type"].value(), form["event_date"].value()) == ("jkm", D_DEATH)
    # Another region's admin sees nothing of it.
    other = login(client, users.admin_ppu).get(reverse("claims:list"))
    assert worker.name not in other.text and 'id="deaths-awaiting-claim"' not in other.text
    # A read-only leader sees the list without the link to report.
    leader = login(client, users.leader).get(reverse("claims:list"))
    assert worker.name in leader.text and report_url not in leader.text
    report(users.operator, worker, heir, event=D_DEATH, reported=D_DEATH)
    after = login(client, users.admin).get(reverse("claims:list"))
    assert 'id="deaths-awaiting-claim"' not in after.text


D_DEATH = dt.date(2026, 11, 12)

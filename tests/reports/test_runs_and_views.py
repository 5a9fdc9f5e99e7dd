"""Reports generated in the background, the archive, downloads (audited), scope, the command
line and the letterhead."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from lindung.audit.models import AuditEvent
from lindung.reports import services
from lindung.reports.models import Letterhead, ReportRun
from tests.conftest import PASER, PPU

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def test_pimpinan_generates_a_quarter_report_in_the_background(
    client, users, monev, immediate_tasks, django_capture_on_commit_callbacks
):
    _login(client, users.leader)
    page = client.get(reverse("reports:home"))
    assert page.status_code == 200 and b"2026-Q4" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:home"), {"region": PASER, "period": "2026-Q3", "format": "pdf"}
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:run", args=[run.pk])
    assert (run.status, run.progress, run.kind, run.period) == ("selesai", 100, "monev", "2026-Q3")
    assert run.filename == "laporan-monev-64.01-2026-Q3.pdf" and run.rows > 144
    assert run.created_by == users.leader and run.parameters["on"] == "2026-11-20"
    detail = client.get(response.url)
    assert b'id="download"' in detail.content
    archive = client.get(reverse("reports:archive") + f"?wilayah={PASER}")
    assert b"laporan-monev" not in archive.content  # the list names the report, not the file
    assert reverse("reports:run", args=[run.pk]).encode() in archive.content
    download = client.get(reverse("reports:run_download", args=[run.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert (
        download["Cache-Control"].startswith("max-age=0") or "no-store" in download["Cache-Control"]
    )
    event = AuditEvent.objects.filter(action="export", object_type="reportrun").get()
    assert event.actor == users.leader and event.region_code == PASER
    assert event.changes["kind"] == "report_monev" and event.changes["rows"] == run.rows


def test_progress_is_polled_until_done(client, users, monev, django_capture_on_commit_callbacks):
    _login(client, users.admin)
    run = services.report_run_request(
        by=users.admin, region_code=PASER, kind="monev", period="2026-Q3", fmt="xlsx"
    )
    progress = client.get(reverse("reports:run_progress", args=[run.pk]))
    assert progress.status_code == 200 and b'id="run-progress-bar"' in progress.content
    seen: list[int] = []

    def recorder(run_id: int):
        writer = services._ProgressWriter(run_id)

        def record(percent: int, phase: str) -> None:
            writer.last = 0.0  # every step written, for the test
            writer(percent, phase)
            seen.append(ReportRun.objects.get(pk=run_id).progress)

        return record

    done = services.report_run_execute(run_id=run.pk, progress_factory=recorder)
    assert done.status == "selesai" and done.progress == 100
    assert seen == sorted(seen) and len(seen) > 5 and 0 < seen[0] < seen[-1] < 100
    finished = client.get(reverse("reports:run_progress", args=[run.pk]))
    assert finished.status_code == 204
    assert finished["HX-Redirect"] == reverse("reports:run", args=[run.pk])
    assert client.get(reverse("reports:run_download", args=[run.pk])).content[:2] == b"PK"


def test_a_failed_build_says_so(users, monev, django_capture_on_commit_callbacks):
    run = services.report_run_request(
        by=users.admin, region_code=PASER, kind="monev", period="2026-Q3", fmt="pdf"
    )
    users.admin.region_id = PPU  # moved to PPU since asking: Paser is no longer theirs
    users.admin.save()
    done = services.report_run_execute(run_id=run.pk)
    assert done.status == "gagal" and "di luar wilayah" in done.error
    assert services.report_run_execute(run_id=run.pk).status == "gagal"  # not run twice


def test_a_run_whose_worker_died_is_reclaimed(users, monev):
    from lindung.core import clock

    run = services.report_run_request(
        by=users.admin, region_code=PASER, kind="monev", period="2026-Q3", fmt="pdf"
    )
    ReportRun.objects.filter(pk=run.pk).update(
        status="berjalan",
        worker="elsewhere:1:1",
        heartbeat_at=clock.now() - services.SILENT_AFTER * 2,
    )
    assert services.report_runs_reclaim() == 1
    assert ReportRun.objects.get(pk=run.pk).status == "gagal"


def test_scope_ppu_admin_cannot_generate_or_download_paser(
    client, users, monev, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.report_run_request(
            by=users.admin, region_code=PASER, kind="monev", period="2026-Q3", fmt="pdf"
        )
    _login(client, users.admin_ppu)
    # The form offers only PPU's regions; a forged POST for Paser is refused.
    assert (
        client.post(
            reverse("reports:home"), {"region": PASER, "period": "2026-Q3", "format": "pdf"}
        ).status_code
        == 200
    )
    assert not ReportRun.objects.filter(created_by=users.admin_ppu).exists()
    with pytest.raises(services.DomainError) as e:
        services.report_run_request(
            by=users.admin_ppu, region_code=PASER, kind="monev", period="2026-Q3", fmt="pdf"
        )
    assert e.value.code == "scope_denied"
    for name in ("reports:run", "reports:run_progress", "reports:run_download"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.get(reverse("reports:archive") + f"?wilayah={PASER}").status_code == 403
    assert f"/laporan/{run.pk}/" not in client.get(reverse("reports:archive")).content.decode()
    assert not AuditEvent.objects.filter(action="export", actor=users.admin_ppu).exists()


def test_form_errors_name_the_period(client, users, monev):
    _login(client, users.admin)
    r = client.post(
        reverse("reports:home"), {"region": PASER, "period": "2026-Q5", "format": "pdf"}
    )
    assert r.status_code == 200 and "2026-Q3 (triwulan)" in r.content.decode()
    r = client.post(
        reverse("reports:home"), {"region": PASER, "period": "2027-Q1", "format": "pdf"}
    )
    assert "belum dimulai" in r.content.decode()
    assert not ReportRun.objects.exists()


# --- the command line ----------------------------------------------------------------------------


def test_command_writes_pdf_and_xlsx(users, monev, tmp_path):
    out = tmp_path / "monev.pdf"
    call_command(
        "report",
        "monev",
        "--region",
        PASER,
        "--period",
        "2026-Q3",
        "--output",
        str(out),
        "--user",
        users.admin.username,
        stdout=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "monev.xlsx"
    call_command(
        "report",
        "monev",
        "--region",
        PASER,
        "--period",
        "2026-Q3",
        "--output",
        str(xlsx),
        "--user",
        users.admin.username,
        stdout=io.StringIO(),
    )
    assert xlsx.read_bytes()[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", actor=users.admin).count() == 2
    assert not ReportRun.objects.exists()  # synchronous: no archive entry


@pytest.mark.parametrize(
    "args",
    [
        ["--region", PASER, "--period", "2026-Q9"],
        ["--region", PASER, "--period", "2027"],
        ["--region", "99.99", "--period", "2026"],
        ["--region", PPU, "--period", "2026"],  # outside admin_paser's scope
    ],
)
def test_command_refuses_with_exit_2(users, monev, tmp_path, args, capsys):
    with pytest.raises(SystemExit) as e:
        call_command(
            "report",
            "monev",
            *args,
            "--output",
            str(tmp_path / "x.pdf"),
            "--user",
            users.admin.username,
        )
    assert e.value.code == 2
    assert not (tmp_path / "x.pdf").exists()


# --- letterhead ----------------------------------------------------------------------------------


def _png(size=(60, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_letterhead_and_logo_reach_the_pdf(client, users, monev, media):
    _login(client, users.admin)
    page = client.get(reverse("reports:letterhead"))
    assert page.status_code == 200 and b"PEMERINTAH KABUPATEN PASER" in page.content
    r = client.post(
        reverse("reports:letterhead"),
        {
            "wilayah": PASER,
            "government": "PEMERINTAH KABUPATEN PASER",
            "agency": "Dinas Tenaga Kerja dan Transmigrasi",
            "address": "Jl. Jenderal Sudirman",
            "city": "Tana Paser",
            "signer_title": "Kepala Dinas",
            "signer_name": "Budi Santoso",
            "signer_rank": "Pembina Utama Muda",
            "signer_nip": "19700101 199003 1 001",
        },
    )
    assert r.status_code == 302
    r = client.post(
        reverse("reports:letterhead_logo", args=[PASER]),
        {"logo": io.BytesIO(_png())},
        format="multipart",
    )
    lh = Letterhead.objects.get(region_id=PASER)
    assert lh.logo.startswith("reports/logo-64.01-") and lh.logo.endswith(".png")
    assert (media / lh.logo).read_bytes() == _png()
    assert (
        client.get(reverse("reports:letterhead_image", args=[PASER]))["Content-Type"] == "image/png"
    )
    from pypdf import PdfReader

    from lindung.reports import render, rules, selectors

    d = selectors.monev_data(user=users.admin, code="64.01.01", period=rules.parse_period("2026"))
    assert d.letterhead == lh  # a kecamatan's report carries its kabupaten's letterhead
    content = render.monev_pdf(d).content
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "DINAS TENAGA KERJA DAN TRANSMIGRASI" in text
    assert "Tana Paser, 20 November 2026" in text
    assert "Budi Santoso" in text and "NIP. 19700101 199003 1 001" in text
    assert any(
        "/Image" in str(p.get("/Resources", {}).get("/XObject", {}).values()) or p.images
        for p in reader.pages[:1]
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"GIF89a" + b"\0" * 50, "file_type"),
        (b"%PDF-1.7 not an image", "file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "file_damaged"),
        (b"", "file_empty"),
    ],
)
def test_logo_checked_by_content(users, monev, media, content, code):
    services.letterhead_set(
        by=users.admin, region=users.admin.region, government="PEMERINTAH KABUPATEN PASER"
    )
    with pytest.raises(services.DomainError) as e:
        services.letterhead_logo_set(by=users.admin, region=users.admin.region, content=content)
    assert e.value.code == code
    assert not Letterhead.objects.get(region_id=PASER).logo


def test_logo_size_limit(users, monev, media, settings):
    settings.REPORT_LOGO_MAX_KB = 1
    services.letterhead_set(
        by=users.admin, region=users.admin.region, government="PEMERINTAH KABUPATEN PASER"
    )
    import random

    noisy = Image.frombytes("RGB", (120, 120), bytes(random.Random(1).randbytes(120 * 120 * 3)))
    buf = io.BytesIO()
    noisy.save(buf, format="PNG")
    with pytest.raises(services.DomainError) as e:
        services.letterhead_logo_set(
            by=users.admin, region=users.admin.region, content=buf.getvalue()
        )
    assert e.value.code == "file_too_large" and "batas 1 KB" in e.value.message


def test_letterhead_rules_and_scope(client, users, monev):
    with pytest.raises(services.ValidationFailed) as e:
        services.letterhead_set(
            by=users.admin, region=users.admin.region, government="", signer_nip="123"
        )
    assert {x.field for x in e.value.errors} == {"government", "signer_nip"}
    from lindung.core.errors import ScopeDenied

    with pytest.raises(ScopeDenied):
        services.letterhead_set(
            by=users.admin_ppu, region=users.admin.region, government="PEMERINTAH KABUPATEN PASER"
        )
    with pytest.raises(ScopeDenied):
        services.letterhead_set(
            by=users.leader, region=users.admin.region, government="PEMERINTAH KABUPATEN PASER"
        )
    _login(client, users.leader)
    assert client.get(reverse("reports:letterhead")).status_code == 403
    _login(client, users.admin_ppu)
    assert client.get(reverse("reports:letterhead") + f"?wilayah={PASER}").status_code == 403

"""The v1 resources beyond workers and enrolments: budget lines, bulk steps, coverage, imports
(upload, poll, report, error workbook), the BPJS exchange, bills, payments, indicators and
claims; filtering, ordering and the capped page."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.test import Client

from lindung.audit.models import AuditEvent
from lindung.imports.models import ImportJob
from lindung.programs.models import BudgetLine, Enrolment
from tests.api.conftest import PASER_KPJ, PASER_NAMES, PASER_SP2D
from tests.conftest import DESA_A, nik_for

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


def post(client: Client, url: str, data: dict | None = None, **kw):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **kw)


def upload(client: Client, url: str, content: bytes, name: str, **data):
    f = io.BytesIO(content)
    f.name = name
    return client.post(url, {"file": f, **data})


# --- programmes and budget lines ---------------------------------------------------------------


def test_budget_lines_are_listed_and_added(token_for, paser):
    admin = token_for("admin")
    url = f"{V1}/programmes/{paser.programme.code}/budget-lines"
    assert [b["document_ref"] for b in admin.get(url).json()["items"]] == ["DPA-RAHASIA-PASER"]
    r = post(
        admin,
        url,
        {
            "kind": "apbd_perubahan",
            "amount": 5_000_000,
            "date": "2026-09-01",
            "document_ref": "DPA-P 2026",
        },
    )
    assert r.status_code == 201 and r.json()["amount"] == 5_000_000
    assert admin.get(f"{V1}/programmes/{paser.programme.code}").json()["budget_total"] == (
        25_160_000
    )
    assert (
        post(
            admin, url, {"kind": "hibah", "amount": 1, "date": "2026-09-01", "document_ref": "x"}
        ).status_code
    ) == 422
    r = post(
        token_for("operator"),
        url,
        {"kind": "apbd_murni", "amount": 1, "date": "2026-09-01", "document_ref": "x"},
    )
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    assert BudgetLine.objects.count() == 2


def test_programmes_filter_and_order(token_for, paser, province_programme):
    client = token_for("admin")
    codes = [p["code"] for p in client.get(f"{V1}/programmes?ordering=-code").json()["items"]]
    assert codes == ["PASER-2026", "KALTIM-2026"]
    assert client.get(f"{V1}/programmes?fiscal_year=2025").json()["count"] == 0
    r = client.get(f"{V1}/programmes?ordering=budget")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "invalid_input",
        "ordering",
    )


# --- enrolments: bulk, coverage ----------------------------------------------------------------


def test_bulk_verify_reports_each_refusal_without_naming_outsiders(
    token_for, users, paser, make_worker
):
    from lindung.programs.services import enrolment_propose

    ppu_worker = make_worker(by=users.admin_ppu, village="64.09.01.2020", name="Warga PPU")
    other = Enrolment.objects.create(
        worker=ppu_worker,
        programme=paser.programme,
        status="diusulkan",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        proposed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    extra = enrolment_propose(programme=paser.programme, worker=make_worker(), by=users.admin)
    ids = [paser.proposal.pk, extra.pk, paser.enrolment.pk, other.pk, 999_999]
    r = post(
        token_for("admin"), f"{V1}/enrolments/bulk", {"action": "verify", "enrolment_ids": ids}
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["done"] == 2
    codes = sorted(p["code"] for p in body["problems"])
    assert codes == ["not_found", "not_found", "transition_invalid"]
    assert "Warga PPU" not in r.content.decode()
    assert {e.status for e in Enrolment.objects.filter(pk__in=[paser.proposal.pk, extra.pk])} == {
        "diverifikasi"
    }
    r = post(
        token_for("auditor"), f"{V1}/enrolments/bulk", {"action": "activate", "enrolment_ids": ids}
    )
    assert r.status_code == 403
    assert (
        post(
            token_for("admin"), f"{V1}/enrolments/bulk", {"action": "end", "enrolment_ids": ids}
        ).status_code
        == 422
    )


def test_propose_with_waitlist_when_the_quota_is_full(token_for, users, paser, make_worker):
    from lindung.programs.services import programme_set_quota

    programme_set_quota(by=users.admin, programme=paser.programme, quota=2)
    worker = make_worker(by=users.operator)
    body = {"programme": paser.programme.code, "worker_id": worker.pk}
    r = post(token_for("operator"), f"{V1}/enrolments", body)
    assert (r.status_code, r.json()["code"]) == (409, "quota_exceeded")
    r = post(token_for("operator"), f"{V1}/enrolments", {**body, "waitlist": True})
    assert (r.status_code, r.json()["status"]) == (201, "menunggu")


def test_enrolment_coverage_month_by_month(token_for, paser):
    months = token_for("admin").get(f"{V1}/enrolments/{paser.enrolment.pk}/coverage").json()
    assert [m["month"] for m in months] == [f"2026-{m:02d}-01" for m in range(1, 12)]
    by_month = {m["month"]: m["status"] for m in months}
    assert by_month["2026-02-01"] == by_month["2026-10-01"] == "dibayar"
    assert by_month["2026-11-01"] != "dibayar"


def test_worker_enrolments(token_for, paser):
    r = token_for("admin").get(f"{V1}/workers/{paser.worker.pk}/enrolments")
    assert [e["kpj_number"] for e in r.json()["items"]] == [PASER_KPJ]


# --- contributions -----------------------------------------------------------------------------


def test_bills_payments_and_coverage(token_for, paser):
    client = token_for("admin")
    bills = client.get(f"{V1}/bills?programme={paser.programme.code}&ordering=month").json()
    assert bills["count"] == 9
    feb = bills["items"][0]
    assert (feb["month"], feb["total"], feb["outstanding"], feb["paid_at"]) == (
        "2026-02-01",
        16_800,
        0,
        "2026-02-12",
    )
    assert client.get(f"{V1}/bills/{feb['id']}").json()["line_count"] == 1
    assert client.get(f"{V1}/bills?unpaid=true").json()["count"] == 0
    assert client.get(f"{V1}/bills?month=2026-05-17").json()["count"] == 1
    payments = client.get(f"{V1}/payments?ordering=paid_on").json()
    assert payments["items"][0]["reference"] == PASER_SP2D and payments["count"] == 9
    r = post(
        client,
        f"{V1}/payments",
        {
            "programme": paser.programme.code,
            "paid_on": "2026-11-12",
            "amount": 16_800,
            "reference": "SP2D-NOV",
            "first_month": "2026-11-01",
        },
    )
    assert r.status_code == 201, r.content
    assert (r.json()["allocated"], r.json()["unallocated"]) == (16_800, 0)
    r = post(
        client,
        f"{V1}/payments",
        {
            "programme": paser.programme.code,
            "paid_on": "2026-11-12",
            "amount": 1,
            "reference": "SP2D-NOV",
            "first_month": "2026-11-01",
        },
    )
    assert (r.status_code, r.json()["code"]) == (409, "reference_taken")
    summary = client.get(f"{V1}/programmes/{paser.programme.code}/coverage?month=2026-11-01")
    assert summary.json()["counts"]["dibayar"] == 1
    rows = client.get(
        f"{V1}/programmes/{paser.programme.code}/coverage/workers?month=2026-10-01"
    ).json()
    assert rows["count"] == 1 and rows["items"][0]["kpj_number"] == PASER_KPJ
    assert rows["items"][0]["status"] == "dibayar"


def test_an_operator_sees_no_money(token_for, paser):
    client = token_for("operator")
    assert client.get(f"{V1}/bills").json()["count"] == 0
    assert client.get(f"{V1}/bills/{paser.bill.pk}").status_code == 404
    assert client.get(f"{V1}/programmes/{paser.programme.code}/coverage").status_code == 404
    r = client.get(f"{V1}/programmes/{paser.programme.code}/budget-lines")
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    programme = client.get(f"{V1}/programmes/{paser.programme.code}").json()
    assert programme["budget_total"] is None and programme["quota"] > 0
    listed = client.get(f"{V1}/programmes").json()["items"]
    assert listed and all(p["budget_total"] is None for p in listed)
    assert token_for("admin").get(f"{V1}/programmes/{paser.programme.code}").json()["budget_total"]


# --- imports and the BPJS exchange -------------------------------------------------------------


def csv_bytes(rows: list[list[str]]) -> bytes:
    header = [
        "NIK",
        "NO_KK",
        "NAMA",
        "JENIS_KELAMIN",
        "TEMPAT_LAHIR",
        "TANGGAL_LAHIR",
        "KODE_DESA",
        "ALAMAT",
        "PEKERJAAN",
        "NO_HP",
        "PENGHASILAN",
    ]
    return "\n".join(",".join(r) for r in [header, *rows]).encode()


def test_upload_poll_report_and_error_workbook(
    token_for, users, paser, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client = token_for("admin")
    good = [
        nik_for(serial=501),
        "6401010000000501",
        "Budi Uji",
        "L",
        "Grogot",
        "17/08/1985",
        DESA_A,
        "RT 1",
        "nelayan",
        "081234567890",
        "1000000",
    ]
    bad = [nik_for(serial=502), "", "", "L", "", "17/08/1985", DESA_A, "", "nelayan", "", ""]
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(
            client,
            f"{V1}/imports",
            csv_bytes([good, bad]),
            "desa.csv",
            programme=paser.programme.code,
        )
    assert r.status_code == 202, r.content
    job_url = r["Location"]
    assert job_url == f"{V1}/imports/{r.json()['id']}"
    job = client.get(job_url).json()
    assert job["finished"] and job["status"] == "selesai"
    assert (job["result"]["accepted"], job["result"]["rejected"], job["errors_total"]) == (1, 1, 1)
    assert job["errors"][0]["code"] == "missing_value"
    assert job["error_file_status"] == "siap"
    workbook = client.get(f"{job_url}/errors")
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert AuditEvent.objects.filter(action="export", actor=users.admin).exists()
    listed = client.get(f"{V1}/imports?kind=pekerja").json()
    assert job["id"] in [j["id"] for j in listed["items"]]
    assert "errors" not in listed["items"][0]  # the list stays light


def test_an_error_workbook_not_built_yet_is_202_with_retry_after(token_for, paser):
    ImportJob.objects.filter(pk=paser.job.pk).update(error_file_status="antri")
    r = token_for("admin").get(f"{V1}/imports/{paser.job.pk}/errors")
    assert (r.status_code, r["Retry-After"], r.json()["error_file_status"]) == (202, "5", "antri")


def test_a_refused_upload_is_a_field_error(token_for, paser):
    r = upload(token_for("admin"), f"{V1}/imports", b"x", "pekerja.pdf")
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = upload(token_for("leader"), f"{V1}/imports", csv_bytes([]), "a.csv")
    assert r.status_code == 403
    assert not ImportJob.objects.exclude(pk=paser.job.pk).exists()


def test_bpjs_registration_file_and_answer(
    token_for, users, paser, settings, django_capture_on_commit_callbacks
):
    from lindung.programs.services import enrolment_verify

    settings.TASKS = IMMEDIATE
    enrolment_verify(enrolment=paser.proposal, by=users.admin)
    client = token_for("bpjs")
    r = client.get(f"{V1}/bpjs/registrations/{paser.programme.code}?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert PASER_NAMES[1] in text and PASER_NAMES[0] not in text  # verified only
    assert AuditEvent.objects.filter(action="export", actor=users.bpjs).count() == 1
    answer = (
        f"NIK,NO_KPJ,TANGGAL_TERDAFTAR,STATUS\n{paser.proposed.nik},55500000002,2026-11-18,AKTIF\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = upload(client, f"{V1}/bpjs/answers", answer, "jawaban.csv")
    assert r.status_code == 202, r.content
    job = client.get(r["Location"]).json()
    assert job["status"] == "selesai" and job["kind"] == "jawaban_bpjs", job
    assert Enrolment.objects.get(pk=paser.proposal.pk).status == "aktif"
    assert (
        token_for("operator").get(f"{V1}/bpjs/registrations/{paser.programme.code}").status_code
        == 403
    )


# --- indicators and claims ---------------------------------------------------------------------


def test_indicators_of_the_region_and_its_children(token_for, paser):
    body = token_for("admin").get(f"{V1}/indicators").json()
    assert (body["region"], body["active"], body["registered"]) == ("64.01", 1, 2)
    assert body["period"] == {"start": "2026-01-01", "end": "2026-11-20"}
    assert any(c["region"] == "64.01.01" and c["active"] == 1 for c in body["children"])
    village = token_for("admin").get(f"{V1}/indicators?region={DESA_A}").json()
    assert village["active"] == 1
    r = token_for("admin").get(f"{V1}/indicators?region=64.09")
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    assert token_for("admin").get(f"{V1}/indicators?region=99.99").status_code == 404
    assert (
        token_for("admin").get(f"{V1}/indicators?on=2026-05-01&start=2026-06-01").status_code == 422
    )


def test_village_rollout(token_for, paser):
    rows = (
        token_for("admin")
        .get(f"{V1}/indicators/villages?region=64.01.01&status=melaksanakan")
        .json()
    )
    assert [r["region"] for r in rows["items"]] == [DESA_A]


def test_claims_register_masks_the_heir_for_readers(token_for, paser):
    claim = token_for("admin").get(f"{V1}/claims").json()["items"][0]
    assert (claim["number"], claim["claim_type"], claim["programme"]) == (
        paser.claim.number,
        "jkm",
        paser.programme.code,
    )
    assert claim["claimant_nik"] == paser.claim.claimant_nik
    masked = token_for("leader").get(f"{V1}/claims/{paser.claim.pk}").json()["claimant_nik"]
    assert masked != paser.claim.claimant_nik and "•" in masked
    assert token_for("admin").get(f"{V1}/claims?claim_type=jkk_death").json()["count"] == 0


# --- pages -------------------------------------------------------------------------------------


def test_every_list_is_capped(token_for, paser):
    client = token_for("admin")
    for url in [
        "workers",
        "programmes",
        "enrolments",
        "imports",
        "bills",
        "payments",
        "claims",
        "indicators/villages",
        f"programmes/{paser.programme.code}/budget-lines",
    ]:
        r = client.get(f"{V1}/{url}?limit=501")
        assert (r.status_code, r.json()["field"]) == (422, "limit"), url
        assert client.get(f"{V1}/{url}?limit=500").status_code == 200, url

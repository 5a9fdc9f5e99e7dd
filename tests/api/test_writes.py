"""The v1 writes of issue 15's second round: programmes created and changed, budget lines with
the quota they afford, a month's bill generated as a background job, and BPJS registration as
numbered batches (create, list, read, file, enrolments, the answer matched to its batch).

Each operation: the happy path, a validation error naming its field, 404 for a user of another
region, 403 for a role or token that may not write."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.test import Client

from lindung.audit.models import AuditEvent
from lindung.contributions.models import Bill
from lindung.imports.models import BpjsBatch, BpjsBatchEntry
from lindung.programs.models import Programme
from tests.api.conftest import DATABASE_TASKS, PASER_BATCH_NAME, PASER_KPJ, PASER_NAMES

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def patch(client: Client, url: str, data: dict):
    return client.patch(url, json.dumps(data), content_type="application/json")


def new_programme(**extra) -> dict:
    return {
        "code": "contoh-2027",
        "name": "Perlindungan pekerja rentan contoh 2027",
        "fiscal_year": 2027,
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "age_min": 18,
        "age_max": 60,
        "quota": 500,
        "occupations": ["nelayan", "petani"],
        "legal_basis": "Perbup contoh 1/2027",
        **extra,
    }


# --- programmes --------------------------------------------------------------------------------


def test_an_admin_creates_a_programme_of_her_regency(token_for, users):
    r = post(token_for("admin"), f"{V1}/programmes", new_programme())
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["code"], body["region"], body["quota"], body["used"]) == (
        "CONTOH-2027",
        "64.01",
        500,
        0,
    )
    assert body["occupations"] == ["nelayan", "petani"]
    assert body["legal_basis"] == "Perbup contoh 1/2027"
    programme = Programme.objects.get(code="CONTOH-2027")
    assert AuditEvent.objects.filter(action="create", object_id=str(programme.pk)).exists()


def test_a_new_programme_is_checked_like_the_form(token_for, users, programme):
    client = token_for("admin")
    r = post(client, f"{V1}/programmes", new_programme(period_end="2026-12-31"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "period_order",
        "period_end",
    )
    r = post(client, f"{V1}/programmes", new_programme(occupations=["nelayan", "astronot"]))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "occupation_unknown",
        "occupations",
    )
    assert "astronot" in r.json()["message"]
    r = post(client, f"{V1}/programmes", new_programme(code="PASER 2027"))
    assert (r.status_code, r.json()["field"]) == (422, "code")
    r = post(client, f"{V1}/programmes", new_programme(code=programme.code))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        409,
        "programme_code_taken",
        "code",
    )
    r = post(client, f"{V1}/programmes", new_programme(region="99.99"))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "region_unknown", "region")
    r = post(client, f"{V1}/programmes", new_programme(name="   "))
    assert (r.status_code, r.json()["field"]) == (422, "name")
    assert not Programme.objects.filter(code="CONTOH-2027").exists()


def test_only_the_sponsor_creates_a_programme(token_for, users):
    r = post(token_for("admin_ppu"), f"{V1}/programmes", new_programme(region="64.01"))
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    for role in ("operator", "bpjs", "leader", "auditor"):
        r = post(token_for(role), f"{V1}/programmes", new_programme())
        assert r.status_code == 403, role
    r = post(token_for("admin", read_only=True), f"{V1}/programmes", new_programme())
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    # The province admin sponsors province programmes, in her own region.
    r = post(token_for("province"), f"{V1}/programmes", new_programme(code="KALTIM-CONTOH"))
    assert (r.status_code, r.json()["region"]) == (201, "64")
    assert list(Programme.objects.values_list("code", flat=True)) == ["KALTIM-CONTOH"]


def test_a_programme_is_changed_field_by_field(token_for, users, paser):
    url = f"{V1}/programmes/{paser.programme.code}"
    client = token_for("admin")
    r = patch(client, url, {"quota": 150, "age_max": 65, "occupations": ["nelayan", "petani"]})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["quota"], body["age_min"], body["age_max"]) == (150, 15, 65)
    assert body["occupations"] == ["nelayan", "petani"]
    assert body["name"] == paser.programme.name  # not sent: unchanged
    assert AuditEvent.objects.filter(action="update", summary__contains=paser.programme.code)
    r = patch(client, url, {"quota": 1})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        409,
        "quota_below_used",
        "quota",
    )
    r = patch(client, url, {"period_start": "2026-06-01"})
    assert (r.status_code, r.json()["code"]) == (409, "period_cuts_enrolments")
    r = patch(client, url, {"age_min": 70})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "age_order", "age_max")
    r = patch(client, url, {"quota": -1})
    assert (r.status_code, r.json()["field"]) == (422, "quota")
    r = patch(client, url, {"code": "LAIN-2026"})
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "field_fixed")
    assert r.json()["message"].startswith("code program tidak dapat diubah")
    assert Programme.objects.get(pk=paser.programme.pk).quota == 150


def test_a_programme_is_changed_only_by_its_sponsor(token_for, users, paser):
    url = f"{V1}/programmes/{paser.programme.code}"
    r = patch(token_for("admin_ppu"), url, {"quota": 150})
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert paser.programme.code not in r.content.decode()
    # The province reads Paser's programme but does not manage it.
    r = patch(token_for("province"), url, {"quota": 150})
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    for role in ("operator", "leader", "auditor", "bpjs"):
        assert patch(token_for(role), url, {"quota": 150}).status_code == 403, role
    r = patch(token_for("admin", read_only=True), url, {"quota": 150})
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    assert Programme.objects.get(pk=paser.programme.pk).quota == 100


# --- budget lines and the quota they afford ----------------------------------------------------


def test_a_budget_line_answers_the_quota_it_affords_and_offers_it(token_for, paser):
    """20.160.000 (the fixture's line) + 201.600.000 = 221.760.000 at Rp16.800 for 12 months:
    1.100 participants; the quota is 100, so 1.100 is offered, never set."""
    client = token_for("admin")
    url = f"{V1}/programmes/{paser.programme.code}/budget-lines"
    line = {
        "kind": "apbd_perubahan",
        "amount": 201_600_000,
        "date": "2026-09-01",
        "document_ref": "DPA-P contoh",
    }
    r = post(client, url, line)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["amount"], body["budget_total"], body["premium"], body["months"]) == (
        201_600_000,
        221_760_000,
        16_800,
        12,
    )
    assert (body["quota"], body["quota_affordable"]) == (100, 1_100)
    assert body["quota_offer"]["quota"] == 1_100
    assert "(Rp201.600.000) menanggung 1.000 peserta lagi" in body["quota_offer"]["sentence"]
    assert Programme.objects.get(pk=paser.programme.pk).quota == 100
    # Accepting the offer is a PATCH of the quota.
    r = patch(client, f"{V1}/programmes/{paser.programme.code}", {"quota": 1_100})
    assert r.json()["quota"] == 1_100
    r = post(client, url, {**line, "document_ref": "DPA-P 2", "amount": 0})
    assert (r.status_code, r.json()["field"]) == (422, "amount")
    r = post(token_for("admin_ppu"), url, line)
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    r = post(token_for("auditor"), url, line)
    assert r.status_code == 403
    r = post(token_for("admin", read_only=True), url, line)
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")


# --- bills -------------------------------------------------------------------------------------


def run_the_task_worker() -> None:
    """What `lindung db_worker` does, once, in this thread: every queued task. The worker
    closes "old" connections between tasks; on PostgreSQL that would be the test's own, inside
    its transaction, so that is left out here."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        _worker().run()


def _worker():
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="api-test",
        excluded_queue_names=[],
    )


def test_a_month_bill_is_generated_in_the_background_and_polled(token_for, users, paser, settings):
    settings.TASKS = DATABASE_TASKS
    client = token_for("admin")
    r = post(client, f"{V1}/programmes/{paser.programme.code}/bills", {"month": "2026-11"})
    assert r.status_code == 202, r.content
    job = r.json()
    assert (job["status"], job["finished"], job["month"], job["bill"]) == (
        "antri",
        False,
        "2026-11-01",
        None,
    )
    assert r["Location"] == f"{V1}/bills/jobs/{job['id']}" and r["Retry-After"] == "5"
    assert client.get(r["Location"]).json()["status"] == "antri"
    assert not Bill.objects.filter(month=dt.date(2026, 11, 1)).exists()
    run_the_task_worker()
    done = client.get(r["Location"]).json()
    assert (done["status"], done["finished"]) == ("selesai", True)
    assert (done["bill"]["month"], done["bill"]["line_count"], done["bill"]["total"]) == (
        "2026-11-01",
        1,
        16_800,
    )
    assert "16.800" in done["message"]
    # The bill is then paid by API like any other.
    r = post(
        client,
        f"{V1}/payments",
        {
            "programme": paser.programme.code,
            "paid_on": "2026-11-20",
            "amount": 16_800,
            "reference": "SP2D-NOV-CONTOH",
            "first_month": "2026-11-01",
        },
    )
    assert r.status_code == 201
    assert client.get(f"{V1}/bills/{done['bill']['id']}").json()["outstanding"] == 0
    # Another region's user does not find the job.
    assert token_for("admin_ppu").get(f"{V1}/bills/jobs/{job['id']}").status_code == 404
    assert client.get(f"{V1}/bills/jobs/tidak-ada").status_code == 404


def test_a_backend_that_runs_at_once_answers_the_finished_job(token_for, paser, settings):
    settings.TASKS = IMMEDIATE
    r = post(
        token_for("admin"), f"{V1}/programmes/{paser.programme.code}/bills", {"month": "11/2026"}
    )
    assert r.status_code == 202, r.content
    job = r.json()
    assert (job["status"], job["finished"], job["bill"]["line_count"]) == ("selesai", True, 1)
    assert r["Location"] == f"{V1}/bills/{job['bill']['id']}"


def test_a_bill_is_refused_before_it_is_queued(token_for, users, paser, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    url = f"{V1}/programmes/{paser.programme.code}/bills"
    client = token_for("admin")
    r = post(client, url, {"month": "2027-01"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "month_out_of_period",
        "month",
    )
    r = post(client, url, {"month": "November"})
    assert (r.status_code, r.json()["field"]) == (422, "month")
    r = post(client, url, {"month": "2026-02"})  # paid by the fixture's SP2D
    assert (r.status_code, r.json()["code"]) == (409, "bill_locked")
    assert (post(token_for("admin_ppu"), url, {"month": "2026-11"}).status_code) == 404
    r = post(token_for("province"), url, {"month": "2026-11"})
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    assert post(token_for("auditor"), url, {"month": "2026-11"}).status_code == 403
    r = post(token_for("admin", read_only=True), url, {"month": "2026-11"})
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    assert not DBTaskResult.objects.exists()


def test_a_paid_bill_is_corrected_with_an_adjustment(token_for, users, paser):
    url = f"{V1}/bills/{paser.bill.pk}/adjustments"
    client = token_for("admin")
    r = post(client, url, {"amount": 16_800, "reason": "Peserta terlewat", "kpj_number": PASER_KPJ})
    assert r.status_code == 201, r.content
    assert (r.json()["adjustments_total"], r.json()["total"], r.json()["outstanding"]) == (
        16_800,
        33_600,
        16_800,
    )
    r = post(client, url, {"amount": 100, "reason": "x", "kpj_number": "99999999999"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "kpj_unmatched",
        "kpj_number",
    )
    r = post(client, url, {"amount": 0, "reason": "x"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "amount_invalid", "amount")
    unpaid = Bill.objects.exclude(pk=paser.bill.pk).filter(paid_at__isnull=True).first()
    if unpaid is None:  # every month the fixture billed is paid: bill November, unpaid
        from lindung.contributions.services import bill_generate

        unpaid = bill_generate(
            by=users.admin, programme=paser.programme, month=dt.date(2026, 11, 1)
        )
    r = post(client, f"{V1}/bills/{unpaid.pk}/adjustments", {"amount": 100, "reason": "x"})
    assert (r.status_code, r.json()["code"]) == (409, "bill_not_locked")
    assert post(token_for("admin_ppu"), url, {"amount": 1, "reason": "x"}).status_code == 404
    r = post(token_for("province"), url, {"amount": 1, "reason": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "scope_denied")
    assert post(token_for("auditor"), url, {"amount": 1, "reason": "x"}).status_code == 403
    r = post(token_for("admin", read_only=True), url, {"amount": 1, "reason": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    assert Bill.objects.get(pk=paser.bill.pk).adjustments_total == 16_800


# --- BPJS batches ------------------------------------------------------------------------------


PEOPLE = [
    ("Andi Saputra", dt.date(1979, 3, 4), "L"),
    ("Rina Wulandari", dt.date(1991, 7, 22), "P"),
    ("Yusuf Hidayat", dt.date(1968, 12, 9), "L"),
]


def verified(users, paser, make_worker, n: int = 2, start: int = 0):
    """`n` more verified proposals of distinct people (similar ones would be held back as
    possible duplicates)."""
    from lindung.programs.services import enrolment_propose, enrolment_verify

    out = []
    for name, birth, sex in PEOPLE[start : start + n]:
        worker = make_worker(name=name, birth=birth, sex=sex)
        e = enrolment_propose(programme=paser.programme, worker=worker, by=users.admin)
        out.append(enrolment_verify(enrolment=e, by=users.admin))
    return out


def test_a_batch_is_created_listed_read_and_downloaded(token_for, users, paser, make_worker):
    sent = verified(users, paser, make_worker)
    client = token_for("bpjs")
    r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code, "format": "csv"})
    assert r.status_code == 201, r.content
    batch = r.json()
    assert (batch["number"], batch["programme"], batch["rows"], batch["format"]) == (
        1,
        paser.programme.code,
        2,
        "csv",
    )
    assert (batch["waiting"], batch["answered"], batch["created_by"]) == (2, False, "bpjs_tgt")
    assert batch["name"] == f"{paser.programme.code}-batch-001"
    assert r["Location"] == f"{V1}/bpjs/batches/{batch['id']}"
    # A second batch offers only what was not sent yet.
    r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code})
    assert (r.status_code, r.json()["code"]) == (409, "batch_empty")
    more = verified(users, paser, make_worker, n=1, start=2)
    second = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code}).json()
    assert (second["number"], second["rows"], second["format"]) == (2, 1, "xlsx")
    listed = client.get(f"{V1}/bpjs/batches?programme={paser.programme.code}").json()
    assert [b["number"] for b in listed["items"]] == [2, 1] and listed["count"] == 2
    assert client.get(f"{V1}/bpjs/batches/{batch['id']}").json()["rows"] == 2
    f = client.get(f"{V1}/bpjs/batches/{batch['id']}/file")
    assert f.status_code == 200 and f["Content-Type"].startswith("text/csv")
    assert "batch-001" in f["Content-Disposition"]
    text = f.content.decode("utf-8-sig")
    assert all(e.worker.nik in text for e in sent) and more[0].worker.nik not in text
    f = client.get(f"{V1}/bpjs/batches/{second['id']}/file?fmt=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(f.content))
    assert book.active.title == f"Batch 2 {paser.programme.code}"
    assert AuditEvent.objects.filter(action="export", actor=users.bpjs).count() == 2
    rows = client.get(f"{V1}/bpjs/batches/{batch['id']}/enrolments").json()
    assert [(e["id"], e["position"], e["outcome"]) for e in rows["items"]] == [
        (sent[0].pk, 1, "menunggu"),
        (sent[1].pk, 2, "menunggu"),
    ]
    assert (
        client.get(f"{V1}/bpjs/batches/{batch['id']}/enrolments?outcome=ditolak").json()["count"]
        == 0
    )


def test_batch_requests_are_checked(token_for, users, paser, paser_batch):
    client = token_for("admin")
    r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code, "format": "pdf"})
    assert (r.status_code, r.json()["field"]) == (422, "format")
    r = post(client, f"{V1}/bpjs/batches", {})
    assert (r.status_code, r.json()["field"]) == (422, "programme")
    r = client.get(f"{V1}/bpjs/batches/{paser_batch.pk}/file?fmt=pdf")
    assert (r.status_code, r.json()["field"]) == (422, "fmt")
    r = client.get(f"{V1}/bpjs/batches/{paser_batch.pk}/enrolments?outcome=hilang")
    assert (r.status_code, r.json()["field"]) == (422, "outcome")


def test_another_regions_user_finds_no_batch(token_for, users, paser, paser_batch):
    for role in ("admin_ppu",):
        client = token_for(role)
        for url in (
            f"/bpjs/batches/{paser_batch.pk}",
            f"/bpjs/batches/{paser_batch.pk}/file",
            f"/bpjs/batches/{paser_batch.pk}/enrolments",
            f"/bpjs/batches?programme={paser.programme.code}",
        ):
            r = client.get(V1 + url)
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), url
            assert PASER_BATCH_NAME not in r.content.decode()
        assert client.get(f"{V1}/bpjs/batches").json()["count"] == 0
        r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code})
        assert r.status_code == 404
    assert BpjsBatch.objects.count() == 1


def test_roles_without_the_bpjs_exchange_get_403(token_for, users, paser, paser_batch, make_worker):
    verified(users, paser, make_worker, n=1)
    for role in ("operator", "leader", "auditor"):
        client = token_for(role)
        assert client.get(f"{V1}/bpjs/batches/{paser_batch.pk}").status_code == 403, role
        assert client.get(f"{V1}/bpjs/batches").status_code == 403, role
        r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code})
        assert (r.status_code, r.json()["code"]) == (403, "scope_denied"), role
    r = post(
        token_for("admin", read_only=True),
        f"{V1}/bpjs/batches",
        {"programme": paser.programme.code},
    )
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    # A read-only token may read the batches, and the deprecated file still creates none.
    reader = token_for("admin", read_only=True)
    assert reader.get(f"{V1}/bpjs/batches/{paser_batch.pk}").status_code == 200
    r = reader.get(f"{V1}/bpjs/registrations/{paser.programme.code}")
    assert (r.status_code, r["Deprecation"]) == (200, "true")
    assert r["Link"] == f'<{V1}/bpjs/batches>; rel="successor-version"'
    assert BpjsBatch.objects.count() == 1


def test_the_answer_reports_the_batch_it_matched(
    token_for, users, paser, paser_batch, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    entry = BpjsBatchEntry.objects.select_related("enrolment__worker").get(batch=paser_batch)
    nik = entry.enrolment.worker.nik
    answer = f"NIK,NO_KPJ,TANGGAL_TERDAFTAR,STATUS\n{nik},55500000009,2026-11-18,TERDAFTAR\n"
    f = io.BytesIO(answer.encode())
    f.name = f"jawaban-{paser.programme.code}-batch-001.csv"
    client = token_for("bpjs")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"{V1}/bpjs/answers", {"file": f})
    assert r.status_code == 202, r.content
    job = client.get(r["Location"]).json()
    assert job["status"] == "selesai" and job["result"]["registered"] == 1, job
    assert [(b["id"], b["number"], b["registered"], b["waiting"]) for b in job["batches"]] == [
        (paser_batch.pk, 1, 1, 0)
    ]
    batch = client.get(f"{V1}/bpjs/batches/{paser_batch.pk}").json()
    assert (batch["registered"], batch["waiting"], batch["answered"]) == (1, 0, True)
    rows = client.get(f"{V1}/bpjs/batches/{paser_batch.pk}/enrolments?outcome=terdaftar").json()
    assert [(e["kpj_number"], e["status"]) for e in rows["items"]] == [("55500000009", "terdaftar")]
    assert PASER_NAMES[0] not in json.dumps(rows)


def test_the_schema_examples_name_no_real_regions_programme():
    """Issue 15: examples a user outside a region could read name no real programme; the
    new operations' examples use CONTOH-… codes."""
    import re

    from lindung.api.api import api

    schema = json.dumps(api.get_openapi_schema(), ensure_ascii=False)
    assert not re.search(r"(?i)paser|penajam|\bppu\b|kaltim", schema)
    examples = api.get_openapi_schema()["components"]["schemas"]["ProgrammeIn"]["properties"]
    assert examples["code"]["examples"] == ["CONTOH-2027"]

"""The claims endpoints of API v1 (issue 11): the calculation over given facts (the same as
`lindung claims calculate --json`), reporting, document uploads checked by content, and each
workflow step by its role; refusals of role and region with the API's error body."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from lindung.claims.models import Claim, ClaimDocument
from lindung.claims.rules import CHECKLISTS
from tests.claims.conftest import JPEG, PDF, PNG
from tests.conftest import nik_for

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_LIMIT = 0


def post(client, path, body=None):
    return client.post(V1 + path, json.dumps(body or {}), content_type="application/json")


def upload(client, claim_id, kind, content, name="dokumen.pdf"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(f"{V1}/claims/{claim_id}/documents", {"kind": kind, "file": f})


def error(r, status, code):
    assert r.status_code == status, r.content
    body = r.json()
    assert body["code"] == code and body["message"], body
    return body


JKM = {
    "claim_type": "jkm",
    "income": 2_500_000,
    "member_since": "2026-01-10",
    "event": "2026-08-03",
    "reported": "2026-08-20",
}


def test_calculate_answers_what_the_command_prints(users, token_for, benefit_rules_seeded):
    client = token_for("operator")
    r = post(client, "/claims/calculate", JKM)
    assert r.status_code == 200, r.content
    out = io.StringIO()
    call_command(
        "claims",
        "calculate",
        "--type",
        "jkm",
        "--income",
        "2500000",
        "--member-since",
        "2026-01-10",
        "--event",
        "2026-08-03",
        "--reported",
        "2026-08-20",
        "--json",
        stdout=out,
    )
    assert r.json() == json.loads(out.getvalue())
    assert r.json()["eligible"] is True and r.json()["code"] == "covered"
    assert r.json()["total"] == 42_000_000
    assert sum(i["amount"] for i in r.json()["breakdown"]) == 42_000_000


def test_calculate_unpaid_month_scholarship_and_bad_input(users, token_for, benefit_rules_seeded):
    client = token_for("leader")  # anyone signed in may calculate: nothing is stored
    r = post(client, "/claims/calculate", {**JKM, "unpaid": ["2026-08"]})
    assert r.status_code == 200 and r.json()["eligible"] is False
    assert r.json()["code"] == "event_not_covered" and r.json()["total"] == 0
    r = post(
        client,
        "/claims/calculate",
        {
            "claim_type": "scholarship",
            "income": 2_500_000,
            "member_since": "2020-01-10",
            "event": "2026-08-03",
            "reported": "2026-08-20",
            "cause": "jkm",
            "children": [
                {"level": "SD", "age": 9},
                {"level": "SMA", "age": 16},
                {"level": "SMP", "age": 13},
            ],
        },
    )
    assert r.status_code == 200 and r.json()["code"] == "too_many_children"
    error(
        post(client, "/claims/calculate", {**JKM, "claim_type": "scholarship"}),
        422,
        "missing_value",
    )
    error(
        post(client, "/claims/calculate", {**JKM, "claim_type": "jkk_stmb"}), 422, "missing_value"
    )
    body = error(
        post(client, "/claims/calculate", {**JKM, "reported": "2026-08-01"}), 422, "date_order"
    )
    assert body["field"] == "reported"
    assert (
        error(
            post(client, "/claims/calculate", {**JKM, "unpaid": ["2026-13"]}), 422, "invalid_input"
        )["field"]
        == "unpaid"
    )
    error(post(client, "/claims/calculate", {**JKM, "income": 0}), 422, "invalid_input")
    error(post(client, "/claims/calculate", {**JKM, "claim_type": "jkx"}), 422, "invalid_input")


def report_body(p, **extra):
    return {
        "worker_id": p.worker.pk,
        "claim_type": "jkk_medical",
        "event_date": "2026-10-02",
        "reported_date": "2026-10-05",
        "description": "Jatuh dari perahu",
        "claimant_name": "Rahasia Nelayan Paser",
        "claimant_relationship": "peserta",
        "claimant_nik": p.worker.nik,
        "bank_name": "Bank Kaltimtara",
        "bank_account": "0012345678",
        "medical_cost": 3_000_000,
        **extra,
    }


def test_operator_reports_a_claim_for_a_worker_of_their_village(paser, users, token_for):
    r = post(token_for("operator"), "/claims", report_body(paser))
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["claim_type"], body["status"], body["worker_id"]) == (
        "jkk_medical",
        "dilaporkan",
        paser.worker.pk,
    )
    assert body["eligible"] is True and body["eligibility_code"] == "covered"
    claim = Claim.objects.get(pk=body["id"])
    assert claim.reported_by == users.operator and claim.description == "Jatuh dari perahu"
    # the same event twice: refused, naming the field
    assert (
        error(post(token_for("operator"), "/claims", report_body(paser)), 422, "claim_duplicate")[
            "field"
        ]
        == "event_date"
    )


def test_report_checks_fields_role_and_region(paser, users, token_for):
    r = post(token_for("operator"), "/claims", report_body(paser, bank_account="12"))
    body = error(r, 422, "bank_account_invalid")
    assert body["field"] == "bank_account"
    error(post(token_for("bpjs"), "/claims", report_body(paser)), 403, "scope_denied")
    error(post(token_for("auditor"), "/claims", report_body(paser)), 403, "scope_denied")
    error(post(token_for("operator_b"), "/claims", report_body(paser)), 404, "not_found")
    error(post(token_for("admin_ppu"), "/claims", report_body(paser)), 404, "not_found")
    r = post(
        token_for("operator"),
        "/claims",
        report_body(
            paser,
            claim_type="scholarship",
            cause="jkm",
            school_year="2026/2027",
            claimant_relationship="pasangan",
            claimant_name="Istri",
            claimant_nik=nik_for(birth=dt.date(1988, 3, 2), sex="P", serial=78),
            children=[{"name": "Anak Satu", "birth_date": "2016-05-01", "level": "SD"}],
        ),
    )
    assert r.status_code == 201, r.content
    assert Claim.objects.get(pk=r.json()["id"]).children.count() == 1


def test_documents_are_checked_by_content(paser, users, token_for):
    client = token_for("operator")
    claim = paser.claim
    r = upload(client, claim.pk, "kpj_card", PDF, "kpj.pdf")
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "kpj_card" and r.json()["content_type"] == "application/pdf"
    error(
        upload(client, claim.pk, "kk", b"<html><body>bukan pdf</body></html>", "kk.pdf"),
        422,
        "file_type",
    )
    error(upload(client, claim.pk, "kk", b"", "kk.pdf"), 422, "file_empty")
    error(upload(client, claim.pk, "receipts", PDF), 422, "document_kind_invalid")
    error(upload(token_for("bpjs"), claim.pk, "kk", PDF), 403, "scope_denied")
    error(upload(token_for("admin_ppu"), claim.pk, "kk", PDF), 404, "not_found")
    assert ClaimDocument.objects.filter(claim=claim).count() == 1


def test_oversize_document_refused(paser, users, token_for, settings):
    settings.CLAIM_DOCUMENT_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    body = error(upload(token_for("operator"), paser.claim.pk, "kk", big), 422, "file_too_large")
    assert "1 MB" in body["message"]


def test_workflow_each_step_by_its_role(paser, users, token_for):
    claim = paser.claim
    admin, bpjs, operator = token_for("admin"), token_for("bpjs"), token_for("operator")
    path = f"/claims/{claim.pk}"
    assert (
        error(post(admin, path + "/documents-complete"), 422, "documents_missing")["field"]
        == "file"
    )
    for n, kind in enumerate(CHECKLISTS[claim.claim_type]):
        assert upload(admin, claim.pk, kind, (PDF, JPEG, PNG)[n % 3]).status_code == 201
    r = post(operator, path + "/recheck")
    assert r.status_code == 200 and r.json()["eligibility_code"] == "covered"
    error(post(operator, path + "/documents-complete"), 403, "scope_denied")
    r = post(admin, path + "/documents-complete")
    assert r.status_code == 200 and r.json()["status"] == "dokumen_lengkap"
    error(post(bpjs, path + "/submit"), 403, "scope_denied")
    r = post(admin, path + "/submit", {"bpjs_reference": "KLM/TGT/009"})
    assert r.status_code == 200 and r.json()["status"] == "diajukan"
    error(post(admin, path + "/submit"), 409, "transition_refused")
    error(
        post(admin, path + "/pay", {"amount": 42_000_000, "paid_date": "2026-11-19"}),
        403,
        "scope_denied",
    )
    error(
        post(bpjs, path + "/pay", {"amount": 42_000_000, "paid_date": "2026-11-21"}),
        422,
        "date_future",
    )
    error(post(bpjs, path + "/pay", {"amount": 0, "paid_date": "2026-11-19"}), 422, "invalid_input")
    r = post(bpjs, path + "/pay", {"amount": 41_500_000, "paid_date": "2026-11-19"})
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["paid_amount"], r.json()["paid_date"]) == (
        "dibayar",
        41_500_000,
        "2026-11-19",
    )
    assert r.json()["calculated_amount"] == 42_000_000
    error(post(bpjs, path + "/reject", {"reason": "terlambat"}), 409, "transition_refused")


def test_rejection_records_the_reason(paser, users, token_for):
    claim = paser.claim
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.SUBMITTED)
    bpjs = token_for("bpjs")
    error(post(bpjs, f"/claims/{claim.pk}/reject", {"reason": "   "}), 422, "missing_value")
    r = post(bpjs, f"/claims/{claim.pk}/reject", {"reason": "Akta kematian tidak sah"})
    assert r.status_code == 200 and r.json()["status"] == "ditolak"
    assert r.json()["reject_reason"] == "Akta kematian tidak sah"


def test_another_region_gets_404_on_every_step(paser, users, token_for):
    claim = paser.claim
    client = token_for("admin_ppu")
    for step, body in [
        ("documents-complete", None),
        ("submit", {}),
        ("recheck", None),
        ("pay", {"amount": 1, "paid_date": "2026-11-19"}),
        ("reject", {"reason": "x"}),
    ]:
        error(post(client, f"/claims/{claim.pk}/{step}", body), 404, "not_found")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.REPORTED

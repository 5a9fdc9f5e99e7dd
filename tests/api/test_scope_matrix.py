"""The scope matrix (issue 15): every operation of the OpenAPI schema, called by users of
Penajam Paser Utara (one per role) against Kabupaten Paser's records, answers 404 or 403 and
never holds Paser's data; and a read-only token never writes.

The operations come from the served schema, not from this file: a new endpoint without an
entry in MATRIX fails `test_the_matrix_covers_every_operation`, so it cannot ship unchecked.
The /api/ alias serves the same views as /api/v1/ (lindung/api/urls.py).

Each entry lists requests: TARGET ones name a Paser record (in the path, the query or the body)
and must be refused; OWN ones ask for the caller's own data (lists, the caller's region) and may
succeed, but must not hold any Paser marker either."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client, override_settings

from lindung.api.api import api
from lindung.audit.models import AuditEvent
from lindung.imports.models import BpjsBatch
from lindung.programs.models import BudgetLine, Enrolment, Programme
from tests.api.conftest import (
    DATABASE_TASKS,
    PASER_BATCH_NAME,
    PASER_FILE,
    PASER_HEIR,
    PASER_KPJ,
    PASER_NAMES,
    PASER_SP2D,
)
from tests.conftest import DESA_A, PASER

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
ANSWER_HEADER = "NIK,NO_KPJ,TANGGAL_TERDAFTAR,STATUS\n"
WORKERS_HEADER = (
    "NIK,NO_KK,NAMA,JENIS_KELAMIN,TEMPAT_LAHIR,TANGGAL_LAHIR,KODE_DESA,ALAMAT,"
    "PEKERJAAN,NO_HP,PENGHASILAN\n"
)


@dataclass
class Req:
    path: str
    json: dict[str, Any] | None = None
    files: dict[str, Any] | None = None  # multipart: {"file": (name, bytes), field: value}
    target: bool = True
    echo: frozenset[str] = field(default_factory=frozenset)  # markers the caller itself sent
    tasks: dict[str, Any] | None = None  # another task backend for this request


def T(path: str, body: dict | None = None) -> Req:  # noqa: N802 - reads like the table
    return Req(path, json=body)


def OWN(path: str, body: dict | None = None) -> Req:  # noqa: N802
    return Req(path, json=body, target=False)


MATRIX: dict[tuple[str, str], Callable[[Any], list[Req]]] = {
    ("GET", "/workers"): lambda p: [
        OWN("/workers"),
        OWN("/workers?q=Rahasia"),
        OWN(f"/workers?village={DESA_A}"),
        OWN(f"/workers?q={p.worker.nik}"),
    ],
    ("POST", "/workers"): lambda p: [
        T(
            "/workers",
            {
                "nik": "6401011708850099",
                "name": "Warga Baru",
                "sex": "L",
                "birth_date": "1985-08-17",
                "village": DESA_A,
                "occupation": "nelayan",
            },
        )
    ],
    ("GET", "/workers/{worker_id}"): lambda p: [T(f"/workers/{p.worker.pk}")],
    ("PATCH", "/workers/{worker_id}"): lambda p: [T(f"/workers/{p.worker.pk}", {"name": "X"})],
    ("GET", "/workers/{worker_id}/enrolments"): lambda p: [T(f"/workers/{p.worker.pk}/enrolments")],
    ("GET", "/programmes"): lambda p: [OWN("/programmes"), OWN("/programmes?fiscal_year=2026")],
    ("GET", "/programmes/{code}"): lambda p: [T(f"/programmes/{p.programme.code}")],
    ("POST", "/programmes"): lambda p: [
        T("/programmes", {**NEW_PROGRAMME, "region": PASER}),
        # The caller's own region: the PPU admin may create it; nothing of Paser's in it.
        OWN("/programmes", NEW_PROGRAMME),
    ],
    ("PATCH", "/programmes/{code}"): lambda p: [
        T(f"/programmes/{p.programme.code}", {"quota": 150}),
        T(f"/programmes/{p.programme.code}", {"name": "X", "occupations": ["nelayan"]}),
    ],
    ("POST", "/programmes/{code}/bills"): lambda p: [
        T(f"/programmes/{p.programme.code}/bills", {"month": "2026-11"}),
        Req(
            f"/programmes/{p.programme.code}/bills", json={"month": "2026-11"}, tasks=DATABASE_TASKS
        ),
    ],
    ("GET", "/bills/jobs/{task_id}"): lambda p: [
        Req(f"/bills/jobs/{p.bill_job}", tasks=DATABASE_TASKS)
    ],
    ("GET", "/programmes/{code}/budget-lines"): lambda p: [
        T(f"/programmes/{p.programme.code}/budget-lines")
    ],
    ("POST", "/programmes/{code}/budget-lines"): lambda p: [
        T(
            f"/programmes/{p.programme.code}/budget-lines",
            {"kind": "apbd_murni", "amount": 1000, "date": "2026-11-01", "document_ref": "X"},
        )
    ],
    ("GET", "/programmes/{code}/value-for-budget"): lambda p: [
        T(f"/programmes/{p.programme.code}/value-for-budget")
    ],
    ("GET", "/programmes/{code}/coverage"): lambda p: [
        T(f"/programmes/{p.programme.code}/coverage")
    ],
    ("GET", "/programmes/{code}/coverage/workers"): lambda p: [
        T(f"/programmes/{p.programme.code}/coverage/workers?month=2026-10-01")
    ],
    ("GET", "/enrolments"): lambda p: [
        OWN("/enrolments"),
        OWN(f"/enrolments?q={PASER_NAMES[0]}"),
        OWN("/enrolments?reverify=true"),
        T(f"/enrolments?programme={p.programme.code}"),
    ],
    ("POST", "/enrolments"): lambda p: [
        T("/enrolments", {"programme": p.programme.code, "worker_id": p.proposed.pk})
    ],
    ("POST", "/enrolments/bulk"): lambda p: [
        OWN(
            "/enrolments/bulk",
            {"action": "verify", "enrolment_ids": [p.proposal.pk, p.enrolment.pk]},
        ),
        OWN("/enrolments/bulk", {"action": "activate", "enrolment_ids": [p.enrolment.pk]}),
    ],
    ("GET", "/enrolments/{enrolment_id}"): lambda p: [T(f"/enrolments/{p.enrolment.pk}")],
    ("POST", "/enrolments/{enrolment_id}/verify"): lambda p: [
        T(f"/enrolments/{p.proposal.pk}/verify")
    ],
    ("POST", "/enrolments/{enrolment_id}/reject"): lambda p: [
        T(f"/enrolments/{p.proposal.pk}/reject", {"reason": "x"})
    ],
    ("POST", "/enrolments/{enrolment_id}/register"): lambda p: [
        T(
            f"/enrolments/{p.proposal.pk}/register",
            {"kpj_number": "12345678901", "registration_date": "2026-11-02"},
        )
    ],
    ("POST", "/enrolments/{enrolment_id}/activate"): lambda p: [
        T(f"/enrolments/{p.enrolment.pk}/activate")
    ],
    ("POST", "/enrolments/{enrolment_id}/end"): lambda p: [
        T(f"/enrolments/{p.enrolment.pk}/end", {"reason": "pindah"})
    ],
    ("POST", "/enrolments/{enrolment_id}/reverify"): lambda p: [
        T(f"/enrolments/{p.enrolment.pk}/reverify")
    ],
    ("GET", "/enrolments/{enrolment_id}/coverage"): lambda p: [
        T(f"/enrolments/{p.enrolment.pk}/coverage")
    ],
    ("POST", "/imports"): lambda p: [
        Req(
            "/imports",
            files={"file": ("pekerja.csv", WORKERS_HEADER.encode()), "programme": p.programme.code},
        ),
        # A file naming Paser's worker by NIK, without a programme: the caller's own job, whose
        # report must not tell who holds that NIK.
        Req(
            "/imports",
            target=False,
            echo=frozenset({p.worker.nik}),
            files={
                "file": (
                    "desa.csv",
                    (
                        WORKERS_HEADER + f"{p.worker.nik},,Nama Lain,L,,17/08/1985,"
                        "64.09.01.2020,,nelayan,,\n"
                    ).encode(),
                )
            },
        ),
    ],
    ("GET", "/imports"): lambda p: [OWN("/imports")],
    ("GET", "/imports/{job_id}"): lambda p: [T(f"/imports/{p.job.pk}")],
    ("GET", "/imports/{job_id}/errors"): lambda p: [T(f"/imports/{p.job.pk}/errors")],
    ("GET", "/bpjs/registrations/{code}"): lambda p: [
        T(f"/bpjs/registrations/{p.programme.code}"),
        T(f"/bpjs/registrations/{p.programme.code}?format=csv"),
    ],
    ("POST", "/bpjs/batches"): lambda p: [
        T("/bpjs/batches", {"programme": p.programme.code}),
        T("/bpjs/batches", {"programme": p.programme.code, "format": "csv"}),
    ],
    ("GET", "/bpjs/batches"): lambda p: [
        OWN("/bpjs/batches"),
        T(f"/bpjs/batches?programme={p.programme.code}"),
    ],
    ("GET", "/bpjs/batches/{batch_id}"): lambda p: [T(f"/bpjs/batches/{p.batch.pk}")],
    ("GET", "/bpjs/batches/{batch_id}/file"): lambda p: [
        T(f"/bpjs/batches/{p.batch.pk}/file"),
        T(f"/bpjs/batches/{p.batch.pk}/file?fmt=csv"),
    ],
    ("GET", "/bpjs/batches/{batch_id}/corrections"): lambda p: [
        T(f"/bpjs/batches/{p.batch.pk}/corrections"),
        T(f"/bpjs/batches/{p.batch.pk}/corrections?fmt=csv"),
    ],
    ("GET", "/bpjs/batches/{batch_id}/enrolments"): lambda p: [
        T(f"/bpjs/batches/{p.batch.pk}/enrolments"),
        T(f"/bpjs/batches/{p.batch.pk}/enrolments?outcome=menunggu"),
    ],
    ("POST", "/bpjs/answers"): lambda p: [
        Req(
            "/bpjs/answers",
            files={"file": ("jawaban.csv", ANSWER_HEADER.encode()), "programme": p.programme.code},
        ),
        Req(
            "/bpjs/answers",
            target=False,
            echo=frozenset({p.proposed.nik}),
            files={
                "file": (
                    "jawaban.csv",
                    (ANSWER_HEADER + f"{p.proposed.nik},{PASER_KPJ},2026-11-18,AKTIF\n").encode(),
                )
            },
        ),
    ],
    ("GET", "/bills"): lambda p: [OWN("/bills"), T(f"/bills?programme={p.programme.code}")],
    ("GET", "/bills/{bill_id}"): lambda p: [T(f"/bills/{p.bill.pk}")],
    ("POST", "/bills/{bill_id}/adjustments"): lambda p: [
        T(f"/bills/{p.bill.pk}/adjustments", {"amount": 16800, "reason": "x"}),
        T(
            f"/bills/{p.bill.pk}/adjustments",
            {"amount": -100, "reason": "x", "kpj_number": PASER_KPJ},
        ),
    ],
    ("GET", "/payments"): lambda p: [
        OWN("/payments"),
        T(f"/payments?programme={p.programme.code}"),
    ],
    ("POST", "/payments"): lambda p: [
        T(
            "/payments",
            {
                "programme": p.programme.code,
                "paid_on": "2026-11-12",
                "amount": 16800,
                "reference": "SP2D-X",
                "first_month": "2026-11-01",
            },
        )
    ],
    ("GET", "/payments/{payment_id}"): lambda p: [T(f"/payments/{p.payment.pk}")],
    ("GET", "/indicators"): lambda p: [
        OWN("/indicators"),
        T(f"/indicators?region={PASER}"),
        T(f"/indicators?region={DESA_A}"),
        T("/indicators?region="),
    ],
    ("GET", "/indicators/villages"): lambda p: [
        OWN("/indicators/villages"),
        T(f"/indicators/villages?region={PASER}"),
    ],
    ("GET", "/claims"): lambda p: [
        OWN("/claims"),
        OWN(f"/claims?programme={p.programme.code}"),
        OWN(f"/claims?village={DESA_A}"),
    ],
    ("GET", "/claims/{claim_id}"): lambda p: [T(f"/claims/{p.claim.pk}")],
    ("POST", "/claims/calculate"): lambda p: [
        OWN(
            "/claims/calculate",
            {
                "claim_type": "jkm",
                "income": 2_000_000,
                "member_since": "2026-01-10",
                "event": "2026-08-03",
                "reported": "2026-08-20",
            },
        )
    ],
    ("POST", "/claims"): lambda p: [
        T(
            "/claims",
            {
                "worker_id": p.worker.pk,
                "claim_type": "jkk_medical",
                "event_date": "2026-10-02",
                "claimant_name": "Penerima Lain",
                "claimant_relationship": "peserta",
                "claimant_nik": p.worker.nik,
                "bank_name": "Bank X",
                "bank_account": "1234567890",
            },
        )
    ],
    ("POST", "/claims/{claim_id}/documents"): lambda p: [
        Req(
            f"/claims/{p.claim.pk}/documents",
            files={"file": ("ktp.pdf", b"%PDF-1.4\n%%EOF\n"), "kind": "kpj_card"},
        )
    ],
    ("POST", "/claims/{claim_id}/documents-complete"): lambda p: [
        T(f"/claims/{p.claim.pk}/documents-complete")
    ],
    ("POST", "/claims/{claim_id}/submit"): lambda p: [T(f"/claims/{p.claim.pk}/submit", {})],
    ("POST", "/claims/{claim_id}/pay"): lambda p: [
        T(f"/claims/{p.claim.pk}/pay", {"amount": 42_000_000, "paid_date": "2026-11-19"})
    ],
    ("POST", "/claims/{claim_id}/reject"): lambda p: [
        T(f"/claims/{p.claim.pk}/reject", {"reason": "x"})
    ],
    ("POST", "/claims/{claim_id}/recheck"): lambda p: [T(f"/claims/{p.claim.pk}/recheck")],
}


NEW_PROGRAMME = {
    "code": "CONTOH-LUAR",
    "name": "Program contoh",
    "fiscal_year": 2027,
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "age_min": 18,
    "age_max": 60,
    "quota": 10,
    "occupations": ["nelayan"],
}


def operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path.removeprefix(V1)) for path, ops in paths.items() for method in ops
    }


def markers(p: Any) -> set[str]:
    return {
        *PASER_NAMES,
        PASER_KPJ,
        PASER_SP2D,
        PASER_FILE,
        PASER_HEIR,
        PASER_BATCH_NAME,
        "DPA-RAHASIA-PASER",
        p.worker.nik,
        p.proposed.nik,
        p.claim.claimant_nik,
        p.programme.code,
    }


def send(client: Client, method: str, req: Req):
    if req.tasks is not None:
        with override_settings(TASKS=req.tasks):
            return _send(client, method, req)
    return _send(client, method, req)


def _send(client: Client, method: str, req: Req):
    url = V1 + req.path
    if req.files is not None:
        data = {}
        for name, value in req.files.items():
            if isinstance(value, tuple):
                f = io.BytesIO(value[1])
                f.name = value[0]
                data[name] = f
            else:
                data[name] = value
        return client.post(url, data)
    if req.json is not None:
        return getattr(client, method.lower())(
            url, json.dumps(req.json), content_type="application/json"
        )
    return getattr(client, method.lower())(url)


def test_the_matrix_covers_every_operation():
    ops = operations()
    missing = ops - set(MATRIX)
    stale = set(MATRIX) - ops
    assert not missing, f"operations without a scope-matrix entry: {sorted(missing)}"
    assert not stale, f"matrix entries for operations that no longer exist: {sorted(stale)}"


@pytest.fixture
def paser_all(paser, paser_batch, paser_bill_job):
    """Paser's records, with a BPJS batch and a queued bill job besides."""
    paser.batch = paser_batch
    paser.bill_job = paser_bill_job
    return paser


@pytest.mark.parametrize("role", ["admin", "operator", "bpjs", "leader", "auditor"])
def test_a_user_of_another_region_never_gets_paser_data(
    paser_all, outsiders, role, settings, django_capture_on_commit_callbacks
):
    paser = paser_all
    settings.TASKS = IMMEDIATE  # uploads run at once: their reports are checked too
    settings.API_RATE_LIMIT = 0
    user = getattr(outsiders, role)
    client = Client()
    client.force_login(user)
    secret = markers(paser)
    before = {e.pk: e.status for e in Enrolment.objects.all()}
    budget_lines = BudgetLine.objects.count()
    batches = BpjsBatch.objects.count()
    quota = paser.programme.quota
    failures = []
    for (method, _path), build in sorted(MATRIX.items()):
        for req in build(paser):
            with django_capture_on_commit_callbacks(execute=True):
                r = send(client, method, req)
            bodies = [r.content.decode(errors="replace")]
            if r.status_code == 202 and r.has_header("Location"):
                bodies.append(client.get(r["Location"]).content.decode())
            leaked = {m for m in secret - req.echo if any(m in b for b in bodies)}
            if r.status_code >= 500 or leaked or (req.target and r.status_code not in (403, 404)):
                failures.append((method, req.path, r.status_code, sorted(leaked), bodies[0][:200]))
    assert not failures, "\n".join(map(repr, failures))
    assert {e.pk: e.status for e in Enrolment.objects.filter(pk__in=before)} == before
    assert BudgetLine.objects.count() == budget_lines
    assert BpjsBatch.objects.count() == batches
    assert Programme.objects.get(pk=paser.programme.pk).quota == quota
    assert not Programme.objects.filter(region__code__startswith=PASER, code="CONTOH-LUAR").exists()
    assert not AuditEvent.objects.filter(actor=user, region_code__startswith=PASER).exists()


def test_a_read_only_token_never_writes(paser_all, users, token_for, settings):
    """The Paser admin's own records, with a read-only token: every operation that is not a GET
    is refused before its view runs, whatever its body."""
    paser = paser_all
    settings.API_RATE_LIMIT = 0
    client = token_for("admin", read_only=True)
    events = AuditEvent.objects.count()
    writes = sorted(op for op in MATRIX if op[0] != "GET")
    assert len(writes) >= 18
    for method, path in writes:
        for req in MATRIX[(method, path)](paser):
            r = send(client, method, req)
            assert (r.status_code, r.json()["code"]) == (403, "token_read_only"), (method, path)
    assert AuditEvent.objects.count() == events
    for method, path in sorted(op for op in MATRIX if op[0] == "GET"):
        for req in MATRIX[(method, path)](paser):
            assert send(client, method, req).status_code < 500, path

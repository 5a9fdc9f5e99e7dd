"""API follow-ups of issue 15: `duplicate_pending` is a conflict (409), the worker filter
knows the wage-earner status, BPJS batches say how many corrections they carried and how many
enrolments a possible duplicate holds back (and serve the corrections as a file), and the
re-verification of a corrected participant (issue 12) is readable, filterable and callable."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client

from lindung.audit.models import AuditEvent
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_propose, enrolment_verify
from lindung.registry.services import worker_update
from tests.conftest import DESA_A, DESA_B, nik_for

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _correct(worker, by, birth: dt.date, reason: str = "Salah ketik tahun lahir") -> str:
    nik = nik_for(birth=birth, sex=worker.sex, serial=88)
    worker_update(worker=worker, by=by, nik=nik, birth_date=birth, correction_reason=reason)
    return nik


# --- errors and filters --------------------------------------------------------------------


def test_a_verification_held_by_a_possible_duplicate_is_a_409(users, programme, make_worker):
    a = make_worker(name="Siti Aminah", sex="P", village=DESA_A)
    make_worker(name="Siti Aminahh", sex="P", village=DESA_B)  # queues the pair
    e = enrolment_propose(programme=programme, worker=a, by=users.admin)
    client = Client()
    client.force_login(users.admin)
    r = post(client, f"{V1}/enrolments/{e.pk}/verify")
    assert (r.status_code, r.json()["code"]) == (409, "duplicate_pending")


def test_the_worker_filter_knows_wage_earners(users, make_worker, client_for):
    earner = make_worker(by=users.operator)
    make_worker(by=users.operator)
    worker_update(worker=earner, by=users.operator, status="penerima_upah")
    r = client_for("admin").get(f"{V1}/workers?status=penerima_upah")
    assert r.status_code == 200
    assert [w["id"] for w in r.json()["items"]] == [earner.pk]


# --- BPJS batches: corrections and held enrolments ------------------------------------------


def test_a_batch_counts_its_corrections_and_serves_them(users, paser, token_for):
    old_nik = paser.worker.nik
    new_nik = _correct(paser.worker, users.admin, dt.date(1984, 8, 17))
    client = token_for("bpjs")
    r = post(client, f"{V1}/bpjs/batches", {"programme": paser.programme.code})
    assert r.status_code == 201, r.content
    batch = r.json()
    assert (batch["rows"], batch["corrections"], batch["held"]) == (0, 1, 0)
    assert client.get(f"{V1}/bpjs/batches/{batch['id']}").json()["corrections"] == 1
    f = client.get(f"{V1}/bpjs/batches/{batch['id']}/corrections?fmt=csv")
    assert f.status_code == 200 and f["Content-Type"].startswith("text/csv")
    assert "koreksi-bpjs-" in f["Content-Disposition"]
    [row] = list(csv.DictReader(io.StringIO(f.content.decode("utf-8-sig")), delimiter=";"))
    assert (row["NIK_BARU"], row["NIK_LAMA"]) == (new_nik, old_nik)
    assert row["ALASAN"] == "Salah ketik tahun lahir"
    xlsx = client.get(f"{V1}/bpjs/batches/{batch['id']}/corrections")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"  # the batch's format
    exports = AuditEvent.objects.filter(action="export", actor=users.bpjs)
    assert [e.changes["kind"] for e in exports] == ["bpjs_corrections", "bpjs_corrections"]
    assert (
        client.get(f"{V1}/bpjs/batches/{batch['id']}/corrections?fmt=pdf").json()["field"] == "fmt"
    )


def test_the_corrections_file_is_the_batch_file_permission_and_region(
    users, paser, paser_batch, token_for, client_for
):
    url = f"{V1}/bpjs/batches/{paser_batch.pk}/corrections"
    assert client_for("operator").get(url).status_code == 403
    assert client_for("leader").get(url).status_code == 403
    assert token_for("admin_ppu").get(url).status_code == 404
    assert token_for("admin", read_only=True).get(url).status_code == 200  # a GET: allowed


def test_a_batch_says_how_many_a_possible_duplicate_holds_back(
    users, paser, paser_batch, make_worker, client_for
):
    # Verified first; a look-alike registered afterwards queues the pair and holds it back.
    worker = make_worker(name="Siti Aminah", sex="P", village=DESA_A, birth=dt.date(1979, 1, 9))
    enrolment_verify(
        enrolment=enrolment_propose(programme=paser.programme, worker=worker, by=users.admin),
        by=users.admin,
    )
    make_worker(name="Siti Aminahh", sex="P", village=DESA_B, birth=dt.date(1979, 1, 9))
    client = client_for("admin")
    assert client.get(f"{V1}/bpjs/batches/{paser_batch.pk}").json()["held"] == 1
    assert [b["held"] for b in client.get(f"{V1}/bpjs/batches").json()["items"]] == [1]


# --- re-verification ------------------------------------------------------------------------


def test_a_corrected_enrolment_carries_its_reverification(users, paser, client_for):
    e = paser.enrolment
    before = client_for("admin").get(f"{V1}/enrolments/{e.pk}").json()
    assert (before["reverify_since"], before["reverify_reason"]) == (None, "")
    new_nik = _correct(paser.worker, users.admin, dt.date(1984, 8, 17))
    out = client_for("admin").get(f"{V1}/enrolments/{e.pk}").json()
    assert out["status"] == "aktif" and out["reverify_since"] is not None
    assert "17 Agustus 1984" in out["reverify_reason"] and new_nik in out["reverify_reason"]
    # A role that only reads gets the numbers in it masked.
    masked = client_for("leader").get(f"{V1}/enrolments/{e.pk}").json()["reverify_reason"]
    assert new_nik not in masked and "17 Agustus 1984" in masked
    listed = client_for("admin").get(f"{V1}/enrolments?reverify=true").json()
    assert [x["id"] for x in listed["items"]] == [e.pk]
    assert client_for("admin").get(f"{V1}/enrolments").json()["count"] == 2


def test_reverify_clears_the_flag(users, paser, token_for):
    e = paser.enrolment
    _correct(paser.worker, users.admin, dt.date(1984, 8, 17))
    client = token_for("admin")
    r = post(client, f"{V1}/enrolments/{e.pk}/reverify")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["reverify_since"]) == ("aktif", None)
    assert client.get(f"{V1}/enrolments?reverify=true").json()["count"] == 0
    again = post(client, f"{V1}/enrolments/{e.pk}/reverify")
    assert (again.status_code, again.json()["code"]) == (409, "reverify_not_needed")


def test_reverify_refuses_a_worker_the_correction_makes_too_old(users, paser, token_for):
    e = paser.enrolment
    _correct(paser.worker, users.admin, dt.date(1955, 8, 17))  # 70 when proposed in January
    r = post(token_for("admin"), f"{V1}/enrolments/{e.pk}/reverify")
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["field"]) == ("age_out_of_range", "birth_date")
    assert [x["code"] for x in body["errors"]] == ["age_out_of_range", "reverify_refused"]
    assert "akhiri kepesertaannya" in body["errors"][-1]["message"]
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE and e.needs_reverify


def test_reverify_is_the_verifiers_in_their_region(users, paser, token_for, client_for):
    e = paser.enrolment
    _correct(paser.worker, users.admin, dt.date(1984, 8, 17))
    url = f"{V1}/enrolments/{e.pk}/reverify"
    r = post(token_for("admin", read_only=True), url)
    assert (r.status_code, r.json()["code"]) == (403, "token_read_only")
    for role in ("leader", "auditor", "bpjs", "operator"):
        assert post(client_for(role), url).status_code == 403, role
    assert post(token_for("admin_ppu"), url).status_code == 404
    e.refresh_from_db()
    assert e.needs_reverify

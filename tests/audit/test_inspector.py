"""An inspector reads the audit trail: Indonesian actions, record kinds and field names,
formatted values, filters by user, date and record kind, an export, and logins recorded."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.programs.services import enrolment_propose, enrolment_verify
from lindung.registry.models import Occupation
from lindung.registry.services import worker_update

pytestmark = pytest.mark.django_db


def test_trail_speaks_indonesian_with_formatted_values(client, users, programme, make_worker):
    worker = make_worker(birth=dt.date(1985, 8, 17))
    worker_update(
        worker=worker,
        by=users.admin,
        occupation=Occupation.objects.get(code="petani"),
        birth_date=dt.date(1985, 8, 18),
        nik=worker.nik[:6] + "180885" + worker.nik[12:],
    )
    e = enrolment_propose(programme=programme, worker=worker, by=users.admin)
    enrolment_verify(enrolment=e, by=users.admin)
    client.force_login(users.auditor)
    page = client.get(reverse("audit:list")).content.decode()
    for text in (
        "Diverifikasi",
        "Kepesertaan",
        "Pekerjaan",
        "Nelayan → Petani",
        "Tanggal lahir",
        "17 Agustus 1985 → 18 Agustus 1985",
        "Diusulkan",
    ):
        assert text in page, text
    for raw in ("<code>verify</code>", "birth_date", "occupation:"):
        assert raw not in page, raw


def test_filters_by_user_kind_and_dates(client, users, programme, make_worker):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        make_worker(by=users.operator, name="Maret")
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, tzinfo=dt.UTC), tick=False):
        make_worker(by=users.admin, name="Juni")
    client.force_login(users.auditor)
    url = reverse("audit:list")
    by_operator = client.get(url, {"pengguna": users.operator.pk}).context["page_obj"]
    assert [e.summary for e in by_operator] == ["Pekerja Maret didaftarkan"]
    june = client.get(
        url, {"dari": "2026-06-01", "sampai": "2026-06-30", "jenis": "worker"}
    ).context["page_obj"]
    assert [e.summary for e in june] == ["Pekerja Juni didaftarkan"]
    wrong = client.get(url, {"dari": "2026-06-30", "sampai": "2026-06-01"})
    assert "sampai" in wrong.context["form"].errors


def test_export_for_working_papers_is_itself_recorded(client, users, make_worker):
    make_worker(name="Rahmat")
    client.force_login(users.auditor)
    response = client.get(reverse("audit:export"), {"jenis": "worker"})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][2] == "Tindakan" and rows[1][2] == "Dibuat"
    assert "Pekerja Rahmat didaftarkan" in rows[1][5]
    event = AuditEvent.objects.filter(action="export").get()
    assert (event.actor, event.changes["rows"]) == (users.auditor, 1)


def test_logins_and_failed_logins_are_recorded(client, users):
    client.post(reverse("login"), {"username": users.operator.username, "password": "salah"})
    client.post(reverse("login"), {"username": users.operator.username, "password": "rahasia-123"})
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.region_code, failed.changes["username"]) == ("64.01.01.2009", "op_a")
    assert "rahasia" not in str(failed.changes) and "salah" not in str(failed.changes)
    login = AuditEvent.objects.get(action="login")
    assert (login.actor, login.region_code) == (users.operator, "64.01.01.2009")
    client.force_login(users.auditor)
    page = client.get(reverse("audit:list")).content.decode()
    assert "Gagal masuk" in page and "Masuk" in page

"""A NIK or birth-date correction sends the worker's verified enrolments back to the Dinas
(issue 12), whichever channel saves it: the edit form and the API go through the same
`worker_update`, and the flag is set through the registry's seam (`registry.links`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from lindung.programs.models import Enrolment
from lindung.programs.services import (
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_verify,
)
from lindung.registry import links
from lindung.registry.models import BpjsNotice
from tests.conftest import nik_for

pytestmark = pytest.mark.django_db

NEW_BIRTH = dt.date(1984, 8, 17)


@pytest.fixture
def participant(users, programme, make_worker):
    worker = make_worker(by=users.operator, name="Budi Santoso")
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    enrolment_verify(enrolment=e, by=users.admin)
    enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=dt.date(2026, 9, 1)
    )
    return worker, enrolment_activate(enrolment=e, by=users.bpjs)


def _form(worker, **changes) -> dict[str, str]:
    data = {
        "nik": worker.nik,
        "name": worker.name,
        "sex": worker.sex,
        "birth_date": worker.birth_date.isoformat(),
        "village": worker.village_id,
        "occupation": worker.occupation_id,
        "declared_income": str(worker.declared_income),
        "status": "aktif",
    }
    return {**data, **changes}


def test_the_seam_offers_the_flag():
    assert links.enrolments().flag_for_reverification is not None


def test_a_correction_on_the_form_flags_the_enrolment(users, participant):
    worker, e = participant
    client = Client()
    client.force_login(users.admin)
    form = _form(
        worker,
        nik=nik_for(birth=NEW_BIRTH, serial=81),
        birth_date=NEW_BIRTH.isoformat(),
        correction_reason="Tahun lahir salah ketik",
    )
    response = client.post(reverse("registry:edit", args=[worker.pk]), form, follow=True)
    assert "1 kepesertaan perlu diverifikasi ulang oleh Dinas" in response.content.decode()
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE and e.needs_reverify
    assert "Tahun lahir salah ketik" in e.reverify_reason
    assert BpjsNotice.objects.filter(kind="koreksi", enrolment_id=e.pk).exists()  # and BPJS is told


def test_an_ordinary_edit_on_the_form_flags_nothing(users, participant):
    worker, e = participant
    client = Client()
    client.force_login(users.admin)
    response = client.post(
        reverse("registry:edit", args=[worker.pk]), _form(worker, name="Budi Santosa"), follow=True
    )
    assert "diverifikasi ulang" not in response.content.decode()
    e.refresh_from_db()
    assert not e.needs_reverify


def test_a_correction_through_the_api_flags_the_enrolment(users, participant):
    worker, e = participant
    client = Client()
    client.force_login(users.admin)
    url = f"/api/v1/workers/{worker.pk}"
    body = {"nik": nik_for(birth=NEW_BIRTH, serial=82), "birth_date": NEW_BIRTH.isoformat()}
    refused = client.patch(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "correction_reason_missing"
    e.refresh_from_db()
    assert not e.needs_reverify
    body["correction_reason"] = "KTP elektronik baru"
    response = client.patch(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE and e.needs_reverify
    assert "KTP elektronik baru" in e.reverify_reason


def test_an_ordinary_edit_through_the_api_flags_nothing(users, participant):
    worker, e = participant
    client = Client()
    client.force_login(users.admin)
    response = client.patch(
        f"/api/v1/workers/{worker.pk}",
        json.dumps({"phone": "081234567890"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    e.refresh_from_db()
    assert not e.needs_reverify

"""Life events reach the enrolments and the BPJS branch (issue 12): death, moving away and
becoming a wage earner end open enrolments (billing stops from the next month), a participant
known to BPJS is put on the list to report, a death prompts a JKM claim, and the NIK or birth
date of a participant is corrected by the Dinas only, with a reason. The test clock is 20
November 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import ValidationFailed
from lindung.programs.models import Enrolment, EnrolmentMonth
from lindung.programs.services import (
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_verify,
)
from lindung.regions.models import Region
from lindung.registry.models import BpjsNotice, Worker
from lindung.registry.services import worker_update
from tests.conftest import DESA_B, DESA_PPU, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(users, programme, make_worker):
    """An active PASER-2026 participant with a KPJ, registered on 1 September."""
    worker = make_worker(by=users.operator, name="Budi Santoso")
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    enrolment_verify(enrolment=e, by=users.admin)
    enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=dt.date(2026, 9, 1)
    )
    e = enrolment_activate(enrolment=e, by=users.bpjs)
    # Proposed on 20 November: it holds November and December.
    assert sorted(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
    ]
    return worker, e


def test_death_ends_the_enrolment_on_the_date_of_death_and_releases_later_months(
    users, participant
):
    worker, e = participant
    worker_update(
        worker=worker, by=users.operator, status="meninggal", status_date=dt.date(2026, 11, 5)
    )
    e.refresh_from_db()
    assert (e.status, e.end_reason, e.end_date) == (
        Enrolment.Status.ENDED,
        Enrolment.EndReason.DECEASED,
        dt.date(2026, 11, 5),
    )
    # Billing stops from the next month: November (the month of death) is kept, December is
    # released for good.
    assert list(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True)) == [
        dt.date(2026, 11, 1)
    ]
    end = AuditEvent.objects.get(object_type="enrolment", object_id=str(e.pk), action="end")
    assert end.changes["end_reason"] == "meninggal"
    assert end.actor == users.operator


def test_death_without_a_date_ends_today(users, participant):
    worker, e = participant
    worker_update(worker=worker, by=users.operator, status="meninggal")
    e.refresh_from_db()
    assert e.end_date == dt.date(2026, 11, 20)
    assert Worker.objects.get(pk=worker.pk).status_date is None


def test_a_death_known_to_bpjs_is_put_on_the_list_to_report(users, participant):
    worker, e = participant
    worker_update(
        worker=worker, by=users.operator, status="meninggal", status_date=dt.date(2026, 11, 5)
    )
    notice = BpjsNotice.objects.get()
    assert (notice.kind, notice.enrolment_id, notice.kpj_number, notice.event_date) == (
        "meninggal",
        e.pk,
        "12345678901",
        dt.date(2026, 11, 5),
    )
    assert AuditEvent.objects.filter(action="bpjs_notice", object_id=str(worker.pk)).exists()


def test_the_death_of_someone_only_proposed_ends_the_proposal_and_tells_no_one(
    users, programme, make_worker
):
    worker = make_worker(by=users.operator)
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    worker_update(worker=worker, by=users.operator, status="meninggal")
    e.refresh_from_db()
    assert (e.status, e.end_reason) == (Enrolment.Status.ENDED, "meninggal")
    assert list(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True)) == [
        dt.date(2026, 11, 1)
    ]  # December is free again
    assert not BpjsNotice.objects.exists()


def test_billing_stops_from_the_month_after_the_death(users, participant, programme):
    from lindung.contributions.services import bill_generate

    worker, e = participant
    before = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    assert before.lines.filter(enrolment=e).exists()
    worker_update(
        worker=worker, by=users.operator, status="meninggal", status_date=dt.date(2026, 10, 30)
    )
    after = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    assert not after.lines.filter(enrolment=e).exists()


def test_the_page_of_a_deceased_worker_offers_no_proposal_but_a_jkm_claim(users, participant):
    worker, _e = participant
    worker_update(worker=worker, by=users.operator, status="meninggal")
    client = Client()
    client.force_login(users.operator)
    page = client.get(reverse("registry:detail", args=[worker.pk])).content.decode()
    assert "Usulkan ke program" not in page
    assert reverse("claims:report", args=[worker.pk]) in page and 'id="jkm-claim"' in page
    assert 'id="bpjs-badge"' in page


def test_marking_moved_ends_with_reason_pindah(users, participant):
    worker, e = participant
    worker_update(worker=worker, by=users.operator, status="pindah")
    e.refresh_from_db()
    assert (e.status, e.end_reason) == (Enrolment.Status.ENDED, "pindah")
    assert BpjsNotice.objects.get().kind == "pindah"


def test_moving_within_the_regency_keeps_the_enrolment(users, participant):
    worker, e = participant
    worker_update(worker=worker, by=users.admin, village=Region.objects.get(code=DESA_B))
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE


def test_moving_out_of_the_programmes_regency_ends_it(users, participant):
    worker, e = participant
    worker_update(worker=worker, by=users.province, village=Region.objects.get(code=DESA_PPU))
    e.refresh_from_db()
    assert (e.status, e.end_reason, e.end_date) == (
        Enrolment.Status.ENDED,
        "pindah",
        dt.date(2026, 11, 20),
    )
    assert BpjsNotice.objects.get().kind == "pindah"


def test_a_deceased_worker_cannot_be_proposed(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    worker_update(worker=worker, by=users.operator, status="meninggal")
    with pytest.raises(ValidationFailed) as e:
        enrolment_propose(programme=programme, worker=worker, by=users.operator)
    assert e.value.code == "worker_inactive"


def test_a_date_of_death_in_the_future_is_refused(users, make_worker):
    worker = make_worker(by=users.operator)
    with pytest.raises(ValidationFailed) as e:
        worker_update(
            worker=worker, by=users.operator, status="meninggal", status_date=dt.date(2026, 12, 1)
        )
    assert (e.value.code, e.value.field) == ("date_invalid", "status_date")


# --- becoming a wage earner (DOMAIN.md §5) ----------------------------------------------------


def test_a_wage_earner_leaves_the_programme_from_the_next_month(users, participant, programme):
    """Employed for a wage from 10 November: the enrolment ends that day with its reason,
    November stays billed, December is released and not billed, BPJS is told."""
    from lindung.contributions.services import bill_generate

    worker, e = participant
    worker = worker_update(
        worker=worker, by=users.operator, status="penerima_upah", status_date=dt.date(2026, 11, 10)
    )
    assert worker.upsert_result.ended_enrolments == [e.pk]
    e.refresh_from_db()
    assert (e.status, e.end_reason, e.end_date) == (
        Enrolment.Status.ENDED,
        Enrolment.EndReason.WAGE_EARNER,
        dt.date(2026, 11, 10),
    )
    assert e.get_end_reason_display() == "Menjadi pekerja penerima upah"
    assert list(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True)) == [
        dt.date(2026, 11, 1)
    ]
    november = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    december = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 12, 1))
    assert november.lines.filter(enrolment=e).exists()
    assert not december.lines.filter(enrolment=e).exists()
    notice = BpjsNotice.objects.get()
    assert (notice.kind, notice.kpj_number, notice.event_date) == (
        "penerima_upah",
        "12345678901",
        dt.date(2026, 11, 10),
    )
    assert notice.get_kind_display() == "Menjadi pekerja penerima upah"
    end = AuditEvent.objects.get(object_type="enrolment", object_id=str(e.pk), action="end")
    assert end.changes["end_reason"] == "penerima_upah"


def test_a_wage_earner_cannot_be_proposed(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    worker_update(worker=worker, by=users.operator, status="penerima_upah")
    with pytest.raises(ValidationFailed) as e:
        enrolment_propose(programme=programme, worker=worker, by=users.operator)
    assert (e.value.code, e.value.field) == ("worker_wage_earner", "status")
    assert "penerima upah" in e.value.message


def test_the_edit_page_records_the_wage_job(users, participant):
    worker, e = participant
    client = Client()
    client.force_login(users.admin)
    url = reverse("registry:edit", args=[worker.pk])
    assert "Menjadi pekerja penerima upah" in client.get(url).content.decode()
    form = {
        "nik": worker.nik,
        "name": worker.name,
        "sex": worker.sex,
        "birth_date": worker.birth_date.isoformat(),
        "village": worker.village_id,
        "occupation": worker.occupation_id,
        "declared_income": str(worker.declared_income),
        "status": "penerima_upah",
        "status_date": "2026-11-10",
    }
    response = client.post(url, form, follow=True)
    assert response.redirect_chain[-1][0] == reverse("registry:detail", args=[worker.pk])
    page = response.content.decode()
    assert "1 kepesertaan berakhir" in page and "Lapor BPJS" in page
    assert "Usulkan ke program" not in page
    e.refresh_from_db()
    assert (e.status, e.end_reason) == (Enrolment.Status.ENDED, "penerima_upah")


# --- NIK and birth date of a participant known to BPJS --------------------------------------


def _corrected_nik(worker: Worker) -> str:
    return nik_for(birth=worker.birth_date, sex=worker.sex, serial=77)


def test_an_operator_may_not_silently_change_the_nik_of_a_participant(users, participant):
    worker, _e = participant
    with pytest.raises(ValidationFailed) as e:
        worker_update(worker=worker, by=users.operator, nik=_corrected_nik(worker))
    assert (e.value.code, e.value.field) == ("correction_needs_dinas", "nik")
    assert "Dinas" in e.value.message
    assert Worker.objects.get(pk=worker.pk).nik == worker.nik


def test_the_dinas_corrects_it_with_a_reason_and_bpjs_is_told(users, participant):
    worker, e = participant
    old = worker.nik
    with pytest.raises(ValidationFailed) as refused:
        worker_update(worker=worker, by=users.admin, nik=_corrected_nik(worker))
    assert refused.value.code == "correction_reason_missing"
    worker_update(
        worker=worker,
        by=users.admin,
        nik=_corrected_nik(worker),
        correction_reason="Salah ketik digit terakhir, sesuai KTP",
    )
    notice = BpjsNotice.objects.get()
    assert (notice.kind, notice.enrolment_id, notice.kpj_number) == ("koreksi", e.pk, "12345678901")
    assert notice.details == {"nik": [old, _corrected_nik(worker)]}
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.changes["nik"] == [old, _corrected_nik(worker)]
    assert event.changes["reason"] == "Salah ketik digit terakhir, sesuai KTP"
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE  # cover goes on while BPJS re-verifies


def test_the_nik_of_someone_not_yet_at_bpjs_is_the_villages_to_correct(
    users, programme, make_worker
):
    worker = make_worker(by=users.operator)
    enrolment_propose(programme=programme, worker=worker, by=users.operator)
    worker_update(worker=worker, by=users.operator, nik=_corrected_nik(worker))
    assert not BpjsNotice.objects.exists()


# --- the list for the BPJS branch ------------------------------------------------------------


def test_the_bpjs_officer_sees_the_list_and_marks_a_notice_reported(users, participant):
    worker, _e = participant
    worker_update(worker=worker, by=users.operator, status="meninggal")
    client = Client()
    client.force_login(users.bpjs)
    page = client.get(reverse("registry:bpjs_notices")).content.decode()
    assert "Budi Santoso" in page and "12345678901" in page
    notice = BpjsNotice.objects.get()
    response = client.post(reverse("registry:bpjs_notice_reported", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.reported_by == users.bpjs and notice.reported_at is not None
    assert (
        'id="bpjs-notice-table"'
        not in client.get(reverse("registry:bpjs_notices")).content.decode()
    )


def test_the_operator_has_no_bpjs_list(users):
    client = Client()
    client.force_login(users.operator)
    assert client.get(reverse("registry:bpjs_notices")).status_code == 403

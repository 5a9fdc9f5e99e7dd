"""A corrected participant goes back for verification, without losing cover (issue 12).

Correcting the NIK or birth date of a worker whose enrolment was verified flags the enrolment
("Perlu verifikasi ulang"); its status, months and bills are untouched. The Dinas re-runs
the programme's eligibility rules on the corrected data (`enrolment_reverify`): the flag is
cleared, or the problems are listed with what to do. The test clock is 20 November 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.programs.models import Enrolment, EnrolmentMonth
from lindung.programs.selectors import enrolment_list, enrolment_reverify_count
from lindung.programs.services import (
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_reverify,
    enrolment_verify,
)
from lindung.registry.services import worker_update
from tests.conftest import nik_for

pytestmark = pytest.mark.django_db

REASON = "Salah ketik tahun lahir, sesuai KTP"


@pytest.fixture
def participant(users, programme, make_worker):
    """An active PASER-2026 participant (born 17 August 1985, aged 41) with a KPJ."""
    worker = make_worker(by=users.operator, name="Budi Santoso")
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    enrolment_verify(enrolment=e, by=users.admin)
    enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=dt.date(2026, 9, 1)
    )
    return worker, enrolment_activate(enrolment=e, by=users.bpjs)


def _correct_birth(worker, by, birth: dt.date, reason: str = REASON):
    """The birth date and the NIK that encodes it, corrected together."""
    return worker_update(
        worker=worker,
        by=by,
        nik=nik_for(birth=birth, sex=worker.sex, serial=91),
        birth_date=birth,
        correction_reason=reason,
    )


def test_a_correction_flags_the_enrolment_and_keeps_its_status_and_months(users, participant):
    worker, e = participant
    months = list(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True))
    saved = _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    assert saved.upsert_result.reverify == [e.pk]
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE  # cover and billing go on
    assert e.needs_reverify and e.reverify_since is not None
    assert "tanggal lahir 17 Agustus 1985 → 17 Agustus 1984" in e.reverify_reason
    assert "NIK 6401011708850001 →" in e.reverify_reason
    assert REASON in e.reverify_reason
    assert list(EnrolmentMonth.objects.filter(enrolment=e).values_list("month", flat=True)) == (
        months
    )
    flag = AuditEvent.objects.get(
        object_type="enrolment", object_id=str(e.pk), action="reverify_flag"
    )
    assert flag.actor == users.admin
    assert flag.changes["fields"] == ["birth_date", "nik"]


def test_an_ordinary_edit_flags_nothing(users, participant):
    worker, e = participant
    saved = worker_update(
        worker=worker, by=users.operator, name="Budi Santosa", phone="081234567890"
    )
    assert saved.upsert_result.reverify == []
    e.refresh_from_db()
    assert not e.needs_reverify and e.reverify_reason == ""


def test_a_verified_enrolment_not_yet_at_bpjs_is_flagged_too(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    e = enrolment_verify(
        enrolment=enrolment_propose(programme=programme, worker=worker, by=users.operator),
        by=users.admin,
    )
    # Not known to BPJS: the village corrects it without a reason.
    worker_update(worker=worker, by=users.operator, nik=nik_for(birth=worker.birth_date, serial=92))
    e.refresh_from_db()
    assert e.status == Enrolment.Status.VERIFIED and e.needs_reverify
    assert "Alasan" not in e.reverify_reason


def test_a_proposal_not_yet_verified_is_not_flagged(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator)
    worker_update(worker=worker, by=users.operator, nik=nik_for(birth=worker.birth_date, serial=93))
    e.refresh_from_db()
    assert e.reverify_since is None  # the Dinas verifies the corrected data anyway


def test_a_second_correction_adds_its_reason_and_keeps_the_first_date(users, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    e.refresh_from_db()
    first = e.reverify_since
    _correct_birth(worker, users.admin, dt.date(1983, 8, 17), reason="KTP elektronik baru")
    e.refresh_from_db()
    assert e.reverify_since == first
    assert "17 Agustus 1984" in e.reverify_reason and "KTP elektronik baru" in e.reverify_reason


def test_reverify_clears_the_flag_with_an_audit_event(users, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    e = enrolment_reverify(enrolment=e, by=users.admin)
    e.refresh_from_db()
    assert (e.status, e.reverify_since, e.reverify_reason) == (Enrolment.Status.ACTIVE, None, "")
    event = AuditEvent.objects.get(object_type="enrolment", object_id=str(e.pk), action="reverify")
    assert "17 Agustus 1984" in event.changes["reverify_reason"][0]
    with pytest.raises(DomainError) as again:
        enrolment_reverify(enrolment=e, by=users.admin)
    assert again.value.code == "reverify_not_needed"


def test_reverify_refuses_when_the_corrected_birth_date_makes_the_worker_too_old(
    users, participant
):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1955, 8, 17))  # 71 when proposed; Paser: 15-64
    with pytest.raises(ValidationFailed) as refused:
        enrolment_reverify(enrolment=e, by=users.admin)
    assert refused.value.code == "age_out_of_range"
    assert [x.code for x in refused.value.errors] == ["age_out_of_range", "reverify_refused"]
    assert "Usia 71 tahun" in refused.value.errors[0].message
    advice = refused.value.errors[-1].message
    assert "akhiri kepesertaannya" in advice and "Tidak lagi memenuhi syarat" in advice
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE and e.needs_reverify  # nothing changed


def test_the_age_is_taken_on_the_day_of_the_proposal(users, programme, make_worker):
    """Turning 65 after being proposed at 64 is no reason to refuse: the rule is the age
    at registration."""
    import time_machine

    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC), tick=False):
        worker = make_worker(by=users.operator, birth=dt.date(1961, 8, 1))
        e = enrolment_verify(
            enrolment=enrolment_propose(programme=programme, worker=worker, by=users.operator),
            by=users.admin,
        )
    # Corrected to 1 March 1961: 64 on 1 February 2026, 65 today.
    worker_update(
        worker=worker,
        by=users.operator,
        nik=nik_for(birth=dt.date(1961, 3, 1), serial=94),
        birth_date=dt.date(1961, 3, 1),
    )
    assert enrolment_reverify(enrolment=e, by=users.admin).reverify_since is None


def test_a_verified_one_no_longer_eligible_is_told_to_reject(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    e = enrolment_verify(
        enrolment=enrolment_propose(programme=programme, worker=worker, by=users.operator),
        by=users.admin,
    )
    worker_update(
        worker=worker,
        by=users.operator,
        nik=nik_for(birth=dt.date(2015, 8, 17), serial=95),
        birth_date=dt.date(2015, 8, 17),
    )
    with pytest.raises(ValidationFailed) as refused:
        enrolment_reverify(enrolment=e, by=users.admin)
    assert refused.value.code == "age_out_of_range"
    assert "tolak usulannya" in refused.value.errors[-1].message


@pytest.mark.parametrize("role", ["operator", "bpjs", "leader", "auditor", "admin_ppu"])
def test_only_the_dinas_of_the_region_reverifies(users, participant, role):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    with pytest.raises(ScopeDenied):
        enrolment_reverify(enrolment=e, by=getattr(users, role))


def test_an_ended_enrolment_needs_no_reverification(users, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    worker_update(worker=worker, by=users.admin, status="meninggal")
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ENDED and not e.needs_reverify
    assert enrolment_reverify_count(user=users.admin) == 0


# --- the pages -------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_programme_page_shows_the_chip_and_filters_on_it(
    users, programme, participant, make_worker
):
    worker, e = participant
    other = make_worker(by=users.operator)
    enrolment_propose(programme=programme, worker=other, by=users.operator)
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    assert enrolment_reverify_count(user=users.admin, programme=programme) == 1
    url = reverse("programs:detail", args=[programme.code])
    page = _client(users.admin).get(url).content.decode()
    assert "Perlu verifikasi ulang (1)" in page and 'id="reverify-chip"' in page
    assert other.name in page
    listed = _client(users.admin).get(url, {"reverify": "on"}).content.decode()
    assert worker.name in listed and other.name not in listed
    assert "Verifikasi ulang</button>" in listed
    # NIKs in the reason are masked on the list.
    corrected = nik_for(birth=dt.date(1984, 8, 17), serial=91)
    assert corrected not in listed and "6401 01•• •••• 0091" in listed
    assert list(enrolment_list(user=users.admin, programme=programme, reverify=True)) == [e]


def test_no_chip_without_corrections(users, programme, participant):
    page = _client(users.admin).get(reverse("programs:detail", args=[programme.code]))
    assert "Perlu verifikasi ulang (" not in page.content.decode()


def test_the_worker_page_shows_the_badge(users, participant):
    worker, _e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    page = _client(users.admin).get(reverse("registry:detail", args=[worker.pk])).content.decode()
    assert "Perlu verifikasi ulang" in page and "?reverify=1" in page


def test_the_reverify_button_clears_the_flag(users, programme, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    url = reverse("programs:enrolment_action", args=[e.pk, "reverify"])
    response = _client(users.admin).post(url, follow=True)
    assert "diverifikasi ulang dengan data yang dikoreksi" in response.content.decode()
    e.refresh_from_db()
    assert not e.needs_reverify and e.status == Enrolment.Status.ACTIVE


def test_the_reverify_button_lists_the_problems(users, programme, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1955, 8, 17))
    url = reverse("programs:enrolment_action", args=[e.pk, "reverify"])
    response = _client(users.admin).post(url, HTTP_HX_REQUEST="true")
    row = response.content.decode()
    assert "Usia 71 tahun di luar batas program PASER-2026" in row
    assert "akhiri kepesertaannya" in row
    e.refresh_from_db()
    assert e.needs_reverify


def test_another_regions_admin_gets_404(users, participant):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    url = reverse("programs:enrolment_action", args=[e.pk, "reverify"])
    assert _client(users.admin_ppu).post(url).status_code == 404
    e.refresh_from_db()
    assert e.needs_reverify


@pytest.mark.parametrize("role", ["leader", "auditor", "operator", "bpjs"])
def test_roles_that_do_not_verify_cannot_reverify(users, programme, participant, role):
    worker, e = participant
    _correct_birth(worker, users.admin, dt.date(1984, 8, 17))
    client = _client(getattr(users, role))
    url = reverse("programs:enrolment_action", args=[e.pk, "reverify"])
    assert client.post(url).status_code == 403
    e.refresh_from_db()
    assert e.needs_reverify
    page = client.get(reverse("programs:detail", args=[programme.code])).content.decode()
    assert url not in page

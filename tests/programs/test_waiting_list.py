"""When the quota is full, proposals join a waiting list in order; freed or added places are
offered to the next in line, each checked again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.core.errors import ScopeDenied, ValidationFailed
from lindung.programs.models import Enrolment, EnrolmentMonth
from lindung.programs.selectors import quota_state, waiting_positions
from lindung.programs.services import (
    enrolment_propose,
    enrolment_reject,
    enrolments_promote_waiting,
    enrolments_propose,
    programme_set_quota,
)
from lindung.registry.models import Occupation
from lindung.registry.services import worker_update

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)


@pytest.fixture
def full(users, programme, make_worker):
    """PASER-2026 with a quota of 2, both places taken, and three workers on the list."""
    programme_set_quota(by=users.admin, programme=programme, quota=2)
    workers = [make_worker(by=users.operator) for _ in range(5)]
    result = enrolments_propose(
        programme=programme, workers=workers, by=users.operator, on=FEB, waitlist=True
    )
    return result, workers


def test_proposals_beyond_the_quota_wait_in_order_holding_nothing(users, programme, full):
    result, workers = full
    assert [e.worker_id for e in result.created] == [w.pk for w in workers[:2]]
    waiting = list(Enrolment.objects.filter(pk__in=result.waiting_ids).order_by("pk"))
    assert [e.worker_id for e in waiting] == [w.pk for w in workers[2:]]
    assert {e.status for e in waiting} == {Enrolment.Status.WAITING}
    assert not EnrolmentMonth.objects.filter(enrolment__in=waiting).exists()
    assert list(waiting_positions(enrolments=waiting).values()) == [1, 2, 3]
    assert quota_state(programme=programme) == {
        "quota": 2,
        "used": 2,
        "unverified": 2,
        "waiting": 3,
        "room": 0,
    }


def test_without_the_waiting_list_the_overflow_is_refused(users, programme, make_worker):
    programme_set_quota(by=users.admin, programme=programme, quota=0)
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    assert exc.value.errors[0].code == "quota_exceeded"


def test_a_waiting_worker_is_not_proposed_twice(users, programme, full):
    _result, workers = full
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(
            programme=programme, worker=workers[3], by=users.operator, on=FEB, waitlist=True
        )
    assert exc.value.errors[0].code == "already_waiting"


def test_freed_places_go_to_the_next_in_line_checked_again(users, programme, full):
    result, workers = full
    first_waiting = workers[2]
    # The first in line changed occupation meanwhile (to one PASER-2026 does not fund):
    # skipped, the place goes to the second. (A death would end the waiting proposal.)
    worker_update(
        worker=first_waiting, by=users.admin, occupation=Occupation.objects.get(code="ojek")
    )
    enrolment_reject(enrolment=result.created[0], by=users.admin, reason="ASN")
    promoted = enrolments_promote_waiting(
        programme=programme, by=users.admin, on=dt.date(2026, 3, 5)
    )
    assert len(promoted.promoted) == 1
    e = Enrolment.objects.get(pk=promoted.promoted[0])
    assert (e.worker_id, e.status, e.period_start) == (
        workers[3].pk,
        Enrolment.Status.PROPOSED,
        dt.date(2026, 3, 1),
    )
    assert EnrolmentMonth.objects.filter(enrolment=e).count() == 10  # March to December
    skipped = Enrolment.objects.get(worker=first_waiting, programme=programme)
    assert skipped.status == Enrolment.Status.WAITING
    assert list(promoted.skipped) == [skipped.pk]
    assert quota_state(programme=programme)["room"] == 0
    # Raising the quota offers the rest.
    programme_set_quota(by=users.admin, programme=programme, quota=5)
    again = enrolments_promote_waiting(programme=programme, by=users.admin, on=dt.date(2026, 3, 5))
    assert [Enrolment.objects.get(pk=pk).worker_id for pk in again.promoted] == [workers[4].pk]


@pytest.mark.parametrize("who", ["operator", "leader", "admin_ppu"])
def test_only_the_sponsor_offers_places(users, programme, full, who):
    programme_set_quota(by=users.admin, programme=programme, quota=5)
    with pytest.raises(ScopeDenied):
        enrolments_promote_waiting(programme=programme, by=getattr(users, who))
    assert quota_state(programme=programme)["waiting"] == 3


def test_worker_page_tells_the_village_its_place(client, users, programme, make_worker):
    programme_set_quota(by=users.admin, programme=programme, quota=0)
    worker = make_worker(by=users.operator)
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:propose", args=[worker.pk]), {"programme": programme.code}, follow=True
    )
    page = response.content.decode()
    assert "masuk daftar tunggu, urutan ke-1" in page
    assert (
        "urutan ke-1" in client.get(reverse("registry:detail", args=[worker.pk])).content.decode()
    )


def test_programme_page_shows_held_quota_and_offers_places(client, users, programme, full):
    programme_set_quota(by=users.admin, programme=programme, quota=3)
    client.force_login(users.admin)
    page = client.get(reverse("programs:detail", args=[programme.code])).content.decode()
    assert "2 usulan menunggu verifikasi" in page
    assert "3 usulan dalam daftar tunggu" in page and 'id="promote-waiting"' in page
    response = client.post(reverse("programs:promote_waiting", args=[programme.code]))
    assert response.status_code == 302
    assert quota_state(programme=programme)["waiting"] == 2
    client.force_login(users.operator)
    page = client.get(reverse("programs:detail", args=[programme.code])).content.decode()
    assert 'id="promote-waiting"' not in page

"""The Dinas hears of participants a NIK or birth-date correction sent back for verification
(issue 12), from the audit trail like new proposals: one counting notification per programme
and day, not to the admin who made the correction."""

from __future__ import annotations

import pytest
from django.utils import translation

from lindung.notifications.models import Notification
from lindung.notifications.services import notifications_from_audit
from lindung.programs.services import enrolment_propose, enrolment_reverify, enrolment_verify
from lindung.registry.services import worker_update
from tests.conftest import nik_for

pytestmark = pytest.mark.django_db


def _verified(users, programme, make_worker):
    worker = make_worker(by=users.operator)
    enrolment_verify(
        enrolment=enrolment_propose(programme=programme, worker=worker, by=users.operator),
        by=users.admin,
    )
    return worker


def _correct_nik(worker, by, serial: int) -> None:
    worker_update(worker=worker, by=by, nik=nik_for(birth=worker.birth_date, serial=serial))


def test_corrections_reach_the_sponsor_admins_as_one_counting_notification(
    users, programme, make_worker, later
):
    for n in range(2):
        _correct_nik(_verified(users, programme, make_worker), users.operator, 70 + n)
    result = notifications_from_audit(now=later())
    assert result.reverify == 1
    [note] = Notification.objects.filter(user=users.admin, kind=Notification.Kind.REVERIFY)
    assert note.title == "2 peserta perlu verifikasi ulang"
    assert note.body == "Program PASER-2026: NIK/tanggal lahir dikoreksi, 20 November 2026."
    assert note.link == "/program/PASER-2026/?reverify=1"
    with translation.override("en"):
        assert note.title == "2 participants need re-verification"
    assert not Notification.objects.filter(user__in=[users.admin_ppu, users.operator]).exists()


def test_the_admin_who_corrected_or_reverified_in_time_hears_nothing(
    users, programme, make_worker, later
):
    own = _verified(users, programme, make_worker)
    _correct_nik(own, users.admin, 75)
    checked = _verified(users, programme, make_worker)
    _correct_nik(checked, users.operator, 76)
    enrolment_reverify(enrolment=checked.enrolments.get(), by=users.admin)
    notifications_from_audit(now=later())
    assert not Notification.objects.filter(kind=Notification.Kind.REVERIFY).exists()

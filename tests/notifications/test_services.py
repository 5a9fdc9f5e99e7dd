"""Notifications made from the audit trail (rejections, new proposals) and from the bills
(due, overdue, lapse warnings): who hears what, once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from lindung.contributions.services import bill_generate, payment_record
from lindung.core import clock
from lindung.notifications.models import Cursor, Notification
from lindung.notifications.services import (
    notification_mark_read,
    notifications_due,
    notifications_from_audit,
    notifications_mark_all_read,
    notifications_refresh,
)
from lindung.programs.services import (
    enrolment_propose,
    enrolment_reject,
    enrolment_verify,
    enrolments_propose,
)
from tests.conftest import DESA_B

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)
JAN = dt.date(2026, 1, 1)
NOV = dt.date(2026, 11, 1)
Kind = Notification.Kind


def notes(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("pk"))


# --- rejected proposals -----------------------------------------------------------------------


def test_rejection_reaches_the_village_operators_with_the_reason(
    users, programme, make_worker, later
):
    worker = make_worker(by=users.operator, name="Siti Rahmah")
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator, on=FEB)
    enrolment_reject(enrolment=e, by=users.admin, reason="Bekerja sebagai ASN")
    result = notifications_from_audit(now=later())
    assert result.rejected == 1
    [note] = notes(users.operator)
    assert note.kind == Kind.PROPOSAL_REJECTED and note.is_unread
    assert note.title == "Usulan Siti Rahmah ke PASER-2026 ditolak"
    assert note.body == "Alasan: Bekerja sebagai ASN"
    assert note.link == f"/pekerja/{worker.pk}/"
    # Not the other village's operator, not the admin who rejected.
    assert notes(users.operator_b) == notes(users.admin) == []


def test_rejection_of_a_proposal_the_admin_made_reaches_the_village_not_the_rejecter(
    users, programme, make_worker, later, make_user
):
    colleague = make_user("admin_paser_2", "admin_kabupaten", "64.01")
    e = enrolment_propose(programme=programme, worker=make_worker(), by=colleague, on=FEB)
    enrolment_reject(enrolment=e, by=users.admin, reason="Usia di luar batas")
    notifications_from_audit(now=later())
    assert [n.kind for n in notes(users.operator)] == [Kind.PROPOSAL_REJECTED]
    assert [n.kind for n in notes(colleague)] == [Kind.PROPOSAL_REJECTED]  # who proposed it
    assert notes(users.admin) == []


def test_each_event_notifies_once_however_often_the_notifier_runs(
    users, programme, make_worker, later
):
    e = enrolment_propose(
        programme=programme, worker=make_worker(by=users.operator), by=users.operator, on=FEB
    )
    enrolment_reject(enrolment=e, by=users.admin, reason="Data ganda")
    notifications_from_audit(now=later())
    again = notifications_from_audit(now=later())
    assert again.created == 0
    # Even a rewound watermark (a restored cursor) makes nothing twice.
    Cursor.objects.filter(name="audit").update(last_event_id=0)
    notifications_from_audit(now=later())
    assert Notification.objects.filter(kind=Kind.PROPOSAL_REJECTED).count() == 1


def test_events_not_yet_settled_wait_for_the_next_run(users, programme, make_worker, later):
    e = enrolment_propose(
        programme=programme, worker=make_worker(by=users.operator), by=users.operator, on=FEB
    )
    enrolment_reject(enrolment=e, by=users.admin, reason="Data ganda")
    assert notifications_from_audit(now=clock.now()).rejected == 0  # written just now
    assert notifications_from_audit(now=later()).rejected == 1  # not skipped by the watermark


def test_the_first_run_reads_only_the_last_week(users, programme, make_worker, later):
    with time_machine.travel(clock.now() - dt.timedelta(days=10)):
        old = enrolment_propose(
            programme=programme, worker=make_worker(by=users.operator), by=users.operator, on=FEB
        )
        enrolment_reject(enrolment=old, by=users.admin, reason="Lama")
    new = enrolment_propose(
        programme=programme, worker=make_worker(by=users.operator), by=users.operator, on=FEB
    )
    enrolment_reject(enrolment=new, by=users.admin, reason="Baru")
    notifications_from_audit(now=later())
    assert [n.body for n in notes(users.operator)] == ["Alasan: Baru"]


# --- new proposals, one notification per programme and day ------------------------------------


def test_new_proposals_make_one_counting_notification_for_the_sponsor_admins(
    users, programme, make_worker, later
):
    workers = [make_worker(by=users.operator) for _ in range(5)]
    for w in workers[:2]:
        enrolment_propose(programme=programme, worker=w, by=users.operator, on=FEB)
    enrolments_propose(programme=programme, workers=workers[2:], by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    [note] = notes(users.admin)
    assert note.kind == Kind.PROPOSALS_WAITING
    assert note.title == "5 usulan baru menunggu verifikasi"
    assert note.body == "Program PASER-2026, 20 November 2026."
    assert note.link == "/program/PASER-2026/?status=diusulkan"
    # Neither another regency's admin nor the province (it reads PASER-2026, does not verify).
    assert notes(users.admin_ppu) == notes(users.province) == notes(users.operator) == []

    # Read; more proposals the same day: the same notification counts on and is new again.
    notification_mark_read(user=users.admin, notification=note)
    more = [make_worker(by=users.operator) for _ in range(2)]
    enrolments_propose(programme=programme, workers=more, by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    [note] = notes(users.admin)
    assert note.title == "7 usulan baru menunggu verifikasi" and note.is_unread


def test_proposals_already_decided_or_made_by_the_admin_are_not_announced_to_it(
    users, programme, make_worker, later, make_user
):
    colleague = make_user("admin_paser_2", "admin_kabupaten", "64.01")
    e = enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    enrolment_verify(enrolment=e, by=users.admin)  # verified before the notifier ran
    enrolment_propose(programme=programme, worker=make_worker(), by=users.admin, on=FEB)
    notifications_from_audit(now=later())
    assert notes(users.admin) == []  # its own proposal; the other one is verified already
    [note] = notes(colleague)
    assert note.params["count"] == 1


def test_province_programme_proposals_go_to_the_province_admin(
    users, province_programme, make_worker, later
):
    enrolment_propose(programme=province_programme, worker=make_worker(), by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    [note] = notes(users.province)
    assert note.params == {"count": 1, "programme": "KALTIM-2026", "day": "2026-11-20"}
    assert notes(users.admin) == []


def test_a_new_day_starts_a_new_notification(users, programme, make_worker, later):
    enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    with time_machine.travel(clock.now() + dt.timedelta(days=1)):
        enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
        notifications_from_audit(now=later())
    assert [n.params["day"] for n in notes(users.admin)] == ["2026-11-20", "2026-11-21"]


def test_words_follow_the_reader_language(users, programme, make_worker, later):
    for _ in range(2):
        enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    [note] = notes(users.admin)
    with translation.override("en"):
        assert note.title == "2 new proposals await verification"
        assert note.body == "Programme PASER-2026, 20 November 2026."


# --- bills and lapses, once a day -------------------------------------------------------------


def test_unpaid_bill_is_announced_before_and_after_its_due_date(users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=NOV)
    assert notifications_due(on=dt.date(2026, 11, 7)).bills == 0  # due 15 November: not yet
    assert notifications_due(on=dt.date(2026, 11, 9)).bills == 1
    [due] = notes(users.admin)
    assert due.kind == Kind.BILL_DUE
    assert due.title == "Tagihan PASER-2026 November 2026 jatuh tempo 15 November 2026"
    assert due.body == "Belum dibayar: Rp50.400."
    assert due.link == f"/iuran/tagihan/{bill.pk}/"
    assert notifications_due(on=dt.date(2026, 11, 10)).bills == 0  # the same day again: none
    assert notifications_due(on=dt.date(2026, 11, 16)).bills == 1
    overdue = notes(users.admin)[-1]
    assert overdue.kind == Kind.BILL_OVERDUE
    assert overdue.title == "Tagihan PASER-2026 November 2026 lewat jatuh tempo"
    assert notes(users.admin_ppu) == notes(users.province) == notes(users.operator) == []


def test_paid_bills_are_not_announced(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 11, 3),
        amount=50_400,
        reference="SP2D-NOV",
        first_month=NOV,
    )
    assert notifications_due(on=dt.date(2026, 11, 16)).bills == 0


def test_lapse_warning_names_the_workers_and_the_date(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    # February to May unpaid: on 16 May the three memberships end.
    result = notifications_due(on=dt.date(2026, 5, 1))
    assert result.lapses == 1
    [note] = [n for n in notes(users.admin) if n.kind == Kind.LAPSE_WARNING]
    assert note.title == "3 peserta PASER-2026 putus kepesertaan pada 16 Mei 2026"
    assert note.body.startswith("Iuran sejak Februari 2026 belum dibayar.")
    assert note.link == "/iuran/program/PASER-2026/status/?bulan=2026-05&belum=on"
    assert notifications_due(on=dt.date(2026, 5, 2)).lapses == 0  # once per lapse date


def test_lapse_further_than_a_month_ahead_is_not_announced_yet(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    assert notifications_due(on=dt.date(2026, 3, 1)).lapses == 0


def test_refresh_checks_the_bills_once_a_day(users, programme, active, later):
    bill_generate(by=users.admin, programme=programme, month=NOV)
    first = notifications_refresh(now=later())
    assert first.due_checked and first.bills == 1
    assert not notifications_refresh(now=later()).due_checked
    with time_machine.travel(clock.now() + dt.timedelta(days=1)):
        assert notifications_refresh(now=later()).due_checked


def test_read_notifications_are_deleted_after_half_a_year(users, programme, make_worker, later):
    enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    notifications_from_audit(now=later())
    notifications_mark_all_read(user=users.admin)
    assert notifications_due(now=clock.now() + dt.timedelta(days=170)).deleted == 0
    assert notifications_due(now=clock.now() + dt.timedelta(days=190)).deleted == 1


# --- marking read -----------------------------------------------------------------------------


def test_mark_all_read_only_touches_the_user_own(users, programme, make_worker, later):
    e = enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    enrolment_reject(enrolment=e, by=users.admin, reason="x")
    notifications_from_audit(now=later())
    assert notifications_mark_all_read(user=users.admin) == 1
    assert notifications_mark_all_read(user=users.admin) == 0
    assert [n.is_unread for n in notes(users.operator)] == [True]
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(user=users.admin, notification=notes(users.operator)[0])


def test_operator_of_another_village_hears_nothing(users, programme, make_worker, later):
    e = enrolment_propose(
        programme=programme, worker=make_worker(village=DESA_B), by=users.operator_b, on=FEB
    )
    enrolment_reject(enrolment=e, by=users.admin, reason="x")
    notifications_from_audit(now=later())
    assert notes(users.operator) == []
    assert len(notes(users.operator_b)) == 1


# --- a participant's death: the JKM claim to report -------------------------------------------


def test_a_participants_death_asks_the_dinas_and_the_village_to_report_the_jkm_claim(
    users, programme, active, make_worker, later
):
    """Once per worker, to the sponsor's admins and the village's operators; not for a worker
    whose cover had not begun at BPJS."""
    from django.urls import reverse

    from lindung.registry.services import worker_update

    participant = active[0]
    worker = participant.worker
    assert participant.kpj_number
    worker_update(
        worker=worker, by=users.operator, status="meninggal", status_date=dt.date(2026, 11, 12)
    )
    result = notifications_from_audit(now=later())
    assert result.deaths == 2  # the admin of Paser and the operator of the village
    for user in (users.admin, users.operator):
        (note,) = [n for n in notes(user) if n.kind == Kind.DEATH_CLAIM]
        assert note.link == reverse("claims:report", args=[worker.pk])
        with translation.override("id"):
            assert note.title == f"{worker.name} meninggal dunia: laporkan klaim JKM"
            assert "12 November 2026" in note.body and programme.code in note.body
    assert not [
        n for n in notes(users.admin_ppu) + notes(users.operator_b) if n.kind == Kind.DEATH_CLAIM
    ]
    assert notifications_from_audit(now=later()).deaths == 0
    # Only proposed (no KPJ): no cover, no claim to report.
    proposed = enrolment_propose(
        programme=programme, worker=make_worker(by=users.operator), by=users.operator, on=FEB
    )
    worker_update(worker=proposed.worker, by=users.operator, status="meninggal")
    assert notifications_from_audit(now=later()).deaths == 0

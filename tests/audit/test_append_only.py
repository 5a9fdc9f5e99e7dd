"""The audit trail is append-only in the database (migration audit.0005_append_only): UPDATE
and DELETE of an audit row fail whatever issues them, on SQLite and PostgreSQL alike; users who
acted cannot be deleted, so no event loses its actor; `flush` still empties the database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_event, audit_rows_insert
from lindung.regions.models import Region
from tests.conftest import DESA_A, PASER

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event(users):
    return audit_event(
        actor=users.admin,
        action="verify",
        obj=Region.objects.get(code=DESA_A),
        region_code=DESA_A,
        summary="Budi: Diusulkan → Terverifikasi",
        changes={"status": ["proposed", "verified"]},
    )


def refused(write) -> None:
    """`write` fails with an integrity error and leaves the transaction usable."""
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        write()


def unchanged(event: AuditEvent, users) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.action, stored.summary, stored.changes) == (
        users.admin.pk,
        "verify",
        "Budi: Diusulkan → Terverifikasi",
        {"status": ["proposed", "verified"]},
    )


def test_saving_a_changed_event_through_the_orm_is_refused(users, event):
    event.summary = "Budi: tidak pernah diverifikasi"
    refused(event.save)
    unchanged(event, users)


def test_queryset_update_is_refused(users, event):
    refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(actor=None))
    refused(lambda: AuditEvent.objects.update(region_code=PASER))
    unchanged(event, users)


def test_deleting_through_the_orm_is_refused(users, event):
    refused(event.delete)
    refused(AuditEvent.objects.all().delete)
    unchanged(event, users)


def test_raw_sql_update_and_delete_are_refused(users, event):
    def raw(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])

    refused(lambda: raw(f"UPDATE {TABLE} SET summary = 'ditulis ulang' WHERE id = %s"))
    refused(lambda: raw(f"UPDATE {TABLE} SET actor_id = NULL WHERE id = %s"))
    refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s"))
    unchanged(event, users)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(users, event):
    def truncate() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")

    refused(truncate)
    unchanged(event, users)


def test_appending_still_works_one_by_one_and_in_bulk(users, event):
    audit_rows_insert([("propose", "enrolment", "1", DESA_A, "x", "{}")], actor=users.operator)
    assert AuditEvent.objects.count() == 2


def test_a_user_who_acted_cannot_be_deleted_and_keeps_the_events(users, event):
    with pytest.raises(ProtectedError), transaction.atomic():
        users.admin.delete()
    unchanged(event, users)


def test_a_user_who_never_acted_can_still_be_deleted(users):
    users.leader.delete()
    assert not type(users.leader).objects.filter(username="bupati").exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_the_guard_is_back_afterwards(users, event):
    """Django's transactional tests (and browser tests) flush after each test: the flush works,
    and the trail is append-only again right after it."""
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    region = Region.objects.create(code="99", name="Uji", level=Region.Level.PROVINCE)
    again = audit_event(actor=None, action="create", obj=region, region_code="99")
    refused(lambda: AuditEvent.objects.filter(pk=again.pk).update(summary="x"))
    refused(again.delete)
    assert AuditEvent.objects.filter(pk=again.pk).exists()

"""Audit trail writes: who, when, what changed, in a JSON-safe form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_event, audit_events_bulk, changes_between
from lindung.regions.models import Region
from tests.conftest import DESA_A, PASER

pytestmark = pytest.mark.django_db


def test_changes_between_keeps_only_changed_fields_as_old_new_pairs():
    before = {"name": "Budi", "phone": "", "birth_date": dt.date(1985, 8, 17), "income": 1}
    after = {"name": "Budi", "phone": "0811", "birth_date": dt.date(1985, 8, 18), "income": 1}
    assert changes_between(before, after) == {
        "phone": ["", "0811"],
        "birth_date": ["1985-08-17", "1985-08-18"],
    }


def test_changes_between_compares_models_by_primary_key(regions):
    a, b = Region.objects.get(code=DESA_A), Region.objects.get(code=PASER)
    assert changes_between({"village": a}, {"village": Region.objects.get(code=DESA_A)}) == {}
    assert changes_between({"village": a}, {"village": b}) == {"village": [DESA_A, PASER]}


def test_audit_event_records_actor_object_region_and_plain_changes(users):
    region = Region.objects.get(code=DESA_A)
    before = timezone.now()
    ev = audit_event(
        actor=users.operator,
        action="update",
        obj=region,
        region_code=DESA_A,
        summary="x" * 300,
        changes={"village": [region, None], "amount": Decimal("1.50"), "on": dt.date(2026, 1, 2)},
    )
    ev.refresh_from_db()
    assert (ev.actor, ev.action, ev.object_type, ev.object_id, ev.region_code) == (
        users.operator,
        "update",
        "region",
        DESA_A,
        DESA_A,
    )
    assert ev.at >= before
    assert len(ev.summary) == 250
    assert ev.changes == {"village": [DESA_A, None], "amount": "1.50", "on": "2026-01-02"}


def test_audit_event_without_a_saved_actor_keeps_no_actor(regions):
    ev = audit_event(
        actor=None, action="create", obj=Region.objects.get(code=PASER), region_code=PASER
    )
    assert ev.actor is None and ev.changes == {}


def test_bulk_audit_writes_every_event(users):
    audit_events_bulk(
        [
            AuditEvent(
                actor=users.admin,
                action="propose",
                object_type="enrolment",
                object_id=str(i),
                region_code=DESA_A,
            )
            for i in range(5)
        ]
    )
    assert AuditEvent.objects.filter(action="propose").count() == 5


def test_audit_trail_lists_newest_first(users):
    first = audit_event(actor=users.admin, action="a", obj=users.admin, region_code=PASER)
    second = audit_event(actor=users.admin, action="b", obj=users.admin, region_code=PASER)
    assert list(AuditEvent.objects.all()) == [second, first]

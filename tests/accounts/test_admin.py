"""Users are deactivated, not deleted: the admin refuses to delete a user who acted, so the
audit trail keeps its actors; deactivation and changes of role or region are audited."""

from __future__ import annotations

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from lindung.accounts.models import User
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_event
from tests.conftest import DESA_A, PASER, PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db, regions, django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("root", "", "akar-rahasia-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def acted(users) -> AuditEvent:
    """An event of Paser's admin."""
    return audit_event(
        actor=users.admin,
        action="verify",
        obj=users.operator,
        region_code=DESA_A,
        summary="Budi: Diusulkan → Terverifikasi",
    )


def delete_url(user: User) -> str:
    return reverse("admin:accounts_user_delete", args=[user.pk])


def test_deleting_a_user_with_events_is_refused_and_the_events_keep_their_actor(root, users, acted):
    assert root.get(delete_url(users.admin)).status_code == 403
    assert root.post(delete_url(users.admin), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=users.admin.pk).exists()
    acted.refresh_from_db()
    assert acted.actor == users.admin


def test_deleting_such_a_user_outside_the_admin_is_refused_too(users, acted):
    with pytest.raises(ProtectedError):
        users.admin.delete()
    assert AuditEvent.objects.get(pk=acted.pk).actor_id == users.admin.pk


def test_the_user_list_has_no_bulk_delete_but_a_deactivation(root, users, acted):
    changelist = reverse("admin:accounts_user_changelist")
    page = root.get(changelist).content.decode()
    assert 'value="delete_selected"' not in page and 'value="deactivate"' in page

    root.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [users.admin.pk, users.leader.pk],
            "post": "yes",
        },
    )
    assert User.objects.filter(pk__in=[users.admin.pk, users.leader.pk]).count() == 2

    response = root.post(
        changelist, {"action": "deactivate", "_selected_action": [users.admin.pk, users.leader.pk]}
    )
    assert response.status_code == 302
    assert not User.objects.filter(
        pk__in=[users.admin.pk, users.leader.pk], is_active=True
    ).exists()
    events = AuditEvent.objects.filter(object_type="user", action="update", actor__username="root")
    assert {(e.object_id, e.region_code, tuple(e.changes["is_active"])) for e in events} == {
        (str(users.admin.pk), PASER, (True, False)),
        (str(users.leader.pk), PASER, (True, False)),
    }
    # The deactivated admin is still the actor of their events, and can no longer act.
    assert AuditEvent.objects.get(pk=acted.pk).actor_id == users.admin.pk


def test_a_user_who_logged_in_is_deactivated_rather_than_deleted(root, users, client):
    client.force_login(users.leader)
    assert root.post(delete_url(users.leader), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=users.leader.pk).exists()


def test_a_user_who_never_logged_in_nor_acted_may_be_deleted(root, users):
    assert root.post(delete_url(users.leader), {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=users.leader.pk).exists()


def test_changing_a_users_role_or_region_is_audited(root, users):
    user = users.admin
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "role": "admin_kabupaten",
        "region": PPU,
        "date_joined_0": "2026-11-01",
        "date_joined_1": "08:00:00",
        "initial-date_joined_0": "2026-11-01",
        "initial-date_joined_1": "08:00:00",
    }
    response = root.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(object_type="user", object_id=str(user.pk))
    assert event.changes == {"region": [PASER, PPU]}
    assert event.actor.username == "root" and event.region_code == PPU

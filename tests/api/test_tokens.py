"""API tokens: they expire, can be revoked, may be read-only, record their last use, and are
managed by their owner on the account page (shown once when created)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lindung.api.models import ApiToken
from lindung.api.security import token_digest
from lindung.api.services import api_token_create, api_token_revoke
from lindung.audit.models import AuditEvent
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


# --- service and authentication ----------------------------------------------------------------


def test_a_token_is_stored_as_a_digest_and_expires_after_the_default_days(users):
    row, token = api_token_create(user=users.operator, name="skrip desa")
    assert row.digest == token_digest(token) and token not in (row.digest, row.prefix)
    assert settings.API_TOKEN_DAYS == 90
    assert abs(row.expires_at - clock.now() - dt.timedelta(days=90)) < dt.timedelta(seconds=5)
    assert not row.read_only


def test_an_expired_token_is_401(users, frozen_clock):
    _row, token = api_token_create(user=users.admin, name="dasbor", days=7)
    assert bearer(token).get("/api/v1/programmes").status_code == 200
    frozen_clock.shift(dt.timedelta(days=7, minutes=1))
    response = bearer(token).get("/api/v1/programmes")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_revoked_token_is_401_and_the_revocation_is_audited(users):
    row, token = api_token_create(user=users.admin, name="dasbor")
    api_token_revoke(token=row, by=users.admin)
    assert bearer(token).get("/api/v1/programmes").status_code == 401
    assert AuditEvent.objects.filter(
        action="revoke", object_id=str(row.pk), actor=users.admin
    ).exists()
    api_token_revoke(token=row, by=users.admin)  # twice changes nothing
    assert AuditEvent.objects.filter(action="revoke", object_id=str(row.pk)).count() == 1


def test_a_token_of_a_deactivated_user_is_401(users):
    _row, token = api_token_create(user=users.admin, name="dasbor")
    users.admin.is_active = False
    users.admin.save()
    assert bearer(token).get("/api/v1/programmes").status_code == 401


def test_a_read_only_token_reads_but_may_not_write(users, make_worker):
    worker = make_worker(by=users.operator)
    _row, token = api_token_create(user=users.operator, name="laporan", read_only=True)
    client = bearer(token)
    assert client.get(f"/api/v1/workers/{worker.pk}").status_code == 200
    for method, url in [("patch", f"/api/v1/workers/{worker.pk}"), ("post", "/api/v1/workers")]:
        response = getattr(client, method)(url, {"name": "Diubah"}, content_type="application/json")
        assert response.status_code == 403, method
        assert response.json()["code"] == "token_read_only"
        assert "hanya untuk membaca" in response.json()["message"]
    worker.refresh_from_db()
    assert worker.name != "Diubah"


def test_a_full_token_may_write(users, make_worker):
    worker = make_worker(by=users.operator)
    _row, token = api_token_create(user=users.operator, name="sinkron")
    response = bearer(token).patch(
        f"/api/v1/workers/{worker.pk}", {"name": "Nama Baru"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_the_last_use_is_recorded_at_most_once_a_minute(users, frozen_clock):
    row, token = api_token_create(user=users.admin, name="dasbor")
    bearer(token).get("/api/v1/programmes")
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    bearer(token).get("/api/v1/programmes")
    row.refresh_from_db()
    assert row.last_used_at == first
    frozen_clock.shift(dt.timedelta(minutes=2))
    bearer(token).get("/api/v1/programmes")
    row.refresh_from_db()
    assert row.last_used_at > first


@pytest.mark.parametrize("days", [0, -1, settings.API_TOKEN_MAX_DAYS + 1])
def test_a_lifetime_out_of_range_is_refused(users, days):
    with pytest.raises(DomainError) as e:
        api_token_create(user=users.admin, name="dasbor", days=days)
    assert e.value.code == "token_days" and e.value.field == "days"


def test_only_the_owner_or_a_system_administrator_revokes(users, django_user_model):
    row, _token = api_token_create(user=users.admin, name="dasbor")
    with pytest.raises(ScopeDenied):
        api_token_revoke(token=row, by=users.admin_ppu)
    root = django_user_model.objects.create_superuser("root", password="x")
    api_token_revoke(token=row, by=root)
    assert row.revoked_at is not None


# --- command -----------------------------------------------------------------------------------


def test_the_command_takes_days_and_read_only(users):
    out = io.StringIO()
    call_command(
        "api_token",
        "admin_paser",
        "--name",
        "laporan",
        "--days",
        "7",
        "--read-only",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = out.getvalue().strip()
    row = ApiToken.objects.get(digest=token_digest(token))
    assert row.read_only and row.name == "laporan"
    assert abs(row.expires_at - clock.now() - dt.timedelta(days=7)) < dt.timedelta(seconds=5)
    assert bearer(token).get("/api/v1/programmes").status_code == 200


# --- the account page --------------------------------------------------------------------------


@pytest.fixture
def page(users):
    client = Client()
    client.force_login(users.operator)
    return client


def test_the_page_lists_only_the_users_own_tokens(page, users):
    api_token_create(user=users.operator, name="skrip desa A")
    api_token_create(user=users.operator_b, name="skrip desa B")
    html = page.get(reverse("api_tokens")).content.decode()
    assert "skrip desa A" in html and "skrip desa B" not in html
    assert f'href="{reverse("api_tokens")}"' in html  # linked from the header


def test_a_token_created_on_the_page_is_shown_once_and_works(page, users):
    response = page.post(
        reverse("api_tokens"), {"name": "sinkron SIPP", "days": "30", "read_only": "on"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    row = ApiToken.objects.get(user=users.operator)
    token = response.context["new_token"]
    assert row.digest == token_digest(token) and row.read_only
    assert token in response.content.decode()
    assert "hanya ditampilkan sekali" in response.content.decode()
    assert bearer(token).get("/api/v1/programmes").status_code == 200
    assert token not in page.get(reverse("api_tokens")).content.decode()


def test_the_page_refuses_a_token_without_a_name_or_too_long(page, users):
    response = page.post(reverse("api_tokens"), {"name": "", "days": "9999"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"name", "days"}
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_from_the_page(page, users):
    row, token = api_token_create(user=users.operator, name="skrip desa")
    response = page.post(reverse("api_token_revoke", args=[row.pk]), follow=True)
    assert "sudah dicabut" in response.content.decode()
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert bearer(token).get("/api/v1/programmes").status_code == 401


def test_another_users_token_cannot_be_revoked_from_the_page(page, users):
    row, token = api_token_create(user=users.operator_b, name="skrip desa B")
    assert page.post(reverse("api_token_revoke", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None
    assert bearer(token).get("/api/v1/programmes").status_code == 200


def test_expired_and_revoked_tokens_are_listed_with_their_status(page, users, frozen_clock):
    old, _ = api_token_create(user=users.operator, name="lama", days=1)
    gone, _ = api_token_create(user=users.operator, name="dicabut", days=30)
    api_token_revoke(token=gone, by=users.operator)
    frozen_clock.shift(dt.timedelta(days=2))
    page.force_login(users.operator)  # the session itself ended meanwhile
    html = page.get(reverse("api_tokens")).content.decode()
    assert "kedaluwarsa" in html and "badge-ditolak" in html
    assert reverse("api_token_revoke", args=[old.pk]) not in html


def test_the_page_needs_a_login():
    response = Client().get(reverse("api_tokens"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_operator_region_is_on_the_audit_event(users):
    row, _ = api_token_create(user=users.operator, name="skrip desa")
    assert AuditEvent.objects.get(action="create", object_id=str(row.pk)).region_code == DESA_A


def test_a_system_administrator_revokes_any_token_in_the_admin(users, django_user_model):
    row, token = api_token_create(user=users.operator, name="skrip desa")
    root = django_user_model.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(root)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200 and "skrip desa" in listing.content.decode()
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert AuditEvent.objects.filter(action="revoke", object_id=str(row.pk), actor=root).exists()
    assert bearer(token).get("/api/v1/programmes").status_code == 401

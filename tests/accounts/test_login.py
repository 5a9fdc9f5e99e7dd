"""Login throttling (django-axes with Lindung's settings): a user name is locked after the failure
limit from one address, the right password is refused while locked, the lock lifts after the
cool-off or when an administrator unlocks it. These tests run with the real limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from lindung.accounts.throttle import client_ip
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db

PASSWORD = "rahasia-123"


@pytest.fixture
def operator(make_user):
    return make_user("op_a", "operator_desa", DESA_A, password=PASSWORD)


def attempt(client: Client, password: str, username: str = "op_a"):
    return client.post(reverse("login"), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def lock(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "salah-sekali")


def test_the_limits_are_the_production_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)


def test_a_wrong_password_says_so_and_a_right_one_logs_in(operator):
    client = Client()
    response = attempt(client, "salah-sekali")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert attempt(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_failures_below_the_limit_then_the_right_password_logs_in(operator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "salah-sekali").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_right_password_is_refused_while_the_user_name_is_locked(operator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "salah-sekali")
    locked = attempt(client, "salah-sekali")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "dikunci sementara" in page and "15 menit" in page

    refused = attempt(client, PASSWORD)
    assert refused.status_code == 429
    assert "dikunci sementara" in refused.content.decode()
    assert not logged_in(client)
    assert client.get(reverse("home")).status_code == 302  # still anonymous


def test_the_lock_lifts_after_the_cool_off_and_is_not_extended_by_attempts(operator, frozen_clock):
    client = Client()
    lock(client)
    frozen_clock.shift(dt.timedelta(minutes=10))
    assert attempt(client, PASSWORD).status_code == 429
    page = attempt(client, PASSWORD).content.decode()
    assert "5 menit" in page  # the remaining time, counted from the last real failure
    frozen_clock.shift(dt.timedelta(minutes=6))
    assert attempt(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_lock_holds_for_one_user_name_and_address_only(operator, make_user):
    make_user("op_b", "operator_desa", DESA_A, password=PASSWORD)
    lock(Client())
    assert attempt(Client(), PASSWORD, username="op_b").status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert attempt(elsewhere, PASSWORD).status_code == 302


def test_an_administrator_unlocks_with_the_command(operator):
    client = Client()
    lock(client)
    call_command("axes_reset_username", "op_a", stdout=None)
    assert attempt(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_an_administrator_sees_and_removes_locks_in_the_admin(operator, django_user_model):
    from axes.models import AccessAttempt

    lock(Client())
    admin = django_user_model.objects.create_superuser("root", password="x")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "op_a" in listing.content.decode()
    attempt_row = AccessAttempt.objects.get(username="op_a")
    client.post(f"/admin/axes/accessattempt/{attempt_row.pk}/delete/", {"post": "yes"})
    assert attempt(Client(), PASSWORD).status_code == 302


def test_a_successful_login_clears_earlier_failures(operator):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "salah-sekali")
    attempt(client, PASSWORD)
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "salah-sekali").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


def test_the_stored_attempt_keeps_no_password(operator):
    from axes.models import AccessAttempt

    attempt(Client(), "rahasia-yang-salah")
    row = AccessAttempt.objects.get(username="op_a")
    assert "rahasia-yang-salah" not in row.post_data


def test_the_client_address_is_the_peer_unless_proxies_are_trusted():
    request = RequestFactory().post(
        "/masuk/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    assert client_ip(request) == "127.0.0.1"  # a forged header counts for nothing
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.9"  # the address nginx appended

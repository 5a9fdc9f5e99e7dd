"""How long a login lasts: SESSION_IDLE_TIMEOUT without a request, SESSION_ABSOLUTE_TIMEOUT
after login whatever the activity (the clock is moved, never waited for)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(users):
    client = Client()
    client.force_login(users.operator)
    return client


def is_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))
        return False
    assert response.status_code == 200
    return True


def test_the_defaults_are_thirty_minutes_idle_and_twelve_hours_at_most():
    assert settings.SESSION_IDLE_TIMEOUT == dt.timedelta(minutes=30)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == dt.timedelta(hours=12)
    assert settings.SESSION_ABSOLUTE_TIMEOUT < dt.timedelta(days=14)


def test_a_session_ends_after_thirty_idle_minutes(client_in, frozen_clock):
    assert is_in(client_in)
    frozen_clock.shift(dt.timedelta(minutes=31))
    assert not is_in(client_in)


def test_activity_keeps_the_session(client_in, frozen_clock):
    for _ in range(6):  # two hours, a request every twenty minutes
        frozen_clock.shift(dt.timedelta(minutes=20))
        assert is_in(client_in)


def test_the_session_cookie_expires_with_the_idle_time(client_in, frozen_clock):
    frozen_clock.shift(dt.timedelta(minutes=5))
    client_in.get(reverse("home"))
    cookie = client_in.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60


def test_an_active_session_ends_at_the_absolute_limit_with_a_message(
    client_in, frozen_clock, settings
):
    settings.SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=1)
    for _ in range(3):
        frozen_clock.shift(dt.timedelta(minutes=19))
        assert is_in(client_in)
    frozen_clock.shift(dt.timedelta(minutes=4))  # 61 minutes after login, 4 after the last click
    response = client_in.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Sesi Anda berakhir karena sudah 1 jam sejak masuk" in response.content.decode()
    assert not is_in(client_in)


def test_the_idle_limit_is_checked_even_when_the_stored_session_lives_longer(
    client_in, frozen_clock, settings
):
    # A session stored with a longer expiry (e.g. from before the limit was shortened) is
    # still ended by the middleware, with a message saying why.
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=10)
    assert is_in(client_in)
    frozen_clock.shift(dt.timedelta(minutes=11))
    response = client_in.get(reverse("home"), follow=True)
    assert "tidak ada aktivitas selama 10 menit" in response.content.decode()
    assert not is_in(client_in)

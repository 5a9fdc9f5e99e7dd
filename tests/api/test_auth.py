"""Authentication for both kinds of client (issue 15): a bearer token needs no CSRF token, a
browser session keeps the CSRF check, each token has a rate limit. Every client here enforces
CSRF (Django's test client skips it by default, which hid the bug)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from lindung.api.models import ApiRateWindow
from lindung.api.services import api_token_create
from lindung.programs.models import Enrolment
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def csrf_client(**extra) -> Client:
    return Client(enforce_csrf_checks=True, **extra)


def post(client: Client, url: str, data: dict | None = None, **kw):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **kw)


@pytest.fixture
def proposal(users, make_worker, api_programme):
    from lindung.programs.services import enrolment_propose

    return enrolment_propose(
        programme=api_programme, worker=make_worker(by=users.operator), by=users.operator
    )


@pytest.mark.parametrize("prefix", [V1, "/api"])
def test_a_bearer_token_writes_without_any_csrf_token(users, proposal, prefix):
    _row, token = api_token_create(user=users.admin, name="dasbor")
    r = post(
        csrf_client(HTTP_AUTHORIZATION=f"Bearer {token}"),
        f"{prefix}/enrolments/{proposal.pk}/verify",
    )
    assert r.status_code == 200, r.content
    assert Enrolment.objects.get(pk=proposal.pk).status == "diverifikasi"


def test_a_superuser_token_takes_a_valid_transition(users, proposal, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    _row, token = api_token_create(user=root, name="skrip")
    r = post(
        csrf_client(HTTP_AUTHORIZATION=f"Bearer {token}"), f"{V1}/enrolments/{proposal.pk}/verify"
    )
    assert r.status_code == 200, r.content


def test_a_token_request_with_a_session_cookie_too_is_judged_by_its_token(users, proposal):
    """A script that also holds a stale browser session: the token decides, no CSRF."""
    _row, token = api_token_create(user=users.admin, name="dasbor")
    client = csrf_client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.force_login(users.admin)
    r = post(client, f"{V1}/enrolments/{proposal.pk}/verify")
    assert r.status_code == 200, r.content


def test_a_bad_token_never_falls_back_to_the_session(users, proposal):
    client = csrf_client(HTTP_AUTHORIZATION="Bearer tebakan")
    client.force_login(users.admin)
    r = client.get(f"{V1}/workers")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")


def test_a_session_write_without_the_csrf_token_is_403_csrf_failed(users, proposal):
    client = csrf_client()
    client.force_login(users.admin)
    r = post(client, f"{V1}/enrolments/{proposal.pk}/verify")
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "csrf_failed" and "X-CSRFToken" in body["message"]
    assert set(body) == {"code", "message", "field", "errors"}
    assert Enrolment.objects.get(pk=proposal.pk).status == "diusulkan"


def test_a_session_write_with_the_csrf_token_passes(users, proposal):
    client = csrf_client()
    client.force_login(users.admin)
    assert client.get(f"{V1}/workers").status_code == 200  # reads need no CSRF token
    client.get(f"{V1}/docs")  # the docs page sets the CSRF cookie
    r = post(
        client,
        f"{V1}/enrolments/{proposal.pk}/verify",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert r.status_code == 200, r.content


def test_a_self_made_csrf_pair_does_not_authenticate_anyone():
    client = csrf_client()
    client.cookies["csrftoken"] = "a" * 32
    r = post(client, f"{V1}/workers", {"name": "X"}, HTTP_X_CSRFTOKEN="a" * 32)
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")
    assert not Worker.objects.exists()


def test_an_anonymous_write_is_401_not_a_csrf_403():
    r = post(csrf_client(), f"{V1}/enrolments/1/verify")
    assert (r.status_code, r.json()["code"]) == (401, "unauthenticated")


def test_the_schema_documents_both_schemes():
    schema = Client().get(f"{V1}/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {(s["type"], s.get("scheme"), s.get("in")) for s in schemes.values()} == {
        ("http", "bearer", None),
        ("apiKey", None, "cookie"),
    }


# --- rate limit --------------------------------------------------------------------------------


def test_a_token_beyond_its_limit_gets_429_with_retry_after(users, settings, frozen_clock):
    settings.API_RATE_LIMIT = 3
    frozen_clock.move_to(dt.datetime(2026, 11, 20, 10, 0, 15, tzinfo=dt.UTC))
    _row, token = api_token_create(user=users.admin, name="dasbor")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [client.get(f"{V1}/programmes").status_code for _ in range(3)] == [200] * 3
    r = client.get(f"{V1}/programmes")
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited" and "3 per menit" in r.json()["message"]
    assert 1 <= int(r["Retry-After"]) <= 45
    # Another token of the same user has its own allowance.
    _row2, other = api_token_create(user=users.admin, name="lain")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {other}").get(f"{V1}/programmes").status_code == 200
    # The next minute the token may call again, and the old window's row is gone.
    frozen_clock.shift(dt.timedelta(seconds=int(r["Retry-After"])))
    assert client.get(f"{V1}/programmes").status_code == 200
    assert ApiRateWindow.objects.filter(token=_row).count() == 1


def test_writes_count_too_and_a_refused_write_changes_nothing(users, settings, proposal):
    settings.API_RATE_LIMIT = 1
    _row, token = api_token_create(user=users.admin, name="dasbor")
    client = csrf_client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(f"{V1}/programmes").status_code == 200
    r = post(client, f"{V1}/enrolments/{proposal.pk}/verify")
    assert r.status_code == 429 and r.has_header("Retry-After")
    assert Enrolment.objects.get(pk=proposal.pk).status == "diusulkan"


def test_a_limit_of_zero_turns_it_off(users, settings):
    settings.API_RATE_LIMIT = 0
    _row, token = api_token_create(user=users.admin, name="dasbor")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert {client.get(f"{V1}/programmes").status_code for _ in range(5)} == {200}
    assert not ApiRateWindow.objects.exists()

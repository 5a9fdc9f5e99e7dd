"""One error body everywhere under /api/, and one HTTP status per error code (issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.test import Client

from lindung.api.errors import CONFLICT, STATUS, status_for
from lindung.core.errors import ScopeDenied

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
KEYS = {"code", "message", "field", "errors"}
SRC = Path(__file__).resolve().parents[2] / "src" / "lindung"


def post(client: Client, url: str, data: dict | None = None, **kw):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **kw)


@pytest.mark.parametrize(
    "url",
    [
        f"{V1}/tidak-ada",
        f"{V1}/workers/abc",
        "/api/tidak/ada/",
        f"{V1}/workers/1/lain",
        "/api/v2/workers",
    ],
)
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_url_under_api_is_a_json_404(client_for, url, method):
    r = getattr(client_for("admin"), method)(url)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert set(r.json()) == KEYS and r.json()["code"] == "not_found"


def test_unknown_urls_are_404_json_even_anonymous_and_never_a_login_redirect():
    r = Client().get(f"{V1}/tidak-ada")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize("prefix", [V1, "/api"])
def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client_for, prefix):
    r = client_for("admin").delete(f"{prefix}/workers")
    assert r.status_code == 405
    assert r.json()["code"] == "method_not_allowed" and set(r.json()) == KEYS
    assert set(r["Allow"].split(", ")) == {"GET", "POST"}
    assert "GET" in r.json()["message"]


def test_a_server_error_is_a_json_500_and_logged(client_for, monkeypatch, caplog):
    from lindung.registry import selectors

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "worker_list", broken)
    r = client_for("admin").get(f"{V1}/workers")
    assert r.status_code == 500
    assert r.json()["code"] == "server_error" and set(r.json()) == KEYS
    assert "bug" not in r.content.decode()  # no traceback or detail for the caller
    assert any(rec.levelname == "ERROR" and rec.exc_info for rec in caplog.records)


def test_malformed_json_is_a_422_in_the_same_body(client_for):
    r = client_for("admin").post(f"{V1}/workers", "{bukan json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert set(r.json()) == KEYS


def test_each_code_has_one_status():
    assert status_for("already_enrolled") == status_for("transition_invalid") == 409
    assert status_for("age_out_of_range") == status_for("nik_format") == 422
    assert status_for("scope_denied") == 403 and status_for("not_found") == 404
    assert status_for("rate_limited") == 429 and status_for("unauthenticated") == 401
    assert CONFLICT <= set(STATUS) and all(STATUS[c] == 409 for c in CONFLICT)


def test_no_code_is_raised_both_as_a_scope_refusal_and_as_another_error():
    """A ScopeDenied is always 403; its codes must never be used by another error (then one
    code would answer 403 and 422)."""
    scope_codes = {ScopeDenied.code}
    other_codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for call in re.finditer(
            r"(ScopeDenied|DomainError|NikInvalid|FileRefused)\((.*?)\)\n", text, re.S
        ):
            codes = set(re.findall(r'code="([a-z_]+)"', call.group(2)))
            (scope_codes if call.group(1) == "ScopeDenied" else other_codes).update(codes)
    assert {"token_read_only", "token_not_yours"} <= scope_codes
    assert not scope_codes & other_codes
    assert all(status_for(c) == 403 for c in scope_codes)


def test_already_enrolled_is_409_on_the_race_path_too(
    client_for, users, make_worker, api_programme, monkeypatch
):
    """The primary key refusing a concurrent double funding raises a plain DomainError (no
    field): the same code, so the same 409 as the checked path (it used to be 400)."""
    from lindung.programs import services

    worker = make_worker(by=users.operator)
    real = services.insert_rows_returning_ids

    def racing(model, columns, rows):
        if model.__name__ == "Enrolment":
            raise IntegrityError("UNIQUE constraint failed: programs_enrolmentmonth")
        return real(model, columns, rows)

    monkeypatch.setattr(services, "insert_rows_returning_ids", racing)
    r = post(
        client_for("operator"),
        f"{V1}/enrolments",
        {"programme": api_programme.code, "worker_id": worker.pk},
    )
    assert (r.status_code, r.json()["code"]) == (409, "already_enrolled")
    assert r.json()["errors"][0]["code"] == "already_enrolled"


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_scope_refusals_list_themselves_in_errors(client_for, role, users, make_worker):
    r = post(
        client_for(role),
        f"{V1}/workers",
        {
            "nik": "6401011708850001",
            "name": "X",
            "sex": "L",
            "birth_date": "1985-08-17",
            "village": "64.01.01.2009",
            "occupation": "nelayan",
        },
    )
    assert r.status_code == 403
    assert r.json()["errors"] == [
        {"code": r.json()["code"], "field": None, "message": r.json()["message"]}
    ]


def test_the_public_schema_names_no_real_programme():
    """The schema and docs are served without login: their examples name no programme of a
    real region (a code a user outside it could not otherwise see)."""
    text = Client().get(f"{V1}/openapi.json").content.decode()
    assert not re.search(r"(PASER|PPU|KALTIM)-\d{4}", text)


def test_the_old_prefix_serves_the_same_views():
    from django.urls import resolve

    for path in [
        "workers",
        "workers/1",
        "enrolments/2/verify",
        "imports/3/errors",
        "indicators",
        "openapi.json",
    ]:
        assert resolve(f"/api/{path}").func is resolve(f"{V1}/{path}").func, path

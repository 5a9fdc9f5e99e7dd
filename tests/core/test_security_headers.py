"""Deployment hardening (issue 14, item 10): `check --deploy` is clean under production
settings, and every page carries CSP, Permissions-Policy, Referrer-Policy and, for a signed-in
user, `Cache-Control: no-store`."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lindung" / "templates"


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """`lindung ...` in a fresh process: settings read the environment when imported."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("SECURE_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
        )
    }  # the last one: tests only
    return subprocess.run(
        [sys.executable, "-m", "lindung.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, "LINDUNG_DATA_DIR": str(tmp_path), **env},
    )


PRODUCTION = {"DEBUG": "0", "SECURE_COOKIES": "1", "ALLOWED_HOSTS": "lindung.paserkab.go.id"}


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert "0 silenced" in result.stdout or "1 silenced" in result.stdout


def test_check_deploy_still_warns_over_plain_http(tmp_path):
    """The check above would catch a regression: without HTTPS the warnings are there."""
    result = _run(["check", "--deploy"], tmp_path, SECRET_KEY=secrets.token_urlsafe(50), DEBUG="0")
    for code in ("W004", "W008", "W012", "W016"):
        assert f"security.{code}" in result.stderr + result.stdout


def test_https_settings_follow_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _run(["shell", "--no-imports", "-c", code], tmp_path, **PRODUCTION)
    assert result.stdout.split("\n")[0] == "31536000 True False True None True True"
    result = _run(
        ["shell", "--no-imports", "-c", code],
        tmp_path,
        **PRODUCTION,
        SECURE_HSTS_SECONDS="3600",
        SECURE_SSL_REDIRECT="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.stdout.split("\n")[0] == (
        "3600 True True False ('HTTP_X_FORWARDED_PROTO', 'https') True True"
    )


def test_every_page_has_a_content_security_policy_without_inline_script(client, users):
    client.force_login(users.admin)
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "http" not in policy  # no CDN


def test_permissions_and_referrer_policy(client):
    response = client.get("/masuk/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/pekerja/", "/program/", "/api/workers", "/impor/templat.xlsx"]
)
def test_signed_in_answers_are_never_stored(client, users, path):
    client.force_login(users.admin)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_worker_page_with_a_nik_is_never_stored(client, users, make_worker):
    worker = make_worker()
    client.force_login(users.admin)
    response = client.get(f"/pekerja/{worker.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_api_token_answers_are_never_stored(client, users):
    from lindung.api.services import api_token_create

    _row, token = api_token_create(user=users.admin, name="uji")
    response = client.get("/api/workers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_static_files_keep_their_cache(client, users):
    client.force_login(users.admin)
    response = client.get("/static/lindung/lindung.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_templates_hold_no_inline_script_or_event_handler():
    """The CSP refuses inline scripts and handlers (onclick=…): behaviour lives in lindung.js."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for m in re.finditer(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"
            r"|\son[a-z]+\s*=|javascript:",
            text,
        ):
            offenders.append(f"{path.relative_to(TEMPLATES)}: {m.group(0).strip()}")
    assert not offenders

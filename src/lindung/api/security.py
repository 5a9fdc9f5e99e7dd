"""Who is calling: a bearer token (scripts and other systems) or a browser session.

- **Bearer token** (`Authorization: Bearer <token>`), tried first. Only a SHA-256 digest of a
  token is stored; the token itself is shown once when created. A token authenticates until
  it expires or is revoked, and only while its user is active. No CSRF check: a token is not
  sent by a browser on its own, so a forged cross-site request cannot carry it. A read-only
  token may only read: any other method is refused with 403 here, before a view runs, so no
  endpoint can forget the check. Each token may send `API_RATE_LIMIT` requests a minute;
  beyond that 429 with `Retry-After`.
- **Session** (the browser, the interactive docs): Django's session cookie *with* the CSRF
  check for every write. Only when no Authorization header is present: a request carrying a
  token (valid or not) is judged by its token alone, so a stale cookie in a script never turns
  a token request into a "CSRF check failed".

Before issue 15 the session was tried first and its CSRF check refused every token POST.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from lindung.api.errors import RateLimited
from lindung.api.models import ApiRateWindow, ApiToken
from lindung.core import clock
from lindung.core.errors import ScopeDenied

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The last use is written back at most this often: one write a minute, not one per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
RATE_WINDOW = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def rate_check(token: ApiToken, now: dt.datetime) -> None:
    """Count one request of `token` in the current minute; raise RateLimited beyond
    `settings.API_RATE_LIMIT` (0 turns the limit off)."""
    limit = settings.API_RATE_LIMIT
    if not limit:
        return
    window = now.replace(second=0, microsecond=0)
    rows = ApiRateWindow.objects.filter(token=token, window=window)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ApiRateWindow.objects.create(token=token, window=window, count=1)
        except IntegrityError:  # another request of this token opened the window first
            rows.update(count=F("count") + 1)
        else:
            ApiRateWindow.objects.filter(token=token, window__lt=window).delete()
    count = rows.values_list("count", flat=True).first() or 0
    if count > limit:
        wait = max(1, math.ceil((window + RATE_WINDOW - now).total_seconds()))
        raise RateLimited(wait=wait, limit=limit)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = clock.now()
        row = (
            ApiToken.objects.usable(now)
            .select_related("user")
            .filter(digest=token_digest(token))
            .first()
        )
        if row is None or not row.user.is_active:
            return None  # 401: unknown, expired and revoked tokens look the same
        rate_check(row, now)
        if row.read_only and request.method not in READ_METHODS:
            raise ScopeDenied(
                _(
                    "Token API ini hanya untuk membaca data (GET). Buat token tanpa pilihan "
                    "'hanya baca' untuk mengubah data."
                ),
                code="token_read_only",
            )
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


class SessionAuth(APIKeyCookie):
    """Django's session, with the CSRF check for writes; skipped when the request carries an
    Authorization header (a token client) or no signed-in session (then 401, not a CSRF 403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)  # the CSRF check (HttpError 403), then authenticate

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user

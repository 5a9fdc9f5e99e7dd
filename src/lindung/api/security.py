"""Bearer tokens for scripts and other systems (`Authorization: Bearer <token>`).

Only a SHA-256 digest of a token is stored; the token itself is shown once when created. A
token authenticates until it expires or is revoked, and only while its user is active. A
read-only token may only read: any other method is refused with 403 here, before a view runs,
so no endpoint can forget the check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from lindung.api.models import ApiToken
from lindung.core import clock
from lindung.core.errors import ScopeDenied

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The last use is written back at most this often: one write a minute, not one per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = clock.now()
        row = (ApiToken.objects.usable(now).select_related("user")
               .filter(digest=token_digest(token)).first())
        if row is None or not row.user.is_active:
            return None  # 401: unknown, expired and revoked tokens look the same
        if row.read_only and request.method not in READ_METHODS:
            raise ScopeDenied(
                _("Token API ini hanya untuk membaca data (GET). Buat token tanpa pilihan "
                  "'hanya baca' untuk mengubah data."), code="token_read_only")
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user

"""Bearer tokens for scripts and other systems (`Authorization: Bearer <token>`).

Only a SHA-256 digest of a token is stored; the token itself is shown once when created."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from lindung.api.models import ApiToken
from lindung.core import clock


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (ApiToken.objects.select_related("user")
               .filter(digest=token_digest(token), revoked_at__isnull=True).first())
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=clock.now())
        return row.user

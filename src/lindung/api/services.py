"""Issuing and revoking API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction

from lindung.accounts.models import User
from lindung.api.models import ApiToken
from lindung.api.security import token_digest
from lindung.audit.services import audit_event
from lindung.core import clock


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token, which is not stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, digest=token_digest(token),
                                  prefix=token[:8])
    audit_event(actor=user, action="create", obj=row, region_code=user.region_id or "",
                summary=f"Token API {name} dibuat")
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_event(actor=by, action="revoke", obj=token, region_code=token.user.region_id or "",
                summary=f"Token API {token.name} dicabut")
    return token

"""Issuing and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.api.models import ApiToken
from lindung.api.security import token_digest
from lindung.audit.services import audit_event
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    days: int | None = None,
    read_only: bool = False,
    on: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (settings.API_TOKEN_DAYS by default) from `on`;
    returns the row and the token, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise DomainError(
            _("Isi nama token, mis. kegunaannya: 'sinkronisasi SIPP'."),
            code="token_name_missing",
            field="name",
        )
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            _("Masa berlaku token harus antara 1 dan %(max)d hari; Anda mengisi %(days)d.")
            % {"max": settings.API_TOKEN_MAX_DAYS, "days": days},
            code="token_days",
            field="days",
        )
    token = secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=token_digest(token),
        prefix=token[:8],
        read_only=read_only,
        expires_at=(on or clock.now()) + dt.timedelta(days=days),
    )
    audit_event(
        actor=user,
        action="create",
        obj=row,
        region_code=user.region_id or "",
        summary=f"Token API {row.name} dibuat ({days} hari{', hanya baca' if read_only else ''})",
    )
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token: its owner or a system administrator may. Revoking twice changes
    nothing."""
    if by.pk != token.user_id and not by.is_superuser:
        raise ScopeDenied(
            _("Anda hanya dapat mencabut token API milik Anda sendiri."), code="token_not_yours"
        )
    if token.revoked_at is not None:
        return token
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    audit_event(
        actor=by,
        action="revoke",
        obj=token,
        region_code=token.user.region_id or "",
        summary=f"Token API {token.name} dicabut",
    )
    return token

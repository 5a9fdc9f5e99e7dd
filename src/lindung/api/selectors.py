"""Reads of API tokens: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.models import User
from lindung.api.models import ApiToken


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The tokens of `user`, newest first (revoked and expired ones too: the list is their
    history)."""
    return ApiToken.objects.filter(user=user)

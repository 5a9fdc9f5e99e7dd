"""View helpers that need the roles: the web's side of `accounts.permissions`."""

from __future__ import annotations

from django.http import HttpRequest

from lindung.accounts.permissions import Action, authorize, can


def require_action(request: HttpRequest, action: Action) -> None:
    """403 unless the user's role may do `action`, with the services' message naming the
    action (the services check scope as well)."""
    if not can(request.user, action):
        authorize(request.user, action, None)  # raises ScopeDenied: a 403 by the middleware

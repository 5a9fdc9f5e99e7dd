from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lindung.accounts.permissions import Action, can


def user_scope(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"perms_lindung": {a.value: can(user, a) for a in Action}}

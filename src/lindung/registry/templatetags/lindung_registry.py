"""Template helpers of the worker registry that need the request's user."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.accounts.permissions import scope_of

register = template.Library()


@register.simple_tag(takes_context=True)
def in_user_scope(context: dict[str, Any], worker: Any) -> bool:
    """True when `worker` lives inside the region of the request's user. Pages listing pairs
    or groups of people (the duplicate queue) show a person outside it without identity: an
    operator desa learns that a match exists in another village, not who it is."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return user is not None and scope_of(user).covers(getattr(worker, "village_id", None))

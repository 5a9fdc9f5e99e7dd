"""`{% unread_notifications as n %}`: the header's badge, one COUNT per page."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.notifications.selectors import unread_count
from lindung.notifications.tasks import ensure_scheduled

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    ensure_scheduled()
    return unread_count(user=user)

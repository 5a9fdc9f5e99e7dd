"""Template tags of the report pages."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.accounts.permissions import Action, can
from lindung.reports import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def report_links(context: dict[str, Any]) -> dict[str, bool]:
    """Which report pages the user can open: the letterhead (admins) and Paritrana (a
    province or regency in the scope), so no link leads to a 403 or 404."""
    user = context["request"].user
    return {
        "letterhead": can(user, Action.PROGRAMME_MANAGE)
        and selectors.letterhead_regions(user=user).exists(),
        "paritrana": selectors.paritrana_regions(user=user).exists(),
    }

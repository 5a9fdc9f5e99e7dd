"""Claims shown on other apps' pages without touching their views: a worker's claims on the
worker page, the value for the budget on the programme page. Each tag calls one selector with
the request's user, so scope applies as everywhere else."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.claims import selectors
from lindung.programs.models import Programme

register = template.Library()


def _user(context: Any) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def worker_claims(context: Any, worker: Any) -> list:
    user = _user(context)
    if user is None or worker is None:
        return []
    return list(selectors.worker_claims(user=user, worker=worker)[:50])


@register.simple_tag(takes_context=True)
def programme_value_for_budget(context: Any, programme: Any) -> selectors.ValueForBudget | None:
    user = _user(context)
    if user is None or programme is None:
        return None
    try:
        return selectors.claims_value_for_budget(user=user, programme=programme)
    except Programme.DoesNotExist:
        return None

"""Template filters reading audit events (see audit.presentation)."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.audit import presentation

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return presentation.action_label(action)


@register.filter
def audit_object(object_type: str) -> str:
    return presentation.object_label(object_type)


@register.simple_tag(takes_context=True)
def audit_changes(context: dict[str, Any], changes: Any) -> list[presentation.Change]:
    """The changes as readable rows; names behind ids come from the page's one lookup
    (`audit_names` in the context, `presentation.id_names`) when the view made it."""
    return presentation.changes_of(changes, names=context.get("audit_names"))

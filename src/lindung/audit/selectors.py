from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, scope_of
from lindung.audit.models import AuditEvent
from lindung.regions.scope import scope_queryset


def audit_events_for(*, user: User, object_type: str = "", object_id: str = "",
                     q: str = "") -> QuerySet[AuditEvent]:
    scope = scope_of(user)
    authorize(user, Action.AUDIT_READ, scope.prefixes[0] if scope.prefixes else None)
    qs = scope_queryset(AuditEvent.objects.select_related("actor"), scope)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if q:
        qs = qs.filter(summary__icontains=q)
    return qs


def history_of(*, user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Changes of one record, for its detail page (readable by anyone who can read it)."""
    return scope_queryset(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor"),
        scope_of(user),
    )

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, scope_of
from lindung.audit.models import AuditEvent
from lindung.regions.scope import scope_queryset


def audit_events_for(
    *,
    user: User,
    object_type: str = "",
    object_id: str = "",
    q: str = "",
    actor_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail of the user's region (AUDIT_READ), filtered; dates are local days."""
    scope = scope_of(user)
    authorize(user, Action.AUDIT_READ, scope.prefixes[0] if scope.prefixes else None)
    qs = scope_queryset(AuditEvent.objects.select_related("actor"), scope)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if q:
        qs = qs.filter(summary__icontains=q)
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    zone = timezone.get_current_timezone()
    if date_from is not None:
        qs = qs.filter(at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=zone))
    if date_to is not None:
        qs = qs.filter(
            at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    return qs


def history_of(*, user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Changes of one record, for its detail page (readable by anyone who can read it)."""
    return scope_queryset(
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related(
            "actor"
        ),
        scope_of(user),
    )

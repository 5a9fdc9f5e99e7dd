"""Reads of outreach, limited to the user's region."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.outreach.models import OutreachAttachment, OutreachEvent
from lindung.regions.scope import scope_queryset


def events_for(*, user: User) -> QuerySet[OutreachEvent]:
    return scope_queryset(OutreachEvent.objects.all(), scope_of(user)).select_related(
        "region", "region__parent"
    )


def event_list(*, user: User, region: str = "", kind: str = "") -> QuerySet[OutreachEvent]:
    qs = events_for(user=user)
    if region:
        qs = qs.filter(region__pk__startswith=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-date", "-id")


def event_get(*, user: User, pk: int) -> OutreachEvent:
    """OutreachEvent.DoesNotExist (a 404) outside the user's region."""
    return events_for(user=user).get(pk=pk)


def attachment_get(*, user: User, pk: int) -> OutreachAttachment:
    """OutreachAttachment.DoesNotExist (a 404) outside the user's region."""
    return scope_queryset(OutreachAttachment.objects.select_related("event"), scope_of(user)).get(
        pk=pk
    )

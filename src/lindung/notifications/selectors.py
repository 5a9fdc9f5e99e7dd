"""Reads of the inbox: always one user's own notifications (they are personal, not regional:
no other user, whatever their scope, reads them)."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.models import User
from lindung.notifications.models import Notification


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    notes = Notification.objects.filter(user=user)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """The header's badge: one COUNT over the (user, read_at) index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

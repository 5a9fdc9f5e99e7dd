"""`events_recorded`: sent after audit events are written, with the set of their (action,
object type). Every write path of Lindung records audit events, so other parts (the
maintained indicators of `monitoring`) learn of writes here without `audit` knowing them."""

from __future__ import annotations

from django.dispatch import Signal

events_recorded = Signal()  # kwargs: kinds = set[tuple[str, str]]

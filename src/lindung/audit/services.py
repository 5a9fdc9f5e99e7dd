from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from lindung.audit.models import AuditEvent
from lindung.audit.signals import events_recorded
from lindung.core import clock
from lindung.core.bulk import db_datetime, insert_rows
from lindung.core.formatting import thousands


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))]
        for k in after
        if _plain(before.get(k)) != _plain(after.get(k))
    }


def audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    region_code: str,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        region_code=region_code,
        summary=summary[:250],
        changes={
            k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v]
            for k, v in (changes or {}).items()
        },
    )
    events_recorded.send(AuditEvent, kinds={(event.action, event.object_type)})
    return event


def audit_events_bulk(events: list[AuditEvent]) -> None:
    """Set-based audit for bulk paths (imports, demo data): one INSERT per batch."""
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    if events:
        events_recorded.send(AuditEvent, kinds={(e.action, e.object_type) for e in events})


AuditRow = tuple[str, str, str, str, str, str]
"""(action, object_type, object_id, region_code, summary, changes as JSON text)."""


def audit_rows_insert(
    rows: Iterable[AuditRow], *, actor: Any, at: dt.datetime | None = None
) -> int:
    """Set-based audit for the bulk paths (imports, proposals, BPJS answers): plain rows
    written by one COPY / executemany (`core.bulk`), one actor and time for all. Returns how
    many were written."""
    when = db_datetime(at or clock.now())
    actor_id = getattr(actor, "pk", None) or None
    kinds: set[tuple[str, str]] = set()

    def plain() -> Iterable[tuple]:
        for action, object_type, object_id, region, summary, changes in rows:
            kinds.add((action, object_type))
            yield (when, actor_id, action, object_type, object_id, region, summary[:250], changes)

    n = insert_rows(
        AuditEvent,
        ["at", "actor", "action", "object_type", "object_id", "region_code", "summary", "changes"],
        plain(),
    )
    if kinds:
        events_recorded.send(AuditEvent, kinds=kinds)
    return n


def audit_export(
    *,
    actor: Any,
    obj: models.Model,
    region_code: str,
    what: str,
    kind: str,
    fmt: str,
    rows: int,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """A file with personal or financial data leaving the system (an export, the download of
    a generated file): who (`actor`), when, what (`kind`, `fmt`, the record it was taken
    from and `what` in words) and how many data rows. Written before the file is served, so a
    failed write serves nothing."""
    return audit_event(
        actor=actor,
        action="export",
        obj=obj,
        region_code=region_code,
        summary=_("Unduh %(what)s (%(fmt)s, %(rows)s baris)")
        % {"what": what, "fmt": fmt.upper(), "rows": thousands(rows)},
        changes={"kind": kind, "format": fmt, "rows": rows, **(details or {})},
    )

from __future__ import annotations

from django.db.models import QuerySet

from lindung.regions.models import Region
from lindung.regions.scope import RegionScope


def regions_in_scope(*, scope: RegionScope, level: int | None = None) -> QuerySet[Region]:
    qs = Region.objects.filter(scope.q("code"))
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def villages_in_scope(*, scope: RegionScope) -> QuerySet[Region]:
    return regions_in_scope(scope=scope, level=Region.Level.VILLAGE).select_related("parent")


MAX_REGION_CHOICES = 400
"""Above this many regions a drop-down list is useless on a phone and costly to render (a
national scope holds 7,285 kecamatan and 83,762 desa): filters then ask for a kecamatan first,
or are not offered."""

MAX_REGION_OPTIONS = 3000
"""Above this many regions an entry form (a worker's village, an outreach event's place) asks
for the Kemendagri code instead of offering a list: a regency's 139 desa or a province's
1,038 stay a list, a national scope's 83,762 do not."""


def bounded(queryset: QuerySet[Region], limit: int) -> list[Region] | None:
    """The regions of `queryset` as a list for a drop-down, or None when there are more than
    `limit` (one query of at most limit + 1 rows): the one rule of every region list."""
    rows = list(queryset[: limit + 1])
    return None if len(rows) > limit else rows


def region_choices(
    *, scope: RegionScope, level: int, parent: str = "", limit: int = MAX_REGION_CHOICES
) -> list[tuple[str, str]] | None:
    """(code, label) of the regions of `level` in `scope` (under `parent` when given), for a
    filter's drop-down; None when there are more than `limit` (one bounded query)."""
    qs = regions_in_scope(scope=scope, level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    rows = bounded(qs.select_related("parent").order_by("parent__name", "name"), limit)
    if rows is None:
        return None
    with_parent = level == Region.Level.VILLAGE and not parent
    return [
        (r.code, f"{r.name} ({r.parent.name})" if with_parent and r.parent_id else r.name)
        for r in rows
    ]

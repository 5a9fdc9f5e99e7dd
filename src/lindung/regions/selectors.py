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

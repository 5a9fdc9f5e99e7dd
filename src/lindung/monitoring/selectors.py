"""Dashboard figures for a user's region: aggregates computed in SQL on scoped querysets."""

from __future__ import annotations

from django.db.models import QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.monitoring.models import Boundary, Denominator, Target
from lindung.programs.models import Programme
from lindung.programs.selectors import programme_list
from lindung.regions.scope import scope_queryset

# 'PP.KK.CC' is the first 8 characters of a village code 'PP.KK.CC.DDDD'.
DISTRICT_CODE_LENGTH = 8
REGENCY_CODE_LENGTH = 5  # "64.01"


def programme_quotas(*, user: User) -> QuerySet[Programme]:
    return programme_list(user=user).order_by("-fiscal_year", "code")


def denominators_for(
    *, user: User, year: int | None = None, region: str = ""
) -> QuerySet[Denominator]:
    """Denominators of villages inside the user's region, by village then occupation."""
    qs = scope_queryset(Denominator.objects.all(), scope_of(user)).select_related(
        "village", "village__parent", "occupation"
    )
    if year is not None:
        qs = qs.filter(year=year)
    if region:
        qs = qs.filter(village__pk__startswith=region)
    return qs.order_by("village_id", "occupation__name")


def targets_for(*, user: User, year: int | None = None) -> QuerySet[Target]:
    """Targets of the user's region and of the regions inside it."""
    qs = scope_queryset(Target.objects.all(), scope_of(user)).select_related("region")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "region_id")


def has_boundaries(code: str) -> bool:
    """Whether outlines of `code`'s children were imported (then the page shows a map)."""
    return bool(code) and Boundary.objects.filter(region__parent_id=code).exists()


def child_boundaries(code: str) -> dict[str, object]:
    """{region code: GeoJSON geometry} of `code`'s children."""
    return dict(
        Boundary.objects.filter(region__parent_id=code).values_list("region_id", "geometry")
    )

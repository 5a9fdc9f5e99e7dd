from __future__ import annotations

from django.db.models import Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.regions.scope import scope_queryset
from lindung.registry import rules
from lindung.registry.models import Occupation, Worker


def workers_for(*, user: User) -> QuerySet[Worker]:
    """Every worker the user may see: those living in the user's region."""
    return scope_queryset(Worker.objects.all(), scope_of(user))


def worker_list(*, user: User, q: str = "", district: str = "", village: str = "",
                occupation: str = "", status: str = "") -> QuerySet[Worker]:
    qs = workers_for(user=user).select_related("village", "village__parent", "occupation")
    if q:
        digits = rules.normalise_number(q)
        if digits.isdigit() and len(digits) >= 6:
            qs = qs.filter(nik__startswith=digits)
        else:
            qs = qs.filter(Q(name__icontains=q.strip()))
    if district:
        qs = qs.filter(village__pk__startswith=district + ".")
    if village:
        qs = qs.filter(village_id=village)
    if occupation:
        qs = qs.filter(occupation__code=occupation)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "id")


def worker_get(*, user: User, pk: int) -> Worker:
    """The worker if inside the user's scope; Worker.DoesNotExist otherwise (a 404, never a
    hint that the record exists elsewhere)."""
    return workers_for(user=user).select_related("village__parent__parent", "occupation").get(pk=pk)


def occupations_current() -> QuerySet[Occupation]:
    return Occupation.objects.filter(valid_to__isnull=True).order_by("name")

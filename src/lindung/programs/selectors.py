from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core.lookups import in_batches
from lindung.programs.models import BudgetLine, Enrolment, EnrolmentMonth, Programme
from lindung.regions.scope import scope_queryset
from lindung.registry.links import Participant
from lindung.registry.models import Worker
from lindung.registry.selectors import worker_list

NOT_PROPOSED = "belum"
"""The enrolment filter value for workers holding no open or waiting enrolment."""


def worker_list_with_enrolments(
    *, user: User, enrolment: str = "", **filters: str
) -> QuerySet[Worker]:
    """The worker list page: `registry.selectors.worker_list` (scope and `filters`), each
    worker with the status and KPJ of their latest enrolment (`enrolment_status`, `kpj`).
    `enrolment`: a status of that latest enrolment, or NOT_PROPOSED for workers no
    programme holds or lists."""
    latest = Enrolment.objects.filter(worker=OuterRef("pk")).order_by("-proposed_at", "-id")
    qs = worker_list(user=user, **filters).annotate(
        enrolment_status=Subquery(latest.values("status")[:1]),
        kpj=Subquery(latest.values("kpj_number")[:1]),
    )
    if enrolment == NOT_PROPOSED:
        qs = qs.exclude(
            Exists(
                Enrolment.objects.filter(
                    worker=OuterRef("pk"), status__in=[*Enrolment.OPEN, Enrolment.Status.WAITING]
                )
            )
        )
    elif enrolment:
        qs = qs.filter(enrolment_status=enrolment)
    return qs


def programmes_for(*, user: User) -> QuerySet[Programme]:
    """Programmes run inside the user's region, and those of the regions above it (an operator
    desa proposes into the kabupaten's and the province's programmes)."""
    scope = scope_of(user)
    return Programme.objects.filter(scope.q_touching("region_id")).select_related("region")


def programme_list(*, user: User) -> QuerySet[Programme]:
    # Subqueries, not joins: joining enrolments and budget lines together multiplies the rows,
    # and Sum(distinct=True) would drop a second budget line of the same amount.
    used = (
        Enrolment.objects.filter(programme=OuterRef("pk"), status__in=Enrolment.OPEN)
        .values("programme")
        .annotate(n=Count("id"))
        .values("n")
    )
    budget = (
        BudgetLine.objects.filter(programme=OuterRef("pk"))
        .values("programme")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        programmes_for(user=user)
        .annotate(
            used=Coalesce(Subquery(used), 0),
            budget_total=Coalesce(Subquery(budget), 0),
        )
        .annotate(left=Greatest(F("quota") - F("used"), 0))
    )


def programme_get(*, user: User, code: str) -> Programme:
    return programmes_for(user=user).get(code=code)


def programme_quota_used(*, programme: Programme) -> int:
    return Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()


def enrolments_for(*, user: User) -> QuerySet[Enrolment]:
    return scope_queryset(Enrolment.objects.all(), scope_of(user))


def enrolment_get(*, user: User, pk: int) -> Enrolment:
    return enrolments_for(user=user).select_related("worker", "programme").get(pk=pk)


def needing_reverification(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments flagged by a NIK or birth-date correction and still running."""
    return qs.filter(reverify_since__isnull=False, status__in=Enrolment.REVERIFY)


def enrolment_list(
    *,
    user: User,
    programme: Programme | None = None,
    status: str = "",
    q: str = "",
    reverify: bool = False,
) -> QuerySet[Enrolment]:
    """`reverify`: only those waiting for the Dinas to verify them again after a correction."""
    qs = enrolments_for(user=user).select_related("worker", "worker__village", "programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    if status:
        qs = qs.filter(status=status)
    if reverify:
        qs = needing_reverification(qs)
    if q:
        qs = qs.filter(Q(worker__nik__startswith=q) | Q(worker__name__icontains=q))
    return qs


def enrolment_status_counts(*, user: User, programme: Programme | None = None) -> dict[str, int]:
    qs = enrolments_for(user=user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in Enrolment.Status.values}


def enrolment_reverify_count(*, user: User, programme: Programme | None = None) -> int:
    qs = enrolments_for(user=user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return needing_reverification(qs).count()


def programmes_holding(
    worker_ids: Sequence[int], start: dt.date, end: dt.date, *, other_than: Programme | None = None
) -> dict[int, str]:
    """Worker id -> code of a programme (other than `other_than`) already holding one of the
    months from `start` to `end` for that worker: the double-funding check, one query per
    batch of workers. Not scoped: a worker funded by another regency counts too."""
    held: dict[int, str] = {}
    for part in in_batches(worker_ids):
        rows = EnrolmentMonth.objects.filter(
            worker_id__in_array=part, month__gte=start, month__lte=end
        )
        if other_than is not None:
            rows = rows.exclude(enrolment__programme=other_than)
        held.update(rows.values_list("worker_id", "enrolment__programme__code").distinct())
    return held


def waiting_positions(*, enrolments: Sequence[Enrolment]) -> dict[int, int]:
    """Place in line (1 = next) of each waiting enrolment given, in its programme's waiting
    list: proposals are served in the order they came. One query per enrolment given; a
    worker's page shows one or two."""
    out: dict[int, int] = {}
    for e in enrolments:
        if e.status != Enrolment.Status.WAITING:
            continue
        ahead = (
            Enrolment.objects.filter(programme_id=e.programme_id, status=Enrolment.Status.WAITING)
            .filter(Q(proposed_at__lt=e.proposed_at) | Q(proposed_at=e.proposed_at, id__lt=e.pk))
            .count()
        )
        out[e.pk] = ahead + 1
    return out


def quota_state(*, programme: Programme) -> dict[str, int]:
    """How the quota is held: running (verified to active), proposals still waiting for the
    Dinas to verify them (they hold places too), the waiting list, and the room left."""
    counts = dict(
        Enrolment.objects.filter(programme=programme)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    used = sum(counts.get(s, 0) for s in Enrolment.OPEN)
    return {
        "quota": programme.quota,
        "used": used,
        "unverified": counts.get(Enrolment.Status.PROPOSED, 0),
        "waiting": counts.get(Enrolment.Status.WAITING, 0),
        "room": max(programme.quota - used, 0),
    }


def registered_participants(worker_ids: Iterable[int]) -> dict[int, list[Participant]]:
    """Worker id -> the enrolments BPJS knows (registered or active, with a KPJ). Not scoped:
    the registry asks it of the workers it is changing (`registry.links`)."""
    out: dict[int, list[Participant]] = {}
    for part in in_batches(sorted(set(worker_ids))):
        for pk, worker_id, code, kpj in Enrolment.objects.filter(
            worker_id__in_array=part,
            status__in=[Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE],
        ).values_list("pk", "worker_id", "programme__code", "kpj_number"):
            out.setdefault(worker_id, []).append(Participant(pk, code, kpj))
    return out

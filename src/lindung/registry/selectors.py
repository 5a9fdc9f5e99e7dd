from __future__ import annotations

from django.db.models import Q, QuerySet

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.regions.scope import scope_queryset
from lindung.registry import rules
from lindung.registry.models import BpjsNotice, Occupation, Worker


def workers_for(*, user: User) -> QuerySet[Worker]:
    """Every worker the user may see: those living in the user's region."""
    return scope_queryset(Worker.objects.all(), scope_of(user))


def worker_list(
    *,
    user: User,
    q: str = "",
    district: str = "",
    village: str = "",
    occupation: str = "",
    status: str = "",
) -> QuerySet[Worker]:
    """Workers in scope, filtered by name or NIK prefix, kecamatan, village, occupation and
    status. The worker list page adds their enrolments
    (`programs.selectors.worker_list_with_enrolments`)."""
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


def bpjs_notices_for(*, user: User, pending: bool = True) -> QuerySet[BpjsNotice]:
    """Changes the BPJS branch must be told of, in the user's region: still to report
    (`pending`) or already reported, newest first."""
    qs = scope_queryset(BpjsNotice.objects.all(), scope_of(user)).filter(
        reported_at__isnull=pending
    )
    return qs.select_related("worker", "worker__village", "reported_by").order_by(
        "-created_at", "-id"
    )


def bpjs_notices_of(*, worker: Worker) -> QuerySet[BpjsNotice]:
    """A worker's notices still to report (the worker's page shows them)."""
    return BpjsNotice.objects.filter(worker=worker, reported_at__isnull=True).order_by("pk")


def bpjs_corrections_unsent(*, user: User, programme_code: str) -> QuerySet[BpjsNotice]:
    """Corrections of NIK or birth date of the programme's participants in the user's region
    that no BPJS batch has carried yet (nor marked reported by hand), oldest first: the
    KOREKSI rows of the programme's next batch."""
    qs = scope_queryset(BpjsNotice.objects.all(), scope_of(user)).filter(
        kind=BpjsNotice.Kind.CORRECTION,
        programme_code=programme_code,
        sent_batch__isnull=True,
        reported_at__isnull=True,
    )
    return qs.select_related("worker").order_by("created_at", "pk")


def bpjs_corrections_of_batch(*, programme_code: str, number: int) -> QuerySet[BpjsNotice]:
    """The corrections a batch carried, in the order written (the batch decides the scope)."""
    return (
        BpjsNotice.objects.filter(
            kind=BpjsNotice.Kind.CORRECTION, programme_code=programme_code, sent_batch=number
        )
        .select_related("worker")
        .order_by("created_at", "pk")
    )

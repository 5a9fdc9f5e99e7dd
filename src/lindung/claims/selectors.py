"""Reads of the claims app, every one limited to the user's region, and the facts the rules
need (benefit rules valid on a date, a worker's membership and coverage around an event)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.claims import rules
from lindung.claims.models import BenefitRule, Claim, ClaimChild, ClaimDocument
from lindung.contributions import rules as contribution_rules
from lindung.contributions.rules import CoverageState
from lindung.contributions.selectors import payments_total, programmes_for, worker_coverage
from lindung.core import clock
from lindung.core.formatting import rupiah, thousands
from lindung.programs.models import Enrolment, Programme
from lindung.programs.rules import add_months, month_start
from lindung.regions.scope import scope_queryset
from lindung.registry.models import Worker
from lindung.registry.rules import normalise_name

# --- reference data ---------------------------------------------------------------------------


def benefit_rules_on(on: dt.date) -> dict[str, int]:
    """Every benefit rule's value valid on `on` (raises rules.RulesMissing)."""
    rows = BenefitRule.objects.filter(valid_from__lte=on).values_list("key", "valid_from", "value")
    return rules.rules_valid_on(rows, on)


# --- claims -----------------------------------------------------------------------------------


def claims_for(*, user: User) -> QuerySet[Claim]:
    return scope_queryset(Claim.objects.all(), scope_of(user)).select_related(
        "worker", "worker__village", "worker__village__parent", "programme"
    )


def claim_get(*, user: User, pk: int) -> Claim:
    return (
        claims_for(user=user)
        .select_related(
            "worker__occupation",
            "enrolment",
            "reported_by",
            "completed_by",
            "submitted_by",
            "decided_by",
        )
        .get(pk=pk)
    )


def claim_list(
    *,
    user: User,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    claim_type: str = "",
    status: str = "",
    district: str = "",
    village: str = "",
    occupation: str = "",
    programme: str = "",
) -> QuerySet[Claim]:
    """The claims register: filters by the event's period, type, status, kecamatan, village,
    occupation and programme; an out-of-scope region simply finds nothing."""
    qs = claims_for(user=user).select_related("worker__occupation")
    if date_from:
        qs = qs.filter(event_date__gte=date_from)
    if date_to:
        qs = qs.filter(event_date__lte=date_to)
    if claim_type:
        qs = qs.filter(claim_type=claim_type)
    if status:
        qs = qs.filter(status=status)
    if village:
        qs = qs.filter(worker__village_id=village)
    elif district:
        qs = qs.filter(worker__village__pk__startswith=district + ".")
    if occupation:
        qs = qs.filter(worker__occupation__code=occupation)
    if programme:
        qs = qs.filter(programme__code=programme)
    return qs.order_by("-reported_date", "-id")


DEATH_CLAIM_TYPES = (rules.JKM, rules.JKK_DEATH)


def deaths_awaiting_claim(*, user: User) -> QuerySet[Worker]:
    """Participants of the user's region marked *Meninggal dunia* whose cover had begun at BPJS
    (an enrolment with a KPJ number ended by the death) and for whom no death claim (JKM or
    JKK death) is open or decided: the claims the Dinas and the village still owe the heirs.
    The worker's page and this list open the claim form filled in (JKM, date of death)."""
    covered = Enrolment.objects.filter(
        worker=OuterRef("pk"), end_reason=Enrolment.EndReason.DECEASED
    ).exclude(kpj_number="")
    claimed = Claim.objects.filter(worker=OuterRef("pk"), claim_type__in=DEATH_CLAIM_TYPES)
    return (
        scope_queryset(Worker.objects.all(), scope_of(user))
        .filter(status=Worker.Status.DECEASED)
        .filter(Exists(covered))
        .exclude(Exists(claimed))
        .select_related("village", "village__parent")
        .order_by("-status_date", "name", "id")
    )


def claim_totals(claims: QuerySet[Claim]) -> dict[str, int]:
    """Counts and sums of a (filtered) register, in one query."""
    row = claims.order_by().aggregate(
        n=Count("id"),
        paid_n=Count("id", filter=Q(status=Claim.Status.PAID)),
        open_n=Count("id", filter=Q(status__in=Claim.OPEN)),
        rejected_n=Count("id", filter=Q(status=Claim.Status.REJECTED)),
        calculated=Sum("calculated_amount"),
        paid=Sum("paid_amount", filter=Q(status=Claim.Status.PAID)),
    )
    return {k: v or 0 for k, v in row.items()}


def worker_claims(*, user: User, worker: Worker) -> QuerySet[Claim]:
    return claims_for(user=user).filter(worker=worker).order_by("-event_date", "-id")


def claim_children(*, claim: Claim) -> list[ClaimChild]:
    return list(claim.children.all())


@dataclass
class ChecklistItem:
    kind: str
    label: str
    document: ClaimDocument | None
    older: list[ClaimDocument] = field(default_factory=list)


def claim_checklist(*, claim: Claim) -> list[ChecklistItem]:
    """The claim type's checklist, each item with its latest upload and the ones it replaced."""
    by_kind: dict[str, list[ClaimDocument]] = defaultdict(list)
    for doc in ClaimDocument.objects.filter(claim=claim).select_related("uploaded_by"):
        by_kind[doc.kind].append(doc)  # newest first (Meta.ordering)
    return [
        ChecklistItem(
            kind=k,
            label=str(rules.DOCUMENTS[k]),
            document=(by_kind[k] or [None])[0],
            older=by_kind[k][1:],
        )
        for k in rules.CHECKLISTS[claim.claim_type]
    ]


def claim_document_get(*, user: User, claim_pk: int, pk: int) -> ClaimDocument:
    return (
        scope_queryset(ClaimDocument.objects.all(), scope_of(user))
        .select_related("claim", "claim__worker")
        .get(claim_id=claim_pk, pk=pk)
    )


# --- membership and coverage around an event --------------------------------------------------


@dataclass(frozen=True)
class Membership:
    """What the records say of a worker's BPJS membership at an event: the enrolment holding
    the event month (if any), the start of the continuous membership, the month-by-month
    coverage of that membership, an earlier lapse, and the months paid."""

    enrolment: Enrolment | None
    member_since: dt.date | None
    coverage: tuple[tuple[dt.date, CoverageState], ...]
    lapsed_since: dt.date | None
    paid_months: int


def _months_of(e: Enrolment) -> tuple[dt.date, dt.date]:
    assert e.registration_date is not None
    first = contribution_rules.first_covered_month(
        period_start=e.period_start, registration_date=e.registration_date
    )
    return first, month_start(e.end_date or e.period_end)


def worker_membership(
    *, user: User, worker: Worker, event: dt.date, on: dt.date | None = None
) -> Membership:
    """The worker's membership as it bears on an event on `event`, seen on `on`.

    Membership runs through consecutive enrolments (a programme of the next fiscal year
    continuing the last one); an enrolment ended for arrears breaks it. Coverage comes from
    the contributions app (`worker_coverage`, the status the coverage pages show)."""
    on = on or clock.today()
    event_month = month_start(event)
    enrolments = list(
        scope_queryset(Enrolment.objects.all(), scope_of(user))
        .filter(worker=worker, registration_date__isnull=False, activated_at__isnull=False)
        .select_related("programme")
        .order_by("period_start", "pk")
    )
    holding = [e for e in enrolments if _months_of(e)[0] <= event_month <= _months_of(e)[1]]
    if not holding:
        before = [e for e in enrolments if _months_of(e)[1] < event_month]
        lapsed_since = None
        if before and before[-1].end_reason == Enrolment.EndReason.LAPSED and before[-1].end_date:
            lapsed_since = month_start(before[-1].end_date + dt.timedelta(days=1))
        since = min((e.registration_date for e in enrolments if e.registration_date), default=None)
        return Membership(None, since, (), lapsed_since, 0)
    current = holding[-1]
    chain = [current]
    for e in reversed([e for e in enrolments if _months_of(e)[1] < _months_of(current)[0]]):
        if e.end_reason == Enrolment.EndReason.LAPSED or _months_of(e)[1] < add_months(
            _months_of(chain[0])[0], -1
        ):
            break
        chain.insert(0, e)
    coverage: dict[dt.date, CoverageState] = {}
    for e in chain:
        for month, state in worker_coverage(user=user, enrolment=e, on=on):
            # Two enrolments may touch in one month: covered by either is covered.
            if month not in coverage or state.status == contribution_rules.Coverage.COVERED:
                coverage[month] = state
    paid = sum(
        1
        for m, s in coverage.items()
        if m <= event_month and s.status == contribution_rules.Coverage.COVERED
    )
    since = min(e.registration_date for e in chain if e.registration_date)
    return Membership(current, since, tuple(sorted(coverage.items())), None, paid)


def scholarship_years_paid(
    *, worker: Worker, name: str, birth_date: dt.date, level: str, exclude: int | None = None
) -> int:
    """School years of `level` already paid for one child (same name and birth date) in the
    worker's earlier scholarship claims."""
    qs = ClaimChild.objects.filter(
        claim__worker=worker,
        claim__claim_type=Claim.Type.SCHOLARSHIP,
        claim__status=Claim.Status.PAID,
        birth_date=birth_date,
        level=level,
    )
    if exclude:
        qs = qs.exclude(claim_id=exclude)
    key = normalise_name(name).casefold()
    return sum(1 for n in qs.values_list("name", flat=True) if normalise_name(n).casefold() == key)


# --- value for the budget ---------------------------------------------------------------------


@dataclass(frozen=True)
class ValueForBudget:
    programme: Programme
    period_start: dt.date
    period_end: dt.date
    contributions_paid: int
    benefits_paid: int
    families: int
    claims_paid: int
    claims_open: int
    by_type: tuple[tuple[str, int, int], ...]  # (type label, claims paid, amount)

    @property
    def sentence(self) -> str:
        return _("%(contrib)s iuran dibayar → %(benefits)s manfaat bagi %(n)s keluarga") % {
            "contrib": rupiah(self.contributions_paid),
            "benefits": rupiah(self.benefits_paid),
            "n": thousands(self.families),
        }

    @property
    def ratio(self) -> float | None:
        """Benefits per rupiah of contributions (None before any contribution)."""
        if not self.contributions_paid:
            return None
        return self.benefits_paid / self.contributions_paid


def claims_value_for_budget(
    *,
    user: User,
    programme: Programme,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> ValueForBudget:
    """ "Rp X contributions paid → Rp Y benefits to N families" for one programme and period:
    contributions are the programme's payments (SP2D) made in the period, benefits what BPJS
    paid on the programme's claims in the period, families the workers those claims were for.
    The programme must be one whose money the user may see (`programmes_for`)."""
    programme = programmes_for(user=user).get(pk=programme.pk)
    start = period_start or programme.period_start
    end = period_end or programme.period_end
    contributions = payments_total(programme, start, end)
    claims = scope_queryset(Claim.objects.filter(programme=programme), scope_of(user))
    paid = claims.filter(status=Claim.Status.PAID, paid_date__gte=start, paid_date__lte=end)
    totals = paid.aggregate(
        s=Sum("paid_amount"), n=Count("id"), families=Count("worker", distinct=True)
    )
    labels = dict(Claim.Type.choices)
    by_type = tuple(
        (str(labels.get(t, t)), n, s or 0)
        for t, n, s in paid.values("claim_type")
        .annotate(n=Count("id"), s=Sum("paid_amount"))
        .order_by("claim_type")
        .values_list("claim_type", "n", "s")
    )
    open_n = claims.filter(
        status__in=Claim.OPEN, event_date__gte=start, event_date__lte=end
    ).count()
    return ValueForBudget(
        programme=programme,
        period_start=start,
        period_end=end,
        contributions_paid=contributions,
        benefits_paid=totals["s"] or 0,
        families=totals["families"] or 0,
        claims_paid=totals["n"] or 0,
        claims_open=open_n,
        by_type=by_type,
    )

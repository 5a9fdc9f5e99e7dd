"""Reads of the reports, every one limited to the user's region.

The monev report's figures are the dashboard's: `monitoring.indicators.region_report` for the
region and for each kecamatan (the village table), `village_rollout` for the villages
implementing at the previous period's end, `region_report(with_trend=True)` for the chart.
Nothing here re-defines an indicator; what monitoring does not compute (money and claims of a
period) is composed from the contributions and claims apps' scoped selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, can, scope_of
from lindung.claims.models import Claim
from lindung.claims.selectors import claim_list
from lindung.contributions.selectors import bills_for, payments_for, programmes_for
from lindung.core import clock
from lindung.monitoring import indicators
from lindung.monitoring.indicators import Figures, Report
from lindung.monitoring.rules import PREFIX_LENGTH, pct
from lindung.programs.models import BudgetLine, Programme
from lindung.programs.rules import add_months, month_start
from lindung.regions.models import Region, ancestor_codes
from lindung.regions.scope import scope_queryset
from lindung.reports import rules
from lindung.reports.models import (
    Letterhead,
    ParitranaAssessment,
    ParitranaCriterion,
    ParitranaInnovation,
    ReportRun,
)
from lindung.reports.rules import Period, Snapshot

Progress = Callable[[int, str], None]


def _no_progress(_percent: int, _phase: str) -> None:
    return None


def _inside(field_name: str, code: str) -> Q:
    """Rows whose region code `field_name` is `code` or lies below it, as a code range
    ('PP.KK.' <= c < 'PP.KK/'), the form `monitoring.indicators` uses (index-friendly)."""
    return Q(**{field_name: code}) | Q(
        **{f"{field_name}__gte": code + ".", f"{field_name}__lt": code + "/"}
    )


# --- letterhead -------------------------------------------------------------------------------


def letterhead_for(code: str) -> Letterhead | None:
    """The letterhead of region `code`, or of the nearest region above it that has one."""
    codes = ancestor_codes(code) if code else []
    rows = {lh.region_id: lh for lh in Letterhead.objects.filter(region_id__in=codes)}
    return next((rows[c] for c in reversed(codes) if c in rows), None)


def letterheads_for(*, user: User) -> QuerySet[Letterhead]:
    return scope_queryset(Letterhead.objects.all(), scope_of(user)).select_related("region")


def letterhead_regions(*, user: User) -> QuerySet[Region]:
    """Regions whose letterhead the user may set: provinces and regencies in their scope."""
    return Region.objects.filter(
        scope_of(user).q("code"), level__lte=Region.Level.REGENCY
    ).order_by("code")


# --- report regions and the archive -----------------------------------------------------------


def report_regions(*, user: User, max_level: int = Region.Level.DISTRICT) -> QuerySet[Region]:
    """The regions a user may report on, down to kecamatan (a village's report is asked for
    by its code)."""
    return Region.objects.filter(scope_of(user).q("code"), level__lte=max_level).order_by("code")


def _runs_readable(user: User) -> QuerySet[ReportRun]:
    """Runs of regions inside the user's scope; bill statements (money and the participants
    of a bill) only for the roles that read contributions."""
    runs = scope_queryset(ReportRun.objects.all(), scope_of(user))
    if not can(user, Action.CONTRIBUTIONS_READ):
        runs = runs.exclude(kind=ReportRun.Kind.STATEMENT)
    return runs


def report_runs_for(*, user: User) -> QuerySet[ReportRun]:
    """The archive: runs the user may read, without their files."""
    return _runs_readable(user).defer("file").select_related("region", "created_by")


def report_runs_in(runs: QuerySet[ReportRun], code: str) -> QuerySet[ReportRun]:
    """`runs` of region `code` and the regions inside it."""
    return runs.filter(_inside("region_id", code))


def report_run_get(*, user: User, pk: int, with_file: bool = False) -> ReportRun:
    qs = _runs_readable(user).select_related("region", "created_by")
    return (qs if with_file else qs.defer("file")).get(pk=pk)


# --- money and claims of a period --------------------------------------------------------------


@dataclass
class BudgetRow:
    """One programme sponsored by the region: its funding lines as of the period's end and
    its contributions billed and paid in the period and up to its end."""

    code: str
    name: str
    sponsor: str
    lines: list[tuple[str, str, int]]  # (kind label, document, amount)
    budget: int
    billed_period: int
    paid_period: int
    billed_total: int
    paid_total: int

    @property
    def realisation_pct(self) -> float | None:
        """Paid up to the period's end ÷ budget."""
        return pct(self.paid_total, self.budget)


def programmes_sponsored(
    *,
    user: User,
    code: str,
    start: dt.date,
    end: dt.date,
) -> QuerySet[Programme]:
    """Programmes sponsored by region `code` or a region inside it whose period overlaps
    [start, end]; a province-funded programme appears in the province's report."""
    return (
        programmes_for(user=user)
        .filter(_inside("region_id", code))
        .filter(period_start__lte=end, period_end__gte=start)
        .order_by("code")
    )


def budget_rows(*, user: User, code: str, start: dt.date, end: dt.date) -> list[BudgetRow]:
    """Contributions billed and paid against the budget of each funding line (a handful of
    aggregate queries per programme; a region has a few programmes a year)."""
    kinds = dict(BudgetLine.Kind.choices)
    rows = []
    for p in programmes_sponsored(user=user, code=code, start=start, end=end):
        lines = [
            (str(kinds.get(k, k)), ref, amount)
            for k, ref, amount in BudgetLine.objects.filter(programme=p, date__lte=end)
            .order_by("date", "id")
            .values_list("kind", "document_ref", "amount")
        ]
        bills = (
            bills_for(user=user)
            .filter(programme=p)
            .aggregate(
                period=Sum("total", filter=Q(month__gte=month_start(start), month__lte=end)),
                total=Sum("total", filter=Q(month__lte=end)),
            )
        )
        paid = payments_for(user=user, programme=p).aggregate(
            period=Sum("amount", filter=Q(paid_on__gte=start, paid_on__lte=end)),
            total=Sum("amount", filter=Q(paid_on__lte=end)),
        )
        rows.append(
            BudgetRow(
                code=p.code,
                name=p.name,
                sponsor=p.region.label,
                lines=lines,
                budget=sum(a for _k, _r, a in lines),
                billed_period=bills["period"] or 0,
                paid_period=paid["period"] or 0,
                billed_total=bills["total"] or 0,
                paid_total=paid["total"] or 0,
            )
        )
    return rows


def contributions_paid(*, user: User, code: str, start: dt.date, end: dt.date) -> int:
    """Contributions (SP2D) paid in [start, end] to programmes sponsored in region `code`."""
    return (
        payments_for(user=user)
        .filter(_inside("programme__region_id", code), paid_on__gte=start, paid_on__lte=end)
        .aggregate(s=Sum("amount"))["s"]
        or 0
    )


@dataclass
class ClaimsSummary:
    """Claims of workers living in the region paid by BPJS in a period."""

    paid: int = 0
    amount: int = 0
    families: int = 0
    open: int = 0
    by_type: list[tuple[str, int, int]] = field(default_factory=list)
    by_area: dict[str, tuple[int, int]] = field(default_factory=dict)  # child code -> (n, Rp)


def claims_summary(
    *, user: User, code: str, start: dt.date, end: dt.date, child_length: int | None = None
) -> ClaimsSummary:
    """From the claims register (`claims.selectors.claim_list`, scoped): paid in the period,
    by type and by the region's children (kecamatan of a regency)."""
    level4 = code.count(".") == 3
    register = (
        claim_list(user=user, village=code) if level4 else claim_list(user=user, district=code)
    ).order_by()
    paid = register.filter(status=Claim.Status.PAID, paid_date__gte=start, paid_date__lte=end)
    totals = paid.aggregate(
        n=Count("id"), s=Sum("paid_amount"), families=Count("worker", distinct=True)
    )
    labels = dict(Claim.Type.choices)
    out = ClaimsSummary(
        paid=totals["n"] or 0,
        amount=totals["s"] or 0,
        families=totals["families"] or 0,
        open=register.filter(status__in=Claim.OPEN, event_date__lte=end).count(),
        by_type=[
            (str(labels.get(t, t)), n, s or 0)
            for t, n, s in paid.values("claim_type")
            .annotate(n=Count("id"), s=Sum("paid_amount"))
            .order_by("claim_type")
            .values_list("claim_type", "n", "s")
        ],
    )
    if child_length:
        out.by_area = {
            area: (n, s or 0)
            for area, n, s in paid.annotate(area=Substr("worker__village_id", 1, child_length))
            .values("area")
            .annotate(n=Count("id"), s=Sum("paid_amount"))
            .order_by()
            .values_list("area", "n", "s")
        }
    return out


# --- the monev report -------------------------------------------------------------------------


@dataclass
class VillageRow:
    district: str  # the kecamatan's name
    figures: Figures


@dataclass
class MonevData:
    """Everything the monev report shows, for one region and period, computed once and
    rendered as PDF or XLSX."""

    region: Region
    period: Period
    start: dt.date
    end: dt.date
    report: Report  # the region and its children (monitoring.indicators)
    previous_report: Report
    child_names: dict[str, str]  # the children's names without their kind ('Batu Sopang')
    villages: list[VillageRow]
    villages_listed: bool  # False for a province (its 1,000 villages are in each regency's)
    trend: list[tuple[dt.date, int]]
    budget: list[BudgetRow]
    claims: ClaimsSummary
    previous_claims: ClaimsSummary
    current: Snapshot
    previous: Snapshot
    sentences: list[str]
    letterhead: Letterhead | None
    generated_on: dt.date
    generated_by: str = ""
    money_shown: bool = True  # False for a role that does not read money (operator desa)

    @property
    def root(self) -> Figures:
        return self.report.root

    def child_name(self, f: Figures) -> str:
        return self.child_names.get(f.code, f.name)

    @property
    def child_label(self) -> str:
        return {2: _("Kabupaten/kota"), 3: _("Kecamatan"), 4: _("Desa/kelurahan")}.get(
            self.report.child_level or 0, _("Wilayah")
        )

    @property
    def budget_totals(self) -> dict[str, int]:
        keys = ("budget", "billed_period", "paid_period", "billed_total", "paid_total")
        return {k: sum(getattr(r, k) for r in self.budget) for k in keys}


def _snapshot(
    period: Period,
    report: Report,
    implementing: dict[str, str],
    paid: int | None,
    claims: ClaimsSummary,
) -> Snapshot:
    r = report.root
    return Snapshot(
        period=period,
        active=r.active,
        registered=r.registered,
        new=r.new,
        ended=r.ended,
        denominator=r.denominator,
        coverage_pct=r.coverage_pct,
        villages_total=r.villages_total,
        villages_socialised=r.villages_socialised,
        implementing=implementing,
        target_participants=r.target_participants,
        target_progress_pct=r.target_progress_pct,
        contributions_paid=paid,
        benefits_paid=claims.amount,
        claims_paid=claims.paid,
    )


def _village_names(code: str) -> dict[str, str]:
    return dict(
        Region.objects.filter(_inside("code", code), level=Region.Level.VILLAGE).values_list(
            "code", "name"
        )
    )


def monev_data(
    *,
    user: User,
    code: str,
    period: Period,
    on: dt.date | None = None,
    progress: Progress = _no_progress,
) -> MonevData:
    """The monev report of region `code` for `period`. Raises ScopeDenied outside the user's
    scope, Region.DoesNotExist for an unknown code, PeriodInvalid for a period not begun."""
    today = on or clock.today()
    rules.require_started(period, today=today)
    start, end = period.dates(today=today)
    progress(5, _("Indikator wilayah"))
    report = indicators.region_report(user=user, code=code, on=end, start=start)
    region = Region.objects.get(code=code)
    prev = period.previous
    p_start, p_end = prev.dates(today=today)
    progress(20, _("Indikator %(period)s") % {"period": prev.label})
    previous_report = indicators.region_report(user=user, code=code, on=p_end, start=p_start)

    # The village table: each kecamatan's report has its villages as children (a regency's
    # villages for the period, by kecamatan); a kecamatan's are its own children.
    child_names = dict(
        Region.objects.filter(code__in=[c.code for c in report.children]).values_list(
            "code", "name"
        )
    )
    villages: list[VillageRow] = []
    listed = region.level >= Region.Level.REGENCY
    if region.level == Region.Level.REGENCY:
        n = max(len(report.children), 1)
        for i, district in enumerate(report.children):
            progress(30 + 40 * i // n, _("Desa di %(name)s") % {"name": district.name})
            sub = indicators.region_report(user=user, code=district.code, on=end, start=start)
            villages += [
                VillageRow(child_names.get(district.code, district.name), f) for f in sub.children
            ]
    elif region.level == Region.Level.DISTRICT:
        villages = [VillageRow(region.name, f) for f in report.children]
    elif region.level == Region.Level.VILLAGE:
        villages = [VillageRow(region.parent.name if region.parent else "", report.root)]

    progress(72, _("Desa melaksanakan"))
    names = _village_names(code) if region.level < Region.Level.VILLAGE else {code: region.name}
    if listed:
        implementing = {
            v.figures.code: names.get(v.figures.code, v.figures.name)
            for v in villages
            if v.figures.active
        }
    else:
        implementing = {
            f.code: names.get(f.code, f.name)
            for f in indicators.village_rollout(user=user, code=code, on=end)
            if f.active
        }
    implementing_before = {
        f.code: names.get(f.code, f.name)
        for f in indicators.village_rollout(user=user, code=code, on=p_end)
        if f.active
    }

    progress(80, _("Tren, iuran dan klaim"))
    # The dashboard's trend (its maintained monthly rows when they answer, else the raw count).
    trend = indicators.region_report(
        user=user, code=code, on=end, start=add_months(month_start(end), -11), with_trend=True
    ).trend
    child_length = PREFIX_LENGTH.get(report.child_level or 0)
    claims = claims_summary(user=user, code=code, start=start, end=end, child_length=child_length)
    previous_claims = claims_summary(user=user, code=code, start=p_start, end=p_end)
    # Money is shown to the roles that read it (not the village operator: CONTRIBUTIONS_READ).
    money = can(user, Action.CONTRIBUTIONS_READ)
    budget = budget_rows(user=user, code=code, start=start, end=end) if money else []
    current = _snapshot(
        period,
        report,
        implementing,
        contributions_paid(user=user, code=code, start=start, end=end) if money else None,
        claims,
    )
    before = _snapshot(
        prev,
        previous_report,
        implementing_before,
        contributions_paid(user=user, code=code, start=p_start, end=p_end) if money else None,
        previous_claims,
    )
    return MonevData(
        region=region,
        period=period,
        start=start,
        end=end,
        report=report,
        previous_report=previous_report,
        child_names=child_names,
        villages=villages,
        villages_listed=listed,
        trend=trend,
        budget=budget,
        claims=claims,
        previous_claims=previous_claims,
        current=current,
        previous=before,
        sentences=rules.change_sentences(current, before),
        letterhead=letterhead_for(code),
        generated_on=today,
        generated_by=user.get_full_name() or user.username,
        money_shown=money,
    )


# --- Paritrana ----------------------------------------------------------------------------------


def criteria_on(on: dt.date) -> dict[str, rules.Criterion]:
    """The Paritrana criteria valid on `on` (dated rows, `rules.criteria_valid_on`)."""
    rows = [
        rules.Criterion(key=c.key, weight=c.weight, bands=c.bands, valid_from=c.valid_from)
        for c in ParitranaCriterion.objects.filter(valid_from__lte=on)
    ]
    return rules.criteria_valid_on(rows, on)


def paritrana_regions(*, user: User) -> QuerySet[Region]:
    """Regions that take part in the award: provinces and regencies/cities in the scope."""
    return Region.objects.filter(
        scope_of(user).q("code"), level__lte=Region.Level.REGENCY
    ).order_by("code")


@dataclass
class ParitranaFacts:
    """What the data knows about a region's year: coverage at the year's end (the
    dashboard's definition) and the budget of the programmes it sponsored that year."""

    active: int
    denominator: int | None
    coverage_pct: float | None
    budget_allocated: int
    budget_realised: int
    programmes: list[str]


def paritrana_facts(
    *,
    user: User,
    code: str,
    year: int,
    on: dt.date | None = None,
) -> ParitranaFacts:
    today = on or clock.today()
    start, end = rules.Period("year", year).dates(today=today)
    root = indicators.region_report(user=user, code=code, on=end, start=start).root
    programmes = programmes_for(user=user).filter(region_id=code, fiscal_year=year)
    allocated = (
        BudgetLine.objects.filter(programme__in=programmes).aggregate(s=Sum("amount"))["s"] or 0
    )
    realised = (
        payments_for(user=user).filter(programme__in=programmes).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    return ParitranaFacts(
        active=root.active,
        denominator=root.denominator,
        coverage_pct=root.coverage_pct,
        budget_allocated=allocated,
        budget_realised=realised,
        programmes=list(programmes.values_list("code", flat=True)),
    )


def assessment_for(*, user: User, code: str, year: int) -> ParitranaAssessment | None:
    return (
        scope_queryset(ParitranaAssessment.objects.all(), scope_of(user))
        .filter(region_id=code, year=year)
        .first()
    )


def innovation_get(*, user: User, pk: int) -> ParitranaInnovation:
    return (
        scope_queryset(ParitranaInnovation.objects.all(), scope_of(user))
        .select_related("assessment__region")
        .get(pk=pk)
    )


def innovations_of(assessment: ParitranaAssessment | None) -> list[ParitranaInnovation]:
    if assessment is None:
        return []
    return list(assessment.innovations.all())


@dataclass
class ParitranaResult:
    region: Region
    year: int
    assessment: ParitranaAssessment | None
    facts: ParitranaFacts
    innovations: list[ParitranaInnovation]
    inputs: rules.ParitranaInputs
    score: rules.ParitranaScore
    criteria: dict[str, rules.Criterion]
    criteria_date: dt.date
    letterhead: Letterhead | None = None
    generated_on: dt.date | None = None
    generated_by: str = ""

    @property
    def budget_from_data(self) -> bool:
        a = self.assessment
        return a is None or (a.budget_allocated is None and a.budget_realised is None)


def paritrana_result(
    *,
    user: User,
    code: str,
    year: int,
    on: dt.date | None = None,
) -> ParitranaResult:
    """The self-assessment of region `code` for `year`: the facts from the data, what the user
    entered, and the score with its breakdown. Raises ScopeDenied / Region.DoesNotExist."""
    today = on or clock.today()
    region = indicators.region_for(user=user, code=code)
    assert region is not None
    facts = paritrana_facts(user=user, code=code, year=year, on=today)
    assessment = assessment_for(user=user, code=code, year=year)
    innovations = innovations_of(assessment)
    allocated = facts.budget_allocated
    realised = facts.budget_realised
    if assessment is not None and assessment.budget_allocated is not None:
        allocated = assessment.budget_allocated
    if assessment is not None and assessment.budget_realised is not None:
        realised = assessment.budget_realised
    inputs = rules.ParitranaInputs(
        regulation=assessment.regulation if assessment else "none",
        coverage_pct=facts.coverage_pct,
        budget_allocated=allocated,
        budget_realised=realised,
        innovations=sum(1 for i in innovations if i.has_evidence),
        interview=(
            Decimal(assessment.interview_score)
            if assessment and assessment.interview_score is not None
            else None
        ),
    )
    on_date = rules.criteria_date(year)
    criteria = criteria_on(on_date)
    return ParitranaResult(
        region=region,
        year=year,
        assessment=assessment,
        facts=facts,
        innovations=innovations,
        inputs=inputs,
        score=rules.paritrana_score(inputs, criteria),
        criteria=criteria,
        criteria_date=on_date,
        letterhead=letterhead_for(code),
        generated_on=today,
        generated_by=user.get_full_name() or user.username,
    )


def paritrana_compare(
    *,
    user: User,
    code: str,
    year: int,
    on: dt.date | None = None,
) -> list[ParitranaResult]:
    """The regencies and cities of province `code` side by side (the admin provinsi's view):
    one result each, the province's own last."""
    indicators.region_for(user=user, code=code)
    codes = list(
        Region.objects.filter(parent_id=code).order_by("code").values_list("code", flat=True)
    ) + [code]
    return [paritrana_result(user=user, code=c, year=year, on=on) for c in codes]

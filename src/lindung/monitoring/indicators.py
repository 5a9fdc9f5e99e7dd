"""The indicators of monitoring, defined once (DOMAIN.md §8) and used by the dashboards, the
export and the `indicators` command.

Every figure is about the workers *living* in a region (the worker's village), whoever funds
them (kabupaten or province), as seen at the end of a period (`end`, never after today):

- **registered**: workers in the registry with status *aktif* (not deceased, moved or inactive).
- **active** (active covered participants): enrolments activated at BPJS whose registration
  date and programme period hold `end`, not ended by then (an enrolment ended on day X is no
  longer active on X), and not *lapsed* in the sense of `contributions.rules.coverage_state`
  (four or more months due and unpaid). The lapse test applies to programmes billed in Lindung
  (at least one bill); a programme that does not use the contributions module has no bills
  and its activated participants count as covered.
- **new**: enrolments activated whose BPJS registration date falls in the period.
- **ended**: activated enrolments ended in the period (any reason, lapse included).
- **proposed** / **verified**: enrolments waiting for the Dinas's verification / for BPJS
  registration now.
- **denominator**: estimated vulnerable workers of the period's year (`Denominator`), summed
  over villages; **coverage_pct** = active ÷ denominator, one decimal; None (never a division
  by zero) when no village of the region has a denominator.
- **target_participants** and **target_progress_pct** = active ÷ the region's target.
- **villages_total**: villages (desa and kelurahan) of the region; **villages_implementing**:
  those with at least one active participant; **villages_socialised**: those at least at the
  *sudah sosialisasi* step, that is with an outreach event of a reaching kind
  (`outreach.rules.REACHING_KINDS`) held in the village by `end`, or implementing.

How it is computed: a handful of grouped queries *per village* under the region (registry,
enrolments, events, denominators), whatever the number of workers, then folded in Python into
the region's children by code prefix (Kemendagri codes are fixed-width per level). The number
of rows is bounded by the number of villages (1,000 in a province, 83,762 in Indonesia), never
by the number of workers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.contributions import selectors as contributions_selectors
from lindung.contributions.rules import last_due_month
from lindung.core import clock
from lindung.monitoring import rules
from lindung.monitoring.models import Denominator, Target
from lindung.outreach.models import OutreachEvent
from lindung.outreach.rules import REACHING_KINDS
from lindung.programs.models import Enrolment
from lindung.programs.rules import add_months, month_start
from lindung.regions.models import Region
from lindung.registry.models import Worker

NATIONAL = ""
COUNTS = ("registered", "active", "new", "ended", "proposed", "verified")


@dataclass
class Figures:
    """The indicators of one region (or of one village of the rollout list)."""

    code: str
    name: str
    level: int
    registered: int = 0
    active: int = 0
    new: int = 0
    ended: int = 0
    proposed: int = 0
    verified: int = 0
    denominator: int | None = None
    target_participants: int | None = None
    target_coverage_pct: float | None = None
    target_villages: int | None = None
    villages_total: int = 0
    villages_socialised: int = 0
    villages_implementing: int = 0
    last_event: dt.date | None = None  # villages only: the latest reaching event

    @property
    def coverage_pct(self) -> float | None:
        return rules.pct(self.active, self.denominator)

    @property
    def target_progress_pct(self) -> float | None:
        return rules.pct(self.active, self.target_participants)

    @property
    def villages_not_reached(self) -> int:
        return self.villages_total - self.villages_socialised

    @property
    def villages_socialised_pct(self) -> float | None:
        return rules.pct(self.villages_socialised, self.villages_total)

    @property
    def villages_implementing_pct(self) -> float | None:
        return rules.pct(self.villages_implementing, self.villages_total)

    @property
    def rollout(self) -> str:
        """A village's step (`rules.Rollout`); for a larger region, its least advanced one."""
        if self.villages_implementing == self.villages_total and self.villages_total:
            return rules.Rollout.IMPLEMENTING
        if self.villages_socialised == self.villages_total and self.villages_total:
            return rules.Rollout.SOCIALISED
        return rules.Rollout.NOT_REACHED

    @property
    def rollout_label(self) -> str:
        return str(rules.Rollout.LABELS[self.rollout])

    def as_dict(self) -> dict[str, Any]:
        """The keys of `lindung indicators --json` (issue 9), percentages to one decimal."""
        return {
            "region": self.code,
            "name": self.name,
            **{k: getattr(self, k) for k in COUNTS},
            "denominator": self.denominator,
            "coverage_pct": self.coverage_pct,
            "target_participants": self.target_participants,
            "target_progress_pct": self.target_progress_pct,
            "target_coverage_pct": self.target_coverage_pct,
            "target_villages": self.target_villages,
            "villages_total": self.villages_total,
            "villages_socialised": self.villages_socialised,
            "villages_implementing": self.villages_implementing,
        }


@dataclass
class Report:
    """A region's indicators, its children's (the next level down) and its breakdowns."""

    root: Figures
    children: list[Figures]
    start: dt.date
    end: dt.date
    child_level: int | None
    by_occupation: list[dict[str, Any]] = field(default_factory=list)
    by_sex: dict[str, int] = field(default_factory=dict)
    by_programme: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    trend: list[tuple[dt.date, int]] = field(default_factory=list)

    @property
    def max_active(self) -> int:
        return max((c.active for c in self.children), default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.root.as_dict(),
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "children": [c.as_dict() for c in self.children],
            "by_occupation": [
                {"name": r["name"], "active": r["active"]} for r in self.by_occupation
            ],
            "by_sex": self.by_sex,
        }


# --- the figures, per village ---------------------------------------------------------------


def _prefix_q(field_name: str, code: str) -> Q:
    """Rows whose region code `field_name` lies in region `code` ('' = Indonesia).

    A range, not `startswith`: 'PP.KK.' <= code < 'PP.KK/' ('/' follows '.') holds exactly
    the codes below 'PP.KK' and, unlike LIKE (case-insensitive on SQLite, collation-bound on
    PostgreSQL), is served by the B-tree index on the column on both databases."""
    if not code:
        return Q()
    field_name = field_name[:-3] + "__pk" if field_name.endswith("_id") else field_name
    return Q(**{field_name: code}) | Q(
        **{f"{field_name}__gte": code + ".", f"{field_name}__lt": code + "/"}
    )


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class Billing:
    """Every bill's (pk, programme, month, paid on): a few hundred rows (programmes × months),
    read once per report so that the lapse test of any date needs no further query."""

    bills: tuple[tuple[int, int, dt.date, dt.date | None], ...]

    @classmethod
    def load(cls) -> Billing:
        return cls(contributions_selectors.bill_states())


def lapsed_q(end: dt.date, billing: Billing | None = None) -> Q:
    """Enrolments *lapsed* on `end` (`contributions.rules.coverage_state`): in a billed
    programme, covered since at least the 4th month before the last month whose due date has
    passed, and with no month paid from then to `end`'s month (a paid bill's line, or a paid
    adjustment naming the enrolment). Two anti-joins in the caller's query."""
    billing = billing or Billing.load()
    billed = sorted({programme for _pk, programme, _m, _p in billing.bills})
    if not billed:
        return Q(pk__in=[])
    last_due = last_due_month(end)
    window = (add_months(last_due, -3), month_start(end))
    paid_bills = [
        pk
        for pk, _prog, month, paid_at in billing.bills
        if paid_at is not None and paid_at <= end and window[0] <= month <= window[1]
    ]
    started_before = add_months(last_due, -2)
    q = Q(
        programme_id__in=billed,
        period_start__lt=started_before,
        registration_date__lt=started_before,
    )
    # Correlated EXISTS through the unique (bill, enrolment) index: the cost follows the
    # region's enrolments, not every line of every bill (a NOT IN list was built whole).
    if paid_bills:
        q &= ~Q(contributions_selectors.paid_line_exists(paid_bills))
    q &= ~Q(contributions_selectors.paid_adjustment_exists(window, end))
    return q


def active_q(end: dt.date, billing: Billing | None = None) -> Q:
    """Active covered participants on `end` (see the module docstring)."""
    q = Q(
        activated_at__isnull=False,
        registration_date__lte=end,
        period_start__lte=end,
        period_end__gte=end,
    ) & (Q(status=Enrolment.Status.ACTIVE) | Q(status=Enrolment.Status.ENDED, end_date__gt=end))
    return q & ~lapsed_q(end, billing)


@dataclass
class VillageData:
    """Per village code: the counts, the denominator and the latest reaching event."""

    counts: dict[str, dict[str, int]]
    denominators: dict[str, int]
    events: dict[str, dt.date]


def _village_data(code: str, start: dt.date, end: dt.date, active: Q) -> VillageData:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    workers = Worker.objects.filter(_prefix_q("village_id", code), status=Worker.Status.ACTIVE)
    if end < clock.today():  # today's registry needs no date bound (and keeps its index)
        workers = workers.filter(created_at__lt=_end_of_day(end))
    for village, n in (
        workers.values("village_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("village_id", "n")
    ):
        counts[village]["registered"] = n
    activated = Q(activated_at__isnull=False)
    s = Enrolment.Status
    # Only rows that can count: waiting, active, or ended/registered inside the period.
    enrolments = Enrolment.objects.filter(
        _prefix_q("worker__village_id", code),
        Q(status__in=[s.PROPOSED, s.VERIFIED, s.ACTIVE])
        | Q(status=s.ENDED, end_date__gte=start)
        | Q(status=s.ENDED, registration_date__gte=start),
    )
    rows = (
        enrolments.values("worker__village_id")
        .annotate(
            active=Count("pk", filter=active),
            new=Count("pk", filter=activated & Q(registration_date__range=(start, end))),
            ended=Count("pk", filter=activated & Q(status=s.ENDED, end_date__range=(start, end))),
            proposed=Count("pk", filter=Q(status=s.PROPOSED)),
            verified=Count("pk", filter=Q(status=s.VERIFIED)),
        )
        .order_by()
    )
    for r in rows:
        village = r.pop("worker__village_id")
        counts[village].update(r)
    return VillageData(counts=dict(counts), **_village_inputs(code, end))


def _village_inputs(code: str, end: dt.date) -> dict[str, dict]:
    """Denominators and latest reaching events per village: read raw (rows per village, not
    per worker), by the raw and the maintained path alike."""
    denominators: dict[str, int] = {}
    for village, total, occupations, n in (
        Denominator.objects.filter(_prefix_q("village_id", code), year=end.year)
        .values("village_id")
        .annotate(
            total=Sum("estimated_workers", filter=Q(occupation__isnull=True)),
            occ=Sum("estimated_workers", filter=Q(occupation__isnull=False)),
            n=Count("pk", filter=Q(occupation__isnull=False)),
        )
        .order_by()
        .values_list("village_id", "total", "occ", "n")
    ):
        value = rules.village_denominator(total=total, by_occupation=[occupations] if n else [])
        if value is not None:
            denominators[village] = value
    events = dict(
        OutreachEvent.objects.filter(
            _prefix_q("region_id", code), region__level=4, kind__in=REACHING_KINDS, date__lte=end
        )
        .values("region_id")
        .annotate(last=Max("date"))
        .order_by()
        .values_list("region_id", "last")
    )
    return {"denominators": denominators, "events": events}


def _maintained_data(code: str, start: dt.date, end: dt.date) -> VillageData:
    """`_village_data` from the maintained rows (`monitoring.aggregates`), refreshed first."""
    from lindung.monitoring import aggregates

    counts = aggregates.village_counts(code, start, end, clock.today())
    return VillageData(counts=counts, **_village_inputs(code, end))


def maintained(start: dt.date, end: dt.date) -> bool:
    """Whether the maintained rows answer this period (then refreshed): a period of whole
    months ending on a month's last day or today, not before the first month held."""
    from lindung.monitoring import aggregates

    today = clock.today()
    if not aggregates.usable(start, end, today):
        return False
    aggregates.refresh(today=today, wait=False)
    state = aggregates.state()
    return (
        state is not None
        and state.first_month is not None
        and month_start(end) >= state.first_month
    )


def _fold(figures: dict[str, Figures], data: VillageData, length: int) -> None:
    """Add every village's data to the figure of its prefix of `length` (0: the root)."""
    for village, c in data.counts.items():
        f = figures.get(village[:length])
        if f is not None:
            for k in COUNTS:
                setattr(f, k, getattr(f, k) + c[k])
            if c["active"]:
                f.villages_implementing += 1
    for village, n in data.denominators.items():
        f = figures.get(village[:length])
        if f is not None:
            f.denominator = (f.denominator or 0) + n
    implementing = {v for v, c in data.counts.items() if c["active"]}
    for village in implementing | data.events.keys():
        f = figures.get(village[:length])
        if f is not None:
            f.villages_socialised += 1
    if length == rules.PREFIX_LENGTH[4]:
        for village, last in data.events.items():
            if village in figures:
                figures[village].last_event = last


def _villages_total(code: str, length: int) -> dict[str, int]:
    qs = Region.objects.filter(_prefix_q("code", code), level=Region.Level.VILLAGE)
    if length == 0:
        return {code: qs.count()}
    return dict(
        qs.annotate(p=Substr("code", 1, length))
        .values("p")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("p", "n")
    )


def _apply_targets(figures: list[Figures], year: int) -> None:
    by_code = {f.code: f for f in figures}
    for t in Target.objects.filter(region_id__in=list(by_code), year=year):
        f = by_code[t.region_id]
        f.target_participants = t.participants
        f.target_coverage_pct = float(t.coverage_pct) if t.coverage_pct is not None else None
        f.target_villages = t.villages_implementing


def _breakdown_rows(code: str, active: Q | None, end: dt.date) -> list[tuple]:
    """(occupation name, sex, programme code, programme region name, active): one grouped
    query, raw (`active` given) or from the maintained rows (names looked up by id)."""
    if active is not None:
        return list(
            Enrolment.objects.filter(_prefix_q("worker__village_id", code))
            .filter(active)
            .values(
                "worker__occupation__name",
                "worker__sex",
                "programme__code",
                "programme__region__name",
            )
            .annotate(n=Count("*"))
            .order_by()
            .values_list(
                "worker__occupation__name",
                "worker__sex",
                "programme__code",
                "programme__region__name",
                "n",
            )
        )
    from lindung.monitoring import aggregates
    from lindung.programs.models import Programme
    from lindung.registry.models import Occupation

    rows = list(aggregates.breakdown(code, end))
    occupations = dict(
        Occupation.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "name")
    )
    programmes = {
        pk: (c, n)
        for pk, c, n in Programme.objects.filter(pk__in={r[2] for r in rows}).values_list(
            "pk", "code", "region__name"
        )
    }
    return [(occupations.get(occ), sex, *programmes[prog], n) for occ, sex, prog, n in rows]


def _breakdowns(
    code: str, active: Q | None, end: dt.date
) -> tuple[list[dict], dict[str, int], list[dict]]:
    """Active participants by occupation, sex and programme."""
    occupations: dict[str, int] = defaultdict(int)
    sexes = {"L": 0, "P": 0}
    programmes: dict[tuple[str, str], int] = defaultdict(int)
    for occ, sex, prog, region, n in _breakdown_rows(code, active, end):
        occupations[occ] += n
        sexes[sex] = sexes.get(sex, 0) + n
        programmes[(prog, region)] += n
    by_occupation = [
        {"name": k, "active": v}
        for k, v in sorted(occupations.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    by_programme = [
        {"code": k[0], "region": k[1], "active": v}
        for k, v in sorted(programmes.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return by_occupation, sexes, by_programme


def _occupation_denominators(code: str, year: int) -> dict[str, int]:
    return dict(
        Denominator.objects.filter(
            _prefix_q("village_id", code), year=year, occupation__isnull=False
        )
        .values("occupation__name")
        .annotate(n=Sum("estimated_workers"))
        .order_by()
        .values_list("occupation__name", "n")
    )


def _events_summary(code: str, start: dt.date, end: dt.date) -> dict[str, int]:
    agg = OutreachEvent.objects.filter(
        _prefix_q("region_id", code), date__range=(start, end)
    ).aggregate(n=Count("pk"), male=Sum("attendees_male"), female=Sum("attendees_female"))
    return {
        "events": agg["n"],
        "attendees_male": agg["male"] or 0,
        "attendees_female": agg["female"] or 0,
    }


def trend(
    *, code: str, start: dt.date, end: dt.date, billing: Billing | None = None
) -> list[tuple[dt.date, int]]:
    """Active participants at each month's end from `start`'s month to `end` (the last point
    is `end` itself): one query with a conditional count per month."""
    points: list[dt.date] = []
    m = month_start(start)
    while m <= end:
        points.append(min(rules.month_end(m), end))
        m = add_months(m, 1)
    if not points:
        return []
    billing = billing or Billing.load()
    agg = Enrolment.objects.filter(
        _prefix_q("worker__village_id", code), activated_at__isnull=False
    ).aggregate(**{f"m{i}": Count("pk", filter=active_q(p, billing)) for i, p in enumerate(points)})
    return [(p, agg[f"m{i}"]) for i, p in enumerate(points)]


# --- the scoped entry points ----------------------------------------------------------------


def root_code(user: User) -> str:
    """The region a user's dashboard opens on: their region, Indonesia for a national user."""
    scope = scope_of(user)
    if scope.is_national:
        return NATIONAL
    return user.region_id or ""


def region_for(*, user: User, code: str) -> Region | None:
    """The region `code` if the user may see it (None is Indonesia). Raises ScopeDenied (a 403)
    outside the scope and Region.DoesNotExist (a 404) for an unknown code."""
    scope = scope_of(user)
    if code == NATIONAL:
        if not scope.is_national:
            scope.require(None, what="nasional")
        return None
    region = Region.objects.get(code=code)
    scope.require(code)
    return region


def region_report(
    *,
    user: User,
    code: str,
    on: dt.date | None = None,
    start: dt.date | None = None,
    with_trend: bool = False,
    raw: bool = False,
) -> Report:
    """The indicators of region `code` and of each of its children, as of `on` (default
    today), with new/ended counted from `start` (default 1 January of `on`'s year).

    From the maintained rows (`monitoring.aggregates`) when they answer the period, else (or
    with `raw`) straight from the registry and enrolments: the reference both must equal."""
    region = region_for(user=user, code=code)
    end = on or clock.today()
    start = start or dt.date(end.year, 1, 1)
    level = region.level if region is not None else 0
    root = Figures(code=code, name=region.label if region else "Indonesia", level=level)
    child_level = level + 1 if level < 4 else None
    children: dict[str, Figures] = {}
    if child_level is not None:
        qs = (
            Region.objects.filter(parent_id=code)
            if code
            else Region.objects.filter(level=Region.Level.PROVINCE)
        )
        children = {
            r.code: Figures(code=r.code, name=r.label, level=r.level) for r in qs.order_by("code")
        }
    use_rows = not raw and maintained(start, end)
    billing = None if use_rows else Billing.load()
    active = None if use_rows else active_q(end, billing)
    data = (
        _maintained_data(code, start, end)
        if active is None
        else _village_data(code, start, end, active)
    )
    length = rules.PREFIX_LENGTH[child_level] if child_level else 0
    root_totals = _villages_total(code, 0)
    if level == 4:
        root_totals = {code: 1}
    root.villages_total = root_totals.get(code, 0)
    _fold({code[:0]: root}, data, 0)
    if children:
        for p, n in _villages_total(code, length).items():
            if p in children:
                children[p].villages_total = n
        if child_level == 4:
            for f in children.values():
                f.villages_total = 1
        _fold(children, data, length)
    _apply_targets([root, *children.values()], end.year)
    by_occupation, by_sex, by_programme = _breakdowns(code, active, end)
    occ_denominators = _occupation_denominators(code, end.year)
    for r in by_occupation:
        r["denominator"] = occ_denominators.get(r["name"])
        r["coverage_pct"] = rules.pct(r["active"], r["denominator"])
    report = Report(
        root=root,
        children=list(children.values()),
        start=start,
        end=end,
        child_level=child_level,
        by_occupation=by_occupation,
        by_sex=by_sex,
        by_programme=by_programme,
        events=_events_summary(code, start, end),
    )
    if with_trend:
        if use_rows:
            from lindung.monitoring import aggregates

            report.trend = aggregates.trend(code, start, end, clock.today())
        else:
            report.trend = trend(code=code, start=start, end=end, billing=billing)
    return report


def combined_report(reports: list[Report]) -> Report:
    """Several regions of one user (a BPJS branch serving two regencies) as one report: the
    root is their sum, the children are the regions themselves. Counts, denominators, targets
    and villages add up; a missing denominator or target anywhere makes the sum missing (a
    partial sum would overstate coverage); a coverage target is not additive."""
    if len(reports) == 1:
        return reports[0]
    roots = [r.root for r in reports]

    def total(name: str) -> int | None:
        values = [getattr(f, name) for f in roots]
        return None if any(v is None for v in values) else sum(values)

    root = Figures(
        code=NATIONAL,
        name=", ".join(f.name for f in roots),
        level=min(f.level for f in roots),
        **{k: sum(getattr(f, k) for f in roots) for k in COUNTS},
        denominator=total("denominator"),
        target_participants=total("target_participants"),
        target_villages=total("target_villages"),
        villages_total=sum(f.villages_total for f in roots),
        villages_socialised=sum(f.villages_socialised for f in roots),
        villages_implementing=sum(f.villages_implementing for f in roots),
    )
    occupations: dict[str, int] = defaultdict(int)
    sexes: dict[str, int] = defaultdict(int)
    for r in reports:
        for row in r.by_occupation:
            occupations[row["name"]] += row["active"]
        for sex, n in r.by_sex.items():
            sexes[sex] += n
    return Report(
        root=root,
        children=roots,
        start=reports[0].start,
        end=reports[0].end,
        child_level=root.level,
        by_occupation=[
            {"name": k, "active": v}
            for k, v in sorted(occupations.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        by_sex=dict(sexes),
    )


def village_rollout(
    *, user: User, code: str, on: dt.date | None = None, status: str = "", raw: bool = False
) -> list[Figures]:
    """Every village of region `code` with its rollout step and figures, by kecamatan and
    name; `status` keeps one step only (`rules.Rollout`), e.g. the gap: not reached yet."""
    region = region_for(user=user, code=code)
    end = on or clock.today()
    villages = Region.objects.filter(_prefix_q("code", code), level=Region.Level.VILLAGE)
    if region is not None and region.level == 4:
        villages = Region.objects.filter(code=code)
    figures = {
        v.code: Figures(code=v.code, name=v.label, level=4, villages_total=1)
        for v in villages.order_by("code")
    }
    start = dt.date(end.year, 1, 1)
    data = (
        _maintained_data(code, start, end)
        if not raw and maintained(start, end)
        else _village_data(code, start, end, active_q(end))
    )
    _fold(figures, data, rules.PREFIX_LENGTH[4])
    rows = list(figures.values())
    if status:
        rows = [f for f in rows if f.rollout == status]
    return rows


def district_names(codes: list[str]) -> dict[str, str]:
    """Kecamatan names of village codes, for the rollout list: one query."""
    return dict(Region.objects.filter(code__in={c[:8] for c in codes}).values_list("code", "name"))


def regions_in(*, user: User) -> QuerySet[Region]:
    """The regions a user may open a dashboard on (for the region picker)."""
    return Region.objects.filter(scope_of(user).q("code"))

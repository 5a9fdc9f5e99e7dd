"""Indicators kept current at any scale: per-village rows refreshed incrementally at read time.

`monitoring.indicators` defines every figure (the reference); computed raw, a province with
1,000,000 workers takes seconds because each query scans the region's enrolments. Here the
same definitions are applied per *village and month* and stored (`VillageMonth`: registered,
active, new, ended, waiting; `VillageActive`: active by programme × occupation × sex), so a
page reads at most villages × months rows (1,038 × 12 for Kalimantan Timur) whatever the
number of workers, and folds them by code prefix like the raw path does.

Always current, no nightly batch: before answering, `refresh()` applies what changed since
the last refresh. Every write path of Lindung records audit events with a region code (the
worker's village for workers and enrolments; the programme's region for programmes, bills,
payments and lapses). The state row keeps a watermark (the last event applied); the events
after it name the villages to recompute, or a region prefix whose villages all are (a bill or
payment changes the lapse test of every participant of the programme). Recomputing is one
grouped query over those villages' enrolments and one over their workers, for every month
held, written back with delete + insert.

Time also changes figures without any write: the current month's rows describe `as_of`, so on
a new day the current month (and, after a month's end, the months since `as_of`) is
recomputed for every village: once a day, one grouped query over the enrolments for one or two
months; every other request reads rows only. A month that has ended is final: its rows describe
its last day and change only through events.

Ordering: an audit id is taken at INSERT, so a transaction that commits late leaves a *hole*
below a watermark already moved past it. Missing ids below the highest seen are kept
(`AggregateState.holes`) and looked for again at each refresh until they appear or an hour
has passed (a rolled-back transaction leaves a hole for ever).

Writes that bypass the services and the audit trail (raw SQL, bulk demo or benchmark data,
edits of enrolments in the Django admin) are not seen: run `rebuild()` (`lindung
indicators-refresh --full`) after them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.core import clock
from lindung.core.bulk import insert_rows
from lindung.monitoring import rules
from lindung.monitoring.models import AggregateState, VillageActive, VillageMonth
from lindung.programs.models import Enrolment, Programme
from lindung.programs.rules import add_months, month_start
from lindung.registry.models import Worker

VILLAGE_CODE_LENGTH = 13
# Events that change no figure of the aggregates (their object is read raw, or not at all).
IGNORED_ACTIONS = frozenset(
    {
        "export",
        "reveal",
        "login",
        "login_failed",
        "password_change",
        "not_duplicate",
        "purge",
        "budget_add",
        "revoke",
    }
)
IGNORED_TYPES = frozenset(
    {
        "user",
        "apitoken",
        "outreachevent",
        "outreachattachment",
        "denominator",
        "target",
        "claim",
        "claimdocument",
        "importjob",
        "region",
        "boundary",
    }
)
# Bills, payments and adjustments change only the lapse test of their programme's
# participants, from a known month on (`billing_touched`), not every figure of its region. A
# lapse's own event names the programme; its enrolments' end events name their villages.
BILLING_TYPES = frozenset({"bill", "payment"})
BILLING_ACTIONS = frozenset({"bill_generate", "bill_regenerate", "bill_adjust", "payment_record"})
HOLE_SECONDS = 3600
# More villages than this in one refresh are recomputed by kecamatan or regency prefix.
MAX_VILLAGE_LIST = 500


@dataclass
class Touched:
    """What a set of audit events asks to recompute: villages and region prefixes."""

    villages: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    # Billing changes: programme id -> the first month whose lapse test they change.
    programmes: dict[int, dt.date] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.villages or self.prefixes)

    def normalised(self) -> Touched:
        """Villages inside a touched prefix dropped; too many villages grouped by kecamatan
        (then regency) so the query keeps a bounded parameter list."""
        prefixes = set(self.prefixes)
        if "" in prefixes:
            return Touched(prefixes={""}, programmes=dict(self.programmes))
        prefixes = {p for p in prefixes if not any(_inside(p, q) for q in prefixes if q != p)}
        villages = {v for v in self.villages if not any(_inside(v, p) for p in prefixes)}
        for length in (8, 5, 2):
            if len(villages) <= MAX_VILLAGE_LIST:
                break
            prefixes |= {v[:length] for v in villages}
            villages = set()
        return Touched(villages=villages, prefixes=prefixes, programmes=dict(self.programmes))


def _inside(code: str, prefix: str) -> bool:
    return prefix == "" or code == prefix or code.startswith(prefix + ".")


def _prefix_q(field_name: str, code: str) -> Q:
    from lindung.monitoring.indicators import _prefix_q as q

    return q(field_name, code)


def _region_q(field_name: str, touched: Touched) -> Q:
    q = Q(pk__in=[])
    for p in sorted(touched.prefixes):
        if p == "":
            return Q()
        q |= _prefix_q(field_name, p)
    if touched.villages:
        q |= Q(**{f"{field_name}__in": sorted(touched.villages)})
    return q


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def months_from(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def point(month: dt.date, today: dt.date) -> dt.date:
    """The day a month's rows describe: its last day, or today for the current month."""
    return min(rules.month_end(month), today)


# --- recomputing ------------------------------------------------------------------------------


def recompute(touched: Touched, months: list[dt.date], *, today: dt.date) -> int:
    """Recompute the rows of `months` for the villages of `touched`: two grouped queries
    (enrolments by village × programme × occupation × sex with a conditional count per month
    and figure; workers by village with a count per month), then delete + insert. Returns the
    number of village-month rows written."""
    from lindung.monitoring.indicators import Billing, active_q

    if not touched or not months:
        return 0
    billing = Billing.load()
    s = Enrolment.Status
    activated = Q(activated_at__isnull=False)
    ann = {}
    for i, m in enumerate(months):
        d = point(m, today)
        ann[f"a{i}"] = Count("pk", filter=active_q(d, billing))
        ann[f"n{i}"] = Count("pk", filter=activated & Q(registration_date__range=(m, d)))
        ann[f"e{i}"] = Count("pk", filter=activated & Q(status=s.ENDED, end_date__range=(m, d)))
    ann["proposed"] = Count("pk", filter=Q(status=s.PROPOSED))
    ann["verified"] = Count("pk", filter=Q(status=s.VERIFIED))
    first = months[0]
    enrolments = (
        Enrolment.objects.filter(_region_q("worker__village_id", touched))
        .filter(
            Q(status__in=[s.PROPOSED, s.VERIFIED])
            | (
                activated
                & (Q(status=s.ACTIVE) | Q(end_date__gte=first) | Q(registration_date__gte=first))
            )
        )
        .values("worker__village_id", "programme_id", "worker__occupation_id", "worker__sex")
        .annotate(**ann)
        .order_by()
    )
    # Plain lists, written by COPY / executemany (`core.bulk`): model instances cost seconds
    # of Python for the ~100,000 rows of a province.
    rows: dict[tuple[str, dt.date], list[int]] = {}  # registered active new ended prop. ver.

    def row(village: str, month: dt.date) -> list[int]:
        key = (village, month)
        if key not in rows:
            rows[key] = [0, 0, 0, 0, 0, 0]
        return rows[key]

    current = months[-1] if months[-1] == month_start(today) else None
    actives: list[tuple] = []
    for r in enrolments:
        village = r["worker__village_id"]
        for i, m in enumerate(months):
            a, n, e = r[f"a{i}"], r[f"n{i}"], r[f"e{i}"]
            if a or n or e:
                vm = row(village, m)
                vm[1] += a
                vm[2] += n
                vm[3] += e
            if a:
                actives.append(
                    (
                        village,
                        m.isoformat(),
                        r["programme_id"],
                        r["worker__occupation_id"],
                        r["worker__sex"],
                        a,
                    )
                )
        if current is not None and (r["proposed"] or r["verified"]):
            vm = row(village, current)
            vm[4] += r["proposed"]
            vm[5] += r["verified"]
    wann = {
        f"r{i}": (
            Count("pk", filter=Q(created_at__lt=_end_of_day(point(m, today))))
            if point(m, today) < today
            else Count("pk")
        )
        for i, m in enumerate(months)
    }
    for r in (
        Worker.objects.filter(_region_q("village_id", touched), status=Worker.Status.ACTIVE)
        .values("village_id")
        .annotate(**wann)
        .order_by()
    ):
        for i, m in enumerate(months):
            if r[f"r{i}"]:
                row(r["village_id"], m)[0] = r[f"r{i}"]
    with transaction.atomic():
        VillageMonth.objects.filter(_region_q("village", touched), month__in=months).delete()
        VillageActive.objects.filter(_region_q("village", touched), month__in=months).delete()
        insert_rows(
            VillageMonth,
            ["village", "month", "registered", "active", "new", "ended", "proposed", "verified"],
            ((v, m.isoformat(), *c) for (v, m), c in rows.items()),
        )
        insert_rows(
            VillageActive,
            ["village", "month", "programme_id", "occupation_id", "sex", "n"],
            actives,
        )
    return len(rows)


def _first_month(today: dt.date, q_enrolment: Q = Q()) -> dt.date:  # noqa: B008
    """The first month any figure can be non-zero: the earliest programme start, BPJS
    registration or end date (a registration may precede its programme's start)."""
    candidates = [month_start(today)]
    p = Programme.objects.aggregate(m=Min("period_start"))["m"]
    e = Enrolment.objects.filter(q_enrolment).aggregate(
        r=Min("registration_date"), e=Min("end_date")
    )
    candidates += [d for d in (p, e["r"], e["e"]) if d is not None]
    return month_start(min(candidates))


def billing_touched(
    rows: Iterable[tuple[str, str, str, dt.datetime]], *, first_month: dt.date
) -> dict[int, dt.date]:
    """Programme id -> the first month whose lapse test the billing events (action, object
    type, object id, time) change (`indicators.lapsed_q`): only *paid* bills and adjustments
    count, from their payment date on, so
    - a payment changes its programme from the month of its payment date;
    - an adjustment on a paid bill, from the month it was recorded (it is paid then);
    - a generated or regenerated bill, unpaid, changes nothing, unless it is the programme's
      first (a programme with bills is subject to the lapse test at every date): then every
      month held."""
    from lindung.contributions import selectors as contributions

    rows = list(rows)
    out: dict[int, dt.date] = {}

    def add(programme: int, month: dt.date) -> None:
        out[programme] = min(out.get(programme, month), month)

    payment_ids = [int(oid) for _a, t, oid, _at in rows if t == "payment" and oid.isdigit()]
    payments = contributions.payments_programme_and_day(payment_ids)
    bill_ids = [int(oid) for _a, t, oid, _at in rows if t == "bill" and oid.isdigit()]
    bills = contributions.bills_programme(bill_ids)
    generated = {
        int(oid)
        for a, t, oid, _at in rows
        if t == "bill" and a == "bill_generate" and oid.isdigit()
    }
    for action, object_type, oid, at in rows:
        pk = int(oid) if oid.isdigit() else None
        if object_type == "payment" and pk in payments:
            programme, paid_on = payments[pk]
            add(programme, month_start(min(paid_on, timezone.localdate(at))))
        elif object_type == "bill" and action == "bill_adjust" and pk in bills:
            add(bills[pk], month_start(timezone.localdate(at)))
    # Newly billed programmes: every bill they have was generated by these events.
    for programme in {bills[pk] for pk in generated if pk in bills}:
        if contributions.programme_bill_ids(programme) <= generated:
            add(programme, first_month)
    return out


def recompute_active(programme_id: int, months: list[dt.date], *, today: dt.date) -> int:
    """Recompute the active figures of one programme's participants for `months` (after a
    billing change: nothing else of theirs moved): its `VillageActive` rows, then
    `VillageMonth.active` of the villages concerned as the sum over all programmes. One
    grouped query over the programme's enrolments, a few over the rows. Returns the number
    of village-month rows rewritten."""
    from lindung.monitoring.indicators import Billing, active_q

    if not months:
        return 0
    billing = Billing.load()
    s = Enrolment.Status
    first = months[0]
    ann = {
        f"a{i}": Count("pk", filter=active_q(point(m, today), billing))
        for i, m in enumerate(months)
    }
    counted = (
        Enrolment.objects.filter(programme_id=programme_id, activated_at__isnull=False)
        .filter(Q(status=s.ACTIVE) | Q(end_date__gte=first))
        .values("worker__village_id", "worker__occupation_id", "worker__sex")
        .annotate(**ann)
        .order_by()
    )
    actives: list[tuple] = []
    villages: set[str] = set()
    for r in counted:
        for i, m in enumerate(months):
            if r[f"a{i}"]:
                village = r["worker__village_id"]
                villages.add(village)
                actives.append(
                    (
                        village,
                        m.isoformat(),
                        programme_id,
                        r["worker__occupation_id"],
                        r["worker__sex"],
                        r[f"a{i}"],
                    )
                )
    old = VillageActive.objects.filter(programme_id=programme_id, month__in=months)
    villages |= set(old.values_list("village", flat=True).distinct())
    if not villages:
        return 0
    where = _region_q("village", Touched(villages=villages).normalised())
    with transaction.atomic():
        old.delete()
        insert_rows(
            VillageActive,
            ["village", "month", "programme_id", "occupation_id", "sex", "n"],
            actives,
        )
        totals = {
            (v, m): n
            for v, m, n in VillageActive.objects.filter(where, month__in=months)
            .values("village", "month")
            .annotate(n=Sum("n"))
            .order_by()
            .values_list("village", "month", "n")
        }
        fields = ["registered", "active", "new", "ended", "proposed", "verified"]
        kept = VillageMonth.objects.filter(where, month__in=months)
        rows = {(r[0], r[1]): list(r[2:]) for r in kept.values_list("village", "month", *fields)}
        for key in totals:
            rows.setdefault(key, [0] * len(fields))
        for key, counts in rows.items():
            counts[1] = totals.get(key, 0)
        kept.delete()
        insert_rows(
            VillageMonth,
            ["village", "month", *fields],
            ((v, m.isoformat(), *c) for (v, m), c in rows.items() if any(c)),
        )
    return len(rows)


# --- refreshing -------------------------------------------------------------------------------


@dataclass
class RefreshResult:
    events: int = 0
    villages: int = 0
    prefixes: tuple[str, ...] = ()
    rows: int = 0
    rolled_days: bool = False
    rebuilt: bool = False
    programmes: tuple[int, ...] = ()
    busy: bool = False  # another refresh held the state: nothing done (a reader not waiting)


def _state(*, wait: bool = True) -> AggregateState | None:
    """The state row, locked (PostgreSQL). Without `wait`, None when another transaction holds
    it (a refresh is running)."""
    state = AggregateState.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()
    if state is None:
        if not wait and AggregateState.objects.filter(pk=1).exists():
            return None
        AggregateState.objects.get_or_create(pk=1)
        state = AggregateState.objects.select_for_update().get(pk=1)
    return state


def rebuild(*, today: dt.date | None = None) -> RefreshResult:
    """Recompute every row from the data (after writes that bypassed the services)."""
    today = today or clock.today()
    with transaction.atomic():
        state = _state()
        return _rebuild(state, today)


def _rebuild(state: AggregateState, today: dt.date) -> RefreshResult:
    top = _top()
    first = _first_month(today)
    VillageMonth.objects.all().delete()
    VillageActive.objects.all().delete()
    rows = recompute(Touched(prefixes={""}), months_from(first, today), today=today)
    state.watermark, state.holes = top, {}
    state.as_of, state.first_month, state.updated_at = today, first, clock.now()
    state.save()
    return RefreshResult(rows=rows, rebuilt=True, prefixes=("",))


def touched_by(events: Iterable[tuple[str, str, str, int | None, object]]) -> Touched:
    """The villages and prefixes that audit events (action, object_type, region_code,
    actor id, changes) ask to recompute. A worker moved to another village names the old one
    in its changes; an import's update does not, so the uploader's whole region is taken."""
    from lindung.accounts.models import User
    from lindung.accounts.permissions import scope_of

    touched = Touched()
    importers: set[int | None] = set()
    for action, object_type, region, actor, changes in events:
        if action in IGNORED_ACTIONS or object_type in IGNORED_TYPES:
            continue
        if object_type in BILLING_TYPES or action in BILLING_ACTIONS or action == "lapse":
            continue
        if changes is None:
            if len(region) == VILLAGE_CODE_LENGTH:
                touched.villages.add(region)
            else:
                touched.prefixes.add(region)
        if object_type == "worker" and isinstance(changes, dict):
            old = changes.get("village")
            if isinstance(old, list) and old and isinstance(old[0], str):
                touched.villages.add(old[0])
        if action == "import_update":
            importers.add(actor)
    for user in User.objects.filter(pk__in=[a for a in importers if a is not None]):
        touched.prefixes |= set(scope_of(user).prefixes) or {user.region_id or ""}
    if None in importers:
        touched.prefixes.add("")
    return touched


def _events_after(state: AggregateState) -> tuple[list[tuple], list[tuple], int]:
    """The kinds of events after the watermark and in the holes (distinct (action, type,
    region, actor), so an import of 100,000 rows is a few tuples), the billing events
    (action, type, object id, time: a few per bill or payment) and the new watermark;
    records the holes."""
    kinds = ("action", "object_type", "region_code", "actor_id")
    holes = {int(k): v for k, v in (state.holes or {}).items()}
    watermark = max(state.watermark, _top())
    new = Q(pk__gt=state.watermark, pk__lte=watermark)
    found = (
        [pk for pk in AuditEvent.objects.filter(pk__in=list(holes)).values_list("pk", flat=True)]
        if holes
        else []
    )
    scope = new | Q(pk__in=found)
    relevant = (
        AuditEvent.objects.filter(scope)
        .exclude(action__in=IGNORED_ACTIONS)
        .exclude(object_type__in=IGNORED_TYPES)
    )
    events = [(*r, None) for r in relevant.values_list(*kinds).distinct().order_by()]
    billing = list(
        relevant.filter(
            Q(object_type__in=BILLING_TYPES) | Q(action__in=BILLING_ACTIONS)
        ).values_list("action", "object_type", "object_id", "at")
    )
    # A worker's update names its former village in `changes` when it moved.
    events += [
        ("update", "worker", "", None, c)
        for c in relevant.filter(object_type="worker", action="update").values_list(
            "changes", flat=True
        )
    ]
    for pk in found:
        holes.pop(pk, None)
    # Ids between the old watermark and the top not seen: uncommitted, or rolled back.
    if AuditEvent.objects.filter(new).count() != watermark - state.watermark:
        present = set(AuditEvent.objects.filter(new).values_list("pk", flat=True))
        now = clock.now().isoformat()
        for pk in range(state.watermark + 1, watermark + 1):
            if pk not in present:
                holes[pk] = now
    cutoff = clock.now() - dt.timedelta(seconds=HOLE_SECONDS)
    state.holes = {str(k): v for k, v in holes.items() if dt.datetime.fromisoformat(v) >= cutoff}
    return events, billing, watermark


def refresh(*, today: dt.date | None = None, wait: bool = True) -> RefreshResult:
    """Bring the rows up to date before a read: the villages named by audit events since the
    watermark, and the current month after a new day. Serialised by a lock on the state row
    (PostgreSQL; SQLite serialises writers itself); a second refresh waiting on it finds
    nothing left to do. A reader passes `wait=False`: while the worker's refresh runs (a
    payment on a province programme: seconds) it reads the rows as they are instead of
    waiting, so a page never stalls behind the background work (PostgreSQL)."""
    today = today or clock.today()
    current = state()
    if (
        current is not None
        and current.as_of == today
        and not current.holes
        and current.first_month is not None
        and current.watermark == _top()
    ):
        return RefreshResult()  # nothing happened since: two small queries
    with transaction.atomic():
        state_row = _state(wait=wait)
        if state_row is None:
            return RefreshResult(busy=True)
        return _refresh(state_row, today)


def _top() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _refresh(state: AggregateState, today: dt.date) -> RefreshResult:
    if state.as_of is None or today < state.as_of or state.first_month is None:
        return _rebuild(state, today)
    result = RefreshResult()
    events, billing, watermark = _events_after(state)
    touched = touched_by(events).normalised()
    touched.programmes = billing_touched(billing, first_month=state.first_month)
    result.events = len(events) + len(billing)
    if (
        touched
        and _first_month(today, _region_q("worker__village_id", touched)) < state.first_month
    ):
        return _rebuild(state, today)
    if today != state.as_of:
        # A new day: the current month (and the months since as_of) for every village.
        result.rolled_days = True
        result.rows += recompute(
            Touched(prefixes={""}), months_from(state.as_of, today), today=today
        )
    if touched:
        result.rows += recompute(touched, months_from(state.first_month, today), today=today)
        result.villages = len(touched.villages)
        result.prefixes = tuple(sorted(touched.prefixes))
    for programme, month in sorted(touched.programmes.items()):
        months = months_from(max(month, state.first_month), today)
        result.rows += recompute_active(programme, months, today=today)
        result.programmes += (programme,)
    state.watermark, state.as_of, state.updated_at = watermark, today, clock.now()
    state.save()
    return result


# --- reading ----------------------------------------------------------------------------------


def usable(start: dt.date, end: dt.date, today: dt.date) -> bool:
    """The rows answer a period from a month's first day to a month's last day or today."""
    return (
        start.day == 1 and start <= end <= today and (end == today or end == rules.month_end(end))
    )


def village_counts(
    code: str, start: dt.date, end: dt.date, today: dt.date
) -> dict[str, dict[str, int]]:
    """{village: {registered, active, new, ended, proposed, verified}} for the period, from
    the rows (one grouped query)."""
    end_m, cur = month_start(end), month_start(today)
    rows = (
        VillageMonth.objects.filter(
            _prefix_q("village", code), month__range=(month_start(start), max(end_m, cur))
        )
        .values("village")
        .annotate(
            registered=Sum("registered", filter=Q(month=end_m)),
            active=Sum("active", filter=Q(month=end_m)),
            new=Sum("new", filter=Q(month__lte=end_m)),
            ended=Sum("ended", filter=Q(month__lte=end_m)),
            proposed=Sum("proposed", filter=Q(month=cur)),
            verified=Sum("verified", filter=Q(month=cur)),
        )
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        village = r.pop("village")
        c = {k: v or 0 for k, v in r.items()}
        if any(c.values()):
            out[village] = c
    return out


def trend(code: str, start: dt.date, end: dt.date, today: dt.date) -> list[tuple[dt.date, int]]:
    by_month = dict(
        VillageMonth.objects.filter(
            _prefix_q("village", code), month__range=(month_start(start), month_start(end))
        )
        .values("month")
        .annotate(n=Sum("active"))
        .order_by()
        .values_list("month", "n")
    )
    return [
        (min(rules.month_end(m), end), by_month.get(m, 0) or 0) for m in months_from(start, end)
    ]


def breakdown(code: str, end: dt.date) -> Iterable[tuple[int | None, str, int, int]]:
    """(occupation id, sex, programme id, active) at `end`."""
    return (
        VillageActive.objects.filter(_prefix_q("village", code), month=month_start(end))
        .values("occupation_id", "sex", "programme_id")
        .annotate(n=Sum("n"))
        .order_by()
        .values_list("occupation_id", "sex", "programme_id", "n")
    )


def state() -> AggregateState | None:
    return AggregateState.objects.filter(pk=1).first()

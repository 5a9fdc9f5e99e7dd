"""Reads of the contributions app, every one limited to the user's region.

Coverage status is computed set-based: one grouped query per programme-month (status counts)
whatever the number of enrolments; the per-worker list computes the status of one page only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Substr

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.contributions import rules
from lindung.contributions.models import (
    Bill,
    BillAdjustment,
    BillLine,
    Funder,
    Payment,
    PaymentAllocation,
)
from lindung.contributions.services import (
    funder_of,
    last_paid_subqueries,
    package_rates,
    programme_package,
)
from lindung.core import clock
from lindung.core.lookups import SQLITE_BATCH
from lindung.core.selectors import parameter_int
from lindung.programs.models import BudgetLine, Enrolment, Programme
from lindung.programs.rules import add_months, month_start, months_between
from lindung.regions.models import Region
from lindung.regions.scope import scope_queryset

# --- programmes, bills, payments ------------------------------------------------------------


def programmes_for(*, user: User) -> QuerySet[Programme]:
    """Programmes whose money the user may see: those run by a region inside their scope."""
    return scope_queryset(Programme.objects.all(), scope_of(user)).select_related("region")


def programme_get(*, user: User, code: str) -> Programme:
    return programmes_for(user=user).get(code=code)


def bills_for(*, user: User) -> QuerySet[Bill]:
    return scope_queryset(Bill.objects.all(), scope_of(user)).select_related(
        "programme", "funder_region", "package"
    )


def bill_get(*, user: User, pk: int) -> Bill:
    return bills_for(user=user).get(pk=pk)


def bill_list(*, user: User, programme: Programme | None = None) -> QuerySet[Bill]:
    qs = bills_for(user=user)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("-month", "programme__code")


def unpaid_bills(*, user: User, programme: Programme | None = None) -> QuerySet[Bill]:
    return (
        bill_list(user=user, programme=programme)
        .filter(total__gt=F("paid_amount"))
        .order_by("month", "programme__code")
    )


def payments_for(*, user: User, programme: Programme | None = None) -> QuerySet[Payment]:
    qs = scope_queryset(Payment.objects.all(), scope_of(user)).select_related("programme")
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs


def payment_shortfall(payment: Payment) -> int:
    """What the bills of the months a payment covered still lack (under-payment)."""
    return payment_shortfalls([payment])[0][1]


def payment_shortfalls(payments: Iterable[Payment]) -> list[tuple[Payment, int]]:
    """Each payment with its `payment_shortfall`, for a page of payments in one query."""
    payments = list(payments)
    if not payments:
        return []
    covered = {
        p.pk: [add_months(p.first_month, i) for i in range(p.months_covered)] for p in payments
    }
    lacking: dict[tuple[int, dt.date], int] = defaultdict(int)
    for programme_id, month, total, paid in Bill.objects.filter(
        programme_id__in={p.programme_id for p in payments},
        month__in={m for months in covered.values() for m in months},
    ).values_list("programme_id", "month", "total", "paid_amount"):
        lacking[(programme_id, month)] += max(total - paid, 0)
    return [(p, sum(lacking.get((p.programme_id, m), 0) for m in covered[p.pk])) for p in payments]


def enrolment_by_kpj(*, user: User, programme: Programme, kpj_number: str) -> Enrolment | None:
    return (
        scope_queryset(Enrolment.objects.all(), scope_of(user))
        .filter(programme=programme, kpj_number=kpj_number.strip())
        .first()
    )


def bill_lines(*, bill: Bill) -> QuerySet[BillLine]:
    return (
        BillLine.objects.filter(bill=bill)
        .select_related("enrolment__worker", "enrolment__worker__village")
        .order_by("enrolment__worker__village_id", "enrolment__worker__name")
    )


def funder_split(*, user: User, month: dt.date) -> list[dict]:
    """Bills of one month in the user's region, by funder (kabupaten vs provinsi), each row
    with the funder's label (`funder_label`)."""
    rows = list(
        bills_for(user=user)
        .filter(month=month_start(month))
        .values("funder", "funder_region__name")
        .annotate(participants=Sum("line_count"), total=Sum("total"), paid=Sum("paid_amount"))
        .order_by("funder", "funder_region__name")
    )
    for row in rows:
        row["funder_label"] = Funder(row["funder"]).label
    return rows


# --- coverage -------------------------------------------------------------------------------


@dataclass
class CoverageSummary:
    month: dt.date
    on: dt.date
    counts: dict[str, int]
    lapse_warnings: list[tuple[dt.date, dt.date, int]]  # (lapse date, first unpaid month, n)
    lapsed_ended: int = 0

    @property
    def due_to_lapse(self) -> int:
        """Enrolments past the 4th unpaid month, still to be ended by `lapses_apply`."""
        return self.counts.get(rules.Coverage.LAPSED, 0)


def _groups_from_enrolments(
    programme: Programme,
    month: dt.date,
) -> list[tuple[dt.date, dt.date | None, int]]:
    """(first covered month, last paid month, count) of the enrolments holding `month`, for a
    month without a bill: one grouped query over the programme's enrolments.

    A payment older than four months before `month` cannot change a status (four unpaid months
    follow it), so only the paid bills of those months are joined, each through the unique
    (bill, enrolment) index."""
    d = connection.ops.adapt_datefield_value
    lookback = add_months(month, -(rules.ARREARS_MAX_MONTHS + 1))
    paid_bills = list(
        Bill.objects.filter(
            programme=programme, paid_at__isnull=False, month__gte=lookback, month__lte=month
        )
        .order_by("month")
        .values_list("pk", "month")
    )
    with_adjustments = BillAdjustment.objects.filter(
        bill_id__in=[pk for pk, _m in paid_bills],
        enrolment__isnull=False,
        amount__gt=0,
        paid_at__isnull=False,
    ).exists()
    e = Enrolment._meta.db_table
    line, adj = BillLine._meta.db_table, BillAdjustment._meta.db_table
    joins, flags, params = [], [], []
    for i, (bill_pk, _m) in enumerate(paid_bills):
        joins.append(f"LEFT JOIN {line} l{i} ON l{i}.bill_id = %s AND l{i}.enrolment_id = e.id")
        params.append(bill_pk)
        flag = f"l{i}.enrolment_id IS NOT NULL"
        if with_adjustments:
            flag += (
                f" OR EXISTS (SELECT 1 FROM {adj} a WHERE a.bill_id = {int(bill_pk)} AND "
                f"a.enrolment_id = e.id AND a.amount > 0 AND a.paid_at IS NOT NULL)"
            )
        flags.append(f"CASE WHEN {flag} THEN 1 ELSE 0 END")
    select_flags = "".join(f", {f}" for f in flags)
    # An active enrolment holds every month of its period; an ended one those up to its end.
    sql = f"""
        SELECT e.period_start, e.registration_date{select_flags}, COUNT(*)
        FROM {e} e {" ".join(joins)}
        WHERE e.programme_id = %s AND e.period_start <= %s AND e.period_end >= %s
          AND (e.status = %s OR (e.status = %s AND e.activated_at IS NOT NULL
                                 AND e.end_date >= %s))
          AND e.registration_date < %s
        GROUP BY e.period_start, e.registration_date{select_flags}
    """
    params += [
        programme.pk,
        d(month),
        d(month),
        Enrolment.Status.ACTIVE,
        Enrolment.Status.ENDED,
        d(month),
        d(add_months(month, 1)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    groups = []
    for row in rows:
        paid = [m for (_pk, m), flag in zip(paid_bills, row[2:-1], strict=True) if flag]
        first = rules.first_covered_month(
            period_start=_as_date(row[0]), registration_date=_as_date(row[1])
        )
        groups.append((first, max(paid, default=None), row[-1]))
    return groups


def _bill_for_coverage(programme: Programme, month: dt.date) -> Bill | None:
    """The programme-month's bill when its lines tell every status, else None (count from the
    enrolments): a paid adjustment naming a worker pays a month the lines do not show."""
    funder, _region = funder_of(programme)
    bill = Bill.objects.filter(programme=programme, month=month, funder=funder).first()
    if bill is None or BillAdjustment.objects.filter(bill=bill, enrolment__isnull=False).exists():
        return None
    return bill


def coverage_summary(
    *, user: User, programme: Programme, month: dt.date, on: dt.date | None = None
) -> CoverageSummary:
    """Coverage status of every enrolment of `programme` in `month`, counted set-based.

    When the month is billed, its lines carry what the status needs (start of cover, last paid
    month before), so the counts are one ordered scan of the (bill, prev_paid, cover_start)
    index, grouped: no join per enrolment. A month without a bill (or with adjustments naming
    workers) is counted from the enrolments."""
    programme = programmes_for(user=user).get(pk=programme.pk)
    on = on or clock.today()
    month = month_start(month)
    bill = _bill_for_coverage(programme, month)
    counts: dict[str, int] = defaultdict(int)
    warnings: dict[tuple[dt.date, dt.date], int] = defaultdict(int)
    if bill is not None:
        if bill.paid_at is not None:
            groups: list[tuple[dt.date, dt.date | None, int]] = []
            counts[rules.Coverage.COVERED] = bill.line_count
        else:
            groups = [
                (month_start(_as_date(cover_start)), _as_date(prev_paid), n)
                for prev_paid, cover_start, n in BillLine.objects.filter(bill=bill)
                .values("prev_paid", "cover_start")
                .annotate(n=Count("*"))
                .order_by()
                .values_list("prev_paid", "cover_start", "n")
            ]
    else:
        groups = _groups_from_enrolments(programme, month)
    for first, last_paid, n in groups:
        state = rules.coverage_state(month=month, first_month=first, last_paid=last_paid, on=on)
        counts[state.status] += n
        if state.status in (rules.Coverage.ARREARS, rules.Coverage.NOT_DUE) and state.lapses_on:
            first_unpaid = rules.first_unpaid_month(first_month=first, last_paid=last_paid)
            warnings[(state.lapses_on, first_unpaid)] += n
    lapsed_ended = Enrolment.objects.filter(
        programme=programme,
        end_reason=Enrolment.EndReason.LAPSED,
        end_date__lt=month,
        period_end__gte=month,
    ).count()
    return CoverageSummary(
        month=month,
        on=on,
        counts={s: counts.get(s, 0) for s in rules.Coverage.LABELS},
        lapse_warnings=sorted((d_, f, n) for (d_, f), n in warnings.items()),
        lapsed_ended=lapsed_ended,
    )


def _as_date(value: object) -> dt.date | None:
    """Raw SQL returns dates as text on SQLite."""
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])


def coverage_enrolments(
    *, user: User, programme: Programme, month: dt.date, unpaid_only: bool = False
) -> QuerySet[Enrolment]:
    """Enrolments of `programme` holding `month`, in the user's region, longest unpaid first.
    Page through it and call `coverage_of` on each row."""
    month = month_start(month)
    programme = programmes_for(user=user).get(pk=programme.pk)
    qs = (
        scope_queryset(Enrolment.objects.all(), scope_of(user))
        .filter(
            programme=programme,
            months__month=month,
            registration_date__lt=add_months(month, 1),
            status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.ENDED],
            activated_at__isnull=False,
        )
        .select_related("worker", "worker__village")
        .annotate(**last_paid_subqueries(programme=programme, upto=month))
    )
    if unpaid_only:
        qs = qs.filter(
            Q(line_paid__isnull=True) | Q(line_paid__lt=month),
            Q(adjustment_paid__isnull=True) | Q(adjustment_paid__lt=month),
        )
    return qs.order_by(F("line_paid").asc(nulls_first=True), "worker__name", "pk")


def coverage_of(
    enrolment: Enrolment,
    *,
    month: dt.date,
    on: dt.date | None = None,
) -> rules.CoverageState:
    """Status of one enrolment annotated by `coverage_enrolments`."""
    paid = [
        m
        for m in (
            getattr(enrolment, "line_paid", None),
            getattr(enrolment, "adjustment_paid", None),
        )
        if m is not None
    ]
    first = rules.first_covered_month(
        period_start=enrolment.period_start, registration_date=enrolment.registration_date
    )
    return rules.coverage_state(
        month=month, first_month=first, last_paid=max(paid, default=None), on=on or clock.today()
    )


def coverage_list(
    *,
    user: User,
    programme: Programme,
    month: dt.date,
    unpaid_only: bool = False,
    on: dt.date | None = None,
) -> tuple[QuerySet, Callable[[object], tuple[Enrolment, rules.CoverageState]]]:
    """The workers of a programme-month with their status, longest unpaid first: a queryset to
    page through and the function turning one of its rows into (enrolment, status).

    A billed month pages through the bill's lines in the order of the coverage index; a month
    without a bill through the enrolments."""
    month = month_start(month)
    on = on or clock.today()
    programme = programmes_for(user=user).get(pk=programme.pk)
    bill = _bill_for_coverage(programme, month)
    if bill is None:
        qs = coverage_enrolments(
            user=user, programme=programme, month=month, unpaid_only=unpaid_only
        )
        return qs, lambda e: (e, coverage_of(e, month=month, on=on))  # type: ignore[arg-type]
    lines = (
        BillLine.objects.filter(bill=bill)
        .select_related("enrolment__worker__village")
        .order_by(F("prev_paid").asc(nulls_first=True), "cover_start", "id")
    )
    if unpaid_only and bill.paid_at is not None:
        lines = lines.none()

    def to_row(line: object) -> tuple[Enrolment, rules.CoverageState]:
        assert isinstance(line, BillLine)
        last_paid = month if bill.paid_at is not None else line.prev_paid
        return line.enrolment, rules.coverage_state(
            month=month, first_month=month_start(line.cover_start), last_paid=last_paid, on=on
        )

    return lines, to_row


def worker_coverage(
    *,
    user: User,
    enrolment: Enrolment,
    on: dt.date | None = None,
) -> list[tuple[dt.date, rules.CoverageState]]:
    """Month by month status of one enrolment (worker page, claims)."""
    enrolment = scope_queryset(Enrolment.objects.all(), scope_of(user)).get(pk=enrolment.pk)
    on = on or clock.today()
    if enrolment.registration_date is None:
        return []
    paid = set(
        BillLine.objects.filter(
            enrolment=enrolment, bill__programme=enrolment.programme_id, bill__paid_at__isnull=False
        ).values_list("bill__month", flat=True)
    )
    paid |= set(
        BillAdjustment.objects.filter(
            enrolment=enrolment, amount__gt=0, paid_at__isnull=False
        ).values_list("bill__month", flat=True)
    )
    first = rules.first_covered_month(
        period_start=enrolment.period_start, registration_date=enrolment.registration_date
    )
    end = enrolment.end_date or enrolment.period_end
    out = []
    for month in months_between(first, min(end, on)):
        last_paid = max((p for p in paid if p <= month), default=None)
        out.append(
            (
                month,
                rules.coverage_state(month=month, first_month=first, last_paid=last_paid, on=on),
            )
        )
    return out


# --- budget ---------------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    programme: Programme
    budget_lines: list[tuple[str, int]]
    budget: int
    billed: int
    paid: int
    committed: int
    remaining: int  # budget - billed - committed
    premium: int
    forecast: rules.Forecast
    sentences: list[str] = field(default_factory=list)
    funder: str = ""

    @property
    def shortfall(self) -> int:
        """How much the budget lacks for what is billed and committed (0 when it suffices)."""
        return max(-self.remaining, 0)


def standard_premium(rates: Mapping[str, rules.Rate], month: dt.date) -> int:
    """Premium of a worker at the default declared income (Rp16.800 with the seeded rates),
    under `rates`, the programme's rates valid in `month`."""
    income = parameter_int("penghasilan_bawaan", on=month, default=1_000_000)
    return rules.premium(rates, income).total


def budget_summary(*, user: User, programme: Programme, on: dt.date | None = None) -> BudgetSummary:
    """Budget, billed, paid, committed and remaining money of a programme, with the forecast."""
    programme = programmes_for(user=user).get(pk=programme.pk)
    on = on or clock.today()
    lines = list(
        BudgetLine.objects.filter(programme=programme)
        .values("kind")
        .annotate(s=Sum("amount"))
        .order_by("kind")
        .values_list("kind", "s")
    )
    kinds = dict(BudgetLine.Kind.choices)
    budget = sum(s for _k, s in lines)
    bills = Bill.objects.filter(programme=programme)
    billed = bills.aggregate(s=Sum("total"))["s"] or 0
    billed_months = set(bills.values_list("month", flat=True))
    paid = Payment.objects.filter(programme=programme).aggregate(s=Sum("amount"))["s"] or 0
    all_rates = package_rates(programme_package(programme))
    rate_cache: dict[dt.date, dict[str, rules.Rate]] = {}

    def month_rates(m: dt.date) -> dict[str, rules.Rate]:
        if m not in rate_cache:
            rate_cache[m] = rules.rates_for_month(all_rates, m)
        return rate_cache[m]

    # Active enrolments grouped by what decides their cost: months held and declared income.
    groups = (
        Enrolment.objects.filter(programme=programme, status=Enrolment.Status.ACTIVE)
        .values_list("period_start", "period_end", "registration_date", "worker__declared_income")
        .annotate(n=Count("id"))
        .order_by()
    )
    current = month_start(on)
    future: dict[dt.date, int] = defaultdict(int)
    monthly_cost = 0
    active = 0
    for period_start, period_end, registration_date, income, n in groups:
        active += n
        first = rules.first_covered_month(
            period_start=period_start, registration_date=registration_date or period_start
        )
        for m in months_between(first, period_end):
            cost = rules.premium(month_rates(m), income).total * n
            if m == current:
                monthly_cost += cost
            if m not in billed_months:
                future[m] += cost
    premium_month = max(current, month_start(programme.period_start))
    premium_now = standard_premium(month_rates(premium_month), premium_month)
    fiscal_year_end = min(programme.period_end, dt.date(programme.fiscal_year, 12, 31))
    forecast = rules.budget_forecast(
        budget=budget,
        billed=billed,
        future_costs=sorted(future.items()),
        premium=premium_now,
        current_month=premium_month,
        fiscal_year_end=fiscal_year_end,
        programme_months=rules.months_diff(programme.period_end, programme.period_start) + 1,
        active=active,
        target=programme.quota,
        monthly_cost=monthly_cost,
    )
    funder, region = funder_of(programme)
    return BudgetSummary(
        programme=programme,
        budget_lines=[(str(kinds.get(k, k)), s) for k, s in lines],
        budget=budget,
        billed=billed,
        paid=paid,
        committed=forecast.committed,
        remaining=budget - billed - forecast.committed,
        premium=premium_now,
        forecast=forecast,
        sentences=rules.forecast_sentences(forecast),
        funder=f"{Funder(funder).label} — {region.label}",
    )


def quota_offer(*, programme: Programme, budget: BudgetSummary) -> rules.QuotaOffer | None:
    """The quota the programme's budget affords, offered when it differs from the quota set."""
    last_line = (
        BudgetLine.objects.filter(programme=programme)
        .order_by("-date", "-id")
        .values_list("amount", flat=True)
        .first()
    )
    used = Enrolment.objects.filter(programme=programme, status__in=Enrolment.OPEN).count()
    return rules.quota_offer(
        budget=budget.budget,
        last_line=last_line,
        premium=budget.premium,
        months=budget.forecast.programme_months,
        quota=programme.quota,
        used=used,
    )


# --- statement ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    """One participant of a bill as the statement lists it (the NIK as stored: the statement
    masks it, `core.formatting.mask_identity`, as every list does)."""

    name: str
    nik: str
    kpj: str
    village: str
    occupation: str
    jkk: int
    jkm: int
    jht: int
    amount: int


STATEMENT_LINE_FIELDS = (
    "enrolment__worker__name",
    "enrolment__worker__nik",
    "enrolment__kpj_number",
    "enrolment__worker__village__name",
    "enrolment__worker__occupation__name",
    "jkk",
    "jkm",
    "jht",
    "amount",
)


STATEMENT_DIRECT_MAX_LINES = 2_000  # settings.STATEMENT_DIRECT_MAX_LINES overrides


def statement_direct_max() -> int:
    """Above this many lines a bill's statement is built in the background, not in the web
    request (reports.statements)."""
    return int(getattr(settings, "STATEMENT_DIRECT_MAX_LINES", STATEMENT_DIRECT_MAX_LINES))


@dataclass
class Statement:
    """The monthly contribution statement of one programme and funder (one bill): its summary,
    the participants (read in chunks when the file is written: a province programme's bill may
    hold 100,000 lines), the letterhead of the programme's region and who asked for it when."""

    bill: Bill
    funder_label: str
    by_district: list[dict]
    adjustments: list[BillAdjustment]
    allocations: list[PaymentAllocation]
    budget: BudgetSummary
    region: Region | None = None
    # The letterhead is the reports app's: reports.statements.statement sets it.
    letterhead: Any = None
    rate_min: int | None = None  # the lowest and highest contribution of one participant
    rate_max: int | None = None
    generated_on: dt.date | None = None
    generated_by: str = ""

    @property
    def districts_total(self) -> int:
        return sum(r["amount"] for r in self.by_district)

    @property
    def allocated_total(self) -> int:
        return sum(a.amount for a in self.allocations)

    @property
    def reconciles(self) -> bool:
        """Lines by kecamatan add up to the bill, and payments to what the bill says is paid."""
        b = self.bill
        return (
            self.districts_total == b.lines_total
            and b.lines_total + sum(a.amount for a in self.adjustments) == b.total
            and self.allocated_total == b.paid_amount
        )

    def lines(self, chunk_size: int = 2_000) -> Iterator[StatementLine]:
        """The bill's participants by village then name, read `chunk_size` at a time: the
        order as a list of ids (8 bytes a line), then each chunk's rows by id. Not a
        server-side cursor: on PostgreSQL its plan, chosen to return the first rows fast, took
        2 s for 15,000 lines where the same query read at once takes 0.15 s."""
        ids = list(
            BillLine.objects.filter(bill=self.bill)
            .order_by("enrolment__worker__village_id", "enrolment__worker__name", "id")
            .values_list("id", flat=True)
        )
        if connection.vendor != "postgresql":
            chunk_size = min(chunk_size, SQLITE_BATCH)
        for start in range(0, len(ids), chunk_size):
            chunk = ids[start : start + chunk_size]
            rows = {
                pk: row
                for pk, *row in BillLine.objects.filter(id__in_array=chunk).values_list(
                    "id", *STATEMENT_LINE_FIELDS
                )
            }
            for pk in chunk:
                yield StatementLine(*(v if v is not None else "" for v in rows[pk]))


def statement(*, user: User, bill: Bill, on: dt.date | None = None) -> Statement:
    bill = bill_get(user=user, pk=bill.pk)
    rows = list(
        BillLine.objects.filter(bill=bill)
        .annotate(district=Substr("enrolment__worker__village_id", 1, 8))
        .values("district")
        .annotate(
            participants=Count("id"),
            jkk=Sum("jkk"),
            jkm=Sum("jkm"),
            jht=Sum("jht"),
            amount=Sum("amount"),
        )
        .order_by("district")
    )
    names = dict(
        Region.objects.filter(code__in=[r["district"] for r in rows]).values_list("code", "name")
    )
    for r in rows:
        r["name"] = names.get(r["district"], r["district"])
    rates = BillLine.objects.filter(bill=bill).aggregate(lo=Min("amount"), hi=Max("amount"))
    return Statement(
        bill=bill,
        funder_label=f"{bill.get_funder_display()} — {bill.funder_region.label}",
        by_district=rows,
        adjustments=list(
            BillAdjustment.objects.filter(bill=bill).select_related("enrolment__worker")
        ),
        allocations=list(
            PaymentAllocation.objects.filter(bill=bill)
            .select_related("payment")
            .order_by("payment__paid_on", "id")
        ),
        budget=budget_summary(user=user, programme=bill.programme, on=on),
        region=bill.programme.region,
        rate_min=rates["lo"],
        rate_max=rates["hi"],
        generated_on=on or clock.today(),
        generated_by=user.get_full_name() or user.get_username(),
    )


# --- reads for the apps above (monitoring, claims, notifications, demo) -------------------------
# Not scoped: their callers are figures over regions they scope themselves, or the system's own
# daily work. Every read of the contributions tables from another app goes through here.


def bill_states() -> tuple[tuple[int, int, dt.date, dt.date | None], ...]:
    """Every bill's (pk, programme id, month, paid on): a few hundred rows (programmes ×
    months), what the lapse test of any date needs."""
    return tuple(Bill.objects.order_by().values_list("pk", "programme_id", "month", "paid_at"))


def paid_line_exists(bill_ids: list[int]) -> Exists:
    """For an Enrolment queryset: a line of one of these (paid) bills names it. A correlated
    EXISTS through the unique (bill, enrolment) index."""
    return Exists(BillLine.objects.filter(bill_id__in=bill_ids, enrolment_id=OuterRef("pk")))


def paid_adjustment_exists(months: tuple[dt.date, dt.date], end: dt.date) -> Exists:
    """For an Enrolment queryset: a positive adjustment naming it, on a bill of `months`
    (first, last), paid on or before `end`."""
    return Exists(
        BillAdjustment.objects.filter(
            bill__month__range=months,
            enrolment_id=OuterRef("pk"),
            amount__gt=0,
            paid_at__isnull=False,
            paid_at__lte=end,
        )
    )


def payments_programme_and_day(ids: Iterable[int]) -> dict[int, tuple[int, dt.date]]:
    """Payment pk -> (programme id, paid on)."""
    return {
        pk: (programme, paid_on)
        for pk, programme, paid_on in Payment.objects.filter(pk__in=list(ids)).values_list(
            "pk", "programme_id", "paid_on"
        )
    }


def bills_programme(ids: Iterable[int]) -> dict[int, int]:
    """Bill pk -> programme id."""
    return dict(Bill.objects.filter(pk__in=list(ids)).values_list("pk", "programme_id"))


def programme_bill_ids(programme_id: int) -> set[int]:
    return set(Bill.objects.filter(programme_id=programme_id).values_list("pk", flat=True))


def programme_has_bills(programme: Programme) -> bool:
    return Bill.objects.filter(programme=programme).exists()


def payments_total(programme: Programme, start: dt.date, end: dt.date) -> int:
    """The programme's payments (SP2D) made from `start` to `end`, in rupiah."""
    return (
        Payment.objects.filter(programme=programme, paid_on__gte=start, paid_on__lte=end).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )


def bills_due_between(first: dt.date, last: dt.date) -> list[Bill]:
    """Unpaid bills with an amount outstanding, due from `first` to `last`, by due date."""
    return list(
        Bill.objects.filter(
            paid_at__isnull=True,
            total__gt=F("paid_amount"),
            due_date__gte=first,
            due_date__lte=last,
        )
        .select_related("programme")
        .order_by("due_date", "pk")
    )

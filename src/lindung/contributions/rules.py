"""Contribution rules as pure functions (DOMAIN.md §6): premium of a month, coverage status and
lapse, budget quota and forecast. No database: the services and selectors feed them data.

Rupiah amounts are whole numbers. A percentage is applied in basis points with half-up
rounding, the same integer arithmetic the billing SQL uses, so a bill computed in the database
and a premium computed here never differ by a rupiah.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core.formatting import MONTHS_ID, bulan, rupiah, tanggal, thousands
from lindung.programs.rules import add_months, month_start

DUE_DAY = 15  # contributions are due by the 15th of the month
ARREARS_MAX_MONTHS = 3  # arrears may be settled for at most 3 months; the 4th unpaid ends cover
PAYMENT_MONTHS = (1, 3, 6, 12)
COMPONENTS = ("jkk", "jkm", "jht")


@dataclass(frozen=True)
class Rate:
    """One component's rate valid from a date."""

    component: str
    valid_from: dt.date
    percent: Decimal = Decimal(0)
    flat_amount: int = 0
    amount_min: int | None = None
    amount_max: int | None = None

    @property
    def basis_points(self) -> int:
        return int(self.percent * 100)


def rates_for_month(rates: Iterable[Rate], month: dt.date) -> dict[str, Rate]:
    """The rate of each component valid on the month's first day (a rate that starts mid-month
    applies from the next month's bill)."""
    first = month_start(month)
    chosen: dict[str, Rate] = {}
    for r in rates:
        if r.valid_from <= first and (
            r.component not in chosen or r.valid_from > chosen[r.component].valid_from
        ):
            chosen[r.component] = r
    return chosen


def component_amount(rate: Rate | None, declared_income: int) -> int:
    """percent × income (half-up, whole rupiah) + flat amount, kept within min and max."""
    if rate is None:
        return 0
    amount = rate.flat_amount
    if rate.basis_points:
        amount += (declared_income * rate.basis_points + 5000) // 10000
    if rate.amount_min is not None and amount < rate.amount_min:
        amount = rate.amount_min
    if rate.amount_max is not None and amount > rate.amount_max:
        amount = rate.amount_max
    return amount


@dataclass(frozen=True)
class Premium:
    jkk: int
    jkm: int
    jht: int

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht


def premium(rates: Mapping[str, Rate], declared_income: int) -> Premium:
    """The monthly premium of one worker under the rates valid that month."""
    return Premium(*(component_amount(rates.get(c), declared_income) for c in COMPONENTS))


def due_date(month: dt.date) -> dt.date:
    return month_start(month).replace(day=DUE_DAY)


def month_span(first: dt.date, last: dt.date) -> str:
    """The months from `first` to `last` as a reader says them: 'Januari–Desember 2026', or
    'Juli 2025–Juni 2026' across a year."""
    if first.year == last.year:
        return f"{MONTHS_ID[first.month - 1]}–{bulan(last)}"
    return f"{bulan(first)}–{bulan(last)}"


def months_diff(later: dt.date, earlier: dt.date) -> int:
    """Whole months from `earlier`'s month to `later`'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def last_due_month(on: dt.date) -> dt.date:
    """The latest month whose due date has passed on `on`."""
    m = month_start(on)
    return m if on > due_date(m) else add_months(m, -1)


def first_covered_month(*, period_start: dt.date, registration_date: dt.date) -> dt.date:
    """Cover starts when BPJS accepts the registration, never before the enrolment's period."""
    return max(month_start(period_start), month_start(registration_date))


def first_unpaid_month(*, first_month: dt.date, last_paid: dt.date | None) -> dt.date:
    if last_paid is None or last_paid < first_month:
        return first_month
    return add_months(last_paid, 1)


def lapse_date(first_unpaid: dt.date) -> dt.date:
    """Cover ends the day after the due date of the 4th consecutive unpaid month passes."""
    return due_date(add_months(first_unpaid, ARREARS_MAX_MONTHS)) + dt.timedelta(days=1)


class Coverage:
    COVERED = "dibayar"
    NOT_DUE = "belum_jatuh_tempo"
    ARREARS = "menunggak"
    LAPSED = "putus"

    LABELS = {
        COVERED: gettext_lazy("Terlindungi (dibayar)"),
        NOT_DUE: gettext_lazy("Belum jatuh tempo"),
        ARREARS: gettext_lazy("Menunggak"),
        LAPSED: gettext_lazy("Putus (menunggak > 3 bulan)"),
    }


@dataclass(frozen=True)
class CoverageState:
    status: str
    unpaid_months: int = 0
    lapses_on: dt.date | None = None

    @property
    def label(self) -> str:
        label = str(Coverage.LABELS[self.status])
        if self.status == Coverage.ARREARS:
            return _("%(label)s %(n)s bulan") % {"label": label, "n": self.unpaid_months}
        return label


def coverage_state(
    *, month: dt.date, first_month: dt.date, last_paid: dt.date | None, on: dt.date
) -> CoverageState:
    """Status of one enrolment for `month` as seen on `on`.

    `last_paid` is the latest paid month not after `month`. Unpaid months run from the first
    unpaid month to `month`; only months whose due date has passed count as arrears. One to
    three such months: in arrears; four or more: lapsed."""
    month = month_start(month)
    if last_paid is not None and month_start(last_paid) == month:
        return CoverageState(Coverage.COVERED)
    first_unpaid = first_unpaid_month(first_month=first_month, last_paid=last_paid)
    due_limit = min(month, last_due_month(on))
    overdue = months_diff(due_limit, first_unpaid) + 1 if due_limit >= first_unpaid else 0
    lapses_on = lapse_date(first_unpaid)
    if overdue > ARREARS_MAX_MONTHS:
        return CoverageState(Coverage.LAPSED, overdue, lapses_on)
    if overdue == 0:
        return CoverageState(Coverage.NOT_DUE, 0, lapses_on)
    return CoverageState(Coverage.ARREARS, overdue, lapses_on)


# --- budget ---------------------------------------------------------------------------------


def quota_for_budget(*, budget: int, premium: int, months: int) -> int:
    """How many workers a budget pays for: budget ÷ (premium × months), rounded down.
    PPU 2025: Rp3.024.000.000 ÷ (Rp16.800 × 12) = 15.000."""
    if premium <= 0 or months <= 0:
        return 0
    return budget // (premium * months)


@dataclass(frozen=True)
class QuotaOffer:
    quota: int  # the quota the budget affords (not below what is already used)
    sentence: str


def quota_offer(
    *, budget: int, last_line: int | None, premium: int, months: int, quota: int, used: int
) -> QuotaOffer | None:
    """When the budget and the quota disagree, say so and propose the quota the budget affords,
    never changing it silently: "Rp201.600.000 menanggung 1.000 peserta lagi — naikkan kuota?"."""
    affordable = quota_for_budget(budget=budget, premium=premium, months=months)
    if affordable == quota or premium <= 0 or months <= 0:
        return None
    if affordable > quota:
        if last_line:
            more = quota_for_budget(budget=last_line, premium=premium, months=months)
            head = _("Mata anggaran terakhir (%(amount)s) menanggung %(n)s peserta lagi.") % {
                "amount": rupiah(last_line),
                "n": thousands(more),
            }
        else:
            head = ""
        return QuotaOffer(
            affordable,
            " ".join(
                filter(
                    None,
                    [
                        head,
                        _(
                            "Seluruh anggaran (%(budget)s) menanggung %(n)s peserta selama %(m)s bulan; kuota "
                            "sekarang %(q)s. Naikkan kuota menjadi %(n)s?"
                        )
                        % {
                            "budget": rupiah(budget),
                            "n": thousands(affordable),
                            "m": months,
                            "q": thousands(quota),
                        },
                    ],
                )
            ),
        )
    target = max(affordable, used)
    if target >= quota:
        return None
    return QuotaOffer(
        target,
        _(
            "Kuota %(q)s melebihi yang ditanggung anggaran (%(budget)s cukup untuk %(n)s peserta "
            "selama %(m)s bulan). Turunkan kuota menjadi %(t)s?"
        )
        % {
            "q": thousands(quota),
            "budget": rupiah(budget),
            "n": thousands(affordable),
            "m": months,
            "t": thousands(target),
        },
    )


@dataclass(frozen=True)
class Forecast:
    budget: int
    billed: int
    committed: int
    available: int  # budget - billed - committed (negative: over-committed)
    monthly_cost: int  # cost of the current month at today's enrolment
    runs_out: dt.date | None  # first month the budget does not cover in full
    covered_until: dt.date | None  # last month paid for in full
    months_left: int  # months from now to the end of the fiscal year
    extra_workers: int  # more workers the budget can still cover to the year's end
    active: int
    target: int
    target_cost: int  # cost of enrolling the missing workers to reach the target
    target_shortfall: int  # how much budget that cost lacks (0 when affordable)
    quota: int  # budget ÷ (premium × months of the programme)
    premium: int
    programme_months: int


def budget_forecast(
    *,
    budget: int,
    billed: int,
    future_costs: Sequence[tuple[dt.date, int]],
    premium: int,
    current_month: dt.date,
    fiscal_year_end: dt.date,
    programme_months: int,
    active: int,
    target: int,
    monthly_cost: int,
) -> Forecast:
    """Project the budget at today's enrolment.

    `future_costs` are the not yet billed months with the cost of the enrolments holding them;
    the budget left after what was billed pays them in order until it runs out. New workers
    join from the current month to the end of the fiscal year at the standard `premium`."""
    available = budget - billed
    runs_out = None
    covered_until = None
    cumulative = 0
    for month, cost in sorted(future_costs):
        cumulative += cost
        if cumulative > available:
            runs_out = month
            break
        covered_until = month
    committed = sum(c for _m, c in future_costs)
    spare = available - committed
    months_left = max(months_diff(fiscal_year_end, current_month) + 1, 0)
    per_worker = premium * months_left
    extra = spare // per_worker if spare > 0 and per_worker > 0 else 0
    missing = max(target - active, 0)
    target_cost = missing * per_worker
    return Forecast(
        budget=budget,
        billed=billed,
        committed=committed,
        available=spare,
        monthly_cost=monthly_cost,
        runs_out=runs_out,
        covered_until=covered_until,
        months_left=months_left,
        extra_workers=extra,
        active=active,
        target=target,
        target_cost=target_cost,
        target_shortfall=max(target_cost - max(spare, 0), 0),
        quota=quota_for_budget(budget=budget, premium=premium, months=programme_months),
        premium=premium,
        programme_months=programme_months,
    )


def forecast_sentences(f: Forecast) -> list[str]:
    """The forecast in words, for the dashboard and the statement."""
    out = []
    if f.runs_out is not None:
        out.append(
            _(
                "Dengan %(n)s peserta aktif, anggaran habis pada %(month)s: tagihan bulan itu "
                "tidak dapat dibayar penuh."
            )
            % {"n": thousands(f.active), "month": bulan(f.runs_out)}
        )
    else:
        out.append(
            _(
                "Dengan %(n)s peserta aktif (%(cost)s per bulan), anggaran cukup sampai akhir "
                "tahun anggaran; sisa yang belum terikat %(spare)s."
            )
            % {
                "n": thousands(f.active),
                "cost": rupiah(f.monthly_cost),
                "spare": rupiah(max(f.available, 0)),
            }
        )
    if f.months_left:
        out.append(
            _(
                "Sisa anggaran dapat menanggung %(extra)s pekerja lagi selama %(months)s bulan "
                "sampai akhir tahun anggaran (iuran %(premium)s per orang per bulan)."
            )
            % {
                "extra": thousands(f.extra_workers),
                "months": f.months_left,
                "premium": rupiah(f.premium),
            }
        )
    if f.target > f.active:
        if f.target_shortfall:
            out.append(
                _(
                    "Mencapai target %(target)s peserta membutuhkan %(cost)s; anggaran kurang "
                    "%(short)s."
                )
                % {
                    "target": thousands(f.target),
                    "cost": rupiah(f.target_cost),
                    "short": rupiah(f.target_shortfall),
                }
            )
        else:
            out.append(
                _(
                    "Mencapai target %(target)s peserta membutuhkan %(cost)s dan masih dapat "
                    "dibiayai."
                )
                % {"target": thousands(f.target), "cost": rupiah(f.target_cost)}
            )
    out.append(
        _(
            "Kuota menurut anggaran: %(budget)s ÷ (%(premium)s × %(months)s bulan) = %(quota)s "
            "peserta."
        )
        % {
            "budget": rupiah(f.budget),
            "premium": rupiah(f.premium),
            "months": f.programme_months,
            "quota": thousands(f.quota),
        }
    )
    return out


def lapse_warning_sentence(*, count: int, first_unpaid: dt.date) -> str:
    return _(
        "%(n)s pekerja putus kepesertaan pada %(date)s bila iuran sejak %(month)s tetap "
        "belum dibayar."
    ) % {
        "n": thousands(count),
        "date": tanggal(lapse_date(first_unpaid)),
        "month": bulan(first_unpaid),
    }

"""/programmes: funded programmes of the caller's region and the regions above it, their
budget lines, and the coverage status of their participants (contributions)."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import (
    BudgetLineIn,
    BudgetLineOut,
    CoverageRowOut,
    CoverageSummaryOut,
    PagedCoverageRowOut,
    ProgrammeOut,
)
from lindung.api.v1.common import ERRORS, ordered
from lindung.contributions import selectors as contributions
from lindung.core import clock
from lindung.programs import selectors, services
from lindung.programs.rules import programme_month

router = Router(tags=["programmes"])

ORDERING = {"code": ("code",), "fiscal_year": ("fiscal_year",), "quota": ("quota",)}


class ProgrammeFilter(Schema):
    fiscal_year: int | None = Field(None, ge=1900, le=2100)
    ordering: Literal["", "code", "-code", "fiscal_year", "-fiscal_year", "quota", "-quota"] = ""


class CoverageFilter(Schema):
    month: dt.date | None = Field(
        None,
        ge=dt.date(1900, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Tanggal mana pun di bulannya; bawaan: bulan ini",
    )


class CoverageListFilter(CoverageFilter):
    unpaid: bool = Field(False, description="Hanya yang belum dibayar untuk bulan itu")


@router.get("", response={200: list[ProgrammeOut], **ERRORS})
@paginate(LimitedPagination)
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilter]):
    qs = selectors.programme_list(user=request.auth)
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    return (
        ordered(qs, filters.ordering, ORDERING)
        if filters.ordering
        else qs.order_by("-fiscal_year", "code")
    )


@router.get("/{code}", response={200: ProgrammeOut, **ERRORS})
def programme_detail(request: HttpRequest, code: str):
    return selectors.programme_list(user=request.auth).get(code=code)


@router.get("/{code}/budget-lines", response={200: list[BudgetLineOut], **ERRORS})
@paginate(LimitedPagination)
def budget_line_list(request: HttpRequest, code: str):
    programme = selectors.programme_get(user=request.auth, code=code)
    return programme.budget_lines.order_by("date", "id")


@router.post("/{code}/budget-lines", response={201: BudgetLineOut, **ERRORS})
def budget_line_add(request: HttpRequest, code: str, payload: BudgetLineIn):
    programme = selectors.programme_get(user=request.auth, code=code)
    line = services.budget_line_add(by=request.auth, programme=programme, **payload.dict())
    return 201, line


def _month(programme, month: dt.date | None) -> dt.date:
    return month or programme_month(
        period_start=programme.period_start, period_end=programme.period_end, on=clock.today()
    )


@router.get("/{code}/coverage", response={200: CoverageSummaryOut, **ERRORS})
def coverage_summary(request: HttpRequest, code: str, filters: Query[CoverageFilter]):
    """Participants per coverage status in one month (covered, not due, in arrears, lapsed),
    as the contributions page counts them."""
    programme = contributions.programme_get(user=request.auth, code=code)
    summary = contributions.coverage_summary(
        user=request.auth,
        programme=programme,
        month=_month(programme, filters.month),
        on=clock.today(),
    )
    return {
        "programme": programme.code,
        "month": summary.month,
        "on": summary.on,
        "counts": summary.counts,
        "lapsed_ended": summary.lapsed_ended,
        "lapse_warnings": [
            {"lapses_on": d, "first_unpaid": f, "count": n} for d, f, n in summary.lapse_warnings
        ],
    }


@router.get("/{code}/coverage/workers", response={200: PagedCoverageRowOut, **ERRORS})
def coverage_workers(
    request: HttpRequest,
    code: str,
    filters: Query[CoverageListFilter],
    page: Query[LimitedPagination.Input],
):
    """Each participant's coverage status in one month, longest unpaid first."""
    programme = contributions.programme_get(user=request.auth, code=code)
    rows, to_row = contributions.coverage_list(
        user=request.auth,
        programme=programme,
        month=_month(programme, filters.month),
        unpaid_only=filters.unpaid,
        on=clock.today(),
    )
    items = []
    for enrolment, state in map(to_row, rows[page.offset : page.offset + page.limit]):
        items.append(
            CoverageRowOut(
                enrolment_id=enrolment.pk,
                worker_id=enrolment.worker_id,
                worker_name=enrolment.worker.name,
                village=enrolment.worker.village_id,
                kpj_number=enrolment.kpj_number,
                status=state.status,
                unpaid_months=state.unpaid_months,
                lapses_on=state.lapses_on,
            )
        )
    return {"items": items, "count": rows.count()}


class ValuePeriod(Schema):
    period_start: dt.date | None = Field(
        None, ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31), description="Bawaan: awal program"
    )
    period_end: dt.date | None = Field(
        None, ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31), description="Bawaan: akhir program"
    )


class ValueByTypeOut(Schema):
    claim_type: str
    claims: int
    amount: int


class ValueForBudgetOut(Schema):
    programme: str
    period_start: dt.date
    period_end: dt.date
    contributions_paid: int
    benefits_paid: int
    families: int
    claims_paid: int
    claims_open: int
    by_type: list[ValueByTypeOut]
    sentence: str


@router.get("/{code}/value-for-budget", response={200: ValueForBudgetOut, **ERRORS})
def value_for_budget(request: HttpRequest, code: str, period: Query[ValuePeriod]):
    """ "Rp X contributions paid → Rp Y benefits to N families" of one programme and period
    (claims.selectors.claims_value_for_budget, as the programme page shows it)."""
    from lindung.claims.selectors import claims_value_for_budget

    programme = contributions.programme_get(user=request.auth, code=code)
    v = claims_value_for_budget(
        user=request.auth,
        programme=programme,
        period_start=period.period_start,
        period_end=period.period_end,
    )
    return {
        "programme": programme.code,
        "period_start": v.period_start,
        "period_end": v.period_end,
        "contributions_paid": v.contributions_paid,
        "benefits_paid": v.benefits_paid,
        "families": v.families,
        "claims_paid": v.claims_paid,
        "claims_open": v.claims_open,
        "by_type": [{"claim_type": t, "claims": n, "amount": a} for t, n, a in v.by_type],
        "sentence": v.sentence,
    }

"""/programmes: funded programmes of the caller's region and the regions above it, created
and changed through the same services as the programme pages (`programme_create`,
`programme_update`), their budget lines (with the quota the budget affords, as the budget page
offers it), the month's bill generated in the background as on the contributions page, and
the coverage status of their participants (contributions)."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator, model_validator
from pydantic_core import PydanticCustomError

from lindung.accounts.permissions import Action
from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import (
    BillJobOut,
    BudgetLineAddedOut,
    BudgetLineIn,
    BudgetLineOut,
    CoverageRowOut,
    CoverageSummaryOut,
    PagedCoverageRowOut,
    ProgrammeOut,
)
from lindung.api.v1.common import ERRORS, ordered, require
from lindung.api.v1.contributions import bill_job_enqueue
from lindung.contributions import rules as contribution_rules
from lindung.contributions import selectors as contributions
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.forms import DATE_MAX, DATE_MIN, MonthField
from lindung.programs import selectors, services
from lindung.programs.models import Programme
from lindung.programs.rules import programme_month
from lindung.regions.models import Region
from lindung.registry.models import Occupation

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


# --- writing a programme: the programme form's fields and bounds (programs.forms.ProgrammeForm) --

CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"  # the form's SlugField; stored upper-case
MAX_QUOTA = 10_000_000
MAX_OCCUPATIONS = 200


def _required_text(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise PydanticCustomError("missing_value", _("Isian ini wajib diisi."))
    return value.strip() if value is not None else None


class ProgrammeIn(Schema):
    """A new programme. The sponsoring region is the caller's own province or regency (or,
    for a user with several, the one named in `region`)."""

    code: str = Field(
        ...,
        min_length=1,
        max_length=30,
        pattern=CODE_PATTERN,
        description="Kode unik: huruf, angka dan tanda hubung; disimpan dengan huruf besar",
        examples=["CONTOH-2027"],
    )
    name: str = Field(
        ..., min_length=1, max_length=200, examples=["Perlindungan pekerja rentan contoh 2027"]
    )
    region: str = Field(
        "",
        max_length=13,
        description="Kode wilayah penyelenggara (provinsi atau kabupaten/kota Anda sendiri); "
        "kosong: wilayah pengguna",
    )
    fiscal_year: int = Field(..., ge=2000, le=2100, examples=[2027])
    period_start: dt.date = Field(..., ge=DATE_MIN, le=DATE_MAX, examples=["2027-01-01"])
    period_end: dt.date = Field(..., ge=DATE_MIN, le=DATE_MAX, examples=["2027-12-31"])
    age_min: int = Field(..., ge=0, le=120, examples=[15])
    age_max: int = Field(..., ge=0, le=120, examples=[64])
    quota: int = Field(..., ge=0, le=MAX_QUOTA, examples=[1000])
    occupations: list[str] = Field(
        ...,
        min_length=1,
        max_length=MAX_OCCUPATIONS,
        description="Kode pekerjaan yang memenuhi syarat (daftar pekerjaan rentan)",
        examples=[["nelayan", "petani"]],
    )
    legal_basis: str = Field("", max_length=200, examples=["Peraturan Bupati Contoh 1/2027"])

    @field_validator("name")
    @classmethod
    def _name_required(cls, value: str) -> str:
        return _required_text(value) or ""


class ProgrammePatch(Schema):
    """Only the fields sent change (null: unchanged). The code, fiscal year and sponsoring
    region never change: bills, audit events and BPJS files name them."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    period_start: dt.date | None = Field(None, ge=DATE_MIN, le=DATE_MAX)
    period_end: dt.date | None = Field(None, ge=DATE_MIN, le=DATE_MAX)
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    quota: int | None = Field(None, ge=0, le=MAX_QUOTA, examples=[1200])
    occupations: list[str] | None = Field(None, min_length=1, max_length=MAX_OCCUPATIONS)
    legal_basis: str | None = Field(None, max_length=200)

    @field_validator("name")
    @classmethod
    def _name_required(cls, value: str | None) -> str | None:
        return _required_text(value)

    @model_validator(mode="before")
    @classmethod
    def _fixed_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and (
            fixed := sorted({"code", "fiscal_year", "region"} & set(data))
        ):
            raise PydanticCustomError(
                "field_fixed",
                # Formatted here: pydantic would read braces in the message as its own fields.
                _(
                    "%(fields)s program tidak dapat diubah (tagihan, jejak audit dan berkas BPJS "
                    "menyebutnya). Buat program baru bila perlu."
                )
                % {"fields": ", ".join(fixed)},
            )
        return data


def _occupations(codes: Iterable[str]) -> list[Occupation]:
    """The occupations named by code; an unknown code is a field error naming it."""
    wanted = {c.strip().lower() for c in codes}
    found = list(Occupation.objects.filter(code__in=wanted))
    unknown = sorted(wanted - {o.code for o in found})
    if unknown:
        raise ValidationFailed(
            [
                DomainError(
                    _(
                        "Pekerjaan %(codes)s tidak dikenal. Pakai kode dari daftar pekerjaan "
                        "rentan, mis. nelayan."
                    )
                    % {"codes": ", ".join(c[:40] for c in unknown[:5])},
                    code="occupation_unknown",
                    field="occupations",
                )
            ]
        )
    return found


def _sponsor(request: HttpRequest, code: str) -> Region:
    if not code:
        region = request.auth.region
        if region is None:
            raise ValidationFailed(
                [
                    DomainError(
                        _("Sebutkan wilayah penyelenggara (kode provinsi atau kabupaten/kota)."),
                        code="missing_value",
                        field="region",
                    )
                ]
            )
        return region
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationFailed(
            [
                DomainError(
                    _('Kode wilayah "%(code)s" tidak dikenal; tulis kode Kemendagri, mis. 64.01.')
                    % {"code": code[:13]},
                    code="region_unknown",
                    field="region",
                )
            ]
        )
    return region


def _programme_out(request: HttpRequest, programme: Programme) -> Programme:
    return (
        selectors.programme_list(user=request.auth)
        .prefetch_related("occupations")
        .get(pk=programme.pk)
    )


@router.post("", response={201: ProgrammeOut, **ERRORS})
def programme_create(request: HttpRequest, payload: ProgrammeIn):
    """Create a programme sponsored by the caller's own province or regency (the admin
    kabupaten/kota or provinsi), as the "Program baru" page does: the same checks and codes
    (`period_order`, `age_order`, `region_level`, 409 `programme_code_taken`)."""
    data = payload.dict()
    region = _sponsor(request, data.pop("region"))
    programme = services.programme_create(
        by=request.auth,
        region=region,
        **{**data, "code": data["code"].upper(), "occupations": _occupations(data["occupations"])},
    )
    return 201, _programme_out(request, programme)


@router.patch("/{code}", response={200: ProgrammeOut, **ERRORS})
def programme_update(request: HttpRequest, code: str, payload: ProgrammePatch):
    """Change a programme's settings, as its edit page does (`programme_update`): the period
    may not drop months participants hold (409 `period_cuts_enrolments`), the quota may not
    fall below the participants proposed or running (409 `quota_below_used`). To accept the
    quota a budget line offers, send only `quota`."""
    programme = selectors.programme_get(user=request.auth, code=code)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    current: dict[str, Any] = {
        f: getattr(programme, f)
        for f in (
            "name",
            "period_start",
            "period_end",
            "age_min",
            "age_max",
            "quota",
            "legal_basis",
        )
    }
    current["occupations"] = (
        _occupations(given.pop("occupations"))
        if "occupations" in given
        else list(programme.occupations.all())
    )
    services.programme_update(by=request.auth, programme=programme, **{**current, **given})
    return _programme_out(request, programme)


@router.get("", response={200: list[ProgrammeOut], **ERRORS})
@paginate(LimitedPagination)
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilter]):
    qs = selectors.programme_list(user=request.auth).prefetch_related("occupations")
    if filters.fiscal_year is not None:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    return (
        ordered(qs, filters.ordering, ORDERING)
        if filters.ordering
        else qs.order_by("-fiscal_year", "code")
    )


@router.get("/{code}", response={200: ProgrammeOut, **ERRORS})
def programme_detail(request: HttpRequest, code: str):
    return (
        selectors.programme_list(user=request.auth).prefetch_related("occupations").get(code=code)
    )


@router.get("/{code}/budget-lines", response={200: list[BudgetLineOut], **ERRORS})
@paginate(LimitedPagination)
def budget_line_list(request: HttpRequest, code: str):
    """The programme's budget lines: money, read by the roles with CONTRIBUTIONS_READ (403 for
    the village operator, as the contributions pages)."""
    require(request.auth, Action.CONTRIBUTIONS_READ)
    programme = selectors.programme_get(user=request.auth, code=code)
    return programme.budget_lines.order_by("date", "id")


@router.post("/{code}/budget-lines", response={201: BudgetLineAddedOut, **ERRORS})
def budget_line_add(request: HttpRequest, code: str, payload: BudgetLineIn):
    """Add a budget line (`budget_line_add`, the programme page's form). The answer says, as
    the budget page does, how many participants the whole budget now affords
    (`quota_affordable`, `contributions.rules.quota_for_budget`) and, when that differs from
    the quota, the quota to set (`quota_offer`: "Rp201.600.000 menanggung 1.000 peserta
    lagi … naikkan kuota?"). The quota never changes by itself: accept the offer with
    `PATCH /programmes/{code}` and `{"quota": N}`."""
    programme = selectors.programme_get(user=request.auth, code=code)
    line = services.budget_line_add(by=request.auth, programme=programme, **payload.dict())
    budget = contributions.budget_summary(user=request.auth, programme=programme, on=clock.today())
    offer = contributions.quota_offer(programme=programme, budget=budget)
    return 201, {
        "id": line.pk,
        "kind": line.kind,
        "amount": line.amount,
        "date": line.date,
        "document_ref": line.document_ref,
        "note": line.note,
        "budget_total": budget.budget,
        "premium": budget.premium,
        "months": budget.forecast.programme_months,
        "quota": programme.quota,
        "quota_affordable": contribution_rules.quota_for_budget(
            budget=budget.budget, premium=budget.premium, months=budget.forecast.programme_months
        ),
        "quota_offer": {"quota": offer.quota, "sentence": offer.sentence} if offer else None,
    }


class BillIn(Schema):
    month: str = Field(
        ...,
        max_length=7,
        description="Bulan iuran TTTT-BB (juga BB/TTTT), dalam masa program",
        examples=["2027-03"],
    )

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> dt.date:
        # The page's own field: the same formats, range and messages.
        try:
            month = MonthField().clean(value)
        except forms.ValidationError as e:
            raise PydanticCustomError(e.code or "month_invalid", " ".join(e.messages)) from e
        return month


@router.post("/{code}/bills", response={202: BillJobOut, **ERRORS})
def bill_generate(request: HttpRequest, response: HttpResponse, code: str, payload: BillIn):
    """Generate (or regenerate, while unpaid) the programme's bill of one month, as the
    contributions page does: checked at once (`bill_generate_check`: 403 unless the caller
    manages the programme, 422 `month_out_of_period`, 409 `bill_locked` for a paid month),
    then built by the task worker. The answer is 202 with the job; while `finished` is false,
    poll `Location` (`GET /bills/jobs/{task_id}`); once finished, `bill` holds the bill."""
    programme = contributions.programme_get(user=request.auth, code=code)
    return bill_job_enqueue(request, response, programme=programme, month=payload.month)


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

"""/claims: the claims register (JKK, JKM, scholarship) of workers inside the caller's region,
through `claims.selectors`; reporting, document uploads and each workflow step through
`claims.services` (which check the role and the region), and the calculation over given facts
of `lindung claims calculate` (`claims.calculator`)."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
import re
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lindung.accounts.permissions import Action
from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import ClaimOut, RejectIn
from lindung.api.v1.common import ERRORS, ordered, require
from lindung.claims import documents, rules, selectors, services
from lindung.claims.calculator import calculate
from lindung.claims.models import Claim
from lindung.core.errors import DomainError
from lindung.registry.selectors import worker_get

router = Router(tags=["claims"])

CLAIM_TYPES = Literal[
    "jkm", "jkk_medical", "jkk_stmb", "jkk_disability", "jkk_death", "scholarship"
]
CAUSES = Literal["", "jkm", "jkk_death", "jkk_disability"]
LEVELS = Literal["TK", "SD", "SMP", "SMA", "PT"]
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
ORDERING = {
    "reported_date": ("reported_date",),
    "event_date": ("event_date",),
    "amount": ("calculated_amount",),
}
DATES = {"ge": dt.date(1900, 1, 1), "le": dt.date(2100, 12, 31)}


class ClaimFilter(Schema):
    date_from: dt.date | None = Field(None, description="Peristiwa sejak", **DATES)
    date_to: dt.date | None = Field(None, description="Peristiwa sampai", **DATES)
    claim_type: Literal[
        "", "jkm", "jkk_medical", "jkk_stmb", "jkk_disability", "jkk_death", "scholarship"
    ] = ""
    status: Literal["", "dilaporkan", "dokumen_lengkap", "diajukan", "dibayar", "ditolak"] = ""
    district: str = Field("", max_length=13, description="Kode kecamatan")
    village: str = Field("", max_length=13, description="Kode desa/kelurahan")
    occupation: str = Field("", max_length=40, description="Kode pekerjaan")
    programme: str = Field("", max_length=30, description="Kode program")
    ordering: Literal[
        "", "reported_date", "-reported_date", "event_date", "-event_date", "amount", "-amount"
    ] = ""


@router.get("", response={200: list[ClaimOut], **ERRORS})
@paginate(LimitedPagination)
def claim_list(request: HttpRequest, filters: Query[ClaimFilter]):
    data = filters.dict()
    order = data.pop("ordering")
    return ordered(selectors.claim_list(user=request.auth, **data), order, ORDERING)


@router.get("/{int:claim_id}", response={200: ClaimOut, **ERRORS})
def claim_detail(request: HttpRequest, claim_id: int):
    return selectors.claim_get(user=request.auth, pk=claim_id)


# --- the calculation over given facts (the command line's `lindung claims calculate`) -------


class ChildAgeIn(Schema):
    level: LEVELS
    age: int = Field(..., ge=0, le=99)


class CalculateIn(Schema):
    claim_type: CLAIM_TYPES = Field(..., description="Jenis klaim (--type)")
    income: int = Field(..., gt=0, le=999_999_999_999, description="Penghasilan per bulan (Rp)")
    member_since: dt.date = Field(..., description="Tanggal terdaftar di BPJS", **DATES)
    event: dt.date = Field(..., description="Tanggal peristiwa", **DATES)
    reported: dt.date | None = Field(
        None, description="Tanggal dilaporkan (bawaan: hari ini)", **DATES
    )
    unpaid: list[str] = Field(
        [], max_length=600, description="Bulan yang iurannya belum dibayar, YYYY-MM"
    )
    lapsed_since: str | None = Field(
        None, pattern=MONTH, description="Bulan pertama kepesertaan putus, YYYY-MM"
    )
    stmb_months: int | None = Field(
        None, ge=0, le=9999, description="Lama tidak mampu bekerja (bulan)"
    )
    cause: CAUSES = Field("", description="Sebab beasiswa")
    children: list[ChildAgeIn] = Field([], max_length=20, description="Anak penerima beasiswa")
    contribution_years: int | None = Field(None, ge=0, le=9999, description="Masa iur (tahun)")


class BreakdownOut(Schema):
    item: str
    amount: int


class CalculateOut(Schema):
    eligible: bool
    code: str
    explanation: str
    breakdown: list[BreakdownOut]
    total: int


def _month(value: str, field: str) -> dt.date:
    if not re.fullmatch(MONTH.strip("^$"), value.strip()):
        raise DomainError(
            _("Bulan harus berbentuk YYYY-MM, bukan %(v)r.") % {"v": value},
            code="invalid_input",
            field=field,
        )
    return dt.date.fromisoformat(value.strip() + "-01")


@router.post("/calculate", response={200: CalculateOut, **ERRORS})
def claim_calculate(request: HttpRequest, payload: CalculateIn):
    """Eligibility and benefit over given facts, as `lindung claims calculate --json`: the same
    rules and benefit tables as the claim pages; nothing is stored. Codes: docs/claims.md."""
    outcome = calculate(
        claim_type=payload.claim_type,
        income=payload.income,
        member_since=payload.member_since,
        event=payload.event,
        reported=payload.reported,
        unpaid=[_month(m, "unpaid") for m in payload.unpaid],
        lapsed_since=_month(payload.lapsed_since, "lapsed_since") if payload.lapsed_since else None,
        stmb_months=payload.stmb_months,
        cause=payload.cause,
        children=[rules.Child(level=c.level, age=c.age) for c in payload.children],
        contribution_years=payload.contribution_years,
    )
    return outcome.as_dict()


# --- reporting and the workflow ---------------------------------------------------------------


class ChildIn(Schema):
    name: str = Field(..., max_length=100)
    birth_date: dt.date = Field(..., **DATES)
    level: LEVELS


class ClaimReportIn(Schema):
    worker_id: int = Field(..., ge=1, le=2**31 - 1)
    claim_type: CLAIM_TYPES
    event_date: dt.date = Field(..., **DATES)
    reported_date: dt.date | None = Field(None, description="Bawaan: hari ini", **DATES)
    description: str = Field("", max_length=2000, description="Apa yang terjadi")
    claimant_name: str = Field(..., max_length=100)
    claimant_relationship: Literal[
        "peserta", "pasangan", "anak", "orang_tua", "saudara", "cucu", "wali"
    ]
    claimant_nik: str = Field(..., max_length=20)
    bank_name: str = Field(..., max_length=60)
    bank_account: str = Field(..., max_length=30)
    cause: CAUSES = Field("", description="Sebab beasiswa")
    school_year: str = Field("", max_length=9, description="Tahun ajaran, mis. 2026/2027")
    stmb_months: int = Field(0, ge=0, le=999)
    medical_cost: int = Field(0, ge=0, le=999_999_999_999)
    prior_contribution_months: int = Field(0, ge=0, le=9999)
    children: list[ChildIn] = Field([], max_length=10)


class PayIn(Schema):
    amount: int = Field(..., gt=0, le=999_999_999_999, description="Jumlah dibayar BPJS (Rp)")
    paid_date: dt.date = Field(..., **DATES)
    bpjs_reference: str = Field("", max_length=40)


class SubmitIn(Schema):
    bpjs_reference: str = Field("", max_length=40)


class DocumentIn(Schema):
    kind: str = Field(..., max_length=40, description="Jenis dokumen dari daftar klaim")


class DocumentOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def _get(request: HttpRequest, claim_id: int) -> Claim:
    return selectors.claim_get(user=request.auth, pk=claim_id)


def _fresh(request: HttpRequest, claim: Claim) -> Claim:
    return selectors.claim_get(user=request.auth, pk=claim.pk)


@router.post("", response={201: ClaimOut, **ERRORS})
def claim_report(request: HttpRequest, payload: ClaimReportIn):
    """Report an event for a worker of the caller's region (operator desa of the village, or
    the Dinas): checked, calculated and recorded with its explanation."""
    require(request.auth, Action.CLAIM_REPORT)
    worker = worker_get(user=request.auth, pk=payload.worker_id)
    data = payload.dict()
    data.pop("worker_id")
    children = [services.ChildInput(**c) for c in data.pop("children")]
    claim = services.claim_report(by=request.auth, worker=worker, children=children, **data)
    return 201, _fresh(request, claim)


@router.post("/{int:claim_id}/documents", response={201: DocumentOut, **ERRORS})
def claim_document_add(
    request: HttpRequest, claim_id: int, data: Form[DocumentIn], file: File[UploadedFile]
):
    """Upload one checklist document (PDF, JPEG or PNG by content; size limit
    `CLAIM_DOCUMENT_MAX_MB`) while the claim is reported or its documents complete."""
    claim = _get(request, claim_id)
    require(request.auth, Action.CLAIM_REPORT)
    documents.check_size(file.size or 0)
    doc = services.claim_document_add(
        by=request.auth, claim=claim, kind=data.kind, content=file.read(), filename=file.name or ""
    )
    return 201, doc


@router.post("/{int:claim_id}/documents-complete", response={200: ClaimOut, **ERRORS})
def claim_documents_complete(request: HttpRequest, claim_id: int):
    claim = services.claim_documents_complete(by=request.auth, claim=_get(request, claim_id))
    return _fresh(request, claim)


@router.post("/{int:claim_id}/submit", response={200: ClaimOut, **ERRORS})
def claim_submit(request: HttpRequest, claim_id: int, payload: SubmitIn):
    claim = services.claim_submit(
        by=request.auth, claim=_get(request, claim_id), bpjs_reference=payload.bpjs_reference
    )
    return _fresh(request, claim)


@router.post("/{int:claim_id}/pay", response={200: ClaimOut, **ERRORS})
def claim_pay(request: HttpRequest, claim_id: int, payload: PayIn):
    claim = services.claim_pay(
        by=request.auth,
        claim=_get(request, claim_id),
        amount=payload.amount,
        paid_date=payload.paid_date,
        bpjs_reference=payload.bpjs_reference,
    )
    return _fresh(request, claim)


@router.post("/{int:claim_id}/reject", response={200: ClaimOut, **ERRORS})
def claim_reject(request: HttpRequest, claim_id: int, payload: RejectIn):
    claim = services.claim_reject(
        by=request.auth, claim=_get(request, claim_id), reason=payload.reason
    )
    return _fresh(request, claim)


@router.post("/{int:claim_id}/recheck", response={200: ClaimOut, **ERRORS})
def claim_recheck(request: HttpRequest, claim_id: int):
    claim = services.claim_recheck(by=request.auth, claim=_get(request, claim_id))
    return _fresh(request, claim)

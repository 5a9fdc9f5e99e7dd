"""/claims: the claims register (JKK, JKM, scholarship) of workers inside the caller's region,
through `claims.selectors`. Read-only in v1: reporting and the workflow steps need document
uploads and stay on the /klaim/ pages."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import ClaimOut
from lindung.api.v1.common import ERRORS, ordered
from lindung.claims import selectors

router = Router(tags=["claims"])

ORDERING = {"reported_date": ("reported_date",), "event_date": ("event_date",),
            "amount": ("calculated_amount",)}
DATES = {"ge": dt.date(1900, 1, 1), "le": dt.date(2100, 12, 31)}


class ClaimFilter(Schema):
    date_from: dt.date | None = Field(None, description="Peristiwa sejak", **DATES)
    date_to: dt.date | None = Field(None, description="Peristiwa sampai", **DATES)
    claim_type: Literal["", "jkm", "jkk_medical", "jkk_stmb", "jkk_disability", "jkk_death",
                        "scholarship"] = ""
    status: Literal["", "dilaporkan", "dokumen_lengkap", "diajukan", "dibayar", "ditolak"] = ""
    district: str = Field("", max_length=13, description="Kode kecamatan")
    village: str = Field("", max_length=13, description="Kode desa/kelurahan")
    occupation: str = Field("", max_length=40, description="Kode pekerjaan")
    programme: str = Field("", max_length=30, description="Kode program")
    ordering: Literal["", "reported_date", "-reported_date", "event_date", "-event_date",
                      "amount", "-amount"] = ""


@router.get("", response={200: list[ClaimOut], **ERRORS})
@paginate(LimitedPagination)
def claim_list(request: HttpRequest, filters: Query[ClaimFilter]):
    data = filters.dict()
    order = data.pop("ordering")
    return ordered(selectors.claim_list(user=request.auth, **data), order, ORDERING)


@router.get("/{int:claim_id}", response={200: ClaimOut, **ERRORS})
def claim_detail(request: HttpRequest, claim_id: int):
    return selectors.claim_get(user=request.auth, pk=claim_id)

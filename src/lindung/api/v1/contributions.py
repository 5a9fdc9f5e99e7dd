"""/bills and /payments: the monthly contribution bills and the SP2D payments of programmes
run inside the caller's region (the contributions app's selectors and services)."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import BillOut, PaymentIn, PaymentOut
from lindung.api.v1.common import ERRORS, ordered
from lindung.contributions import selectors, services
from lindung.programs.rules import month_start

bills = Router(tags=["bills"])
payments = Router(tags=["payments"])

BILL_ORDERING = {"month": ("month",), "total": ("total",), "programme": ("programme__code",)}
PAYMENT_ORDERING = {"paid_on": ("paid_on",), "amount": ("amount",)}


class BillFilter(Schema):
    programme: str = Field("", max_length=30, description="Kode program")
    month: dt.date | None = Field(
        None,
        ge=dt.date(1900, 1, 1),
        le=dt.date(2100, 12, 31),
        description="Tanggal mana pun di bulannya",
    )
    unpaid: bool = Field(False, description="Hanya tagihan yang belum lunas")
    ordering: Literal["", "month", "-month", "total", "-total", "programme", "-programme"] = ""


class PaymentFilter(Schema):
    programme: str = Field("", max_length=30, description="Kode program")
    ordering: Literal["", "paid_on", "-paid_on", "amount", "-amount"] = ""


def _programme(request: HttpRequest, code: str):
    return selectors.programme_get(user=request.auth, code=code) if code else None


@bills.get("", response={200: list[BillOut], **ERRORS})
@paginate(LimitedPagination)
def bill_list(request: HttpRequest, filters: Query[BillFilter]):
    programme = _programme(request, filters.programme)
    qs = (selectors.unpaid_bills if filters.unpaid else selectors.bill_list)(
        user=request.auth, programme=programme
    )
    if filters.month is not None:
        qs = qs.filter(month=month_start(filters.month))
    return ordered(qs, filters.ordering, BILL_ORDERING)


@bills.get("/{int:bill_id}", response={200: BillOut, **ERRORS})
def bill_detail(request: HttpRequest, bill_id: int):
    return selectors.bill_get(user=request.auth, pk=bill_id)


@payments.get("", response={200: list[PaymentOut], **ERRORS})
@paginate(LimitedPagination)
def payment_list(request: HttpRequest, filters: Query[PaymentFilter]):
    qs = selectors.payments_for(user=request.auth, programme=_programme(request, filters.programme))
    return ordered(qs.order_by("-paid_on", "-id"), filters.ordering, PAYMENT_ORDERING)


@payments.get("/{int:payment_id}", response={200: PaymentOut, **ERRORS})
def payment_detail(request: HttpRequest, payment_id: int):
    return selectors.payments_for(user=request.auth).get(pk=payment_id)


@payments.post("", response={201: PaymentOut, **ERRORS})
def payment_create(request: HttpRequest, payload: PaymentIn):
    """Record a transfer (SP2D) for 1, 3, 6 or 12 months from `first_month`; it is allocated to
    those months' bills (generated when missing), oldest first."""
    data = payload.dict()
    programme = selectors.programme_get(user=request.auth, code=data.pop("programme"))
    payment = services.payment_record(by=request.auth, programme=programme, **data)
    return 201, selectors.payments_for(user=request.auth).get(pk=payment.pk)

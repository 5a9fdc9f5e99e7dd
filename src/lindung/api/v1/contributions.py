"""/bills and /payments: the monthly contribution bills and the SP2D payments of programmes
run inside the caller's region (the contributions app's selectors and services).

A month's bill is generated in the background, as on the contributions page
(`POST /programmes/{code}/bills` checks at once and queues `bill_generate_task`); its job is
read here (`GET /bills/jobs/{task_id}`) until it has finished."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from lindung.accounts.permissions import Action
from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import MAX_AMOUNT, BillJobOut, BillOut, PaymentIn, PaymentOut
from lindung.api.v1.common import ERRORS, ordered, require
from lindung.contributions import selectors, services
from lindung.contributions.models import Bill
from lindung.contributions.tasks import bill_generate_task
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.formatting import bulan, rupiah, thousands
from lindung.programs.models import Programme
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


@bills.get("/{int:bill_id}", response={200: BillOut, **ERRORS}, url_name="bill_detail")
def bill_detail(request: HttpRequest, bill_id: int):
    return selectors.bill_get(user=request.auth, pk=bill_id)


class AdjustmentIn(Schema):
    amount: int = Field(
        ...,
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        description="Rupiah; negatif untuk pengurangan (kelebihan tagih)",
        examples=[16800],
    )
    reason: str = Field(..., min_length=1, max_length=250, examples=["Peserta terlewat"])
    kpj_number: str = Field(
        "", max_length=20, description="KPJ peserta, bila penyesuaian untuk satu peserta"
    )


@bills.post("/{int:bill_id}/adjustments", response={201: BillOut, **ERRORS})
def bill_adjust(request: HttpRequest, bill_id: int, payload: AdjustmentIn):
    """Correct a paid (locked) bill with an adjustment line, as the bill page does
    (`bill_adjust`): a worker or an amount missed (positive) or a credit (negative). An unpaid
    bill is corrected by generating it again (409 `bill_not_locked`). Answers the bill with
    its new totals."""
    require(request.auth, Action.PROGRAMME_MANAGE)  # a reader's refusal comes first
    bill = selectors.bill_get(user=request.auth, pk=bill_id)
    enrolment = None
    if payload.kpj_number.strip():
        enrolment = selectors.enrolment_by_kpj(
            user=request.auth, programme=bill.programme, kpj_number=payload.kpj_number
        )
        if enrolment is None:
            raise ValidationFailed(
                [
                    DomainError(
                        _("Peserta dengan KPJ ini tidak ada di program."),
                        code="kpj_unmatched",
                        field="kpj_number",
                    )
                ]
            )
    services.bill_adjust(
        by=request.auth,
        bill=bill,
        enrolment=enrolment,
        amount=payload.amount,
        reason=payload.reason,
    )
    return 201, selectors.bill_get(user=request.auth, pk=bill.pk)


# --- bill jobs ---------------------------------------------------------------------------------

JOB_STATUS = {
    TaskResultStatus.READY: "antri",
    TaskResultStatus.RUNNING: "berjalan",
    TaskResultStatus.SUCCESSFUL: "selesai",
    TaskResultStatus.FAILED: "gagal",
}


def _bill_job(request: HttpRequest, result: TaskResult, programme: Programme) -> dict[str, Any]:
    month = dt.date.fromisoformat(result.kwargs["month"])
    bill = None
    if result.status == TaskResultStatus.SUCCESSFUL:
        bill = selectors.bills_for(user=request.auth).filter(pk=result.return_value["bill_id"])
        bill = bill.first()
    if bill is not None:
        message = _("Tagihan %(month)s dibuat: %(n)s peserta, %(total)s.") % {
            "month": bulan(month),
            "n": thousands(bill.line_count),
            "total": rupiah(bill.total),
        }
    elif result.status == TaskResultStatus.FAILED:
        message = _(
            "Tagihan %(month)s gagal dibuat. Periksa bulannya di halaman iuran program, lalu "
            "coba lagi."
        ) % {"month": bulan(month)}
    else:
        message = _("Tagihan %(month)s sedang dibuat di latar belakang.") % {"month": bulan(month)}
    return {
        "id": str(result.id),
        "status": JOB_STATUS.get(result.status, "antri"),
        "finished": result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED),
        "programme": programme.code,
        "month": month,
        "bill": bill,
        "message": message,
    }


def bill_job_enqueue(
    request: HttpRequest, response: HttpResponse, *, programme: Programme, month: dt.date
) -> tuple[int, dict[str, Any]]:
    """Check at once what the task would refuse (`bill_generate_check`), then queue the bill
    as the contributions page does: 202 with the job. `Location` is the job to poll while it
    runs; the bill itself once it has finished (a backend that runs tasks at once)."""
    month = services.bill_generate_check(by=request.auth, programme=programme, month=month)
    result = bill_generate_task.enqueue(
        programme_id=programme.pk, month=month.isoformat(), user_id=request.auth.pk
    )
    job = _bill_job(request, result, programme)
    if job["bill"] is not None:
        response["Location"] = reverse("api:bill_detail", args=[job["bill"].pk])
    elif not job["finished"]:
        response["Location"] = reverse("api:bill_job", args=[job["id"]])
        response["Retry-After"] = "5"
    return 202, job


@bills.get("/jobs/{task_id}", response={200: BillJobOut, **ERRORS}, url_name="bill_job")
def bill_job(
    request: HttpRequest,
    response: HttpResponse,
    task_id: str = Path(..., max_length=64, pattern=r"^[-0-9A-Za-z]+$"),
):
    """A bill job queued by `POST /programmes/{code}/bills`: poll while `finished` is false
    (`Retry-After` says when); then `bill` holds the bill (or `status` is `gagal`). A job of
    a programme outside the caller's region is not found."""
    try:
        result = bill_generate_task.get_result(task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch, NotImplementedError) as e:
        # NotImplementedError: a backend that keeps no results (it ran the task at once).
        raise Bill.DoesNotExist from e
    programme = selectors.programmes_for(user=request.auth).get(pk=result.kwargs["programme_id"])
    job = _bill_job(request, result, programme)
    if not job["finished"]:
        response["Retry-After"] = "5"
    return job


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

"""/enrolments: proposals and the enrolment lifecycle, each step one service call (which
returns the enrolment as saved, with its worker and programme), a bulk step for many, and
the month-by-month coverage of one enrolment."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.accounts.permissions import Action
from lindung.api.errors import not_found_message
from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import (
    BulkTransitionIn,
    BulkTransitionOut,
    CoverageMonthOut,
    EndIn,
    EnrolmentOut,
    ProposeManyIn,
    RegisterIn,
    RejectIn,
)
from lindung.api.v1.common import ERRORS, ordered, require
from lindung.contributions.selectors import worker_coverage
from lindung.core import clock
from lindung.programs import selectors, services
from lindung.programs.models import Enrolment
from lindung.registry.selectors import worker_get

router = Router(tags=["enrolments"])

ORDERING = {
    "proposed_at": ("proposed_at",),
    "status": ("status",),
    "name": ("worker__name",),
    "id": ("id",),
}
BULK_ACTIONS = {"verify": Action.ENROLMENT_VERIFY, "activate": Action.ENROLMENT_REGISTER}


class EnrolmentFilter(Schema):
    programme: str = Field("", max_length=30, description="Kode program")
    status: Literal[
        "", "menunggu", "diusulkan", "diverifikasi", "terdaftar", "aktif", "berakhir", "ditolak"
    ] = ""
    q: str = Field("", max_length=100, description="Nama, atau awal NIK")
    reverify: bool = Field(
        False,
        description=(
            "true: hanya kepesertaan yang menunggu verifikasi ulang setelah NIK/tanggal lahir "
            "pekerjanya dikoreksi"
        ),
    )
    ordering: Literal[
        "", "proposed_at", "-proposed_at", "status", "-status", "name", "-name", "id", "-id"
    ] = ""


def _get(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get(user=request.auth, pk=enrolment_id)


@router.get("", response={200: list[EnrolmentOut], **ERRORS})
@paginate(LimitedPagination)
def enrolment_list(request: HttpRequest, filters: Query[EnrolmentFilter]):
    programme = (
        selectors.programme_get(user=request.auth, code=filters.programme)
        if filters.programme
        else None
    )
    qs = selectors.enrolment_list(
        user=request.auth,
        programme=programme,
        status=filters.status,
        q=filters.q,
        reverify=filters.reverify,
    )
    return ordered(qs, filters.ordering, ORDERING)


@router.get("/{int:enrolment_id}", response={200: EnrolmentOut, **ERRORS})
def enrolment_detail(request: HttpRequest, enrolment_id: int):
    return _get(request, enrolment_id)


@router.post("", response={201: EnrolmentOut, **ERRORS})
def enrolment_propose(request: HttpRequest, payload: ProposeManyIn):
    """Propose a worker to a programme. With `waitlist`, a proposal beyond the quota joins the
    programme's waiting list (status `menunggu`) instead of being refused (409
    `quota_exceeded`)."""
    programme = selectors.programme_get(user=request.auth, code=payload.programme)
    worker = worker_get(user=request.auth, pk=payload.worker_id)
    enrolment = services.enrolment_propose(
        programme=programme, worker=worker, by=request.auth, waitlist=payload.waitlist
    )
    return 201, selectors.enrolment_get(user=request.auth, pk=enrolment.pk)


@router.post("/bulk", response={200: BulkTransitionOut, **ERRORS})
def enrolment_bulk(request: HttpRequest, payload: BulkTransitionIn):
    """Verify or activate many enrolments at once (a village's list). Each is its own
    transaction: the answer says how many were done and why each of the others was not."""
    require(request.auth, BULK_ACTIONS[payload.action])
    asked = list(dict.fromkeys(payload.enrolment_ids))
    # Only enrolments inside the caller's region reach the service: the problems it reports
    # name the worker, and an id outside the region is simply not found.
    visible = set(
        selectors.enrolments_for(user=request.auth)
        .filter(pk__in=asked)
        .values_list("pk", flat=True)
    )
    done, problems = services.enrolments_transition_many(
        enrolment_ids=[pk for pk in asked if pk in visible], by=request.auth, action=payload.action
    )
    missing = [
        {
            "code": "not_found",
            "field": "enrolment_ids",
            "message": _("Kepesertaan #%(id)s: %(msg)s") % {"id": pk, "msg": not_found_message()},
        }
        for pk in asked
        if pk not in visible
    ]
    return {"done": done, "problems": [p.as_dict() for p in problems] + missing}


@router.post("/{int:enrolment_id}/verify", response={200: EnrolmentOut, **ERRORS})
def enrolment_verify(request: HttpRequest, enrolment_id: int):
    return services.enrolment_verify(enrolment=_get(request, enrolment_id), by=request.auth)


@router.post("/{int:enrolment_id}/reject", response={200: EnrolmentOut, **ERRORS})
def enrolment_reject(request: HttpRequest, enrolment_id: int, payload: RejectIn):
    return services.enrolment_reject(
        enrolment=_get(request, enrolment_id), by=request.auth, reason=payload.reason
    )


@router.post("/{int:enrolment_id}/register", response={200: EnrolmentOut, **ERRORS})
def enrolment_register(request: HttpRequest, enrolment_id: int, payload: RegisterIn):
    return services.enrolment_register(
        enrolment=_get(request, enrolment_id),
        by=request.auth,
        kpj_number=payload.kpj_number,
        registration_date=payload.registration_date,
    )


@router.post("/{int:enrolment_id}/activate", response={200: EnrolmentOut, **ERRORS})
def enrolment_activate(request: HttpRequest, enrolment_id: int):
    return services.enrolment_activate(enrolment=_get(request, enrolment_id), by=request.auth)


@router.post("/{int:enrolment_id}/end", response={200: EnrolmentOut, **ERRORS})
def enrolment_end(request: HttpRequest, enrolment_id: int, payload: EndIn):
    return services.enrolment_end(
        enrolment=_get(request, enrolment_id),
        by=request.auth,
        reason=payload.reason,
        end_date=payload.end_date,
    )


@router.post("/{int:enrolment_id}/reverify", response={200: EnrolmentOut, **ERRORS})
def enrolment_reverify(request: HttpRequest, enrolment_id: int):
    """Verify again an enrolment whose worker's NIK or birth date was corrected
    (`reverify_since` set): the programme's eligibility rules run on the corrected data (the
    age on the day of the proposal). Eligible: the flag is cleared and the enrolment returned,
    its status unchanged. Not eligible: 422 with every problem (e.g. `age_out_of_range`)
    followed by `reverify_refused`, which says to reject or end the enrolment. Not waiting
    for re-verification: 409 `reverify_not_needed`. For the role that verifies (the Dinas)."""
    require(request.auth, Action.ENROLMENT_VERIFY)
    return services.enrolment_reverify(enrolment=_get(request, enrolment_id), by=request.auth)


@router.get("/{int:enrolment_id}/coverage", response={200: list[CoverageMonthOut], **ERRORS})
def enrolment_coverage(request: HttpRequest, enrolment_id: int):
    """Month by month: paid, not yet due, in arrears or lapsed, from the first covered month
    to today (or the enrolment's end)."""
    enrolment = _get(request, enrolment_id)
    return [
        {
            "month": month,
            "status": state.status,
            "unpaid_months": state.unpaid_months,
            "lapses_on": state.lapses_on,
        }
        for month, state in worker_coverage(
            user=request.auth, enrolment=enrolment, on=clock.today()
        )
    ]

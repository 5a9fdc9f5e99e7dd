"""/api/enrolments: proposals and the enrolment lifecycle, each step one service call (which
returns the enrolment as saved, with its worker and programme)."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import EndIn, EnrolmentOut, Error, ProposeIn, RegisterIn, RejectIn
from lindung.programs import selectors, services
from lindung.programs.models import Enrolment
from lindung.registry.selectors import worker_get

router = Router(tags=["enrolments"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class EnrolmentFilter(Schema):
    programme: str = ""
    status: str = ""
    q: str = ""


def _get(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return selectors.enrolment_get(user=request.auth, pk=enrolment_id)


@router.get("", response=list[EnrolmentOut])
@paginate(LimitedPagination)
def enrolment_list(request: HttpRequest, filters: Query[EnrolmentFilter]):
    programme = (selectors.programme_get(user=request.auth, code=filters.programme)
                 if filters.programme else None)
    return selectors.enrolment_list(user=request.auth, programme=programme,
                                    status=filters.status, q=filters.q)


@router.get("/{int:enrolment_id}", response={200: EnrolmentOut, **ERRORS})
def enrolment_detail(request: HttpRequest, enrolment_id: int):
    return _get(request, enrolment_id)


@router.post("", response={201: EnrolmentOut, **ERRORS})
def enrolment_propose(request: HttpRequest, payload: ProposeIn):
    programme = selectors.programme_get(user=request.auth, code=payload.programme)
    worker = worker_get(user=request.auth, pk=payload.worker_id)
    enrolment = services.enrolment_propose(programme=programme, worker=worker, by=request.auth)
    return 201, enrolment


@router.post("/{int:enrolment_id}/verify", response={200: EnrolmentOut, **ERRORS})
def enrolment_verify(request: HttpRequest, enrolment_id: int):
    e = services.enrolment_verify(enrolment=_get(request, enrolment_id), by=request.auth)
    return e


@router.post("/{int:enrolment_id}/reject", response={200: EnrolmentOut, **ERRORS})
def enrolment_reject(request: HttpRequest, enrolment_id: int, payload: RejectIn):
    e = services.enrolment_reject(enrolment=_get(request, enrolment_id), by=request.auth,
                                  reason=payload.reason)
    return e


@router.post("/{int:enrolment_id}/register", response={200: EnrolmentOut, **ERRORS})
def enrolment_register(request: HttpRequest, enrolment_id: int, payload: RegisterIn):
    e = services.enrolment_register(enrolment=_get(request, enrolment_id), by=request.auth,
                                    kpj_number=payload.kpj_number,
                                    registration_date=payload.registration_date)
    return e


@router.post("/{int:enrolment_id}/activate", response={200: EnrolmentOut, **ERRORS})
def enrolment_activate(request: HttpRequest, enrolment_id: int):
    e = services.enrolment_activate(enrolment=_get(request, enrolment_id), by=request.auth)
    return e


@router.post("/{int:enrolment_id}/end", response={200: EnrolmentOut, **ERRORS})
def enrolment_end(request: HttpRequest, enrolment_id: int, payload: EndIn):
    e = services.enrolment_end(enrolment=_get(request, enrolment_id), by=request.auth,
                               reason=payload.reason, end_date=payload.end_date)
    return e

"""/api/workers: the worker registry, read and written through its selectors and services."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import Error, WorkerIn, WorkerOut, WorkerPatch
from lindung.regions.models import Region
from lindung.registry import selectors, services
from lindung.registry.models import Occupation, Worker

router = Router(tags=["workers"])
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


class WorkerFilter(Schema):
    q: str = ""
    district: str = ""
    village: str = ""
    occupation: str = ""
    status: str = ""


def _references(data: dict) -> dict:
    """Codes in the request -> the objects the service expects; an unknown code becomes None
    so the service reports it as a field error."""
    if "village" in data:
        data["village"] = Region.objects.filter(code=data["village"]).first()
    if "occupation" in data:
        data["occupation"] = Occupation.objects.filter(code=data["occupation"]).first()
    return data


@router.get("", response=list[WorkerOut])
@paginate(LimitedPagination)
def worker_list(request: HttpRequest, filters: Query[WorkerFilter]):
    return selectors.worker_list(user=request.auth, **filters.dict())


@router.get("/{int:worker_id}", response={200: WorkerOut, **ERRORS})
def worker_detail(request: HttpRequest, worker_id: int) -> Worker:
    return selectors.worker_get(user=request.auth, pk=worker_id)


@router.post("", response={201: WorkerOut, **ERRORS})
def worker_create(request: HttpRequest, payload: WorkerIn):
    worker = services.worker_create(by=request.auth, **_references(payload.dict()))
    return 201, selectors.worker_get(user=request.auth, pk=worker.pk)


@router.patch("/{int:worker_id}", response={200: WorkerOut, **ERRORS})
def worker_update(request: HttpRequest, worker_id: int, payload: WorkerPatch) -> Worker:
    worker = selectors.worker_get(user=request.auth, pk=worker_id)
    services.worker_update(worker=worker, by=request.auth,
                           **_references(payload.dict(exclude_unset=True)))
    return selectors.worker_get(user=request.auth, pk=worker_id)

"""/workers: the worker registry, read and written through its selectors and services."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import EnrolmentOut, WorkerIn, WorkerOut, WorkerPatch
from lindung.api.v1.common import ERRORS, ordered
from lindung.programs.selectors import enrolments_for
from lindung.registry import selectors, services
from lindung.registry.models import Worker

router = Router(tags=["workers"])

ORDERING = {
    "name": ("name",),
    "birth_date": ("birth_date",),
    "village": ("village_id",),
    "id": ("id",),
}


class WorkerFilter(Schema):
    q: str = Field("", max_length=100, description="Nama, atau awal NIK (≥ 6 angka)")
    district: str = Field("", max_length=13, description="Kode kecamatan, mis. 64.01.01")
    village: str = Field("", max_length=13, description="Kode desa/kelurahan")
    occupation: str = Field("", max_length=40, description="Kode pekerjaan")
    status: Literal["", "aktif", "meninggal", "pindah", "nonaktif", "penerima_upah"] = ""
    ordering: Literal[
        "", "name", "-name", "birth_date", "-birth_date", "village", "-village", "id", "-id"
    ] = ""


def _references(data: dict) -> dict:
    """The request as the registry's write path takes it: village and occupation stay codes,
    read by the same field rules as the form and the import (an unknown code is
    `village_unknown` / `occupation_not_eligible`, naming the code)."""
    return data


@router.get("", response={200: list[WorkerOut], **ERRORS})
@paginate(LimitedPagination)
def worker_list(request: HttpRequest, filters: Query[WorkerFilter]):
    data = filters.dict()
    order = data.pop("ordering")
    return ordered(selectors.worker_list(user=request.auth, **data), order, ORDERING)


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
    data = payload.dict(exclude_unset=True)
    reason = data.pop("correction_reason", None) or ""
    services.worker_update(
        worker=worker, by=request.auth, correction_reason=reason, **_references(data)
    )
    return selectors.worker_get(user=request.auth, pk=worker_id)


@router.get("/{int:worker_id}/enrolments", response={200: list[EnrolmentOut], **ERRORS})
@paginate(LimitedPagination)
def worker_enrolments(request: HttpRequest, worker_id: int):
    worker = selectors.worker_get(user=request.auth, pk=worker_id)
    return (
        enrolments_for(user=request.auth)
        .filter(worker=worker)
        .select_related("worker", "programme")
        .order_by("-proposed_at", "-id")
    )

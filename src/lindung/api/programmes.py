"""/api/programmes: funded programmes of the user's region and the regions above it."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from django.http import HttpRequest
from ninja import Router

from lindung.api.schemas import Error, ProgrammeOut
from lindung.programs import selectors

router = Router(tags=["programmes"])


@router.get("", response=list[ProgrammeOut])
def programme_list(request: HttpRequest):
    return selectors.programme_list(user=request.auth)


@router.get("/{code}", response={200: ProgrammeOut, 401: Error, 404: Error})
def programme_detail(request: HttpRequest, code: str):
    return selectors.programme_list(user=request.auth).get(code=code)

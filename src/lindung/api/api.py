"""The REST API (django-ninja), version 1: one router per resource (`api.v1`), bearer tokens
tried before the browser session (`api.security`), one error body for every failure
(`api.errors`).

Views are thin: they call the apps' selectors and services, which enforce the region scope. A
record outside the user's region is 404 (selectors never find it), a step the role may not take
is 403 (ScopeDenied); the status of every other refusal follows from its code
(`api.errors.status_for`).
"""

from __future__ import annotations

from ninja import NinjaAPI

from lindung.api import errors
from lindung.api.docs import LocalSwagger
from lindung.api.security import ApiTokenAuth, SessionAuth
from lindung.api.v1 import (
    claims,
    contributions,
    enrolments,
    imports,
    indicators,
    programmes,
    workers,
)

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description=(
        "Registri pekerja rentan dan kepesertaan BPJS Ketenagakerjaan yang dibiayai APBD. Setiap "
        "data dibatasi wilayah kewenangan pengguna. Autentikasi: token API "
        "(`Authorization: Bearer <token>`, tanpa CSRF) atau sesi peramban (dengan header "
        "X-CSRFToken untuk perubahan). Setiap kesalahan berbentuk "
        '`{"code", "message", "field", "errors"}`; panduan lengkap: docs/api.md.'
    ),
    # The token first: a request carrying one is never judged by a session cookie (and its
    # CSRF check) it may also carry.
    auth=[ApiTokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs=LocalSwagger(),
)
api.add_router("/workers", workers.router)
api.add_router("/programmes", programmes.router)
api.add_router("/enrolments", enrolments.router)
api.add_router("/imports", imports.router)
api.add_router("/bpjs", imports.bpjs_router)
api.add_router("/bills", contributions.bills)
api.add_router("/payments", contributions.payments)
api.add_router("/indicators", indicators.router)
api.add_router("/claims", claims.router)
errors.install(api)

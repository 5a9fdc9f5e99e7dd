"""The REST API (django-ninja): one router per app, session auth (and bearer tokens), domain
errors translated to JSON `{"code", "message", "field"}`.

Views are thin: they call the apps' selectors and services, which enforce the region scope. A
record outside the user's region is 404 (selectors never find it), a step the role may not take
is 403 (ScopeDenied), any other domain error 400, field problems 422.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from lindung.api import enrolments, programmes, workers
from lindung.api.docs import LocalSwagger
from lindung.api.security import ApiTokenAuth
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.core.middleware import logger, out_of_range_field, out_of_range_message

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description=("Registri pekerja rentan dan kepesertaan BPJS Ketenagakerjaan yang dibiayai "
                 "APBD. Setiap data dibatasi wilayah kewenangan pengguna."),
    auth=[django_auth, ApiTokenAuth()],
    urls_namespace="api",
    docs=LocalSwagger(),
)
api.add_router("/workers", workers.router)
api.add_router("/programmes", programmes.router)
api.add_router("/enrolments", enrolments.router)


def _error(request: HttpRequest, status: int, code: str, message: str,
           field: str | None = None, errors: list | None = None) -> HttpResponse:
    body = {"code": code, "message": message, "field": field}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationFailed)
def _validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return _error(request, 422, exc.code, exc.message, exc.field,
                  [e.as_dict() for e in exc.errors])


@api.exception_handler(ScopeDenied)
def _scope_denied(request: HttpRequest, exc: ScopeDenied) -> HttpResponse:
    return _error(request, 403, exc.code, exc.message, exc.field)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    # Field errors from rules (a KPJ of the wrong length) are input problems: 422.
    return _error(request, 422 if exc.field else 400, exc.code, exc.message, exc.field)


@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Outside the user's region and absent look the same: no hint that a record exists.
    return _error(request, 404, "not_found", _("Data tidak ditemukan."))


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _not_found(request, exc)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A value the database cannot hold (an integer beyond 64 bits) that no schema caught: the
    # caller's input, a 400 (logged, so the missing check gets added), never a 500. NUL bytes
    # are refused before, by core.middleware.HostileInputMiddleware.
    logger.warning("Value out of range in API %s %s", request.method, request.path,
                   exc_info=exc)
    field = out_of_range_field(request)
    return _error(request, 400, "out_of_range", out_of_range_message(field), field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthenticated",
                  _("Masuk terlebih dahulu atau kirim token API yang sah."))


def _field(loc: object) -> str | None:
    """('body', 'payload', 'birth_date') -> 'birth_date'."""
    parts = [str(p) for p in (loc or ()) if p not in ("body", "payload", "query", "filters")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [{"code": e.get("type", "invalid_input"), "message": e.get("msg", ""),
               "field": _field(e.get("loc"))} for e in exc.errors]
    first = errors[0] if errors else {"message": _("Data tidak sah."), "field": None}
    return _error(request, 422, "invalid_input", first["message"], first["field"], errors)

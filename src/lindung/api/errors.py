"""One error body for every answer of the API that is not a success (issue 15).

    {"code": "already_enrolled", "message": "…", "field": "nik",
     "errors": [{"code": "already_enrolled", "message": "…", "field": "nik"}]}

`code` is the stable code of the first problem (the same codes as forms and imports),
`message` its Indonesian sentence, `field` the input it is about (or null) and `errors` every
problem found (one or more for 409/422, empty when there is nothing more to say).

The HTTP status is a function of `code` alone (`status_for`), so a client can branch on either
and the same code never comes back with two statuses (a race used to turn `already_enrolled`
from 422 into 400):

- 401 `unauthenticated`; 403 every refusal of role or region (`ScopeDenied`: `scope_denied`,
  `token_read_only`, …) and `csrf_failed`; 404 `not_found` (outside the caller's region looks
  the same as absent); 405 `method_not_allowed`; 429 `rate_limited`; 500 `server_error`.
- 409 the request is valid but conflicts with data already stored (`CONFLICT`: a transition
  from the wrong status, a NIK or KPJ already taken, a worker already enrolled for those
  months, a full quota, a paid bill, the same file already being imported, no verified
  enrolment left to send in a BPJS batch, a worker held by an undecided possible-duplicate
  pair, an enrolment no longer waiting for re-verification).
- 422 every other domain refusal and every malformed field (`invalid_input`).
- 400 `out_of_range` (a number the database cannot hold) and, from `core.middleware` before
  the API runs, a NUL byte anywhere in the request (code `invalid_input`: the one code with
  two statuses, documented in docs/api.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.core.middleware import out_of_range_field, out_of_range_message

logger = logging.getLogger("lindung.api")

# The request is well formed and passes the rules, but the data already stored says no.
CONFLICT = frozenset(
    {
        "transition_invalid",
        "transition_refused",
        "already_enrolled",
        "already_waiting",
        "already_decided",
        "quota_exceeded",
        "nik_duplicate",
        "kpj_taken",
        "programme_code_taken",
        "reference_taken",
        "bill_locked",
        "bill_not_locked",
        "import_in_progress",
        "import_conflict",
        "merge_conflict",
        "quota_below_used",
        "period_cuts_enrolments",
        "batch_empty",
        "duplicate_pending",
        "reverify_not_needed",
    }
)
STATUS = {
    "out_of_range": 400,
    "unauthenticated": 401,
    "scope_denied": 403,
    "token_read_only": 403,
    "token_not_yours": 403,
    "csrf_failed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "rate_limited": 429,
    "server_error": 500,
    **dict.fromkeys(CONFLICT, 409),
}
DEFAULT_STATUS = 422


def status_for(code: str) -> int:
    """The HTTP status of an error code (422 for every code not listed)."""
    return STATUS.get(code, DEFAULT_STATUS)


class RateLimited(Exception):
    """Too many requests with one token in the current window; retry after `wait` seconds."""

    def __init__(self, wait: int, limit: int) -> None:
        super().__init__(wait, limit)
        self.wait = wait
        self.limit = limit


def body(
    code: str, message: str, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "code": code,
        "message": str(message),
        "field": field,
        "errors": errors if errors is not None else [],
    }


def json_error(
    code: str,
    message: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    status: int | None = None,
) -> JsonResponse:
    """The error body as a plain Django response (outside ninja: unknown URLs, 405, 500)."""
    return JsonResponse(
        body(code, message, field, errors),
        status=status or status_for(code),
        json_dumps_params={"ensure_ascii": False},
    )


def not_found_message() -> str:
    return _("Data tidak ditemukan.")


def _field(loc: object) -> str | None:
    """('body', 'payload', 'birth_date') -> 'birth_date'."""
    parts = [
        str(p)
        for p in (loc or ())
        if p not in ("body", "payload", "query", "filters", "form", "file", "path")
    ]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every exception under the API into the error body."""

    def respond(
        request: HttpRequest,
        code: str,
        message: str,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> HttpResponse:
        return api.create_response(
            request, body(code, message, field, errors), status=status_for(code)
        )

    @api.exception_handler(ScopeDenied)
    def _scope_denied(request: HttpRequest, exc: ScopeDenied) -> HttpResponse:
        # Every refusal of role or region is a 403 whatever its code.
        return api.create_response(
            request, body(exc.code, exc.message, exc.field, [exc.as_dict()]), status=403
        )

    @api.exception_handler(ValidationFailed)
    def _validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
        return respond(request, exc.code, exc.message, exc.field, [e.as_dict() for e in exc.errors])

    @api.exception_handler(DomainError)
    def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.code, exc.message, exc.field, [exc.as_dict()])

    @api.exception_handler(ObjectDoesNotExist)
    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Outside the user's region and absent look the same: no hint that a record exists.
        return respond(request, "not_found", not_found_message())

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(
            request,
            "unauthenticated",
            _(
                "Masuk terlebih dahulu atau kirim token API yang sah "
                "(Authorization: Bearer <token>)."
            ),
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403:  # ninja's session authentication: the CSRF check failed
            return respond(
                request,
                "csrf_failed",
                _(
                    "Pemeriksaan CSRF gagal. Peramban: kirim header X-CSRFToken berisi cookie "
                    "csrftoken. Skrip dan sistem lain: pakai token API (Authorization: Bearer), "
                    "yang tidak memerlukan CSRF."
                ),
            )
        code = {
            401: "unauthenticated",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }.get(exc.status_code, "invalid_input")
        return respond(request, code, exc.message)

    @api.exception_handler(RateLimited)
    def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(
            request,
            "rate_limited",
            _(
                "Terlalu banyak permintaan dengan token ini (batas %(limit)s per menit). Coba lagi "
                "setelah %(wait)s detik."
            )
            % {"limit": exc.limit, "wait": exc.wait},
        )
        response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(NinjaValidationError)
    def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "code": str(e.get("type", "invalid_input")),
                "message": str(e.get("msg", "")),
                "field": _field(e.get("loc")),
            }
            for e in exc.errors
        ]
        first = errors[0] if errors else {"message": _("Data tidak sah."), "field": None}
        return respond(request, "invalid_input", first["message"], first["field"], errors)

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A value the database cannot hold that no schema caught: the caller's input, a 400
        # (logged, so the missing check gets added), never a 500.
        logger.warning(
            "Value out of range in API %s %s", request.method, request.path, exc_info=exc
        )
        field = out_of_range_field(request)
        return respond(request, "out_of_range", out_of_range_message(field), field)

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its traceback like Django's own 500; the caller gets the error body.
        logger.error("Server error in API %s %s", request.method, request.path, exc_info=exc)
        return respond(
            request,
            "server_error",
            _("Terjadi kesalahan pada server. Coba lagi, dan hubungi admin bila terulang."),
        )

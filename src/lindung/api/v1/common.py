"""What every router of v1 shares: the documented error responses, ordering by whitelisted
fields, and the audited file download."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can
from lindung.api.schemas import Error

# Every operation documents every error status it may answer (schemathesis checks it).
ERRORS: dict[int, Any] = {status: Error for status in (400, 401, 403, 404, 409, 422, 429)}
WRITE_ERRORS = ERRORS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"  # charset=utf-8, with the byte-order mark Excel needs


def ordered(qs: QuerySet, ordering: str, fields: dict[str, tuple[str, ...]]) -> QuerySet:
    """`qs` ordered by the whitelisted `ordering` ('name' or '-name'); the query schema's
    Literal already refused any other value with 422. Ties broken by id for stable pages."""
    if not ordering:
        return qs
    name = ordering.lstrip("-")
    sign = "-" if ordering.startswith("-") else ""
    return qs.order_by(*(sign + f for f in fields[name]), sign + "id")


def require(user: User, action: Action) -> None:
    """403 unless the role may take `action` somewhere (the region is checked by the
    service)."""
    if not can(user, action):
        authorize(user, action, None)


def file_response(description: str, *content_types: str) -> dict[str, Any]:
    """openapi_extra documenting a file download (200) beside the JSON errors."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {"description": description, "content": dict.fromkeys(content_types, binary)}
        }
    }


def auth_user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,return-value]

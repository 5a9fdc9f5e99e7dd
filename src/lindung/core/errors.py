"""Domain errors: a stable code for machines, an Indonesian message for people.

Services raise them; views and the API translate them into form errors and JSON; imports collect
them per row. `field` names the input the message is about, when there is one.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code: str = "domain_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.field = field
        self.params = params or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationFailed(DomainError):
    """One or more field problems; `errors` keeps each of them."""

    code = "validation_failed"

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(
            "; ".join(e.message for e in errors), code=errors[0].code, field=errors[0].field
        )
        self.errors = errors


class ScopeDenied(DomainError):
    """The record lies outside the user's region, or the role may not do this."""

    code = "scope_denied"

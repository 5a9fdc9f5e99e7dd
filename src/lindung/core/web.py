"""Small helpers shared by the views of every app (thin views: parse, call, render). Those
that need the roles live with them: `accounts.web.require_action`."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from lindung.core.errors import DomainError, ScopeDenied


def is_htmx_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put each service error on its field, or on the form when it names no field of it. A
    `ScopeDenied` is no form error: it goes on, to be a 403 (`ScopeDeniedMiddleware`)."""
    if isinstance(error, ScopeDenied):
        raise error
    for e in getattr(error, "errors", [error]):
        form.add_error(e.field if e.field in form.fields else None, e.message)

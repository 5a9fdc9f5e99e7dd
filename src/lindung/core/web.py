"""Small helpers shared by the views of every app (thin views: parse, call, render)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindung.accounts.permissions import Action, can
from lindung.core.errors import DomainError


def is_htmx_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def add_domain_errors(form: forms.Form, error: DomainError) -> None:
    """Put each service error on its field, or on the form when it names no field of it."""
    for e in getattr(error, "errors", [error]):
        form.add_error(e.field if e.field in form.fields else None, e.message)


def require_action(request: HttpRequest, action: Action) -> None:
    """403 unless the user's role may do `action` (the services check scope as well)."""
    if not can(request.user, action):
        raise PermissionDenied(_("Peran Anda tidak berwenang melakukan tindakan ini."))

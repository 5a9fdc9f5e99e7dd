"""Login is Django's own view; this module only opens the language switch to anonymous users."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, reachable from the login page too (LoginRequiredMiddleware would
    otherwise redirect an anonymous visitor to the login page he is already on)."""
    return django_set_language(request)

"""Login is Django's own view (throttled by django-axes); this module adds what the login page
shows when a user name is locked, the language switch for anonymous users, and the pages of
one's own account: changing the password (the API tokens' pages are the api app's,
`api/pages.py`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from lindung.accounts.services import user_password_change
from lindung.accounts.throttle import lockout_minutes_left
from lindung.core.errors import DomainError
from lindung.core.web import add_domain_errors


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, reachable from the login page too (LoginRequiredMiddleware would
    otherwise redirect an anonymous visitor to the login page he is already on)."""
    return django_set_language(request)


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The login page again, saying the user name is locked and for how long (429). Called by
    django-axes (settings.AXES_LOCKOUT_CALLABLE) instead of the login view's answer."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = lockout_minutes_left(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    )
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "username": username,
            "locked_minutes": minutes,
            "next": request.POST.get("next", ""),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


@sensitive_post_parameters()
@never_cache
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(
                user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            update_session_auth_hash(request, user)  # this session stays, the others end
            messages.success(request, _("Kata sandi Anda sudah diubah."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})

"""The pages of one's own API tokens (under /akun/, beside the password page): list, create
(the token shown on that answer only) and revoke. Thin: the form, one service, the page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lindung.api.forms import ApiTokenForm
from lindung.api.selectors import api_tokens_of
from lindung.api.services import api_token_create, api_token_revoke
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.web import add_domain_errors


@never_cache
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens; a POST creates one, shown on this answer only."""
    form = ApiTokenForm(request.POST or None)
    new_row, new_token = None, None
    if request.method == "POST" and form.is_valid():
        try:
            new_row, new_token = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                read_only=form.cleaned_data["read_only"],
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            form = ApiTokenForm()
    now = clock.now()
    tokens = [(t, t.status(now)) for t in api_tokens_of(request.user)]
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "new_row": new_row,
        },
    )


@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user).select_related("user"), pk=token_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("Token API %(name)s sudah dicabut; token itu tidak dapat dipakai lagi.")
        % {"name": token.name},
    )
    return redirect("api_tokens")

"""/api/v1/: the ninja API, and /api/ unchanged for the clients written before v1 (the same
views; the schema and every `Location` name /api/v1/).

Every answer under /api/ is JSON, never Django's HTML pages: an unknown URL is the API's 404
error body, a known one with the wrong method its 405. The views answer 401 JSON to anonymous
callers themselves, so they are exempt from LoginRequiredMiddleware (which would redirect to
the login page), and from Django's CSRF middleware (the session authentication checks CSRF
itself; a bearer token needs none)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lindung.api.api import api
from lindung.api.docs import docs_asset
from lindung.api.errors import json_error, not_found_message


def json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 and 405 answered by the URL layer (not ninja's handlers) as the error body."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return json_error("not_found", not_found_message())
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = json_error(
                "method_not_allowed",
                _("Metode %(method)s tidak tersedia di alamat ini; yang tersedia: %(allowed)s.")
                % {"method": request.method, "allowed": allowed or "-"},
            )
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    return json_error("not_found", _("Alamat API tidak dikenal. Daftar alamat: /api/v1/docs."))


def _prepare(patterns: list) -> list:
    for p in patterns:
        if isinstance(p, URLPattern):
            p.callback = login_not_required(json_errors(p.callback))
        elif isinstance(p, URLResolver):
            _prepare(p.url_patterns)
    return patterns


ninja_patterns, _ninja_app, _ninja_namespace = api.urls
app_name = "api"
urlpatterns = _prepare(
    [
        path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
        *ninja_patterns,
        re_path(r"^(?P<rest>.*)$", unknown, name="unknown"),
    ]
)
# The same views at /api/ (lindung/urls.py), under their own instance namespace so that
# reversing "api:…" names /api/v1/.
legacy = (urlpatterns, app_name)

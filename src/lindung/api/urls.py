"""/api/: the ninja API. Its views answer 401 JSON to anonymous callers themselves, so they
are exempt from LoginRequiredMiddleware (which would redirect to the login page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, path

from lindung.api.api import api
from lindung.api.docs import docs_asset


def _exempt(patterns: list) -> list:
    for p in patterns:
        if isinstance(p, URLPattern):
            login_not_required(p.callback)
        elif isinstance(p, URLResolver):
            _exempt(p.url_patterns)
    return patterns


ninja_patterns, _ninja_app, _ninja_namespace = api.urls
app_name = "api"
urlpatterns = _exempt([
    path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
    *ninja_patterns,
])

"""Swagger UI served from the assets shipped inside the django-ninja package.

Ninja serves its docs page from a CDN unless "ninja" is an installed app; Lindung runs without
a CDN, so the page is rendered here and the assets are served by `docs_asset`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.urls import reverse
from ninja.openapi.docs import DocsBase

ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}

PAGE = Template("""<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <title>{{ title }}</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <link rel="icon" href="{{ assets }}favicon.png">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
""")


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        assets = reverse(f"{api.urls_namespace}:docs-asset", args=["x"])[:-1]
        return HttpResponse(
            PAGE.render(
                Context(
                    {
                        "title": api.title,
                        "assets": assets,
                        "csrf_token": get_token(request),
                        "settings": json.dumps(settings).replace("</", "<\\/"),
                    }
                )
            )
        )


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404(name)
    return FileResponse(open(ASSET_DIR / name, "rb"))  # noqa: SIM115 - FileResponse closes it

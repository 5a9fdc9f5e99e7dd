"""Middleware of every request: language, hostile input at the door, security headers of the
answer, scope errors as 403."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from lindung.core.errors import ScopeDenied

logger = logging.getLogger("lindung.security")

API_PREFIX = "/api/"
INT64_MAX = 2**63 - 1


class LanguageMiddleware:
    """Indonesian unless the user chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on most
    office computers in a Dinas is English; Lindung's working language is Indonesian."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ScopeDeniedMiddleware:
    """A `ScopeDenied` from a service or selector is a 403 page carrying its Indonesian
    message, whichever view it comes from: views need no try/except of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, ScopeDenied):
            raise PermissionDenied(exception.message) from exception


def _json_strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every key and string inside a decoded JSON body."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _json_strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, f"{path}.{i}" if path else str(i))


def _parameters(request: HttpRequest) -> Iterator[tuple[str, list[str]]]:
    """(name, values) of the query, the cookies and, for a form, its fields and file names."""
    yield from request.GET.lists()
    yield from ((name, [value]) for name, value in request.COOKIES.items())
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        yield from request.POST.lists()
        yield from ((name, [f.name or "" for f in files]) for name, files in request.FILES.lists())


def _field_with_nul(request: HttpRequest) -> str | None:
    """The name of the first parameter holding a NUL byte: the path, a query or form parameter
    (name or value), an uploaded file's name, a cookie or a string in a JSON body. None when
    there is none."""
    if "\x00" in request.path:
        return "path"
    for name, values in _parameters(request):
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "") or "?"
    if request.content_type == "application/json":
        raw = request.body
        if b"\x00" in raw:
            return "body"
        if b"\\u0000" in raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return None  # not JSON at all: the API's own validation answers that
            for field, text in _json_strings(body):
                if "\x00" in text:
                    return field or "body"
    return None


def out_of_range_field(request: HttpRequest) -> str | None:
    """The first query parameter holding an integer beyond 64 bits, to name it."""
    for name, values in request.GET.lists():
        for value in values:
            text = value.strip().lstrip("+-")
            # Python refuses to convert more than 4300 digits: the length decides first.
            if text.isdigit() and (len(text) > 19 or int(text) > INT64_MAX):
                return name
    return None


def refuse(request: HttpRequest, *, code: str, message: str, field: str | None) -> HttpResponse:
    """400: the API's error body (`{"code", "message", "field"}`) under /api/, else the
    Indonesian 400 page naming the problem."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"code": code, "message": message, "field": field}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def nul_message(field: str) -> str:
    field = _("alamat halaman") if field == "path" else field[:50]
    return _(
        "Permintaan ditolak: %(field)s memuat karakter NUL (\\x00), yang tidak pernah ada "
        "dalam data yang sah. Periksa alamat atau isian formulir lalu coba lagi."
    ) % {"field": field}


def out_of_range_message(field: str | None) -> str:
    if field:
        field = field[:50]
        return _(
            "Permintaan ditolak: nilai %(field)s di luar batas yang dapat disimpan "
            "(angka terlalu besar atau isian terlalu panjang)."
        ) % {"field": field}
    return _(
        "Permintaan ditolak: sebuah nilai di luar batas yang dapat disimpan (angka terlalu "
        "besar atau isian terlalu panjang). Periksa alamat atau isian formulir."
    )


class HostileInputMiddleware:
    """Hostile parameters are a 400, never a 500 (issue 14).

    A NUL byte is never part of legitimate input, and PostgreSQL cannot store or even compare
    one (`DataError`): a request carrying one anywhere (path, query, form, file name, cookie,
    JSON body) is refused here, before a session is loaded or a view runs. Values the database
    cannot hold (an integer beyond 64 bits, `OverflowError` on SQLite, `DataError` on
    PostgreSQL) that a form or schema did not catch first become a 400 too, logged as a warning
    so the missing check can be added where it belongs. Placed before the session and
    authentication middleware: a NUL in the session cookie must not reach the session table."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (field := _field_with_nul(request)) is not None:
            logger.warning(
                "NUL byte in %s of %s %r refused",
                field,
                request.method,
                request.path.replace("\x00", "\\x00"),
            )
            return refuse(request, code="invalid_input", message=nul_message(field), field=field)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DataError | OverflowError):
            return None
        logger.warning(
            "Value out of range in %s %s", request.method, request.path, exc_info=exception
        )
        field = out_of_range_field(request)
        return refuse(
            request, code="out_of_range", message=out_of_range_message(field), field=field
        )


class SecurityHeadersMiddleware:
    """Headers of every page that Django's settings do not cover.

    - `Cache-Control: no-store` on every answer to a signed-in user or an API token (pages,
      exports and JSON hold NIKs): no browser cache, no shared proxy keeps them. A view that
      sets its own Cache-Control keeps it.
    - `Permissions-Policy`: Lindung needs no camera, microphone, location, payment or USB; a
      page (or an injected frame) cannot ask for them.
    Static files (WhiteNoise, earlier in the chain) keep their long cache."""

    PERMISSIONS_POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "usb",
        )
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or bool(
            request.headers.get("Authorization")
        )
        if signed_in and "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response

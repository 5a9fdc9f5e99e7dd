"""Filters of the server log (settings.LOGGING)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404


class ExpectedRefusalFilter(logging.Filter):
    """A 403 or 404 that a view meant (PermissionDenied, including every `ScopeDenied` turned
    into one by `ScopeDeniedMiddleware`, or Http404 for a record outside the user's scope) is
    the application working, not failing: Django logs it with the exception's traceback, which
    buries real errors in a log read by the Pemda's IT staff. Keep the one-line warning (who
    was refused where stays visible), drop the traceback. Other records pass untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) in (403, 404) and isinstance(
            exc, PermissionDenied | Http404
        ):
            record.exc_info = None
            record.exc_text = None
        return True

"""An expected 403 (a role or scope refusal) or 404 leaves one warning line in the server
log, never a traceback; a real error keeps its traceback."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from lindung.core.log_filters import ExpectedRefusalFilter

pytestmark = pytest.mark.django_db


def _request_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_scope_refusal_is_logged_without_traceback(client, users, caplog):
    client.force_login(users.leader)  # pimpinan may not upload
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("imports:upload")).status_code == 403
    [record] = _request_records(caplog)
    assert record.levelno == logging.WARNING and "Forbidden" in record.getMessage()
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_not_found_is_logged_without_traceback(client, users, caplog):
    client.force_login(users.admin)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("registry:detail", args=[987654])).status_code == 404
    assert all(r.exc_info is None for r in _request_records(caplog))
    assert "Traceback" not in caplog.text


def test_other_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    assert ExpectedRefusalFilter().filter(record) and record.exc_info is not None

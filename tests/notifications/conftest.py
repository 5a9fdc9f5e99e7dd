"""Fixtures of the notification tests: active enrolments from the contributions' fixtures, and
the instant a refresh runs at (after the events it should read have settled)."""

from __future__ import annotations

import datetime as dt

import pytest

from lindung.core import clock
from tests.contributions.conftest import activate, active  # noqa: F401 (fixtures)


@pytest.fixture
def later():
    """An instant past the notifier's settling time for events written now."""
    return lambda: clock.now() + dt.timedelta(minutes=2)

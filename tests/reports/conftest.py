"""Fixtures of the reports: the monitoring app's small population (`monev`, worked out by hand
in tests/monitoring) and the Paritrana criteria a flushed database may have lost."""

from __future__ import annotations

import pytest

from tests.monitoring.conftest import activate, monev, ppu_programme  # noqa: F401

IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def criteria(db):
    """The seeded Paritrana criteria (data migration), reseeded after a flush."""
    import importlib

    from django.apps import apps

    from lindung.reports.models import ParitranaCriterion

    if not ParitranaCriterion.objects.exists():
        importlib.import_module("lindung.reports.migrations.0002_seed_paritrana_criteria").seed(
            apps, None
        )
    return ParitranaCriterion.objects


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from lindung.core import clock
from tests.conftest import PASER_OCCUPATIONS


@pytest.fixture
def api_programme(users):
    """A Paser programme running this year: API proposals are made today."""
    from lindung.programs.services import programme_create
    from lindung.registry.models import Occupation

    year = clock.today().year
    return programme_create(
        by=users.admin, code=f"PASER-API-{year}", name="Paser (API)", region=users.admin.region,
        fiscal_year=year, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
        age_min=15, age_max=64, occupations=Occupation.objects.filter(code__in=PASER_OCCUPATIONS),
        quota=100,
    )


@pytest.fixture
def client_for(users):
    """A logged-in test client for a role of the `users` fixture: client_for("operator")."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(getattr(users, role))
        return client

    return make

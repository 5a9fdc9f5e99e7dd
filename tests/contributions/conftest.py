"""Fixtures for contributions: active enrolments built through the programmes' services."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DESA_PPU

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def activate(users):
    """Propose, verify, register and activate a worker into a programme."""
    from lindung.programs.services import (
        enrolment_activate,
        enrolment_propose,
        enrolment_register,
        enrolment_verify,
    )

    counter = {"kpj": 0}

    def run(
        programme,
        worker,
        *,
        by=None,
        proposed_on: dt.date = dt.date(2026, 1, 5),
        registered_on: dt.date = dt.date(2026, 1, 10),
    ):
        admin = by or users.admin
        counter["kpj"] += 1
        e = enrolment_propose(programme=programme, worker=worker, by=admin, on=proposed_on)
        e = enrolment_verify(enrolment=e, by=admin)
        e = enrolment_register(
            enrolment=e,
            by=admin,
            kpj_number=f"{counter['kpj']:011d}",
            registration_date=registered_on,
        )
        return enrolment_activate(enrolment=e, by=admin)

    return run


@pytest.fixture
def active(programme, make_worker, activate):
    """Three active enrolments of PASER-2026 from January 2026 (declared income Rp1.000.000)."""
    return [activate(programme, make_worker()) for _ in range(3)]


@pytest.fixture
def ppu_programme(users):
    from lindung.programs.services import programme_create
    from lindung.registry.models import Occupation

    return programme_create(
        by=users.admin_ppu,
        code="PPU-2026",
        name="Pekerja rentan PPU 2026",
        region=users.admin_ppu.region,
        fiscal_year=2026,
        period_start=JAN,
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=list(Occupation.objects.all()),
        quota=15_000,
    )


__all__ = ["DESA_PPU", "JAN"]

"""Fixtures for monitoring: enrolments in every state, built through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU


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
        proposed_on=dt.date(2026, 1, 5),
        registered_on=dt.date(2026, 1, 10),
        stop_at: str = "active",
    ):
        admin = by or users.admin
        counter["kpj"] += 1
        e = enrolment_propose(programme=programme, worker=worker, by=admin, on=proposed_on)
        if stop_at == "proposed":
            return e
        e = enrolment_verify(enrolment=e, by=admin)
        if stop_at == "verified":
            return e
        e = enrolment_register(
            enrolment=e,
            by=admin,
            kpj_number=f"{counter['kpj']:011d}",
            registration_date=registered_on,
        )
        return enrolment_activate(enrolment=e, by=admin)

    return run


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
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=list(Occupation.objects.all()),
        quota=15_000,
    )


@pytest.fixture
def monev(users, programme, ppu_programme, make_worker, activate, regions):
    """Paser: Samurangau (DESA_A) 2 active, 1 ended, 1 proposed; Busui (DESA_B) 1 active,
    1 verified; Keladen (DESA_OTHER_KEC, another kecamatan) 1 registered worker and a
    sosialisasi. PPU: 1 active. Denominators 2026: Samurangau 100 (total), Busui 30 + 20 (by
    occupation), Keladen 40 (total; its occupation row of 10 is not added). Paser's target:
    10 participants."""
    from lindung.monitoring.services import denominator_set, target_set
    from lindung.outreach.services import event_create
    from lindung.programs.services import enrolment_end
    from lindung.registry.models import Occupation

    a1 = make_worker(village=DESA_A, sex="L", occupation="nelayan")
    a2 = make_worker(village=DESA_A, sex="P", occupation="petani")
    a3 = make_worker(village=DESA_A, sex="L", occupation="nelayan")
    a4 = make_worker(village=DESA_A, sex="P", occupation="petani")
    b1 = make_worker(village=DESA_B, sex="P", occupation="nelayan")
    b2 = make_worker(village=DESA_B, sex="L", occupation="petani")
    make_worker(village=DESA_OTHER_KEC, occupation="nelayan")
    p1 = make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="nelayan")
    activate(programme, a1)
    activate(programme, a2, registered_on=dt.date(2026, 3, 10))
    activate(programme, a3, stop_at="proposed")
    ended = activate(programme, a4)
    enrolment_end(enrolment=ended, by=users.admin, reason="pindah", end_date=dt.date(2026, 6, 30))
    activate(programme, b1)
    activate(programme, b2, stop_at="verified")
    activate(ppu_programme, p1, by=users.admin_ppu)

    region = regions.get
    nelayan, petani = Occupation.objects.get(code="nelayan"), Occupation.objects.get(code="petani")
    denominator_set(
        by=users.admin, village=region(code=DESA_A), year=2026, estimated_workers=100, source="bps"
    )
    denominator_set(
        by=users.admin,
        village=region(code=DESA_B),
        year=2026,
        estimated_workers=30,
        source="survei_desa",
        occupation=nelayan,
    )
    denominator_set(
        by=users.admin,
        village=region(code=DESA_B),
        year=2026,
        estimated_workers=20,
        source="survei_desa",
        occupation=petani,
    )
    denominator_set(
        by=users.admin,
        village=region(code=DESA_OTHER_KEC),
        year=2026,
        estimated_workers=40,
        source="dtks",
    )
    denominator_set(
        by=users.admin,
        village=region(code=DESA_OTHER_KEC),
        year=2026,
        estimated_workers=10,
        source="dtks",
        occupation=nelayan,
    )
    denominator_set(
        by=users.admin, village=region(code=DESA_A), year=2025, estimated_workers=999, source="bps"
    )
    target_set(
        by=users.admin,
        region=region(code="64.01"),
        year=2026,
        participants=10,
        villages_implementing=30,
    )
    event_create(
        by=users.admin,
        region=region(code=DESA_OTHER_KEC),
        date=dt.date(2026, 5, 2),
        kind="sosialisasi",
        organiser="disnaker",
        attendees_male=12,
        attendees_female=8,
    )
    # A monitoring meeting reaches nobody; a kecamatan meeting does not move its villages.
    event_create(
        by=users.admin,
        region=region(code="64.01.03"),
        date=dt.date(2026, 5, 3),
        kind="sosialisasi",
        organiser="bpjs",
        attendees_male=30,
    )
    event_create(
        by=users.admin,
        region=region(code="64.01.04.2002"),
        date=dt.date(2026, 5, 4),
        kind="rapat_monev",
        organiser="bpjs",
    )

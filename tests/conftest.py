"""Shared fixtures: Kalimantan Timur's real regions, the seeded occupations, one user per role
and the two demo programmes. Regions are loaded once per test database (prefix 64 only)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.utils import translation

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

pytest_plugins = ["tests.browser"]

PASER = "64.01"
PPU = "64.09"
# Paser, Kecamatan Batu Sopang (64.01.01): Samurangau and Busui; Keladen in Tanjung Harapan.
DESA_A = "64.01.01.2009"
DESA_B = "64.01.01.2010"
DESA_OTHER_KEC = "64.01.02.2004"
DESA_PPU = "64.09.01.2020"


# The date every test runs on: late in fiscal year 2026, the year the fixture programmes
# (PASER-2026, KALTIM-2026) fund. Tests never read the wall clock: CI runs the suite again with
# the system clock moved more than a year ahead (faketime) to prove it.
FROZEN_NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # WITA


@pytest.fixture(autouse=True)
def frozen_clock():
    """Freeze Lindung's clock (and every other Python clock) at FROZEN_NOW. The clock ticks
    on from there so durations and ordering by time still work; a test that needs another
    day travels itself (`time_machine.travel(...)`), which nests inside this one."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded and generated files (claim documents, logos, error workbooks) go to a folder
    of the test, not to the installation's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 costs up to two seconds a user on a loaded machine; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def indonesian_by_default():
    """A request in English leaves English active in the thread; services called directly by
    the next test would then write English audit summaries."""
    with translation.override("id"):
        yield


def _load_regions() -> None:
    """Kalimantan Timur's regions, plus the seeded reference data a flush may have removed."""
    import importlib

    from django.apps import apps

    from lindung.regions.services import regions_load

    regions_load(prefix="64")
    for module in (
        "lindung.registry.migrations.0002_seed_occupations",
        "lindung.core.migrations.0002_seed_parameters",
        "lindung.contributions.migrations.0002_seed_rates",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _load_regions()


@pytest.fixture
def regions(db):
    """Regions are in the session database; transactional tests flush them, so reload."""
    from lindung.regions.models import Region

    if not Region.objects.filter(code=PASER).exists():
        _load_regions()
    return Region.objects


@pytest.fixture
def make_user(db, regions, django_user_model):
    def make(username: str, role: str, region: str | None, password: str = "rahasia-123"):
        user = django_user_model.objects.create_user(
            username=username, password=password, role=role, region_id=region
        )
        return user

    return make


@pytest.fixture
def users(make_user):
    """One user per role: the operator of DESA_A, admins of Paser and PPU, and so on."""
    from types import SimpleNamespace

    return SimpleNamespace(
        operator=make_user("op_a", "operator_desa", DESA_A),
        operator_b=make_user("op_b", "operator_desa", DESA_B),
        admin=make_user("admin_paser", "admin_kabupaten", PASER),
        admin_ppu=make_user("admin_ppu", "admin_kabupaten", PPU),
        province=make_user("admin_kaltim", "admin_provinsi", "64"),
        bpjs=make_user("bpjs_tgt", "petugas_bpjs", PASER),
        leader=make_user("bupati", "pimpinan", PASER),
        auditor=make_user("inspektorat", "auditor", PASER),
    )


def _occupations(codes):
    from lindung.registry.models import Occupation

    return list(Occupation.objects.filter(code__in=codes))


PASER_OCCUPATIONS = [
    "imam",
    "marbot",
    "guru-ngaji",
    "ketua-rt-rw",
    "relawan-damkar",
    "relawan-bencana",
    "nelayan",
    "petani",
    "pekebun",
    "pedagang",
    "pelaku-umkm",
    "nakes-desa",
]


@pytest.fixture
def programme(users):
    """PASER-2026: ages 15-64, Paser's occupations, quota 100."""
    from lindung.programs.services import programme_create

    return programme_create(
        by=users.admin,
        code="PASER-2026",
        name="Perlindungan pekerja rentan Paser 2026",
        region=users.admin.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=15,
        age_max=64,
        occupations=_occupations(PASER_OCCUPATIONS),
        quota=100,
    )


@pytest.fixture
def province_programme(users):
    from lindung.programs.services import programme_create

    return programme_create(
        by=users.province,
        code="KALTIM-2026",
        name="Jamsostek pekerja rentan Kaltim 2026",
        region=users.province.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=_occupations(PASER_OCCUPATIONS),
        quota=100,
    )


def nik_for(
    *,
    district: str = "640101",
    birth: dt.date = dt.date(1985, 8, 17),
    sex: str = "L",
    serial: int = 1,
) -> str:
    """A valid NIK: region of first registration, DDMMYY (+40 for women), serial."""
    from lindung.registry.rules import nik_compose

    return nik_compose(district, birth, sex, serial)


# Default names of `make_worker`: no two of the first 300 are alike enough to be flagged as a
# possible duplicate (same birth date and kecamatan by default), which would hold their
# enrolments back from verification (`programs.services.duplicate_holds`).
GIVEN_NAMES = (
    "Ahmad Bambang Cahyono Dewi Fitriani Gunadi Hasanuddin Irawati Jumadil Kartini Lukman "
    "Maryam Nurhayati Oktaviani Purnomo Rusdiana Sulaiman Tjahjono Ujang Veronika Wiratmo "
    "Yohanes Zulkifli"
).split()
FAMILY_NAMES = (
    "Saputra Hidayat Rahayu Kurniawan Wijaya Pratama Lubis Nasution Siregar Harahap Tanjung "
    "Gultom Panjaitan Pohan Daulay Matondang Sembiring Ginting Tarigan Batubara Sinaga Hutapea"
).split()


def distinct_worker_name(n: int) -> str:
    return f"{GIVEN_NAMES[n % len(GIVEN_NAMES)]} {FAMILY_NAMES[n % len(FAMILY_NAMES)]}"


@pytest.fixture
def make_worker(users):
    from lindung.regions.models import Region
    from lindung.registry.models import Occupation
    from lindung.registry.services import worker_create

    counter = {"n": 0}

    def make(
        *,
        by=None,
        village: str = DESA_A,
        sex: str = "L",
        birth: dt.date = dt.date(1985, 8, 17),
        occupation: str = "nelayan",
        name: str | None = None,
        **extra,
    ):
        counter["n"] += 1
        return worker_create(
            by=by or users.admin,
            nik=extra.pop("nik", None) or nik_for(birth=birth, sex=sex, serial=counter["n"]),
            name=name or distinct_worker_name(counter["n"]),
            sex=sex,
            birth_date=birth,
            village=Region.objects.get(code=village),
            occupation=Occupation.objects.get(code=occupation),
            **extra,
        )

    return make

"""Fixtures for claims: seeded benefit rules, documents under a temporary MEDIA_ROOT, workers
with active enrolments in PASER-2026 whose contributions are paid month by month."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from tests.contributions.conftest import activate  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def benefit_rules(request):
    """The data migration's rules (a transactional test flushes them: seed again)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        yield
        return
    from django.apps import apps

    from lindung.claims.models import BenefitRule

    if not BenefitRule.objects.exists():
        importlib.import_module("lindung.claims.migrations.0002_seed_benefit_rules").seed(
            apps, None
        )
    yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pay(users):
    """Bill and pay the given months of a programme in full (one SP2D per month)."""
    from lindung.contributions.services import bill_generate, payment_record

    def run(programme, months):
        for month in months:
            bill = bill_generate(by=users.admin, programme=programme, month=month)
            if bill.total:
                payment_record(
                    by=users.admin,
                    programme=programme,
                    paid_on=min(month.replace(day=12), dt.date(2026, 11, 20)),
                    amount=bill.total,
                    reference=f"SP2D-{month:%Y%m}-{programme.pk}",
                    first_month=month,
                )

    return run


def months(first: int, last: int, year: int = 2026) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(first, last + 1)]


@pytest.fixture
def insured(programme, make_worker, activate, pay):  # noqa: F811
    """A worker of DESA_A in PASER-2026 from 10 January 2026, contributions paid January to
    October 2026 (November unpaid, due on the 15th: in arrears on the frozen day)."""
    worker = make_worker(name="Ahmad Nelayan")
    enrolment = activate(programme, worker)
    pay(programme, months(1, 10))
    return worker, enrolment


HEIR = {
    "claimant_name": "Siti Aminah",
    "claimant_relationship": "pasangan",
    "bank_name": "Bank Kaltimtara",
    "bank_account": "0012-3456-789",
}


@pytest.fixture
def heir():
    from tests.conftest import nik_for

    return {**HEIR, "claimant_nik": nik_for(birth=dt.date(1988, 3, 2), sex="P", serial=77)}

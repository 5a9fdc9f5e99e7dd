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
        by=users.admin,
        code=f"PASER-API-{year}",
        name="Paser (API)",
        region=users.admin.region,
        fiscal_year=year,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        age_min=15,
        age_max=64,
        occupations=Occupation.objects.filter(code__in=PASER_OCCUPATIONS),
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


@pytest.fixture
def token_for(users):
    """A bearer-token client for a role: token_for("admin") or token_for("admin", True)."""
    from lindung.api.services import api_token_create

    def make(role: str, read_only: bool = False, **extra) -> Client:
        _row, token = api_token_create(
            user=getattr(users, role), name=f"uji {role}", read_only=read_only
        )
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **extra)

    return make


@pytest.fixture
def benefit_rules_seeded(db):
    """The claims' seeded benefit rules (a transactional test elsewhere may have flushed them)."""
    import importlib

    from django.apps import apps

    from lindung.claims.models import BenefitRule

    if not BenefitRule.objects.exists():
        importlib.import_module("lindung.claims.migrations.0002_seed_benefit_rules").seed(
            apps, None
        )


# Strings that belong to Paser's records only: no answer to a user of another region may hold
# any of them (names, NIKs, KPJ, SP2D, programme code, file name, heir).
PASER_NAMES = ["Rahasia Nelayan Paser", "Rahasia Petani Paser"]
PASER_KPJ = "55500000001"
PASER_SP2D = "SP2D-RAHASIA-PASER"
PASER_FILE = "rahasia-paser.csv"
PASER_HEIR = "Ahli Waris Rahasia"
PASER_BATCH_NAME = "Sumarni Kirim Rahasia"


@pytest.fixture
def paser(users, programme, make_worker, benefit_rules_seeded):
    """Paser's records of every kind the API serves: an active enrolment (KPJ, February bill
    paid by an SP2D, a JKM claim), a proposed one, a budget line, an import job with a rejected
    row and its error workbook."""
    from types import SimpleNamespace

    from lindung.claims.services import claim_report
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.imports.models import ImportJob
    from lindung.programs.services import (
        budget_line_add,
        enrolment_activate,
        enrolment_propose,
        enrolment_register,
        enrolment_verify,
    )
    from tests.conftest import nik_for

    admin = users.admin
    active = make_worker(name=PASER_NAMES[0])
    proposed = make_worker(name=PASER_NAMES[1], occupation="petani")
    e = enrolment_propose(programme=programme, worker=active, by=admin, on=dt.date(2026, 1, 5))
    e = enrolment_verify(enrolment=e, by=admin)
    e = enrolment_register(
        enrolment=e, by=admin, kpj_number=PASER_KPJ, registration_date=dt.date(2026, 1, 10)
    )
    e = enrolment_activate(enrolment=e, by=admin)
    e2 = enrolment_propose(programme=programme, worker=proposed, by=users.operator)
    line = budget_line_add(
        by=admin,
        programme=programme,
        kind="apbd_murni",
        amount=20_160_000,
        date=dt.date(2026, 1, 2),
        document_ref="DPA-RAHASIA-PASER",
    )
    bill = bill_generate(by=admin, programme=programme, month=dt.date(2026, 2, 1))
    payment = payment_record(
        by=admin,
        programme=programme,
        paid_on=dt.date(2026, 2, 12),
        amount=bill.total,
        reference=PASER_SP2D,
        first_month=dt.date(2026, 2, 1),
    )
    for month in range(3, 11):  # paid up to October: the claim's event month is covered
        payment_record(
            by=admin,
            programme=programme,
            paid_on=dt.date(2026, month, 12),
            amount=16_800,
            reference=f"SP2D-{month}",
            first_month=dt.date(2026, month, 1),
        )
    claim = claim_report(
        by=users.operator,
        worker=active,
        claim_type="jkm",
        event_date=dt.date(2026, 8, 3),
        reported_date=dt.date(2026, 8, 20),
        claimant_name=PASER_HEIR,
        claimant_relationship="pasangan",
        claimant_nik=nik_for(birth=dt.date(1988, 3, 2), sex="P", serial=77),
        bank_name="Bank Kaltimtara",
        bank_account="0012-3456-789",
    )
    job = ImportJob.objects.create(
        created_by=admin,
        region_code=admin.region_id,
        filename=PASER_FILE,
        content=b"NIK\n",
        status=ImportJob.Status.DONE,
        rows_total=1,
        rows_done=1,
        result={"rows": 1, "accepted": 0, "rejected": 1},
        errors=[
            {
                "row": 2,
                "code": "missing_value",
                "field": "NAMA",
                "message": f"Kolom NAMA kosong ({PASER_NAMES[0]})",
            }
        ],
        errors_total=1,
        error_file=b"PK-rahasia",
        error_file_rows=1,
        error_file_status=ImportJob.ErrorFile.READY,
    )
    return SimpleNamespace(
        programme=programme,
        worker=active,
        proposed=proposed,
        enrolment=e,
        proposal=e2,
        budget_line=line,
        bill=bill,
        payment=payment,
        claim=claim,
        job=job,
    )


@pytest.fixture
def outsiders(users, make_user):
    """Users of Penajam Paser Utara, one per role: none may see or change Paser's records."""
    from types import SimpleNamespace

    from tests.conftest import DESA_PPU, PPU

    return SimpleNamespace(
        admin=users.admin_ppu,
        operator=make_user("op_ppu", "operator_desa", DESA_PPU),
        bpjs=make_user("bpjs_ppu", "petugas_bpjs", PPU),
        leader=make_user("bupati_ppu", "pimpinan", PPU),
        auditor=make_user("inspektorat_ppu", "auditor", PPU),
    )


@pytest.fixture
def paser_batch(paser, users, make_worker):
    """Paser's first BPJS registration batch: one more worker, proposed and verified, sent by
    the Paser admin (`imports.bpjs.bpjs_batch_create`)."""
    from lindung.imports.bpjs import bpjs_batch_create
    from lindung.programs.services import enrolment_propose, enrolment_verify

    # Nobody like Paser's other workers: a possible duplicate would be held back from BPJS.
    worker = make_worker(
        name=PASER_BATCH_NAME, occupation="pekebun", sex="P", birth=dt.date(1972, 5, 14)
    )
    enrolment = enrolment_propose(programme=paser.programme, worker=worker, by=users.admin)
    enrolment_verify(enrolment=enrolment, by=users.admin)
    return bpjs_batch_create(by=users.admin, programme=paser.programme)


@pytest.fixture
def paser_bill_job(paser, users, settings):
    """A bill of Paser's programme queued for the task worker (the database backend, whose
    results can be read back): the id `GET /bills/jobs/{task_id}` polls."""
    from lindung.contributions.tasks import bill_generate_task

    settings.TASKS = DATABASE_TASKS
    result = bill_generate_task.enqueue(
        programme_id=paser.programme.pk, month="2026-11-01", user_id=users.admin.pk
    )
    return str(result.id)


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

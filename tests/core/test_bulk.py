"""`core.bulk`: plain-tuple writes for the set-based paths, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lindung.audit.models import AuditEvent
from lindung.core import bulk
from lindung.registry.models import Occupation, Worker
from tests.conftest import DESA_A, DESA_B, nik_for

pytestmark = pytest.mark.django_db

COLUMNS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village",
    "address",
    "phone",
    "occupation",
    "declared_income",
    "status",
    "created_at",
    "updated_at",
]


def rows(n: int, *, start: int = 1) -> list[tuple[object, ...]]:
    now = bulk.db_datetime(timezone.now())
    occupation = Occupation.objects.get(code="nelayan").pk
    return [
        (
            nik_for(serial=i),
            "",
            f"Pekerja {i}",
            "L",
            "",
            dt.date(1985, 8, 17),
            DESA_A if i % 2 else DESA_B,
            f"RT {i}\tjalan\\{i}\nbaris dua",
            "",
            occupation,
            1_000_000 + i,
            "aktif",
            now,
            now,
        )
        for i in range(start, start + n)
    ]


def test_returned_ids_follow_the_rows_order_and_values_survive_as_written():
    data = rows(1200)  # more than one SQLite batch
    ids = bulk.insert_rows_returning_ids(Worker, COLUMNS, data)
    assert len(ids) == len(set(ids)) == 1200
    stored = dict(Worker.objects.values_list("id", "nik"))
    assert [stored[pk] for pk in ids] == [r[0] for r in data]
    w = Worker.objects.get(pk=ids[6])
    assert (w.name, w.address, w.village_id, w.declared_income) == (
        "Pekerja 7",
        "RT 7\tjalan\\7\nbaris dua",
        DESA_A,
        1_000_007,
    )
    assert bulk.insert_rows_returning_ids(Worker, COLUMNS, []) == []


def test_a_second_call_in_the_same_transaction_and_a_failed_one_leave_no_trace():
    with transaction.atomic():
        first = bulk.insert_rows_returning_ids(Worker, COLUMNS, rows(3))
        second = bulk.insert_rows_returning_ids(Worker, COLUMNS, rows(3, start=10))
    assert min(second) > max(first)
    with pytest.raises(IntegrityError), transaction.atomic():  # a NIK already registered
        bulk.insert_rows_returning_ids(Worker, COLUMNS, rows(2, start=20) + rows(1))
    assert Worker.objects.count() == 6
    assert bulk.insert_rows_returning_ids(Worker, COLUMNS, rows(1, start=30))  # still usable


def test_insert_rows_and_update_rows(users):
    now = bulk.db_datetime(timezone.now())
    n = bulk.insert_rows(
        AuditEvent,
        ["at", "actor", "action", "object_type", "object_id", "region_code", "summary", "changes"],
        (
            (
                now,
                users.admin.pk,
                "uji",
                "worker",
                str(i),
                DESA_A,
                f"ringkas {i}",
                f'{{"row": {i}}}',
            )
            for i in range(5)
        ),
    )
    assert n == 5
    assert AuditEvent.objects.filter(action="uji", changes__row=3).count() == 1
    ids = bulk.insert_rows_returning_ids(Worker, COLUMNS, rows(4))
    bulk.update_rows(
        Worker, ["name", "declared_income"], [(f"Baru {pk}", 2_500_000, pk) for pk in ids[:2]]
    )
    assert sorted(
        Worker.objects.filter(declared_income=2_500_000).values_list("name", flat=True)
    ) == sorted(f"Baru {pk}" for pk in ids[:2])
    assert Worker.objects.filter(name__startswith="Pekerja").count() == 2

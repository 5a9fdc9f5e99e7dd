"""`__in_array`: the same rows as `__in`, for lists longer than SQLite's parameter bound."""

from __future__ import annotations

import pytest
from django.db import connection

from lindung.core.lookups import SQLITE_BATCH, in_batches
from lindung.regions.models import Region
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db


def test_in_array_finds_the_same_rows_as_in_for_a_long_list():
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE).values_list("code", flat=True)
    )
    assert len(villages) > SQLITE_BATCH  # Kalimantan Timur has over a thousand
    wanted = villages[::2] + ["99.99.99.9999"]  # a code that matches nothing
    found = set()
    for part in in_batches(wanted):
        found.update(Region.objects.filter(code__in_array=part).values_list("code", flat=True))
    assert found == set(villages[::2])


def test_in_array_on_a_foreign_key_and_its_column(make_worker):
    a, b, c = make_worker(), make_worker(), make_worker()
    assert set(Worker.objects.filter(pk__in_array=[a.pk, c.pk])) == {a, c}
    assert Worker.objects.filter(village_id__in_array=[a.village_id]).count() == 3
    assert Worker.objects.filter(village__in_array=["64.09.01.2020"]).count() == 0
    assert set(Worker.objects.filter(nik__in_array=[b.nik])) == {b}


def test_in_array_of_nothing_matches_nothing_and_keeps_other_branches(make_worker):
    from django.db.models import Q

    w = make_worker()
    assert not Worker.objects.filter(nik__in_array=[]).exists()
    assert list(Worker.objects.filter(Q(nik__in_array=[]) | Q(pk=w.pk))) == [w]


def test_in_batches_one_array_on_postgresql_bounded_lists_on_sqlite():
    values = list(range(2500))
    batches = list(in_batches(values))
    assert [v for b in batches for v in b] == values
    if connection.vendor == "postgresql":
        assert len(batches) == 1
    else:
        assert [len(b) for b in batches] == [SQLITE_BATCH, SQLITE_BATCH, 700]
    assert list(in_batches([])) == []

"""Import messages never tell an operator desa who another village's person is or where that
person lives (issue 14, item 9)."""

from __future__ import annotations

import pytest

from lindung.registry.models import DuplicatePair, Worker
from tests.conftest import DESA_A, DESA_B
from tests.imports.conftest import person, xlsx_bytes

pytestmark = pytest.mark.django_db


def test_nik_registered_in_another_village_does_not_name_the_village(
    run_import, users, make_worker
):
    other = make_worker(by=users.operator_b, village=DESA_B, name="Warga Busui")
    report = run_import(
        xlsx_bytes([person(3, NIK=other.nik, NAMA="Warga Busui")]), by=users.operator
    )
    [error] = report.errors
    assert (error.row, error.column, error.code) == (2, "NIK", "village_out_of_scope")
    assert DESA_B not in error.message and DESA_B.replace(".", "") not in error.message
    assert "Busui" not in error.message
    assert "desa lain" in error.message


def test_possible_duplicate_in_another_village_names_nobody(run_import, users, make_worker):
    other = make_worker(by=users.operator_b, name="Siti Aminah Lubis", sex="P", village=DESA_B)
    row = person(7, sex="P", village=DESA_A, NAMA="Siti Aminah Lubiss")
    report = run_import(xlsx_bytes([row]), by=users.operator)
    [warning] = report.warnings
    assert (warning.row, warning.code) == (2, "possible_duplicate")
    for secret in (other.name, other.nik, DESA_B, "Busui"):
        assert secret not in warning.message
    assert "di luar wilayah Anda" in warning.message
    # The pair is still queued for the admin, who sees both.
    pair = DuplicatePair.objects.get()
    assert {pair.worker_a_id, pair.worker_b_id} == {other.pk, Worker.objects.get(nik=row["NIK"]).pk}


def test_admin_of_the_regency_still_gets_the_match_named(run_import, users, make_worker):
    other = make_worker(by=users.operator_b, name="Siti Aminah Lubis", sex="P", village=DESA_B)
    report = run_import(
        xlsx_bytes([person(7, sex="P", village=DESA_A, NAMA="Siti Aminah Lubiss")]), by=users.admin
    )
    [warning] = report.warnings
    assert other.name in warning.message and other.nik in warning.message

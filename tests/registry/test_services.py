"""Worker registry services: validation with field errors, one worker per NIK, scope, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lindung.audit.models import AuditEvent
from lindung.core.errors import ScopeDenied, ValidationFailed
from lindung.core.models import Parameter
from lindung.regions.models import Region
from lindung.registry.models import Occupation, Worker
from lindung.registry.services import worker_create, worker_update
from tests.conftest import DESA_A, DESA_B, DESA_PPU, nik_for

pytestmark = pytest.mark.django_db


def data(**over):
    base = dict(
        nik=nik_for(birth=dt.date(1990, 5, 4), sex="P", serial=7),
        kk_number="6401010101100001",
        name="  Siti   Aminah ",
        sex="P",
        birth_place="Tanah Grogot",
        birth_date=dt.date(1990, 5, 4),
        village=Region.objects.get(code=DESA_A),
        address="RT 02  Jl. Sungai",
        phone="+6281234567890",
        occupation=Occupation.objects.get(code="petani"),
    )
    base.update(over)
    return base


def field_codes(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def test_operator_registers_worker_of_own_village_with_normalised_fields(users):
    w = worker_create(by=users.operator, **data(nik="'6401 0144 0590 0007"))
    w.refresh_from_db()
    assert w.nik == "6401014405900007"
    assert w.name == "Siti Aminah"
    assert w.phone == "081234567890"
    assert w.address == "RT 02 Jl. Sungai"
    assert w.status == Worker.Status.ACTIVE


def test_declared_income_defaults_to_the_dated_parameter(users):
    assert worker_create(by=users.operator, **data()).declared_income == 1_000_000
    Parameter.objects.create(
        key="penghasilan_bawaan", value="1500000", valid_from=dt.date(2026, 1, 1)
    )
    w = worker_create(
        by=users.operator, **data(nik=nik_for(serial=2), sex="L", birth_date=dt.date(1985, 8, 17))
    )
    assert w.declared_income == 1_500_000


def test_every_field_problem_is_reported_with_its_field(users):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(
            by=users.operator,
            **data(
                name="  ",
                sex="X",
                phone="12345",
                kk_number="123",
                village=None,
                occupation=None,
                declared_income=0,
            ),
        )
    assert field_codes(exc.value) == {
        "name": "missing_value",
        "sex": "sex_invalid",
        "phone": "phone_invalid",
        "kk_number": "kk_format",
        "village": "missing_value",
        "occupation": "missing_value",
        "declared_income": "income_invalid",
    }
    assert Worker.objects.count() == 0


@pytest.mark.parametrize(
    "nik,code",
    [
        ("12345", "nik_format"),
        ("9901014405900007", "nik_region"),
        ("6401013213900007", "nik_date"),
        ("6401010405900007", "nik_mismatch"),  # male day for a woman
        ("6.40101E+15", "nik_number_cell"),
    ],
)
def test_invalid_nik_is_a_field_error_on_nik(users, nik, code):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data(nik=nik))
    assert field_codes(exc.value) == {"nik": code}


def test_birth_date_in_the_future_is_refused(users):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data(birth_date=dt.date(2099, 5, 4)))
    assert field_codes(exc.value)["birth_date"] == "date_invalid"


def test_missing_birth_date_is_refused(users):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data(birth_date=None))
    assert field_codes(exc.value)["birth_date"] == "missing_value"


def test_district_is_not_a_domicile_village(users):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data(village=Region.objects.get(code="64.01.01")))
    assert field_codes(exc.value) == {"village": "village_unknown"}


def test_ended_occupation_is_refused(users):
    occ = Occupation.objects.get(code="petani")
    occ.valid_to = dt.date(2020, 12, 31)
    occ.save()
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data())
    assert field_codes(exc.value) == {"occupation": "occupation_not_eligible"}


def test_non_numeric_income_is_a_field_error(users):
    with pytest.raises(ValidationFailed) as exc:
        worker_create(by=users.operator, **data(declared_income="satu juta"))
    assert field_codes(exc.value) == {"declared_income": "income_invalid"}


def test_second_worker_with_the_same_nik_is_refused_whoever_registers_it(users):
    worker_create(by=users.operator, **data())
    with pytest.raises(ValidationFailed) as exc:
        worker_create(
            by=users.admin_ppu,
            **data(village=Region.objects.get(code=DESA_PPU), nik="6401-0144-0590-0007"),
        )
    assert field_codes(exc.value) == {"nik": "nik_duplicate"}
    assert Worker.objects.count() == 1


def test_database_refuses_a_second_row_with_the_same_nik(make_worker):
    w = make_worker()
    clone = Worker(
        nik=w.nik,
        name="Kembar",
        sex="L",
        birth_date=w.birth_date,
        village_id=DESA_B,
        occupation=w.occupation,
        declared_income=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_database_refuses_a_nik_that_is_not_16_digits(make_worker):
    w = make_worker()
    with pytest.raises(IntegrityError), transaction.atomic():
        Worker.objects.filter(pk=w.pk).update(nik="640101")


def test_operator_cannot_register_a_worker_in_another_village(users):
    with pytest.raises(ScopeDenied):
        worker_create(by=users.operator, **data(village=Region.objects.get(code=DESA_B)))
    assert Worker.objects.count() == 0


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs"])
def test_roles_without_worker_edit_cannot_register(users, role):
    with pytest.raises(ScopeDenied):
        worker_create(by=getattr(users, role), **data())


def test_admin_of_paser_cannot_register_in_ppu(users):
    with pytest.raises(ScopeDenied):
        worker_create(by=users.admin, **data(village=Region.objects.get(code=DESA_PPU)))


def test_create_writes_an_audit_event_with_the_fields(users):
    w = worker_create(by=users.operator, **data())
    ev = AuditEvent.objects.get(object_type="worker", object_id=str(w.pk))
    assert (ev.action, ev.actor, ev.region_code) == ("create", users.operator, DESA_A)
    assert ev.changes["nik"] == w.nik
    assert ev.changes["birth_date"] == "1990-05-04"
    assert ev.changes["village"] == DESA_A


# --- update ------------------------------------------------------------------------------------


def test_update_changes_fields_and_audits_old_and_new(users, make_worker):
    w = make_worker(by=users.operator, name="Budi")
    worker_update(worker=w, by=users.operator, name="Budi  Santoso", phone="0811 2233 4455")
    w.refresh_from_db()
    assert (w.name, w.phone) == ("Budi Santoso", "081122334455")
    ev = AuditEvent.objects.get(object_type="worker", object_id=str(w.pk), action="update")
    assert ev.actor == users.operator
    assert ev.changes == {"name": ["Budi", "Budi Santoso"], "phone": ["", "081122334455"]}


def test_update_without_change_writes_no_audit_event(users, make_worker):
    w = make_worker(by=users.operator, name="Budi")
    worker_update(worker=w, by=users.operator, name=" Budi ")
    assert not AuditEvent.objects.filter(action="update").exists()


def test_update_reports_field_errors_and_leaves_the_worker_unchanged(users, make_worker):
    w = make_worker(by=users.operator, name="Budi")
    with pytest.raises(ValidationFailed) as exc:
        worker_update(worker=w, by=users.operator, name="", sex="P")
    assert field_codes(exc.value) == {"name": "missing_value", "nik": "nik_mismatch"}
    w.refresh_from_db()
    assert (w.name, w.sex) == ("Budi", "L")


def test_update_to_a_nik_of_another_worker_is_refused(users, make_worker):
    a = make_worker()
    b = make_worker()
    with pytest.raises(ValidationFailed) as exc:
        worker_update(worker=b, by=users.admin, nik=a.nik)
    assert field_codes(exc.value) == {"nik": "nik_duplicate"}


def test_operator_cannot_change_a_worker_of_another_village(users, make_worker):
    w = make_worker(village=DESA_B, name="Tetangga")
    with pytest.raises(ScopeDenied):
        worker_update(worker=w, by=users.operator, name="Diubah")
    w.refresh_from_db()
    assert w.name == "Tetangga"


def test_operator_cannot_move_own_worker_into_another_village(users, make_worker):
    w = make_worker(by=users.operator)
    with pytest.raises(ScopeDenied):
        worker_update(worker=w, by=users.operator, village=Region.objects.get(code=DESA_B))
    w.refresh_from_db()
    assert w.village_id == DESA_A


def test_admin_of_paser_cannot_change_a_worker_of_ppu(users, make_worker):
    w = make_worker(by=users.admin_ppu, village=DESA_PPU)
    with pytest.raises(ScopeDenied):
        worker_update(worker=w, by=users.admin, name="Diubah")


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs"])
def test_read_only_roles_cannot_change_a_worker(users, make_worker, role):
    w = make_worker()
    with pytest.raises(ScopeDenied):
        worker_update(worker=w, by=getattr(users, role), name="Diubah")


def test_admin_may_move_a_worker_between_villages_of_the_regency(users, make_worker):
    w = make_worker(by=users.operator)
    worker_update(worker=w, by=users.admin, village=Region.objects.get(code=DESA_B))
    ev = AuditEvent.objects.get(action="update", object_id=str(w.pk))
    assert ev.changes == {"village": [DESA_A, DESA_B]}


def test_update_to_an_unknown_status_is_refused(users, make_worker):
    w = make_worker()
    with pytest.raises(ValidationFailed) as exc:
        worker_update(worker=w, by=users.admin, status="bogus")
    assert field_codes(exc.value) == {"status": "status_invalid"}
    worker_update(worker=w, by=users.admin, status=Worker.Status.MOVED)
    w.refresh_from_db()
    assert w.status == "pindah"

"""One worker path (issue 12): the same field rules through the form, the API and the
spreadsheet import, one write path with its audit diff, duplicates from every channel."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.imports.services import workers_import
from lindung.registry.models import DuplicatePair, Occupation, Worker
from lindung.registry.services import worker_create
from tests.conftest import DESA_A, nik_for
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 4)
GOOD_NIK = nik_for(birth=BIRTH, sex="P", serial=7)
OCCUPATION = "petani"

# field (form/API name), spreadsheet column, bad value as typed, expected code. The same text
# goes to the form, the API (JSON) and the spreadsheet cell; `channels` are those that can
# carry it (the form's selects cannot hold an unknown village, occupation or sex).
ALL = ("form", "api", "import")
CASES = [
    ("nik", "NIK", "12345", "nik_format", ALL),
    ("nik", "NIK", "9901014405900007", "nik_region", ALL),
    ("nik", "NIK", "6401013213900007", "nik_date", ALL),
    ("nik", "NIK", "6401010405900007", "nik_mismatch", ALL),
    ("nik", "NIK", "6.40101E+15", "nik_number_cell", ALL),
    ("kk_number", "NO_KK", "123", "kk_format", ALL),
    ("kk_number", "NO_KK", "9901010101100001", "kk_format", ALL),
    ("name", "NAMA", "12345", "name_invalid", ALL),
    ("phone", "NO_HP", "12345", "phone_invalid", ALL),
    ("phone", "NO_HP", "0712345678", "phone_invalid", ALL),
    ("declared_income", "PENGHASILAN", "0", "income_invalid", ALL),
    ("declared_income", "PENGHASILAN", "satu juta", "income_invalid", ("form", "import")),
    ("birth_date", "TANGGAL_LAHIR", dt.date(2099, 5, 4), "date_invalid", ALL),
    ("birth_date", "TANGGAL_LAHIR", dt.date(1899, 5, 4), "date_invalid", ("api", "import")),
    ("sex", "JENIS_KELAMIN", "X", "sex_invalid", ("api", "import")),
    ("village", "KODE_DESA", "99.99.99.9999", "village_unknown", ("api", "import")),
    ("occupation", "PEKERJAAN", "astronot", "occupation_not_eligible", ("api", "import")),
]


def _form(users, field: str, value: object) -> list[str]:
    data = {
        "nik": GOOD_NIK,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1990-05-04",
        "village": DESA_A,
        "occupation": Occupation.objects.get(code=OCCUPATION).pk,
        "phone": "081234567890",
        "kk_number": "6401010101100001",
        "declared_income": "1500000",
    }
    data[field] = value.isoformat() if isinstance(value, dt.date) else value
    client = Client()
    client.force_login(users.operator)
    response = client.post(reverse("registry:create"), data)
    assert response.status_code == 200, "refused, the form is shown again"
    return list(response.context["form"].errors.get(field, []))


def _api(users, field: str, value: object) -> tuple[str, str]:
    payload = {
        "nik": GOOD_NIK,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1990-05-04",
        "village": DESA_A,
        "occupation": OCCUPATION,
        "phone": "081234567890",
        "kk_number": "6401010101100001",
        "declared_income": 1500000,
    }
    if field == "declared_income":
        value = int(value)  # a JSON number, as the schema takes it
    payload[field] = value.isoformat() if isinstance(value, dt.date) else value
    client = Client()
    client.force_login(users.operator)
    response = client.post("/api/v1/workers", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    found = [e for e in [body, *body.get("errors", [])] if e.get("field") == field]
    return found[0]["code"], found[0]["message"]


def _import(users, column: str, value: object) -> tuple[str, str]:
    row = {
        "NIK": GOOD_NIK,
        "NO_KK": "6401010101100001",
        "NAMA": "Siti Aminah",
        "JENIS_KELAMIN": "P",
        "TANGGAL_LAHIR": "04/05/1990",
        "KODE_DESA": DESA_A,
        "PEKERJAAN": OCCUPATION,
        "NO_HP": "081234567890",
        "PENGHASILAN": "1500000",
    }
    row[column] = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value
    report = workers_import(by=users.operator, content=xlsx_bytes([row]), filename="a.xlsx")
    found = [e for e in report.errors if e.column == column]
    prefix = f"Kolom {column}: "
    assert found[0].message.startswith(prefix)
    return found[0].code, found[0].message[len(prefix) :]


@pytest.mark.parametrize(
    "field, column, value, code, channels",
    CASES,
    ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)],
)
def test_form_api_and_import_give_the_same_code_and_message(
    users, field, column, value, code, channels
):
    answers = {}
    if "api" in channels:
        answers["api"] = _api(users, field, value)
    if "import" in channels:
        answers["import"] = _import(users, column, value)
    assert {c for c, _m in answers.values()} == {code}
    messages = {m for _c, m in answers.values()}
    assert len(messages) == 1, answers
    if "form" in channels:
        assert _form(users, field, value) == list(messages)
    assert not Worker.objects.exists()


@pytest.mark.parametrize(
    "typed", ["081234567890", "+62 812-3456-7890", "6281234567890", "81234567890", "0812.3456.7890"]
)
def test_every_channel_stores_a_phone_number_the_same_way(users, typed):
    client = Client()
    client.force_login(users.operator)
    payload = {
        "nik": GOOD_NIK,
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1990-05-04",
        "village": DESA_A,
        "occupation": OCCUPATION,
        "phone": typed,
    }
    response = client.post("/api/v1/workers", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Worker.objects.get().phone == "081234567890"
    Worker.objects.all().delete()
    report = workers_import(
        by=users.operator,
        filename="a.xlsx",
        content=xlsx_bytes(
            [
                {
                    "NIK": GOOD_NIK,
                    "NAMA": "Siti Aminah",
                    "JENIS_KELAMIN": "P",
                    "TANGGAL_LAHIR": "04/05/1990",
                    "KODE_DESA": DESA_A,
                    "PEKERJAAN": OCCUPATION,
                    "NO_HP": typed,
                }
            ]
        ),
    )
    assert report.created == 1, report.errors
    assert Worker.objects.get().phone == "081234567890"


def test_income_typed_with_thousand_dots_is_read_by_the_form_like_a_cell(users):
    client = Client()
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:create"),
        {
            "nik": GOOD_NIK,
            "name": "Siti Aminah",
            "sex": "P",
            "birth_date": "1990-05-04",
            "village": DESA_A,
            "occupation": Occupation.objects.get(code=OCCUPATION).pk,
            "declared_income": "Rp 1.500.000",
        },
    )
    assert response.status_code == 302
    assert Worker.objects.get().declared_income == 1_500_000


# --- the audit diff of every channel -------------------------------------------------------


def test_imported_update_records_what_changed_before_and_after(users, run_import):
    from tests.imports.conftest import person

    run_import(xlsx_bytes([person(1)]))
    worker = Worker.objects.get()
    created = AuditEvent.objects.get(action="import_create", object_id=str(worker.pk))
    assert created.changes["nik"] == worker.nik and created.changes["row"] == 2
    run_import(xlsx_bytes([person(1, NO_HP="081311112222", ALAMAT="RT 09")]))
    event = AuditEvent.objects.get(action="import_update", object_id=str(worker.pk))
    assert event.changes == {
        "phone": ["081234567890", "081311112222"],
        "address": ["RT 01", "RT 09"],
        "row": 2,
    }


def test_api_update_records_the_diff_like_the_form(users):
    worker = worker_create(
        by=users.operator,
        nik=GOOD_NIK,
        name="Siti Aminah",
        sex="P",
        birth_date=BIRTH,
        village=DESA_A,
        occupation=OCCUPATION,
    )
    client = Client()
    client.force_login(users.operator)
    response = client.patch(
        f"/api/v1/workers/{worker.pk}",
        json.dumps({"phone": "+6281399990000"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action="update", object_id=str(worker.pk))
    assert event.changes == {"phone": ["", "081399990000"]}


# --- duplicates from every channel ----------------------------------------------------------


def _register(by, *, name: str, serial: int, **extra) -> Worker:
    return worker_create(
        by=by,
        nik=nik_for(birth=BIRTH, sex="P", serial=serial),
        name=name,
        sex="P",
        birth_date=BIRTH,
        village=extra.pop("village", DESA_A),
        occupation=OCCUPATION,
        **extra,
    )


def test_registering_the_same_person_twice_by_hand_is_queued_at_once(users):
    first = _register(users.operator, name="Siti Aminah", serial=1)
    assert first.possible_duplicates == []
    second = _register(users.operator, name="Siti  Aminah", serial=2)
    assert [m.right_worker_id for m in second.possible_duplicates] == [first.pk]
    pair = DuplicatePair.objects.get()
    assert (pair.worker_a_id, pair.worker_b_id, pair.decision) == (first.pk, second.pk, "menunggu")


def test_the_form_warns_with_a_link_to_the_other_record(users):
    first = _register(users.operator, name="Siti Aminah", serial=1)
    client = Client()
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:create"),
        {
            "nik": nik_for(birth=BIRTH, sex="P", serial=2),
            "name": "Aminah Siti",
            "sex": "P",
            "birth_date": "1990-05-04",
            "village": DESA_A,
            "occupation": Occupation.objects.get(code=OCCUPATION).pk,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Kemungkinan data ganda" in page
    assert reverse("registry:detail", args=[first.pk]) in page
    assert 'id="possible-duplicates"' in page  # and on the worker's page while undecided


def test_an_api_registration_is_checked_for_duplicates_too(users):
    first = _register(users.operator, name="Siti Aminah", serial=1)
    client = Client()
    client.force_login(users.operator)
    response = client.post(
        "/api/v1/workers",
        json.dumps(
            {
                "nik": nik_for(birth=BIRTH, sex="P", serial=3),
                "name": "Siti Aminnah",
                "sex": "P",
                "birth_date": "1990-05-04",
                "village": DESA_A,
                "occupation": OCCUPATION,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert DuplicatePair.objects.filter(worker_a=first).count() == 1


def test_an_imported_possible_duplicate_is_written_but_not_proposed(users, programme, run_import):
    from lindung.programs.models import Enrolment
    from tests.imports.conftest import person

    _register(users.admin, name="Siti Aminah", serial=90)
    report = run_import(
        xlsx_bytes([person(1), person(2, sex="P", birth=BIRTH, NAMA="Siti Aminah")]),
        programme=programme,
    )
    assert (report.created, report.enrolled) == (2, 1)
    flagged = Worker.objects.get(name="Siti Aminah", nik=person(2, sex="P", birth=BIRTH)["NIK"])
    assert not Enrolment.objects.filter(worker=flagged).exists()
    assert "belum diusulkan" in report.warnings[0].message
    assert DuplicatePair.objects.filter(worker_b=flagged).exists()


@pytest.fixture
def run_import(users):
    def run(content: bytes, **kw):
        return workers_import(by=users.admin, content=content, filename="pekerja.xlsx", **kw)

    return run

"""Hostile request parameters (issue 14, item 8): a NUL byte, integers beyond 64 bits or below
zero and impossible dates are answered 400 (pages) or 400/422 with the API's error body, never
500.

The walks go over every URL pattern of the project (read from the URL resolver, so a new page is
walked without touching this file) as every role, with every GET parameter a view or the API
reads and every field of every form and API input schema set to each hostile value."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from collections import Counter

import pytest
from django import forms
from django.apps import apps
from django.db import transaction
from django.test import Client

from tests.conftest import DESA_A
from tests.urlwalk import patterns as _patterns

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HUGE = str(2**63)
# Every GET parameter a view or the API reads by name (grep request.GET, Query schemas), plus
# the admin's page, ordering, search and a lookup; GET filter forms are covered by sending every
# form field too (`_hostile_form`).
GET_INT_PARAMS = ["page", "limit", "offset", "tahun", "p", "id__exact"]
GET_TEXT_PARAMS = [
    "q",
    "jenis",
    "program",
    "keputusan",
    "bulan",
    "belum",
    "status",
    "district",
    "village",
    "occupation",
    "programme",
    "wilayah",
    "format",
    "next",
    "o",
]
# Each round sets every integer parameter to one hostile integer and every other parameter to
# one impossible month or date, so a page meets all of them in three requests.
GET_ROUNDS = [(HUGE, "9999-12"), ("-1", "9999-12-31"), ("9" * 40, "2026-13")]
INT_PARAMS = {
    "pk",
    "worker_id",
    "enrolment_id",
    "object_id",
    "content_type_id",
    "token_id",
    "worker_pk",
    "doc_pk",
}
SKIP_POST = re.compile(r"logout|keluar")  # would end the session the walk runs in
HOSTILE = [NUL, HUGE, "-1", "9" * 40, "9999-12", "2026-13", "0000-01", "9999-12-31"]


def _paths(pattern: str, *, ints: dict[str, str], text: str) -> str | None:
    """A concrete path for a route or regex pattern: int parameters from `ints` (or the first
    of its values), the others `text`; the first alternative of a regex group."""

    def value(name: str) -> str:
        return ints.get(name, ints["*"]) if name in INT_PARAMS else text

    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: value(m.group(1)), pattern)
    path = re.sub(r"\{(?:\w+:)?(\w+)\}", lambda m: value(m.group(1)), path)
    path = re.sub(r"\(\?P<(\w+)>\[0-9\]\+\)", lambda m: value(m.group(1)), path)
    path = re.sub(r"\(\?P<(\w+)>\\d\+\)", lambda m: value(m.group(1)), path)
    path = re.sub(r"\(\?P<\w+>([\w-]+)(?:\|[^)]*)?\)", r"\1", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", text, path)
    path = path.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\Z", "")
    if any(c in path for c in "()[]*+?\\|"):
        return None
    return "/" + path


def _request(client: Client, method: str, path: str, **kwargs) -> int | str:
    """Status of one request, or the exception it raised (the test client re-raises a view's
    exception). A savepoint each, so one failure on PostgreSQL does not abort the rest."""
    try:
        with transaction.atomic():
            return getattr(client, method)(path, **kwargs).status_code
    except Exception as e:  # noqa: BLE001 - every failure is reported with its path
        return f"{type(e).__name__}: {str(e)[:120]}"


@pytest.fixture
def world(users, programme, make_worker, django_user_model):
    """A worker, an active enrolment, a bill and an import job of Paser, so that the paths
    with a primary key render real pages, and a superuser for the admin."""
    from lindung.contributions.services import bill_generate
    from lindung.imports.services import import_job_create
    from lindung.programs.services import (
        enrolment_activate,
        enrolment_propose,
        enrolment_register,
        enrolment_verify,
    )

    worker = make_worker(village=DESA_A)
    e = enrolment_propose(
        programme=programme, worker=worker, by=users.admin, on=dt.date(2026, 1, 5)
    )
    e = enrolment_verify(enrolment=e, by=users.admin)
    e = enrolment_register(
        enrolment=e,
        by=users.admin,
        kpj_number="00000000001",
        registration_date=dt.date(2026, 1, 10),
    )
    e = enrolment_activate(enrolment=e, by=users.admin)
    bill = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 2, 1))
    job = import_job_create(by=users.admin, filename="pekerja.csv", content=b"NIK\n")
    root = django_user_model.objects.create_superuser("root", "root@example.id", "rahasia-123x")
    roles = {
        "operator": users.operator,
        "admin": users.admin,
        "province": users.province,
        "bpjs": users.bpjs,
        "leader": users.leader,
        "auditor": users.auditor,
        "root": root,
    }
    pks = {
        "pekerja/": worker.pk,
        "api/workers": worker.pk,
        "kepesertaan/": e.pk,
        "api/enrolments": e.pk,
        "iuran/tagihan": bill.pk,
        "tagihan/": bill.pk,
        "impor/": job.pk,
    }
    return roles, pks, programme.code


def _real_pk(pattern: str, pks: dict[str, int]) -> str:
    for prefix, pk in pks.items():
        if prefix in pattern:
            return str(pk)
    return "1"


def _form_fields() -> dict[str, type[forms.Field]]:
    """Name -> field class of every field of every form in Lindung (each app's forms)."""
    for config in apps.get_app_configs():
        if config.name.startswith("lindung."):
            try:
                importlib.import_module(f"{config.name}.forms")
            except ModuleNotFoundError:
                pass
    fields: dict[str, type[forms.Field]] = {}
    stack = [forms.Form, forms.ModelForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("lindung."):
            for name, field in getattr(cls, "base_fields", {}).items():
                fields.setdefault(name, type(field))
    return fields


def _hostile_form(
    fields: dict[str, type[forms.Field]], round_: int, *, long_text: int = 5000
) -> dict[str, str]:
    """Every field of every form with a hostile value of its kind: integers beyond 64 bits or
    below zero, months and dates beyond what Python or the database can hold."""
    from lindung.core.forms import MonthField

    ints = [HUGE, "-" + HUGE, "9" * 40][round_]
    months = ["9999-12", "0000-01", "2026-13"][round_]
    dates = ["9999-12-31", "0001-01-01", "2026-13-01"][round_]
    texts = ["9999-12-31", "x" * long_text, HUGE][round_]

    def value(kind: type[forms.Field]) -> str:
        if issubclass(kind, MonthField):
            return months
        if issubclass(kind, forms.DateField | forms.DateTimeField):
            return dates
        if issubclass(kind, forms.IntegerField | forms.DecimalField | forms.ModelChoiceField):
            return ints
        return texts

    return {name: value(kind) for name, kind in fields.items()}


def _schema_fields() -> set[str]:
    from ninja import Schema

    from lindung.api import schemas

    return {
        name
        for obj in vars(schemas).values()
        if isinstance(obj, type)
        and issubclass(obj, Schema)
        and obj.__name__.endswith(("In", "Patch"))
        for name in obj.model_fields
    }


def _failed(status: int | str, *, nul: bool = False) -> bool:
    return not isinstance(status, int) or status >= 500 or (nul and status != 400)


def test_every_get_with_hostile_parameters_as_every_role_is_never_a_500(world):
    roles, pks, code = world
    fields = _form_fields()
    failures = []
    answered: Counter[int | str] = Counter()
    for role, user in roles.items():
        client = Client()
        client.force_login(user)
        for pattern in _patterns():
            if pattern.startswith("admin/") and role != "root":
                continue  # the admin is the superuser's; others are sent to its login page
            path = _paths(pattern, ints={"*": _real_pk(pattern, pks)}, text=code)
            if path is None:
                continue
            # Every role walks its own code paths with one round; one role takes them all.
            for round_ in range(3) if role == "admin" else range(1):
                number, text = GET_ROUNDS[round_]
                params = {
                    **_hostile_form(fields, round_, long_text=300),
                    **dict.fromkeys(GET_INT_PARAMS, number),
                    **dict.fromkeys(GET_TEXT_PARAMS, text),
                }
                status = _request(client, "get", path, data=params)
                answered[status] += 1
                if _failed(status):
                    failures.append((role, path, number, text, status))
            if role == ("root" if pattern.startswith("admin/") else "admin"):
                # Role-independent: a NUL anywhere, and primary keys beyond 64 bits.
                nul_path = _paths(pattern, ints={"*": _real_pk(pattern, pks)}, text="a%00b")
                params = dict.fromkeys([*GET_INT_PARAMS, *GET_TEXT_PARAMS, *fields], NUL)
                if _failed(status := _request(client, "get", nul_path, data=params), nul=True):
                    failures.append((role, nul_path, "NUL", status))
                for pk in (HUGE, "9" * 40) if "<int:" in pattern or "[0-9]" in pattern else ():
                    huge_path = _paths(pattern, ints={"*": pk}, text=code)
                    if _failed(status := _request(client, "get", huge_path)):
                        failures.append((role, huge_path, pk, status))
    assert not failures, "\n".join(map(repr, failures))
    # The walk reached real pages (not only redirects and refusals) with its parameters.
    assert answered[200] > 150, answered


def test_every_post_with_hostile_form_fields_is_never_a_500(world):
    roles, pks, code = world
    fields = _form_fields()
    assert {"nik", "amount", "month", "paid_on", "bulan", "birth_date"} <= set(fields)
    patterns = [
        p for p in _patterns() if not p.startswith(("admin/", "api/")) and not SKIP_POST.search(p)
    ]  # the API takes JSON: the next test
    failures = []
    for role in ("operator", "root"):
        client = Client()
        client.force_login(roles[role])
        for pattern in patterns:
            path = _paths(pattern, ints={"*": _real_pk(pattern, pks)}, text=code)
            if path is None:
                continue
            for round_ in range(3):
                data = _hostile_form(fields, round_)
                if _failed(status := _request(client, "post", path, data=data)):
                    failures.append((role, path, round_, status))
            if role == "root":
                data = dict.fromkeys(fields, NUL)
                if _failed(status := _request(client, "post", path, data=data), nul=True):
                    failures.append((role, path, "NUL", status))
    assert not failures, "\n".join(map(repr, failures))


def test_every_api_write_with_hostile_json_answers_its_error_body(world):
    roles, pks, code = world
    fields = sorted(_schema_fields())
    assert {"nik", "worker_id", "registration_date", "declared_income"} <= set(fields)
    bodies = [{f: v for f in fields} for v in HOSTILE]
    bodies += [
        {f: 2**63 for f in fields},
        {f: -(2**63) - 1 for f in fields},
        {f: 10**40 for f in fields},
    ]
    patterns = [p for p in _patterns() if p.startswith("api/") and "docs" not in p]
    failures = []
    for role in ("operator", "admin"):
        client = Client()
        client.force_login(roles[role])
        for pattern in patterns:
            path = _paths(pattern, ints={"*": _real_pk(pattern, pks)}, text=code)
            if path is None:
                continue
            for body in bodies:
                for method in ("post", "patch"):
                    try:
                        with transaction.atomic():
                            r = getattr(client, method)(
                                path, data=json.dumps(body), content_type="application/json"
                            )
                    except Exception as e:  # noqa: BLE001
                        failures.append((role, method, path, body["nik"], repr(e)[:150]))
                        continue
                    if r.status_code >= 500 or (body["nik"] == NUL and r.status_code != 400):
                        failures.append((role, method, path, body["nik"], r.status_code))
                    elif r.status_code in (400, 422):
                        assert {"code", "message", "field"} <= set(r.json()), (path, r.json())
    assert not failures, "\n".join(map(repr, failures))


# --- the door: NUL bytes wherever they come ----------------------------------------------------


def test_nul_in_a_query_parameter_is_a_400_page_in_indonesian(client, users):
    client.force_login(users.admin)
    r = client.get("/pekerja/", {"q": "Budi\x00"})
    assert r.status_code == 400
    text = r.content.decode()
    assert "Permintaan tidak sah" in text and "q memuat karakter NUL" in text


def test_nul_refused_even_before_login(client):
    r = client.get("/masuk/", {"next": "/\x00"})
    assert r.status_code == 400


def test_nul_in_a_form_field_is_refused_before_the_view(client, users):
    from lindung.registry.models import Worker

    client.force_login(users.admin)
    before = Worker.objects.count()
    r = client.post("/pekerja/baru/", {"name": "Budi\x00Santoso", "nik": "6401011708850001"})
    assert r.status_code == 400
    assert "name memuat karakter NUL" in r.content.decode()
    assert Worker.objects.count() == before


def test_nul_in_the_path_is_refused(client, users):
    client.force_login(users.admin)
    assert client.get("/impor/bpjs/A%00B/pendaftaran.xlsx").status_code == 400


def test_nul_in_the_session_cookie_never_reaches_the_session_table(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get("/").status_code == 400


def test_nul_in_an_api_query_answers_the_api_error_body(client, users):
    client.force_login(users.admin)
    r = client.get("/api/workers", {"q": "\x00"})
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input" and r.json()["field"] == "q"
    assert "NUL" in r.json()["message"]


def test_nul_escaped_inside_a_json_body_is_named_by_its_field(client, users):
    client.force_login(users.admin)
    r = client.post(
        "/api/enrolments/1/reject", data='{"reason": "x\\u0000y"}', content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["field"] == "reason"


def test_escaped_backslash_u0000_is_text_not_a_nul(client, users):
    """`\\\\u0000` in JSON is a backslash followed by 'u0000': ordinary text."""
    client.force_login(users.admin)
    r = client.post(
        "/api/enrolments/999999/reject",
        data='{"reason": "x\\\\u0000"}',
        content_type="application/json",
    )
    assert r.status_code == 404


# --- integers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "2026-13", "0000-01", "1899-12", "2101-01"])
def test_impossible_month_on_the_coverage_page_is_a_400_naming_the_range(
    client, users, programme, month
):
    client.force_login(users.admin)
    r = client.get(f"/iuran/program/{programme.code}/status/", {"bulan": month})
    assert r.status_code == 400
    text = r.content.decode()
    assert (
        "Bulan harus antara Januari 1900 dan Desember 2100" in text
        or "Tulis bulan sebagai TTTT-BB" in text
    )


def test_a_possible_month_on_the_coverage_page_is_fine(client, users, programme):
    client.force_login(users.admin)
    assert (
        client.get(f"/iuran/program/{programme.code}/status/", {"bulan": "2026-03"}).status_code
        == 200
    )


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_2100_is_a_field_error(value):
    from lindung.core.forms import date_field

    field = date_field("Tanggal")
    with pytest.raises(forms.ValidationError) as e:
        field.clean(value)
    assert "Tanggal harus antara 1 Januari 1900 dan 31 Desember 2100." in e.value.messages


@pytest.mark.parametrize("pk", [HUGE, "9" * 40])
def test_primary_keys_beyond_64_bits_are_not_found(client, users, pk):
    client.force_login(users.admin)
    assert client.get(f"/pekerja/{pk}/").status_code == 404
    r = client.get(f"/api/workers/{pk}")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


@pytest.mark.parametrize("name", ["limit", "offset"])
@pytest.mark.parametrize("value", [HUGE, "-1", "9" * 40])
def test_api_paging_out_of_range_is_a_422_with_the_error_body(client, users, name, value):
    client.force_login(users.admin)
    r = client.get("/api/workers", {name: value})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_input" and r.json()["field"] == name


def test_page_numbers_beyond_64_bits_show_the_last_page(client, users):
    client.force_login(users.admin)
    assert client.get("/pekerja/", {"page": HUGE}).status_code == 200


# --- the safety net: a value the database cannot hold that no check caught ---------------------


def test_a_value_the_database_cannot_hold_is_a_400_page_not_a_500(rf, users):
    from lindung.core.middleware import HostileInputMiddleware

    request = rf.get("/pekerja/", {"page": "9" * 30})
    request.user = users.admin
    middleware = HostileInputMiddleware(lambda r: None)
    response = middleware.process_exception(
        request, OverflowError("Python int too large to convert to SQLite INTEGER")
    )
    assert response.status_code == 400
    assert "nilai page di luar batas" in response.content.decode()
    assert middleware.process_exception(request, ValueError("a bug")) is None


def test_a_value_the_database_cannot_hold_is_a_400_error_body_in_the_api(rf):
    from django.db import DataError

    from lindung.core.middleware import HostileInputMiddleware

    request = rf.get("/api/workers", {"offset": HUGE})
    response = HostileInputMiddleware(lambda r: None).process_exception(
        request, DataError("bigint out of range")
    )
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "code": "out_of_range",
        "field": "offset",
        "message": "Permintaan ditolak: nilai offset di luar batas yang dapat disimpan (angka "
        "terlalu besar atau isian terlalu panjang).",
    }

"""REST API: wiring, JSON errors, and the region scope on every URL (guessed IDs included)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from lindung.api.services import api_token_create, api_token_revoke
from lindung.core import clock
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_propose, programme_create
from lindung.registry.models import Occupation, Worker
from tests.conftest import DESA_A, DESA_B, DESA_PPU, nik_for

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict | None = None, **kw):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **kw)


def patch(client: Client, url: str, data: dict, **kw):
    return client.patch(url, json.dumps(data), content_type="application/json", **kw)


def worker_payload(**over):
    base = {
        "nik": nik_for(birth=dt.date(1990, 5, 4), sex="P", serial=42),
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1990-05-04",
        "village": DESA_A,
        "occupation": "petani",
        "phone": "0812 3456 7890",
    }
    base.update(over)
    return base


@pytest.fixture
def world(users, make_worker, api_programme):
    """Workers in DESA_A, DESA_B and PPU, each proposed to their regency's programme."""
    year = api_programme.fiscal_year
    ppu = programme_create(
        by=users.admin_ppu,
        code=f"PPU-API-{year}",
        name="PPU (API)",
        region=users.admin_ppu.region,
        fiscal_year=year,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.all(),
        quota=10,
    )
    w = {
        "a": make_worker(by=users.operator, name="Warga A"),
        "b": make_worker(by=users.operator_b, village=DESA_B, name="Warga B"),
        "ppu": make_worker(by=users.admin_ppu, village=DESA_PPU, name="Warga PPU"),
    }
    e = {
        "a": enrolment_propose(programme=api_programme, worker=w["a"], by=users.operator),
        "b": enrolment_propose(programme=api_programme, worker=w["b"], by=users.operator_b),
        "ppu": enrolment_propose(programme=ppu, worker=w["ppu"], by=users.admin_ppu),
    }
    return {"workers": w, "enrolments": e, "ppu": ppu, "programme": api_programme}


# --- wiring ------------------------------------------------------------------------------------


def test_openapi_schema_lists_the_routers_without_login():
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in [
        "/api/v1/workers",
        "/api/v1/workers/{worker_id}",
        "/api/v1/programmes",
        "/api/v1/programmes/{code}",
        "/api/v1/enrolments",
        "/api/v1/enrolments/{enrolment_id}",
        "/api/v1/enrolments/{enrolment_id}/verify",
        "/api/v1/enrolments/{enrolment_id}/end",
    ]:
        assert p in paths
    schemes = r.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"apiKey", "http"}


def test_docs_page_uses_only_local_assets():
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"]:
        url = f"/api/v1/docs/assets/{asset}"
        assert url in html
        response = Client().get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)


def test_docs_assets_serve_only_the_swagger_files():
    assert Client().get("/api/v1/docs/assets/redoc.standalone.js").status_code == 404
    assert Client().get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/v1/workers"),
        ("get", "/api/v1/workers/1"),
        ("post", "/api/v1/workers"),
        ("patch", "/api/v1/workers/1"),
        ("get", "/api/v1/programmes"),
        ("get", "/api/v1/programmes/X"),
        ("get", "/api/v1/enrolments"),
        ("post", "/api/v1/enrolments"),
        ("post", "/api/v1/enrolments/1/verify"),
    ],
)
def test_anonymous_calls_get_401_json_not_a_login_redirect(method, url):
    r = getattr(Client(), method)(url, content_type="application/json")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_session_writes_need_the_csrf_token(users, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users.operator)
    r = patch(client, f"/api/v1/workers/{world['workers']['a'].pk}", {"name": "X"})
    assert r.status_code == 403
    client.get("/api/v1/docs")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    r = patch(
        client,
        f"/api/v1/workers/{world['workers']['a'].pk}",
        {"name": "Warga A Baru"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 200, r.content


# --- workers -----------------------------------------------------------------------------------


def test_worker_list_is_paginated_and_scoped(client_for, world):
    body = client_for("operator").get("/api/v1/workers").json()
    assert body["count"] == 1
    assert [w["name"] for w in body["items"]] == ["Warga A"]
    assert body["items"][0]["village"] == DESA_A
    names = {w["name"] for w in client_for("admin").get("/api/v1/workers?limit=50").json()["items"]}
    assert names == {"Warga A", "Warga B"}
    assert client_for("admin").get("/api/v1/workers?q=Warga B").json()["count"] == 1


def test_worker_detail_inside_the_region(client_for, world):
    w = world["workers"]["a"]
    body = client_for("operator").get(f"/api/v1/workers/{w.pk}").json()
    assert (body["nik"], body["occupation"], body["village_name"]) == (
        w.nik,
        "nelayan",
        "Samurangau",
    )


def test_guessed_worker_ids_outside_the_region_are_404(client_for, world):
    client = client_for("operator")
    own = world["workers"]["a"].pk
    for pk in set(Worker.objects.values_list("pk", flat=True)) - {own} | {own + 1000, 0}:
        r = client.get(f"/api/v1/workers/{pk}")
        assert r.status_code == 404
        assert r.json() == {
            "code": "not_found",
            "message": "Data tidak ditemukan.",
            "field": None,
            "errors": [],
        }
        assert patch(client, f"/api/v1/workers/{pk}", {"name": "X"}).status_code == 404
    assert client_for("admin").get(f"/api/v1/workers/{world['workers']['ppu'].pk}").status_code == (
        404
    )
    assert Worker.objects.filter(name="X").count() == 0


def test_operator_registers_a_worker(client_for, users):
    r = post(client_for("operator"), "/api/v1/workers", worker_payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["name"], body["phone"], body["declared_income"]) == (
        "Siti Aminah",
        "081234567890",
        1_000_000,
    )
    assert Worker.objects.get(pk=body["id"]).village_id == DESA_A


def test_worker_field_errors_are_422_with_code_and_field(client_for):
    r = post(
        client_for("operator"),
        "/api/v1/workers",
        worker_payload(nik="6.40101E+15", phone="12", village="99.99.99.9999"),
    )
    assert r.status_code == 422
    body = r.json()
    assert (body["code"], body["field"]) == ("nik_number_cell", "nik")
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("nik", "nik_number_cell"),
        ("phone", "phone_invalid"),
        ("village", "village_unknown"),
    }


def test_malformed_input_is_422_in_the_same_shape(client_for):
    r = post(client_for("operator"), "/api/v1/workers", worker_payload(birth_date="31-02-1990"))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_input" and body["field"] == "birth_date"
    assert body["errors"]


def test_duplicate_nik_is_a_409_conflict(client_for, world):
    r = post(
        client_for("operator"),
        "/api/v1/workers",
        worker_payload(nik=world["workers"]["a"].nik, sex="L", birth_date="1985-08-17"),
    )
    assert r.status_code == 409
    assert r.json()["code"] == "nik_duplicate"


def test_worker_in_another_village_cannot_be_created(client_for):
    r = post(client_for("operator"), "/api/v1/workers", worker_payload(village=DESA_B))
    assert r.status_code == 403
    assert r.json()["code"] == "scope_denied"
    assert not Worker.objects.exists()


def test_worker_update_and_move_out_of_scope(client_for, world):
    client = client_for("operator")
    pk = world["workers"]["a"].pk
    r = patch(client, f"/api/v1/workers/{pk}", {"name": "Warga  A  Baru"})
    assert (r.status_code, r.json()["name"]) == (200, "Warga A Baru")
    r = patch(client, f"/api/v1/workers/{pk}", {"village": DESA_B})
    assert r.status_code == 403
    assert Worker.objects.get(pk=pk).village_id == DESA_A


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs"])
def test_read_only_roles_read_but_cannot_write_workers(client_for, world, role):
    client = client_for(role)
    pk = world["workers"]["a"].pk
    assert client.get(f"/api/v1/workers/{pk}").status_code == 200
    assert patch(client, f"/api/v1/workers/{pk}", {"name": "X"}).status_code == 403
    assert post(client, "/api/v1/workers", worker_payload()).status_code == 403
    assert Worker.objects.filter(name="X").count() == 0


# --- programmes --------------------------------------------------------------------------------


def test_programmes_of_another_regency_are_invisible(client_for, world):
    own, ppu = world["programme"].code, world["ppu"].code
    listed = {p["code"]: p for p in client_for("admin").get("/api/v1/programmes").json()["items"]}
    assert set(listed) == {own}
    assert (listed[own]["quota"], listed[own]["used"]) == (100, 2)
    assert client_for("admin").get(f"/api/v1/programmes/{ppu}").status_code == 404
    assert client_for("admin_ppu").get(f"/api/v1/programmes/{ppu}").json()["used"] == 1
    assert client_for("operator").get(f"/api/v1/programmes/{own}").status_code == 200


# --- enrolments --------------------------------------------------------------------------------


def test_enrolment_list_and_detail_are_scoped(client_for, world):
    e = world["enrolments"]
    body = client_for("operator").get("/api/v1/enrolments").json()
    assert [x["id"] for x in body["items"]] == [e["a"].pk]
    for key in ["b", "ppu"]:
        assert client_for("operator").get(f"/api/v1/enrolments/{e[key].pk}").status_code == 404
    admin = client_for("admin")
    assert {x["id"] for x in admin.get("/api/v1/enrolments?limit=10").json()["items"]} == {
        e["a"].pk,
        e["b"].pk,
    }
    assert admin.get(f"/api/v1/enrolments?programme={world['ppu'].code}").status_code == 404


def test_full_lifecycle_through_the_api(client_for, users, make_worker, api_programme):
    w = make_worker(by=users.operator)
    r = post(
        client_for("operator"),
        "/api/v1/enrolments",
        {"programme": api_programme.code, "worker_id": w.pk},
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "diusulkan"
    admin, bpjs = client_for("admin"), client_for("bpjs")
    assert post(admin, f"/api/v1/enrolments/{pk}/verify").json()["status"] == "diverifikasi"
    r = post(
        bpjs,
        f"/api/v1/enrolments/{pk}/register",
        {"kpj_number": "123 4567 8901", "registration_date": str(clock.today())},
    )
    assert (r.json()["status"], r.json()["kpj_number"]) == ("terdaftar", "12345678901")
    assert post(bpjs, f"/api/v1/enrolments/{pk}/activate").json()["status"] == "aktif"
    r = post(admin, f"/api/v1/enrolments/{pk}/end", {"reason": "pindah"})
    assert (r.json()["status"], r.json()["end_reason"]) == ("berakhir", "pindah")
    e = Enrolment.objects.get(pk=pk)
    assert (e.proposed_by, e.verified_by, e.registered_by, e.closed_by) == (
        users.operator,
        users.admin,
        users.bpjs,
        users.admin,
    )


def test_rejection_and_domain_errors_are_json(client_for, world):
    admin = client_for("admin")
    pk = world["enrolments"]["a"].pk
    r = post(
        admin,
        f"/api/v1/enrolments/{pk}/register",
        {"kpj_number": "1", "registration_date": "2026-01-05"},
    )
    assert (r.status_code, r.json()["code"]) == (422, "kpj_format")
    r = post(admin, f"/api/v1/enrolments/{pk}/activate")
    assert r.status_code == 409
    assert set(r.json()) == {"code", "message", "field", "errors"}
    assert r.json()["code"] == "transition_invalid"
    assert r.json()["errors"] == [
        {"code": "transition_invalid", "field": None, "message": r.json()["message"]}
    ]
    r = post(admin, f"/api/v1/enrolments/{pk}/reject", {"reason": " "})
    assert (r.status_code, r.json()["field"]) == (422, "reason")
    r = post(admin, f"/api/v1/enrolments/{pk}/reject", {"reason": "Berstatus ASN"})
    assert (r.status_code, r.json()["reject_reason"]) == (200, "Berstatus ASN")


def test_proposal_refusals_carry_every_reason(client_for, users, make_worker, api_programme, world):
    r = post(
        client_for("operator"),
        "/api/v1/enrolments",
        {"programme": api_programme.code, "worker_id": world["workers"]["a"].pk},
    )
    assert (r.status_code, r.json()["code"]) == (409, "already_enrolled")
    ojek = make_worker(by=users.operator, occupation="ojek", birth=dt.date(2015, 1, 1))
    r = post(
        client_for("operator"),
        "/api/v1/enrolments",
        {"programme": api_programme.code, "worker_id": ojek.pk},
    )
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["errors"]} == {
        "age_out_of_range",
        "occupation_not_eligible",
    }


def test_operator_cannot_propose_or_move_records_of_other_regions(client_for, users, world):
    client = client_for("operator")
    code = world["programme"].code
    for key in ["b", "ppu"]:
        r = post(
            client, "/api/v1/enrolments", {"programme": code, "worker_id": world["workers"][key].pk}
        )
        assert r.status_code == 404
    r = post(
        client,
        "/api/v1/enrolments",
        {"programme": world["ppu"].code, "worker_id": world["workers"]["a"].pk},
    )
    assert r.status_code == 404


TRANSITIONS = [
    ("verify", {}),
    ("reject", {"reason": "x"}),
    ("register", {"kpj_number": "12345678901", "registration_date": "2026-01-05"}),
    ("activate", {}),
    ("end", {"reason": "pindah"}),
]


@pytest.mark.parametrize("action,data", TRANSITIONS)
def test_every_transition_url_is_404_outside_the_region(client_for, world, action, data):
    e = world["enrolments"]
    for role, key in [
        ("operator", "b"),
        ("admin", "ppu"),
        ("admin_ppu", "a"),
        ("bpjs", "ppu"),
        ("auditor", "ppu"),
    ]:
        r = post(client_for(role), f"/api/v1/enrolments/{e[key].pk}/{action}", data)
        assert r.status_code == 404, (role, key)
    missing = max(x.pk for x in e.values()) + 1000
    r = post(client_for("admin"), f"/api/v1/enrolments/{missing}/{action}", data)
    assert r.status_code == 404
    assert {x.status for x in Enrolment.objects.all()} == {"diusulkan"}


@pytest.mark.parametrize("role", ["leader", "auditor", "operator"])
@pytest.mark.parametrize("action,data", TRANSITIONS)
def test_roles_without_the_step_get_403_and_change_nothing(client_for, world, role, action, data):
    pk = world["enrolments"]["a"].pk
    r = post(client_for(role), f"/api/v1/enrolments/{pk}/{action}", data)
    assert r.status_code == 403
    assert r.json()["code"] == "scope_denied"
    assert Enrolment.objects.get(pk=pk).status == "diusulkan"


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs"])
def test_read_only_roles_cannot_propose(client_for, users, make_worker, api_programme, role):
    w = make_worker(by=users.operator)
    r = post(
        client_for(role), "/api/v1/enrolments", {"programme": api_programme.code, "worker_id": w.pk}
    )
    assert r.status_code == 403
    assert not Enrolment.objects.filter(worker=w).exists()


# --- bearer tokens -----------------------------------------------------------------------------


def test_bearer_token_acts_with_its_user_scope(users, world):
    row, token = api_token_create(user=users.operator, name="skrip desa")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = client.get("/api/v1/workers").json()
    assert [w["name"] for w in body["items"]] == ["Warga A"]
    assert client.get(f"/api/v1/workers/{world['workers']['b'].pk}").status_code == 404
    r = post(client, "/api/v1/workers", worker_payload())
    assert r.status_code == 201
    row.refresh_from_db()
    assert row.last_used_at is not None and token not in (row.digest, row.prefix)
    api_token_revoke(token=row, by=users.operator)
    assert client.get("/api/v1/workers").status_code == 401


def test_unknown_bearer_token_is_401():
    r = Client(HTTP_AUTHORIZATION="Bearer tebakan").get("/api/v1/workers")
    assert r.status_code == 401


def test_api_token_command_prints_a_working_token(users):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("api_token", "admin_paser", "--name", "dasbor", stdout=out)
    token = out.getvalue().strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/programmes").status_code == 200

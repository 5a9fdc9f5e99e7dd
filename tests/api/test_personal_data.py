"""API lists: a maximum page size, and NIK/No. KK/phone masked for roles that only read."""

from __future__ import annotations

import pytest

from lindung.api.pagination import MAX_LIMIT
from lindung.core.formatting import mask_identity, mask_phone
from tests.api.test_api import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

KK = "6401010101260003"
PHONE = "081234567890"


@pytest.fixture
def person(users, make_worker):
    return make_worker(by=users.operator, name="Siti Aminah", sex="P", kk_number=KK, phone=PHONE)


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_read_only_roles_get_masked_numbers_in_list_and_detail(client_for, person, role):
    client = client_for(role)
    for url in ("/api/v1/workers", f"/api/v1/workers/{person.pk}"):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200
        for secret in (person.nik, KK, PHONE):
            assert secret not in body
    item = client.get(f"/api/v1/workers/{person.pk}").json()
    assert (item["nik"], item["kk_number"], item["phone"]) == (
        mask_identity(person.nik),
        mask_identity(KK),
        mask_phone(PHONE),
    )
    assert item["name"] == "Siti Aminah"


@pytest.mark.parametrize("role", ["operator", "admin", "bpjs"])
def test_roles_that_write_get_the_numbers_whole(client_for, person, role):
    item = client_for(role).get(f"/api/v1/workers/{person.pk}").json()
    assert (item["nik"], item["kk_number"], item["phone"]) == (person.nik, KK, PHONE)


def test_enrolment_list_masks_the_worker_nik_for_pimpinan(client_for, world):  # noqa: F811
    body = client_for("leader").get("/api/v1/enrolments").json()
    assert body["count"] == 2
    niks = {w.nik for w in world["workers"].values()}
    assert {i["worker_nik"] for i in body["items"]} == {
        mask_identity(world["workers"][k].nik) for k in ("a", "b")
    }
    assert not niks & {i["worker_nik"] for i in body["items"]}
    whole = client_for("admin").get("/api/v1/enrolments").json()
    assert {i["worker_nik"] for i in whole["items"]} <= niks


def test_page_size_up_to_the_maximum_is_served(client_for, person):
    response = client_for("leader").get(f"/api/v1/workers?limit={MAX_LIMIT}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("limit", [MAX_LIMIT + 1, 1_000_000, 2**63, 2**70, 0, -1])
def test_limit_outside_the_range_is_refused_with_a_clear_message(client_for, person, limit):
    response = client_for("leader").get(f"/api/v1/workers?limit={limit}")
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid_input"
    assert body["field"] == "limit"
    assert body["errors"][0]["code"] == "limit_out_of_range"
    assert f"antara 1 dan {MAX_LIMIT}" in body["message"]


@pytest.mark.parametrize("offset", [-1, 2**63, 10**30])
def test_offset_outside_the_range_is_refused(client_for, person, offset):
    response = client_for("admin").get(f"/api/v1/enrolments?offset={offset}")
    assert response.status_code == 422
    assert response.json()["field"] == "offset"


def test_default_page_and_paging_still_work(client_for, users, make_worker):
    for i in range(3):
        make_worker(by=users.operator, name=f"Pekerja {i}")
    client = client_for("admin")
    first = client.get("/api/v1/workers?limit=2").json()
    rest = client.get("/api/v1/workers?limit=2&offset=2").json()
    assert (first["count"], len(first["items"]), len(rest["items"])) == (3, 2, 1)


def test_openapi_documents_the_maximum(client_for):
    schema = client_for("admin").get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/workers"]["get"]["parameters"]
    limit = next(p for p in params if p["name"] == "limit")
    assert str(MAX_LIMIT) in limit["schema"].get("description", "") + limit.get("description", "")

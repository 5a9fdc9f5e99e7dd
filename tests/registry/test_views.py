"""Worker pages: wiring, region scope (404 outside it), roles (403), field-level errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.programs.models import Enrolment
from lindung.registry.models import Occupation, Worker
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU, nik_for

pytestmark = pytest.mark.django_db


def _form_data(**overrides):
    data = {
        "nik": nik_for(birth=dt.date(1990, 3, 5), serial=77),
        "name": "Siti Aminah",
        "sex": "L",
        "birth_place": "Tanah Grogot",
        "birth_date": "1990-03-05",
        "village": DESA_A,
        "occupation": Occupation.objects.get(code="nelayan").pk,
        "address": "RT 03",
        "phone": "",
        "kk_number": "",
        "declared_income": "",
    }
    data.update(overrides)
    return data


def test_operator_registers_worker_in_own_village(client, users):
    client.force_login(users.operator)
    response = client.post(reverse("registry:create"), _form_data())
    worker = Worker.objects.get(nik=nik_for(birth=dt.date(1990, 3, 5), serial=77))
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=[worker.pk])
    assert worker.village_id == DESA_A
    assert worker.declared_income == 1_000_000  # the dated default parameter


def test_create_form_preselects_operator_village_and_offers_only_it(client, users):
    client.force_login(users.operator)
    response = client.get(reverse("registry:create"))
    form = response.context["form"]
    assert form.fields["village"].initial == DESA_A
    assert [v.code for v in form.fields["village"].queryset] == [DESA_A]


def test_bad_nik_shows_indonesian_error_on_the_nik_field(client, users):
    client.force_login(users.operator)
    response = client.post(reverse("registry:create"), _form_data(nik="64010112345"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "NIK harus tepat 16 digit angka" in errors["nik"][0]
    assert "NIK harus tepat 16 digit angka" in response.content.decode()
    assert not Worker.objects.exists()


def test_nik_disagreeing_with_sex_is_reported_on_nik(client, users):
    client.force_login(users.operator)
    response = client.post(reverse("registry:create"), _form_data(sex="P"))
    assert "NIK menunjukkan jenis kelamin laki-laki" in response.context["form"].errors["nik"][0]


def test_duplicate_nik_is_a_field_error(client, users, make_worker):
    existing = make_worker()
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:create"), _form_data(nik=existing.nik, birth_date="1985-08-17")
    )
    assert "NIK ini sudah terdaftar" in response.context["form"].errors["nik"][0]


def test_village_outside_scope_is_not_a_choice(client, users):
    client.force_login(users.operator)
    response = client.post(reverse("registry:create"), _form_data(village=DESA_B))
    assert "village" in response.context["form"].errors
    assert not Worker.objects.exists()


@pytest.mark.parametrize("name", ["registry:detail", "registry:edit"])
def test_operator_gets_404_for_worker_of_another_village(client, users, make_worker, name):
    other = make_worker(village=DESA_B)
    client.force_login(users.operator)
    assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_operator_cannot_edit_or_propose_worker_of_another_village(
    client, users, make_worker, programme
):
    other = make_worker(village=DESA_B, name="Orang Busui")
    client.force_login(users.operator)
    edit = client.post(
        reverse("registry:edit", args=[other.pk]),
        _form_data(name="Diubah", nik=other.nik, birth_date="1985-08-17"),
    )
    propose = client.post(
        reverse("registry:propose", args=[other.pk]), {"programme": programme.code}
    )
    assert (edit.status_code, propose.status_code) == (404, 404)
    other.refresh_from_db()
    assert other.name == "Orang Busui"
    assert not Enrolment.objects.exists()


def test_worker_list_shows_only_own_scope(client, users, make_worker):
    mine = make_worker(village=DESA_A, name="Warga Samurangau")
    make_worker(village=DESA_B, name="Warga Busui")
    client.force_login(users.operator)
    response = client.get(reverse("registry:list"))
    assert list(response.context["page_obj"]) == [mine]
    assert "Warga Busui" not in response.content.decode()


def test_paser_admin_sees_nothing_of_ppu(client, users, make_worker):
    ppu = make_worker(by=users.admin_ppu, village=DESA_PPU, name="Warga Penajam")
    paser = make_worker(village=DESA_A, name="Warga Paser")
    client.force_login(users.admin)
    listing = client.get(reverse("registry:list"))
    assert list(listing.context["page_obj"]) == [paser]
    assert "Warga Penajam" not in listing.content.decode()
    assert client.get(reverse("registry:detail", args=[ppu.pk])).status_code == 404
    # A PPU village is not even a filter option for the Paser admin.
    assert DESA_PPU not in dict(listing.context["form"].fields["desa"].choices)


def test_search_by_nik_prefix_and_by_name(client, users, make_worker):
    a = make_worker(name="Budi Santoso", nik="6401011708850099")
    b = make_worker(name="Ani Lestari", sex="P", birth=dt.date(1992, 1, 2))
    client.force_login(users.admin)
    by_nik = client.get(reverse("registry:list"), {"q": "6401011708850"})
    by_name = client.get(reverse("registry:list"), {"q": "lestari"})
    assert list(by_nik.context["page_obj"]) == [a]
    assert list(by_name.context["page_obj"]) == [b]


def test_filters_by_kecamatan_and_status(client, users, make_worker):
    make_worker(village=DESA_A, name="Di Batu Sopang")
    other_kec = make_worker(village=DESA_OTHER_KEC, name="Di Kecamatan Lain")
    client.force_login(users.admin)
    response = client.get(reverse("registry:list"), {"kecamatan": "64.01.02"})
    assert list(response.context["page_obj"]) == [other_kec]
    response = client.get(reverse("registry:list"), {"status": "meninggal"})
    assert list(response.context["page_obj"]) == []


def test_live_search_returns_only_the_table(client, users, make_worker):
    make_worker(name="Budi Santoso")
    client.force_login(users.admin)
    response = client.get(reverse("registry:list"), {"q": "budi"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="worker-table">')
    assert "<html" not in html
    assert "Budi Santoso" in html
    assert "HX-Request" in response["Vary"]


def test_choosing_a_kecamatan_narrows_the_desa_list_in_place(client, users):
    client.force_login(users.admin)
    response = client.get(
        reverse("registry:list"), {"kecamatan": "64.01.02"}, HTTP_HX_REQUEST="true"
    )
    desa = [code for code, _label in response.context["form"].fields["desa"].choices if code]
    assert desa and all(code.startswith("64.01.02.") for code in desa)
    html = response.content.decode()
    assert '<label id="desa-filter" hx-swap-oob="true">' in html
    assert DESA_A not in html  # a desa of Batu Sopang is not offered under Tanjung Harapan


def test_list_is_paginated_by_50(client, users, make_worker):
    for i in range(51):
        make_worker(name=f"Pekerja {i:02d}", nik=nik_for(serial=100 + i))
    client.force_login(users.admin)
    first = client.get(reverse("registry:list"))
    second = client.get(reverse("registry:list"), {"page": 2})
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 1


def test_detail_shows_enrolments_and_audit_history(client, users, make_worker, programme):
    from lindung.programs.services import enrolment_propose

    worker = make_worker(by=users.operator, name="Rahmat")
    enrolment_propose(programme=programme, worker=worker, by=users.operator)
    client.force_login(users.operator)
    response = client.get(reverse("registry:detail", args=[worker.pk]))
    html = response.content.decode()
    assert "PASER-2026" in html and "Diusulkan" in html
    summaries = [e.summary for e in response.context["history"]]
    assert "Pekerja Rahmat didaftarkan" in summaries
    assert "Rahmat diusulkan ke PASER-2026" in summaries


def test_operator_edits_worker(client, users, make_worker):
    worker = make_worker(by=users.operator)
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:edit", args=[worker.pk]),
        _form_data(nik=worker.nik, birth_date="1985-08-17", name="Nama Baru", status="aktif"),
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.name == "Nama Baru"


def test_operator_proposes_worker_from_detail_page(client, users, make_worker, programme):
    worker = make_worker(by=users.operator)
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:propose", args=[worker.pk]), {"programme": programme.code}, follow=True
    )
    assert Enrolment.objects.get(worker=worker).status == Enrolment.Status.PROPOSED
    assert "diusulkan ke program PASER-2026" in response.content.decode()


def test_ineligible_proposal_shows_the_reason(client, users, make_worker, programme):
    worker = make_worker(by=users.operator, occupation="ojek")  # a PPU occupation, not Paser's
    client.force_login(users.operator)
    response = client.post(
        reverse("registry:propose", args=[worker.pk]), {"programme": programme.code}
    )
    assert response.status_code == 422
    assert "tidak termasuk daftar pekerjaan program PASER-2026" in response.content.decode()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_read_only_roles_see_workers_but_cannot_write(client, users, make_worker, programme, role):
    worker = make_worker()
    client.force_login(getattr(users, role))
    detail = client.get(reverse("registry:detail", args=[worker.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert reverse("registry:edit", args=[worker.pk]) not in html
    assert reverse("registry:propose", args=[worker.pk]) not in html
    assert client.get(reverse("registry:create")).status_code == 403
    assert client.post(reverse("registry:create"), _form_data()).status_code == 403
    assert (
        client.post(
            reverse("registry:propose", args=[worker.pk]), {"programme": programme.code}
        ).status_code
        == 403
    )
    assert Worker.objects.count() == 1 and not Enrolment.objects.exists()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

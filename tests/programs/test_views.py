"""Programme pages and enrolment actions: wiring, scope (404), roles (403 / no buttons)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.programs.models import BudgetLine, Enrolment
from lindung.programs.services import budget_line_add, enrolment_propose, enrolment_verify
from tests.conftest import DESA_B, DESA_PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(users, programme, make_worker):
    worker = make_worker(by=users.operator, name="Rahmat")
    return enrolment_propose(programme=programme, worker=worker, by=users.operator)


def _action(enrolment, action):
    return reverse("programs:enrolment_action", args=[enrolment.pk, action])


def test_list_shows_quota_used_left_and_budget(client, users, programme, proposed):
    # Two budget lines of the same amount: both count (a join-based Sum(distinct) drops one).
    for doc in ("DPA 1", "DPA 2"):
        budget_line_add(
            by=users.admin,
            programme=programme,
            kind="apbd_murni",
            amount=806_400_000,
            date=dt.date(2026, 1, 5),
            document_ref=doc,
        )
    client.force_login(users.admin)
    response = client.get(reverse("programs:list"))
    (row,) = response.context["programmes"]
    assert (row.used, row.left, row.budget_total) == (1, 99, 1_612_800_000)
    assert "Rp1.612.800.000" in response.content.decode()


def test_detail_shows_quota_and_enrolments(client, users, programme, proposed):
    client.force_login(users.admin)
    response = client.get(reverse("programs:detail", args=[programme.code]))
    html = response.content.decode()
    assert response.context["programme"].used == 1
    assert response.context["programme"].left == 99
    assert "Rahmat" in html and "Verifikasi" in html
    assert "1 Januari 2026" in html  # dates in Indonesian


def test_enrolment_table_filters_by_status(client, users, programme, proposed):
    client.force_login(users.admin)
    verified = client.get(
        reverse("programs:detail", args=[programme.code]), {"status": "diverifikasi"}
    )
    proposed_only = client.get(
        reverse("programs:detail", args=[programme.code]), {"status": "diusulkan"}
    )
    assert list(verified.context["page_obj"]) == []
    assert list(proposed_only.context["page_obj"]) == [proposed]


def test_paser_admin_cannot_see_ppu_programme(client, users):
    from lindung.programs.services import programme_create
    from lindung.registry.models import Occupation

    ppu = programme_create(
        by=users.admin_ppu,
        code="PPU-2026",
        name="PPU",
        region=users.admin_ppu.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.filter(code="ojek"),
        quota=10,
    )
    client.force_login(users.admin)
    listing = client.get(reverse("programs:list"))
    assert ppu not in list(listing.context["programmes"])
    assert "PPU-2026" not in listing.content.decode()
    assert client.get(reverse("programs:detail", args=[ppu.code])).status_code == 404


def test_admin_verifies_with_htmx_and_gets_the_row(client, users, proposed):
    client.force_login(users.admin)
    response = client.post(_action(proposed, "verify"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="enrolment-{proposed.pk}"')
    assert "Diverifikasi" in html
    proposed.refresh_from_db()
    assert proposed.status == Enrolment.Status.VERIFIED


def test_full_lifecycle_without_javascript(client, users, proposed):
    client.force_login(users.admin)
    client.post(_action(proposed, "verify"))
    client.force_login(users.bpjs)
    client.post(
        _action(proposed, "register"),
        {"kpj_number": "12345678901", "registration_date": "2026-11-02"},
    )
    client.post(_action(proposed, "activate"))
    response = client.post(_action(proposed, "end"), {"reason": "pindah", "end_date": "2026-11-30"})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.status, proposed.kpj_number, proposed.end_reason) == (
        Enrolment.Status.ENDED,
        "12345678901",
        "pindah",
    )


def test_bad_kpj_error_is_shown_in_the_row(client, users, proposed):
    enrolment_verify(enrolment=proposed, by=users.admin)
    client.force_login(users.bpjs)
    response = client.post(
        _action(proposed, "register"),
        {"kpj_number": "123", "registration_date": "2026-11-02"},
        HTTP_HX_REQUEST="true",
    )
    assert "Nomor KPJ harus 11 digit" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == Enrolment.Status.VERIFIED


def test_reject_needs_a_reason(client, users, proposed):
    client.force_login(users.admin)
    response = client.post(_action(proposed, "reject"), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert 'class="row-error"' in response.content.decode()
    client.post(_action(proposed, "reject"), {"reason": "Bukan warga Paser"})
    proposed.refresh_from_db()
    assert (proposed.status, proposed.reject_reason) == (
        Enrolment.Status.REJECTED,
        "Bukan warga Paser",
    )


@pytest.mark.parametrize("action", ["verify", "reject", "register", "activate", "end"])
def test_operator_of_another_village_gets_404_on_actions(client, users, proposed, action):
    client.force_login(users.operator_b)
    response = client.post(_action(proposed, action), {"reason": "x"})
    assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.status == Enrolment.Status.PROPOSED


def test_ppu_admin_gets_404_on_paser_enrolment(client, users, proposed):
    client.force_login(users.admin_ppu)
    assert client.post(_action(proposed, "verify")).status_code == 404


@pytest.mark.parametrize("role", ["leader", "auditor", "operator"])
def test_roles_without_verify_right_get_403_and_no_buttons(
    client, users, programme, proposed, role
):
    client.force_login(getattr(users, role))
    page = client.get(reverse("programs:detail", args=[programme.code]))
    assert page.status_code == 200
    assert _action(proposed, "verify") not in page.content.decode()
    assert reverse("programs:bulk_verify", args=[programme.code]) not in page.content.decode()
    assert client.post(_action(proposed, "verify")).status_code == 403
    assert (
        client.post(
            reverse("programs:bulk_verify", args=[programme.code]), {"ids": [proposed.pk]}
        ).status_code
        == 403
    )
    proposed.refresh_from_db()
    assert proposed.status == Enrolment.Status.PROPOSED


def test_bulk_verify_ignores_ids_outside_the_programme_scope(client, users, programme, make_worker):
    from lindung.programs.services import programme_create
    from lindung.registry.models import Occupation

    a = enrolment_propose(programme=programme, worker=make_worker(), by=users.admin)
    b = enrolment_propose(programme=programme, worker=make_worker(village=DESA_B), by=users.admin)
    ppu = programme_create(
        by=users.admin_ppu,
        code="PPU-2026",
        name="PPU",
        region=users.admin_ppu.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.filter(code="nelayan"),
        quota=10,
    )
    foreign = enrolment_propose(
        programme=ppu, by=users.admin_ppu, worker=make_worker(by=users.admin_ppu, village=DESA_PPU)
    )
    client.force_login(users.admin)
    response = client.post(
        reverse("programs:bulk_verify", args=[programme.code]),
        {"ids": [a.pk, b.pk, foreign.pk, 99999]},
        follow=True,
    )
    assert "2 usulan diverifikasi" in response.content.decode()
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "diverifikasi", b.pk: "diverifikasi", foreign.pk: "diusulkan"}


def test_admin_adds_budget_line_with_field_errors(client, users, programme):
    client.force_login(users.admin)
    url = reverse("programs:budget_add", args=[programme.code])
    bad = client.post(
        url, {"kind": "apbd_murni", "amount": "0", "date": "2026-01-05", "document_ref": "DPA"}
    )
    assert "Jumlah anggaran harus lebih dari Rp0." in bad.context["budget_form"].errors["amount"]
    good = client.post(
        url,
        {
            "kind": "apbd_murni",
            "amount": "1600000000",
            "date": "2026-01-05",
            "document_ref": "DPA 2026",
        },
    )
    assert good.status_code == 302
    assert BudgetLine.objects.get(programme=programme).amount == 1_600_000_000


def test_budget_form_only_for_managers_of_the_programme(
    client, users, programme, province_programme
):
    client.force_login(users.admin)
    own = client.get(reverse("programs:detail", args=[programme.code]))
    province = client.get(reverse("programs:detail", args=[province_programme.code]))
    assert own.context["budget_form"] is not None
    assert province.context["budget_form"] is None  # visible to Paser, managed by the province
    assert (
        client.post(
            reverse("programs:budget_add", args=[province_programme.code]),
            {
                "kind": "apbd_murni",
                "amount": "1",
                "date": "2026-01-05",
                "document_ref": "X",
            },
        ).status_code
        == 403
    )
    client.force_login(users.auditor)
    assert (
        client.get(reverse("programs:detail", args=[programme.code])).context["budget_form"] is None
    )


def test_budget_is_money_hidden_from_the_village_operator(client, users, programme):
    """The budget lines and totals are money: the roles with CONTRIBUTIONS_READ read them, the
    village operator does not (as on the contributions pages and in the API)."""
    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=806_400_000,
        date=dt.date(2026, 1, 5),
        document_ref="DPA-RAHASIA",
    )
    pages = [reverse("programs:list"), reverse("programs:detail", args=[programme.code])]
    client.force_login(users.operator)
    for url in pages:
        html = client.get(url).content.decode()
        assert "Rp806.400.000" not in html and "DPA-RAHASIA" not in html, url
        assert "Total anggaran" not in html, url
    client.force_login(users.leader)
    for url in pages:
        assert "Rp806.400.000" in client.get(url).content.decode(), url

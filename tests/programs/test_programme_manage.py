"""The Dinas manages its own programme in the app: create, edit, budget lines typed as people
type them, and a quota offered (never set silently) from what the budget affords."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.contributions.rules import quota_offer
from lindung.core.forms import parse_rupiah
from lindung.programs.models import Programme
from lindung.programs.services import enrolment_propose

pytestmark = pytest.mark.django_db


def _form(**over):
    data = {
        "code": "paser-2027",
        "name": "Perlindungan pekerja rentan Paser 2027",
        "fiscal_year": "2027",
        "period_start": "2027-01-01",
        "period_end": "31/12/2027",
        "age_min": "15",
        "age_max": "64",
        "quota": "1000",
        "legal_basis": "Perbup 4/2022",
    }
    data.update(over)
    return data


def _occupation_ids(*codes):
    from lindung.registry.models import Occupation

    return [
        str(pk) for pk in Occupation.objects.filter(code__in=codes).values_list("pk", flat=True)
    ]


def test_admin_kabupaten_creates_a_programme_of_its_regency(client, users):
    client.force_login(users.admin)
    assert 'id="programme-create"' in client.get(reverse("programs:list")).content.decode()
    response = client.post(
        reverse("programs:create"), _form(occupations=_occupation_ids("nelayan", "marbot"))
    )
    assert response.status_code == 302
    programme = Programme.objects.get(code="PASER-2027")
    assert programme.region_id == "64.01"
    assert (programme.period_end, programme.quota) == (dt.date(2027, 12, 31), 1000)
    assert sorted(programme.occupations.values_list("code", flat=True)) == ["marbot", "nelayan"]
    assert AuditEvent.objects.filter(action="create", object_type="programme").count() == 1


def test_create_names_every_problem_on_its_field(client, users):
    client.force_login(users.admin)
    response = client.post(
        reverse("programs:create"), _form(period_end="2026-12-31", age_max="10", occupations=[])
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "occupations" in form.errors
    assert not Programme.objects.exists()
    response = client.post(
        reverse("programs:create"),
        _form(period_end="2026-12-31", age_max="10", occupations=_occupation_ids("nelayan")),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "period_end" in errors and "age_max" in errors


@pytest.mark.parametrize("who", ["operator", "leader", "auditor", "bpjs"])
def test_other_roles_cannot_create_programmes(client, users, who):
    client.force_login(getattr(users, who))
    assert 'id="programme-create"' not in client.get(reverse("programs:list")).content.decode()
    assert client.get(reverse("programs:create")).status_code == 403
    assert (
        client.post(
            reverse("programs:create"), _form(occupations=_occupation_ids("nelayan"))
        ).status_code
        == 403
    )
    assert not Programme.objects.exists()


def test_admin_edits_its_programme_but_not_below_what_is_used(
    client, users, programme, make_worker
):
    for _ in range(3):
        enrolment_propose(programme=programme, worker=make_worker(), by=users.admin)
    client.force_login(users.admin)
    url = reverse("programs:edit", args=[programme.code])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["quota"] == 100

    edit = _form(
        code="IGNORED",
        fiscal_year="2030",
        name="Nama baru",
        period_start="2026-01-01",
        period_end="2026-12-31",
        quota="2",
        occupations=_occupation_ids("nelayan"),
    )
    response = client.post(url, edit)
    assert response.status_code == 422
    assert "3" in response.context["form"].errors["quota"][0]

    # Moving the end before months the proposals hold is refused with its reason.
    response = client.post(url, edit | {"quota": "50", "period_end": "2026-06-30"})
    assert response.status_code == 422
    assert "period_start" in response.context["form"].errors

    response = client.post(url, edit | {"quota": "50"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.code, programme.fiscal_year, programme.name, programme.quota) == (
        "PASER-2026",
        2026,
        "Nama baru",
        50,
    )
    event = AuditEvent.objects.filter(action="update", object_type="programme").latest("id")
    assert event.changes["quota"] == ["100", "50"]


def test_a_regency_admin_cannot_edit_another_regency_or_the_province(
    client, users, programme, province_programme
):
    client.force_login(users.admin_ppu)
    assert client.get(reverse("programs:edit", args=[programme.code])).status_code == 404
    client.force_login(users.admin)
    assert client.get(reverse("programs:edit", args=[province_programme.code])).status_code == 403
    assert (
        client.post(
            reverse("programs:quota_set", args=[province_programme.code]), {"quota": "5"}
        ).status_code
        == 403
    )
    province_programme.refresh_from_db()
    assert province_programme.quota == 100


def test_budget_line_typed_with_rp_and_dots_offers_the_quota_it_affords(client, users, programme):
    client.force_login(users.admin)
    response = client.post(
        reverse("programs:budget_add", args=[programme.code]),
        {
            "kind": "apbd_murni",
            "amount": "Rp 201.600.000",
            "date": "2026-01-02",
            "document_ref": "DPA 2026",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("contributions:programme", args=[programme.code])
    page = client.get(response.url).content.decode()
    # Rp201.600.000 / (Rp16.800 x 12 months) = 1.000 participants; the quota is 100.
    assert "Rp201.600.000" in page and "menanggung 1.000 peserta lagi" in page
    assert "Naikkan kuota menjadi 1.000?" in page
    programme.refresh_from_db()
    assert programme.quota == 100  # offered, not set

    response = client.post(reverse("programs:quota_set", args=[programme.code]), {"quota": "1000"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.quota == 1000
    assert 'id="quota-offer"' not in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("93.744.000", 93_744_000),
        ("Rp 93.744.000", 93_744_000),
        ("Rp93.744.000,00", 93_744_000),
        ("93744000", 93_744_000),
        ("rp. 16.800", 16_800),
        ("-Rp16.800", -16_800),
        ("12,5", None),
        ("1.2.3", None),
        ("sembilan", None),
        ("", None),
        ("9" * 16, None),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_rupiah(typed) == amount


def test_quota_offer_raises_lowers_or_stays_silent():
    up = quota_offer(
        budget=3_024_000_000, last_line=201_600_000, premium=16_800, months=12, quota=8_000, used=10
    )
    assert up is not None and up.quota == 15_000
    assert "menanggung 1.000 peserta lagi" in up.sentence
    down = quota_offer(
        budget=201_600_000, last_line=None, premium=16_800, months=12, quota=8_000, used=1_200
    )
    assert down is not None and down.quota == 1_200  # never below the places already used
    assert "Turunkan kuota menjadi 1.200?" in down.sentence
    assert (
        quota_offer(
            budget=201_600_000, last_line=None, premium=16_800, months=12, quota=1_000, used=0
        )
        is None
    )


def test_the_province_reads_a_regency_programme_but_does_not_manage_it(client, users, programme):
    from lindung.core.errors import ScopeDenied
    from lindung.programs.services import budget_line_add

    with pytest.raises(ScopeDenied):
        budget_line_add(
            by=users.province,
            programme=programme,
            kind="apbd_murni",
            amount=1_000_000,
            date=dt.date(2026, 1, 2),
            document_ref="DPA",
        )
    client.force_login(users.province)
    assert client.get(reverse("programs:detail", args=[programme.code])).status_code == 200
    assert client.get(reverse("programs:edit", args=[programme.code])).status_code == 403
    assert (
        client.post(
            reverse("programs:quota_set", args=[programme.code]), {"quota": "5"}
        ).status_code
        == 403
    )

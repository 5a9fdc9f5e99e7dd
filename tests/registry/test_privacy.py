"""Personal data by need (issue 14): NIK, No. KK and phone masked in lists and for read-only
roles, shown whole to the village's operator, revealed by admins and auditors with an audit
event; the duplicate queue never shows an operator another village's person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.formatting import mask_identities_in, mask_identity, mask_phone, tanggal
from lindung.registry import duplicates
from lindung.registry.models import DuplicatePair
from tests.conftest import DESA_A, DESA_B

KK = "6401010101260003"
PHONE = "081234567890"
ROLES = ["operator", "admin", "province", "bpjs", "leader", "auditor"]


# --- the masking rule ---------------------------------------------------------------------------


def test_nik_keeps_region_and_serial_and_hides_the_birth_digits():
    assert mask_identity("6401015708850002") == "6401 01•• •••• 0002"


def test_masking_odd_values_never_shows_them_whole():
    assert mask_identity("") == ""
    assert mask_identity(None) == ""
    assert mask_identity("123") == "•••"
    assert mask_identity("64010112345") == "64•••••••45"


def test_phone_keeps_operator_prefix_and_last_three_digits():
    assert mask_phone(PHONE) == "0812•••••890"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "•••••"


def test_every_nik_inside_a_sentence_is_masked():
    text = "Data Ani (NIK 6401015708850002) digabung; KK 6401010101260003, kode 123456789012345678"
    assert mask_identities_in(text) == (
        "Data Ani (NIK 6401 01•• •••• 0002) digabung; KK 6401 01•• •••• 0003, "
        "kode 123456789012345678"
    )


# --- pages -------------------------------------------------------------------------------------


@pytest.fixture
def worker(make_worker, users):
    return make_worker(by=users.operator, name="Siti Aminah", sex="P", kk_number=KK, phone=PHONE)


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_worker_list_masks_the_nik_for_every_role(client, users, worker, role):
    html = page(client, getattr(users, role), reverse("registry:list"))
    assert "Siti Aminah" in html
    assert worker.nik not in html
    assert mask_identity(worker.nik) in html


def test_search_by_nik_prefix_still_finds_the_masked_row(client, users, worker):
    html = page(client, users.leader, reverse("registry:list") + f"?q={worker.nik[:8]}")
    assert "Siti Aminah" in html and worker.nik not in html


@pytest.mark.parametrize("role", ["leader", "auditor", "admin", "bpjs", "province"])
def test_detail_page_masks_nik_kk_phone_and_history_for_other_roles(client, users, worker, role):
    html = page(client, getattr(users, role), reverse("registry:detail", args=[worker.pk]))
    # The page's audit history holds the 'create' event with every field: masked too.
    for secret in (worker.nik, KK, PHONE):
        assert secret not in html
    assert mask_identity(worker.nik) in html and mask_identity(KK) in html
    assert mask_phone(PHONE) in html


def test_pimpinan_has_no_reveal_action(client, users, worker):
    html = page(client, users.leader, reverse("registry:detail", args=[worker.pk]))
    assert "Tampilkan NIK lengkap" not in html
    assert reverse("registry:reveal", args=[worker.pk]) not in html


@pytest.mark.parametrize("role", ["auditor", "admin", "bpjs"])
def test_roles_that_may_reveal_are_offered_the_action(client, users, worker, role):
    html = page(client, getattr(users, role), reverse("registry:detail", args=[worker.pk]))
    assert "Tampilkan NIK lengkap" in html
    assert reverse("registry:reveal", args=[worker.pk]) in html


def test_operator_of_the_village_sees_the_numbers_whole_without_asking(client, users, worker):
    html = page(client, users.operator, reverse("registry:detail", args=[worker.pk]))
    assert worker.nik in html and KK in html and PHONE in html
    assert "Tampilkan NIK lengkap" not in html
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_writes_exactly_one_audit_event_then_shows_the_numbers(client, users, worker):
    client.force_login(users.auditor)
    response = client.post(reverse("registry:reveal", args=[worker.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert worker.nik in html and KK in html and PHONE in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="reveal")
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        users.auditor,
        "worker",
        str(worker.pk),
        DESA_A,
    )
    assert "Siti Aminah" in event.summary
    assert event.at is not None
    # The next visit is masked again (and is no new reveal).
    html = page(client, users.auditor, reverse("registry:detail", args=[worker.pk]))
    assert worker.nik not in html
    assert AuditEvent.objects.filter(action="reveal").count() == 1


def test_reveal_is_a_post(client, users, worker):
    client.force_login(users.auditor)
    assert client.get(reverse("registry:reveal", args=[worker.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_pimpinan_cannot_reveal(client, users, worker):
    client.force_login(users.leader)
    response = client.post(reverse("registry:reveal", args=[worker.pk]))
    assert response.status_code == 403
    assert worker.nik not in response.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_outside_the_region_is_404(client, users, worker):
    client.force_login(users.admin_ppu)
    response = client.post(reverse("registry:reveal", args=[worker.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


# --- duplicate queue ---------------------------------------------------------------------------

BIRTH = dt.date(1985, 8, 17)


@pytest.fixture
def cross_village_pair(users, make_worker):
    own = make_worker(by=users.operator, name="Siti Aminah", sex="P", village=DESA_A, birth=BIRTH)
    other = make_worker(
        by=users.operator_b, name="Siti Aminahh Binti Other", sex="P", village=DESA_B, birth=BIRTH
    )
    duplicates.duplicate_pairs_record(pairs=[(own.pk, other.pk, 90)], source="uji")
    return own, other


def test_duplicate_queue_never_shows_an_operator_another_villages_person(
    client, users, cross_village_pair
):
    own, other = cross_village_pair
    html = page(client, users.operator, reverse("imports:duplicates"))
    assert "Siti Aminah" in html  # the operator's own worker
    assert mask_identity(own.nik) in html and own.nik not in html
    assert other.name not in html
    assert other.nik not in html and mask_identity(other.nik) not in html
    assert reverse("registry:detail", args=[other.pk]) not in html
    # Both share the birth date (that is how they were matched): it appears once, on the
    # operator's own side.
    assert html.count(tanggal(BIRTH)) == 1  # "17 Agustus 1985", the house date style
    assert "Pekerja di luar wilayah Anda" in html


def test_duplicate_queue_shows_the_admin_both_sides_masked(client, users, cross_village_pair):
    own, other = cross_village_pair
    html = page(client, users.admin, reverse("imports:duplicates"))
    assert own.name in html and other.name in html
    for w in (own, other):
        assert w.nik not in html and mask_identity(w.nik) in html
    assert "Pekerja di luar wilayah Anda" not in html


def test_different_people_decision_names_no_other_villages_person(users, cross_village_pair):
    own, other = cross_village_pair
    duplicates.duplicate_pair_decide(
        pair=DuplicatePair.objects.get(), by=users.admin, same_person=False
    )
    event = AuditEvent.objects.get(action="not_duplicate", object_id=str(own.pk))
    assert other.name not in event.summary and other.nik not in str(event.changes)
    assert event.changes == {"other_worker": other.pk}


# --- other lists of people ---------------------------------------------------------------------


def test_programme_enrolment_table_masks_the_nik(client, users, worker, programme):
    from lindung.programs.services import enrolment_propose

    enrolment_propose(programme=programme, worker=worker, by=users.operator)
    html = page(client, users.leader, reverse("programs:detail", args=[programme.code]))
    assert "Siti Aminah" in html
    assert worker.nik not in html and mask_identity(worker.nik) in html


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_audit_trail_list_masks_numbers_in_summaries_and_changes(client, users, worker, role):
    html = page(client, getattr(users, role), reverse("audit:list"))
    assert "Siti Aminah" in html  # the 'create' event of the worker
    for secret in (worker.nik, KK, PHONE):
        assert secret not in html
    assert mask_identity(worker.nik) in html

"""Possible duplicates: set-based detection with blocking, and the admin's review queue."""

import datetime as dt

import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import DomainError, ScopeDenied
from lindung.core.formatting import mask_identity
from lindung.programs.models import Enrolment, EnrolmentMonth
from lindung.programs.services import enrolment_propose, enrolment_verify
from lindung.registry import duplicates
from lindung.registry.models import DuplicatePair, Worker
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, nik_for

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1985, 8, 17)


def candidate(key, name, village=DESA_A, birth=BIRTH, serial=None, worker_id=None):
    return duplicates.Candidate(
        key=key,
        nik=nik_for(birth=birth, serial=serial or key),
        name=name,
        birth_date=birth,
        village_code=village,
        worker_id=worker_id,
    )


def test_similar_names_in_the_same_block_are_matched(db):
    matches = duplicates.find_possible_duplicates(
        [
            candidate(1, "Muhammad Rizki"),
            candidate(2, "Muhamad Rizky", village=DESA_B),
            candidate(3, "Rizki Muhammad"),  # word order does not matter
            candidate(4, "Budi Santoso"),
        ],
        threshold=85,
    )
    assert {(m.left, m.right) for m in matches} == {(2, 1), (3, 1), (3, 2)}


def test_other_kecamatan_or_birth_date_are_different_blocks(db):
    matches = duplicates.find_possible_duplicates(
        [
            candidate(1, "Siti Aminah"),
            candidate(2, "Siti Aminah", village=DESA_OTHER_KEC),
            candidate(3, "Siti Aminah", birth=dt.date(1985, 8, 18)),
        ],
        threshold=85,
    )
    assert matches == []


def test_same_nik_is_never_a_possible_duplicate(db):
    assert (
        duplicates.find_possible_duplicates(
            [candidate(1, "Siti"), candidate(2, "Siti", serial=1)], threshold=85
        )
        == []
    )


def test_registry_workers_of_every_regency_are_searched(users, make_worker):
    w = make_worker(by=users.admin, name="Yohanes Pardede", village=DESA_B)
    matches = duplicates.find_possible_duplicates(
        [candidate(1, "Yohanis Pardede", serial=50)], threshold=85
    )
    assert [(m.left, m.right_worker_id) for m in matches] == [(1, w.pk)]


@pytest.fixture
def pair(users, make_worker):
    a = make_worker(name="Siti Aminah", sex="P", village=DESA_A, kk_number="", phone="")
    b = make_worker(name="Siti Aminahh", sex="P", village=DESA_B, phone="081299998888")
    duplicates.duplicate_pairs_record(pairs=[(b.pk, a.pk, 96)], source="uji")
    return DuplicatePair.objects.get()


def test_pairs_are_stored_once_in_id_order(pair):
    assert pair.worker_a_id < pair.worker_b_id
    assert duplicates.duplicate_pairs_record(pairs=[(pair.worker_a_id, pair.worker_b_id, 96)]) == 0
    assert DuplicatePair.objects.count() == 1


def test_different_people_are_never_flagged_again(users, pair):
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=False)
    a, b = pair.worker_a, pair.worker_b
    again = duplicates.find_possible_duplicates(
        [
            duplicates.Candidate(
                key=1,
                nik=b.nik,
                name=b.name,
                birth_date=b.birth_date,
                village_code=b.village_id,
                worker_id=b.pk,
            )
        ],
        threshold=85,
    )
    assert again == []
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == ("berbeda", users.admin)
    assert AuditEvent.objects.filter(action="not_duplicate", object_id=str(a.pk)).exists()


def test_same_person_merges_keeping_history(users, programme, pair):
    a, b = pair.worker_a, pair.worker_b
    enrolment = enrolment_propose(programme=programme, worker=b, by=users.admin)
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True)
    a.refresh_from_db()
    b.refresh_from_db()
    assert b.status == Worker.Status.INACTIVE  # kept, with its own history
    assert Enrolment.objects.get(pk=enrolment.pk).worker_id == a.pk
    assert a.phone == "081299998888"  # empty fields filled from the merged record
    merge = AuditEvent.objects.get(action="merge", object_id=str(a.pk))
    assert merge.changes["merged"]["nik"] == b.nik
    assert AuditEvent.objects.filter(action="merged_into", object_id=str(b.pk)).exists()
    assert AuditEvent.objects.filter(
        object_type="worker", object_id=str(b.pk), action="create"
    ).exists()


def _found_later(pair: DuplicatePair) -> DuplicatePair:
    """The (deleted) pair queued again, as if found only now (say by a later import) after
    its enrolments went on: while a pair is undecided, neither worker is verified."""
    duplicates.duplicate_pairs_record(
        pairs=[(pair.worker_a_id, pair.worker_b_id, pair.score)], source="uji"
    )
    return DuplicatePair.objects.get()


def test_merge_closes_the_surplus_enrolment_in_the_same_step(users, programme, pair):
    """Both records proposed for the same months (two villages, or an import): 'same person'
    merges them and rejects the surplus proposal, instead of refusing until someone rejects it
    by hand. The enrolment further along (here verified) is kept, whoever's it was."""
    pair.delete()
    kept = enrolment_propose(programme=programme, worker=pair.worker_b, by=users.admin)
    enrolment_verify(enrolment=kept, by=users.admin)
    surplus = enrolment_propose(programme=programme, worker=pair.worker_a, by=users.admin)
    pair = _found_later(pair)
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True)
    surplus.refresh_from_db()
    kept.refresh_from_db()
    assert surplus.status == Enrolment.Status.REJECTED
    assert "Data ganda" in surplus.reject_reason
    assert kept.status == Enrolment.Status.VERIFIED and kept.worker_id == pair.worker_a_id
    assert not EnrolmentMonth.objects.filter(enrolment=surplus).exists()
    assert EnrolmentMonth.objects.filter(enrolment=kept, worker=pair.worker_a).count() == 2
    closed = AuditEvent.objects.get(
        object_type="enrolment", object_id=str(surplus.pk), action="reject"
    )
    assert closed.changes["kept_enrolment"] == kept.pk
    merge = AuditEvent.objects.get(action="merge", object_id=str(pair.worker_a_id))
    assert merge.changes["enrolments_closed"] == [surplus.pk]


def test_merge_of_two_registrations_at_bpjs_ends_the_surplus_today(users, programme, pair):
    from lindung.programs.services import enrolment_register

    enrolments = []
    pair.delete()
    for w, kpj in ((pair.worker_a, "12345678901"), (pair.worker_b, "12345678902")):
        e = enrolment_propose(programme=programme, worker=w, by=users.admin)
        enrolment_verify(enrolment=e, by=users.admin)
        enrolments.append(
            enrolment_register(
                enrolment=e, by=users.bpjs, kpj_number=kpj, registration_date=dt.date(2026, 11, 2)
            )
        )
    pair = _found_later(pair)
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True)
    a, b = (Enrolment.objects.get(pk=e.pk) for e in enrolments)
    assert a.status == Enrolment.Status.REGISTERED  # a tie: the surviving record's is kept
    assert (b.status, b.end_date) == (Enrolment.Status.ENDED, dt.date(2026, 11, 20))


def test_operator_cannot_decide_and_decided_pairs_stay_decided(users, pair):
    with pytest.raises(ScopeDenied):
        duplicates.duplicate_pair_decide(pair=pair, by=users.operator, same_person=False)
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=False)
    with pytest.raises(DomainError):
        duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True)


def test_review_queue_page_and_decision(client, users, pair):
    client.force_login(users.admin)
    page = client.get(reverse("imports:duplicates")).content.decode()
    # Lists mask the NIK (registry.privacy), for the deciding admin too.
    assert mask_identity(pair.worker_a.nik) in page and mask_identity(pair.worker_b.nik) in page
    assert pair.worker_a.nik not in page and pair.worker_b.nik not in page
    response = client.post(
        reverse("imports:duplicate_decide", args=[pair.pk]), {"keputusan": "simpan_b"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "sama"
    assert Worker.objects.get(pk=pair.worker_a_id).status == Worker.Status.INACTIVE
    client.force_login(users.admin_ppu)
    assert (
        pair.worker_a.nik
        not in client.get(reverse("imports:duplicates") + "?keputusan=sama").content.decode()
    )

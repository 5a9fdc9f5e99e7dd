"""A verified enrolment whose worker is found to be a possible duplicate afterwards is held
back from BPJS (issue 12): not offered in the next batch nor in the registration file until
the pair is decided; 'different people' sends it in the next batch, 'same person' closes the
surplus enrolment so one person is sent once."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.core.errors import DomainError
from lindung.imports import bpjs
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_propose, enrolment_verify
from lindung.registry import duplicates
from lindung.registry.models import DuplicatePair
from tests.conftest import DESA_A, DESA_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_twins(users, programme, make_worker):
    """Two verified enrolments of Siti Aminah / Siti Aminahh; the pair is found afterwards (a
    later import), so both were verified before it existed."""
    a = make_worker(name="Siti Aminah", sex="P", village=DESA_A)
    b = make_worker(name="Siti Aminahh", sex="P", village=DESA_B)
    DuplicatePair.objects.all().delete()
    enrolments = []
    for w in (a, b):
        e = enrolment_propose(programme=programme, worker=w, by=users.admin)
        enrolments.append(enrolment_verify(enrolment=e, by=users.admin))
    duplicates.duplicate_pairs_record(pairs=[(a.pk, b.pk, 96)], source="impor")
    return DuplicatePair.objects.get(), enrolments


def test_held_enrolments_are_not_offered_to_bpjs(users, programme, verified_twins, make_worker):
    _pair, held = verified_twins
    free = enrolment_verify(
        enrolment=enrolment_propose(programme=programme, worker=make_worker(), by=users.admin),
        by=users.admin,
    )
    assert list(bpjs.unsent_enrolments(user=users.bpjs, programme=programme)) == [free]
    assert list(bpjs.verified_enrolments(user=users.bpjs, programme=programme)) == [free]
    assert {e.pk for e in bpjs.held_enrolments(user=users.bpjs, programme=programme)} == {
        e.pk for e in held
    }
    rows = bpjs.registration_rows(by=users.bpjs, programme=programme)
    assert [r[-1] for r in rows] == [free.pk]  # ID_KEPESERTAAN_LINDUNG
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert list(batch.entries.values_list("enrolment_id", flat=True)) == [free.pk]
    assert batch.held == 2


def test_nothing_but_held_enrolments_says_why_the_batch_is_empty(users, programme, verified_twins):
    with pytest.raises(DomainError) as empty:
        bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert empty.value.code == "batch_empty"
    assert "2 kepesertaan terverifikasi ditahan" in empty.value.message
    assert "antrean data ganda" in empty.value.message


def test_decided_different_people_go_in_the_next_batch(users, programme, verified_twins):
    pair, held = verified_twins
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=False)
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert set(batch.entries.values_list("enrolment_id", flat=True)) == {e.pk for e in held}
    assert batch.held == 0


def test_decided_same_person_sends_one_enrolment(users, programme, verified_twins):
    pair, held = verified_twins
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=True)
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert sorted(statuses[e.pk] for e in held) == ["ditolak", "diverifikasi"]
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    (sent,) = batch.entries.values_list("enrolment_id", flat=True)
    assert statuses[sent] == "diverifikasi"
    assert Enrolment.objects.get(pk=sent).worker_id == pair.worker_a_id  # the kept record


def test_the_bpjs_page_counts_the_held_and_links_the_queue(
    client, users, programme, verified_twins, make_worker
):
    enrolment_verify(
        enrolment=enrolment_propose(programme=programme, worker=make_worker(), by=users.admin),
        by=users.admin,
    )
    client.force_login(users.bpjs)
    page = client.get(reverse("imports:bpjs")).content.decode()
    assert f'id="held-{programme.code}"' in page
    assert "2 ditahan: kemungkinan data ganda belum diputuskan." in page
    assert f'<td class="num" id="unsent-{programme.code}">1</td>' in page
    response = client.post(
        reverse("imports:bpjs_batch_create", args=[programme.code]), {"format": "xlsx"}
    )
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2 kepesertaan terverifikasi ditahan" in m for m in said), said

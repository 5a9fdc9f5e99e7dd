"""An undecided possible-duplicate pair holds both workers' enrolments back (issue 12): no
verification (one at a time, the bulk "verify all", the API's list) until an admin decides
the pair; the refusal names the pair and links the duplicate queue."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import DomainError
from lindung.programs.models import Enrolment
from lindung.programs.services import (
    enrolment_propose,
    enrolment_verify,
    enrolments_transition_many,
    enrolments_verify_many,
)
from lindung.registry import duplicates
from lindung.registry.models import DuplicatePair
from tests.conftest import DESA_A, DESA_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(users, programme, make_worker):
    """Siti Aminah of Samurangau and Siti Aminahh of Busui (same birth date and kecamatan):
    the second registration queued the pair; both are proposed."""
    a = make_worker(name="Siti Aminah", sex="P", village=DESA_A)
    b = make_worker(name="Siti Aminahh", sex="P", village=DESA_B)
    pair = DuplicatePair.objects.get()
    assert {pair.worker_a_id, pair.worker_b_id} == {a.pk, b.pk}
    ea, eb = (enrolment_propose(programme=programme, worker=w, by=users.admin) for w in (a, b))
    return pair, ea, eb


def test_a_worker_in_an_undecided_pair_is_not_verified(users, twins):
    pair, ea, _eb = twins
    with pytest.raises(DomainError) as refused:
        enrolment_verify(enrolment=ea, by=users.admin)
    assert refused.value.code == "duplicate_pending"
    assert refused.value.params["pair"] == pair.pk
    message = refused.value.message
    assert f"pasangan #{pair.pk}" in message and "Siti Aminahh, desa Busui" in message
    assert "antrean data ganda" in message
    ea.refresh_from_db()
    assert ea.status == Enrolment.Status.PROPOSED
    assert not AuditEvent.objects.filter(action="verify").exists()


def test_once_decided_different_people_both_are_verified(users, twins):
    pair, ea, eb = twins
    duplicates.duplicate_pair_decide(pair=pair, by=users.admin, same_person=False)
    for e in (ea, eb):
        assert enrolment_verify(enrolment=e, by=users.admin).status == Enrolment.Status.VERIFIED


def test_the_api_list_verification_names_the_held_worker(users, twins):
    _pair, ea, eb = twins
    done, problems = enrolments_transition_many(
        enrolment_ids=[ea.pk, eb.pk], by=users.admin, action="verify"
    )
    assert done == 0
    assert [p.code for p in problems] == ["duplicate_pending", "duplicate_pending"]
    assert {p.message.split(":")[0] for p in problems} == {"Siti Aminah", "Siti Aminahh"}


def test_bulk_verification_skips_the_held_and_says_why(users, programme, twins, make_worker):
    pair, ea, eb = twins
    other = enrolment_propose(programme=programme, worker=make_worker(), by=users.admin)
    result = enrolments_verify_many(
        by=users.admin, programme=programme, enrolment_ids=[ea.pk, eb.pk, other.pk]
    )
    assert result.verified == [other.pk]
    assert set(result.held) == {ea.pk, eb.pk}
    assert (result.stale, result.skipped) == (0, 2)
    assert {e.params["pair"] for e in result.held.values()} == {pair.pk}
    assert Enrolment.objects.get(pk=ea.pk).status == Enrolment.Status.PROPOSED


def test_the_verify_all_page_counts_the_held_and_links_the_queue(
    client, users, programme, twins, make_worker
):
    pair, _ea, _eb = twins
    enrolment_propose(programme=programme, worker=make_worker(), by=users.admin)
    client.force_login(users.admin)
    response = client.post(reverse("programs:bulk_verify", args=[programme.code]), {"semua": "1"})
    assert response.status_code == 302
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0] == "1 usulan diverifikasi."
    assert said[1].startswith("2 usulan dilewati karena kemungkinan data ganda belum diputuskan"), (
        said
    )
    assert f"Siti Aminah (pasangan #{pair.pk})" in said[1]
    assert f'href="{reverse("imports:duplicates")}#pair-{pair.pk}"' in said[1]
    assert Enrolment.objects.filter(status=Enrolment.Status.VERIFIED).count() == 1


def test_the_row_refusal_links_the_pair_in_the_queue(client, users, twins):
    pair, ea, _eb = twins
    client.force_login(users.admin)
    row = client.post(
        reverse("programs:enrolment_action", args=[ea.pk, "verify"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'class="row-error"' in row and "belum diputuskan" in row
    assert f'<a href="{reverse("imports:duplicates")}#pair-{pair.pk}">' in row
    # Without htmx: the message on the programme page, the worker's name first.
    response = client.post(reverse("programs:enrolment_action", args=[ea.pk, "verify"]))
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said[0].startswith("Siti Aminah: Kemungkinan data ganda") and "#pair-" in said[0]

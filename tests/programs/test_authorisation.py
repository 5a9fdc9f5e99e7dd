"""Who may take each enrolment step, checked in one place (`accounts.permissions.
authorize_enrolment`): the worker's region *and* the programme's sponsor. A kabupaten admin
proposes into the province's programme but cannot verify, register, activate or end its
enrolments; the province admin can, and only reads the kabupaten programmes (README, roles);
a BPJS branch acts wherever it serves, whoever pays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse

from lindung.accounts.permissions import Action, may_act_for_programme
from lindung.audit.models import AuditEvent
from lindung.contributions.services import lapses_apply
from lindung.core.errors import ScopeDenied
from lindung.programs.models import Enrolment
from lindung.programs.services import (
    Registration,
    enrolment_activate,
    enrolment_end,
    enrolment_propose,
    enrolment_register,
    enrolment_reject,
    enrolment_verify,
    enrolments_end_lapsed,
    enrolments_register_many,
    enrolments_transition_many,
)
from tests.conftest import DESA_PPU, PASER, PPU

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)
REGISTERED_ON = dt.date(2026, 2, 20)


@pytest.fixture
def kaltim(users, province_programme, make_worker):
    """Enrolments of KALTIM-2026 (sponsor: the province) for workers living in Paser, brought
    to each status by the province admin."""
    counter = {"kpj": 0}

    def at(status: str, *, village: str | None = None) -> Enrolment:
        worker = make_worker(by=users.province, **({"village": village} if village else {}))
        e = enrolment_propose(
            programme=province_programme, worker=worker, by=users.province, on=FEB
        )
        if status == "proposed":
            return e
        e = enrolment_verify(enrolment=e, by=users.province)
        if status == "verified":
            return e
        counter["kpj"] += 1
        e = enrolment_register(
            enrolment=e,
            by=users.province,
            kpj_number=f"{counter['kpj']:011d}",
            registration_date=REGISTERED_ON,
        )
        if status == "registered":
            return e
        return enrolment_activate(enrolment=e, by=users.province)

    return at


def refused_unchanged(e: Enrolment, step: Callable[[], object]) -> ScopeDenied:
    """`step` is refused, and the enrolment and its history are as they were."""
    events = AuditEvent.objects.filter(object_type="enrolment", object_id=str(e.pk)).count()
    with pytest.raises(ScopeDenied) as refusal:
        step()
    fresh = Enrolment.objects.get(pk=e.pk)
    assert (fresh.status, fresh.kpj_number) == (e.status, e.kpj_number)
    assert AuditEvent.objects.filter(object_type="enrolment", object_id=str(e.pk)).count() == events
    return refusal.value


# --- one enrolment at a time ------------------------------------------------------------------


def test_kabupaten_admin_cannot_register_a_province_enrolment(users, kaltim):
    e = kaltim("verified")
    error = refused_unchanged(
        e,
        lambda: enrolment_register(
            enrolment=e, by=users.admin, kpj_number="12345678901", registration_date=REGISTERED_ON
        ),
    )
    # The message names the programme and its sponsor.
    assert "KALTIM-2026" in error.message and "mencatat pendaftaran BPJS" in error.message


def test_kabupaten_admin_cannot_activate_a_province_enrolment(users, kaltim):
    e = kaltim("registered")
    refused_unchanged(e, lambda: enrolment_activate(enrolment=e, by=users.admin))


@pytest.mark.parametrize("status", ["registered", "active"])
def test_kabupaten_admin_cannot_end_a_province_enrolment(users, kaltim, status):
    e = kaltim(status)
    refused_unchanged(e, lambda: enrolment_end(enrolment=e, by=users.admin, reason="meninggal"))


def test_kabupaten_admin_cannot_verify_or_reject_a_province_enrolment(users, kaltim):
    e = kaltim("proposed")
    refused_unchanged(e, lambda: enrolment_verify(enrolment=e, by=users.admin))
    refused_unchanged(e, lambda: enrolment_reject(enrolment=e, by=users.admin, reason="x"))


def test_province_admin_takes_every_step_of_its_programme(users, kaltim):
    e = kaltim("active")  # proposed, verified, registered and activated by the province admin
    assert (e.verified_by, e.registered_by, e.activated_by) == (users.province,) * 3
    e = enrolment_end(enrolment=e, by=users.province, reason="meninggal")
    assert (e.status, e.closed_by) == (Enrolment.Status.ENDED, users.province)


def test_province_admin_does_not_decide_a_kabupaten_programme(users, programme, make_worker):
    """PASER-2026 is Paser's: its Dinas verifies, registers and ends; the province reads."""
    e = enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    refused_unchanged(e, lambda: enrolment_verify(enrolment=e, by=users.province))
    error = refused_unchanged(
        e, lambda: enrolment_reject(enrolment=e, by=users.province, reason="x")
    )
    assert "PASER-2026" in error.message and "Kabupaten Paser" in error.message
    e = enrolment_verify(enrolment=e, by=users.admin)
    refused_unchanged(
        e,
        lambda: enrolment_register(
            enrolment=e,
            by=users.province,
            kpj_number="12345678901",
            registration_date=REGISTERED_ON,
        ),
    )
    e = enrolment_register(
        enrolment=e, by=users.admin, kpj_number="12345678901", registration_date=REGISTERED_ON
    )
    refused_unchanged(e, lambda: enrolment_activate(enrolment=e, by=users.province))
    refused_unchanged(e, lambda: enrolment_end(enrolment=e, by=users.province, reason="pindah"))
    done, problems = enrolments_transition_many(
        enrolment_ids=[e.pk], by=users.province, action="activate"
    )
    assert done == 0 and [p.code for p in problems] == ["scope_denied"]


def test_province_admin_reads_a_kabupaten_programme_without_decision_buttons(
    client, users, programme, make_worker
):
    e = enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    client.force_login(users.province)
    page = client.get(reverse("programs:detail", args=[programme.code]))
    assert page.status_code == 200 and e.worker.name in page.content.decode()
    assert reverse("programs:enrolment_action", args=[e.pk, "verify"]) not in (
        page.content.decode()
    )
    assert (
        client.post(reverse("programs:enrolment_action", args=[e.pk, "verify"])).status_code == 403
    )
    assert Enrolment.objects.get(pk=e.pk).status == Enrolment.Status.PROPOSED


def test_bpjs_branch_registers_activates_and_ends_a_province_enrolment_where_it_serves(
    users, kaltim
):
    e = kaltim("verified")
    e = enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=REGISTERED_ON
    )
    e = enrolment_activate(enrolment=e, by=users.bpjs)
    e = enrolment_end(enrolment=e, by=users.bpjs, reason="meninggal")
    assert (e.registered_by, e.activated_by, e.closed_by) == (users.bpjs,) * 3


def test_bpjs_branch_cannot_act_outside_the_regencies_it_serves(users, kaltim):
    e = kaltim("verified", village=DESA_PPU)  # the fixture's branch serves Paser only
    refused_unchanged(
        e,
        lambda: enrolment_register(
            enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=REGISTERED_ON
        ),
    )


def test_kabupaten_admin_still_proposes_into_the_province_programme(
    users, province_programme, make_worker
):
    e = enrolment_propose(
        programme=province_programme, worker=make_worker(), by=users.admin, on=FEB
    )
    assert e.status == Enrolment.Status.PROPOSED


def test_kabupaten_admin_cannot_act_for_another_regency_programme(users, kaltim):
    """PPU's admin: neither the worker (Paser) nor, for later steps, the sponsor."""
    e = kaltim("verified")
    refused_unchanged(
        e,
        lambda: enrolment_register(
            enrolment=e,
            by=users.admin_ppu,
            kpj_number="12345678901",
            registration_date=REGISTERED_ON,
        ),
    )


# --- in bulk ----------------------------------------------------------------------------------


def test_bulk_registration_refuses_each_province_enrolment_for_a_kabupaten_admin(users, kaltim):
    a, b = kaltim("verified"), kaltim("verified")
    result = enrolments_register_many(
        by=users.admin,
        items=[
            Registration(
                enrolment_id=a.pk,
                kpj_number="12345678901",
                registration_date=REGISTERED_ON,
                activate=True,
            ),
            Registration(
                enrolment_id=b.pk, kpj_number="12345678902", registration_date=REGISTERED_ON
            ),
        ],
    )
    assert result.registered == result.activated == []
    assert {type(p) for p in result.problems.values()} == {ScopeDenied}
    assert set(Enrolment.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        Enrolment.Status.VERIFIED
    }

    result = enrolments_register_many(
        by=users.province,
        items=[
            Registration(
                enrolment_id=a.pk,
                kpj_number="12345678901",
                registration_date=REGISTERED_ON,
                activate=True,
            )
        ],
    )
    assert (result.registered, result.activated, result.problems) == ([a.pk], [a.pk], {})


def test_bulk_activation_leaves_out_province_enrolments_for_a_kabupaten_admin(users, kaltim):
    e = kaltim("registered")
    done, problems = enrolments_transition_many(
        enrolment_ids=[e.pk], by=users.admin, action="activate"
    )
    assert done == 0 and [p.code for p in problems] == ["scope_denied"]
    assert Enrolment.objects.get(pk=e.pk).status == Enrolment.Status.REGISTERED


def test_lapsed_enrolments_of_the_province_are_not_ended_by_a_kabupaten_admin(
    users, kaltim, province_programme
):
    e = kaltim("active")
    with pytest.raises(ScopeDenied):
        enrolments_end_lapsed(
            by=users.admin, programme=province_programme, end_dates={e.pk: dt.date(2026, 5, 31)}
        )
    with pytest.raises(ScopeDenied):
        lapses_apply(by=users.admin, programme=province_programme)
    assert Enrolment.objects.get(pk=e.pk).status == Enrolment.Status.ACTIVE
    assert (
        enrolments_end_lapsed(
            by=users.province, programme=province_programme, end_dates={e.pk: dt.date(2026, 5, 31)}
        )
        == 1
    )


# --- the rule itself, and its wiring ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "programme_region", "expected"),
    [
        # proposing: any programme funding the user's region
        ("operator", "64", {Action.ENROLMENT_PROPOSE}),
        ("admin", "64", {Action.ENROLMENT_PROPOSE}),
        (
            "admin",
            PASER,
            {
                Action.ENROLMENT_PROPOSE,
                Action.ENROLMENT_VERIFY,
                Action.ENROLMENT_REGISTER,
                Action.ENROLMENT_END,
            },
        ),
        ("admin", PPU, set()),
        (
            "province",
            "64",
            {
                Action.ENROLMENT_PROPOSE,
                Action.ENROLMENT_VERIFY,
                Action.ENROLMENT_REGISTER,
                Action.ENROLMENT_END,
            },
        ),
        # the province decides its own programmes only; it may still propose into a regency's
        ("province", PASER, {Action.ENROLMENT_PROPOSE}),
        ("province", PPU, {Action.ENROLMENT_PROPOSE}),
        # the insurer: its role's steps whoever sponsors (the worker's region is checked apart)
        ("bpjs", "64", {Action.ENROLMENT_REGISTER, Action.ENROLMENT_END}),
        ("bpjs", PPU, {Action.ENROLMENT_REGISTER, Action.ENROLMENT_END}),
        ("leader", PASER, set()),
        ("auditor", PASER, set()),
    ],
)
def test_who_may_act_for_a_programme(users, role, programme_region, expected):
    steps = {
        Action.ENROLMENT_PROPOSE,
        Action.ENROLMENT_VERIFY,
        Action.ENROLMENT_REGISTER,
        Action.ENROLMENT_END,
    }
    user = getattr(users, role)
    assert {a for a in steps if may_act_for_programme(user, a, programme_region)} == expected


@pytest.mark.parametrize(
    ("status", "action", "data"),
    [
        ("verified", "register", {"kpj_number": "12345678901", "registration_date": "2026-02-20"}),
        ("registered", "activate", {}),
        ("active", "end", {"reason": "meninggal"}),
    ],
)
def test_kabupaten_admin_gets_403_on_a_province_enrolment_step_page_and_api(
    client, users, kaltim, status, action, data
):
    e = kaltim(status)
    client.force_login(users.admin)
    url = reverse("programs:enrolment_action", args=[e.pk, action])
    assert client.post(url, data).status_code == 403
    response = client.post(
        f"/api/enrolments/{e.pk}/{action}", data, content_type="application/json"
    )
    assert response.status_code == 403
    assert Enrolment.objects.get(pk=e.pk).status == e.status

"""`enrolments_register_many`: the BPJS answer applied set-based, with the checks, messages,
fields and audit events of the one-row `enrolment_register` / `enrolment_activate`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.audit.models import AuditEvent
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied
from lindung.programs.models import Enrolment
from lindung.programs.services import (
    Registration,
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_verify,
    enrolments_register_many,
)

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)
REGISTERED_ON = dt.date(2026, 2, 20)


@pytest.fixture
def verified(users, programme, make_worker):
    """n verified enrolments of Paser's programme, each of its own worker."""

    def make(n: int) -> list[Enrolment]:
        out = []
        for _i in range(n):
            e = enrolment_propose(
                programme=programme,
                worker=make_worker(by=users.operator),
                by=users.operator,
                on=FEB,
            )
            out.append(enrolment_verify(enrolment=e, by=users.admin))
        return out

    return make


def register(
    e: Enrolment, kpj: str, *, on: dt.date = REGISTERED_ON, activate: bool = False
) -> Registration:
    return Registration(enrolment_id=e.pk, kpj_number=kpj, registration_date=on, activate=activate)


def events(e: Enrolment) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type="enrolment", object_id=str(e.pk))
        .exclude(action__in=["propose", "verify"])
        .order_by("id")
    )


def one_row_error(call) -> DomainError:  # noqa: ANN001
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value


def test_registers_and_activates_like_the_one_row_services(users, verified):
    by_one, registered, active = verified(3)
    enrolment_activate(
        enrolment=enrolment_register(
            enrolment=by_one,
            by=users.bpjs,
            kpj_number="11111111111",
            registration_date=REGISTERED_ON,
        ),
        by=users.bpjs,
    )

    result = enrolments_register_many(
        by=users.bpjs,
        items=[
            register(registered, "222 2222 2222"),
            register(active, "33333333333", activate=True),
        ],
    )

    assert (result.registered, result.activated, result.problems) == (
        [registered.pk, active.pk],
        [active.pk],
        {},
    )
    registered.refresh_from_db()
    active.refresh_from_db()
    by_one.refresh_from_db()
    assert (
        registered.status,
        registered.kpj_number,
        registered.registration_date,
        registered.registered_by,
        registered.activated_at,
    ) == (Enrolment.Status.REGISTERED, "22222222222", REGISTERED_ON, users.bpjs, None)
    assert (active.status, active.kpj_number, active.registered_by, active.activated_by) == (
        Enrolment.Status.ACTIVE,
        "33333333333",
        users.bpjs,
        users.bpjs,
    )
    assert active.verified_at <= active.registered_at <= active.activated_at

    # The same events as the one-row services write, the worker's name and KPJ aside.
    def shape(e: Enrolment) -> list[tuple[object, ...]]:
        return [
            (
                ev.action,
                ev.actor,
                ev.region_code,
                ev.summary.replace(e.worker.name, "NAMA"),
                {k: v for k, v in ev.changes.items() if k != "kpj_number"},
            )
            for ev in events(e)
        ]

    assert shape(active) == shape(by_one)
    assert [ev.summary for ev in events(active)] == [
        f"{active.worker.name}: Diverifikasi → Terdaftar di BPJS (PASER-2026)",
        f"{active.worker.name}: Terdaftar di BPJS → Aktif (PASER-2026)",
    ]
    assert [ev.changes for ev in events(registered)] == [
        {
            "status": ["diverifikasi", "terdaftar"],
            "kpj_number": "22222222222",
            "registration_date": "2026-02-20",
        }
    ]


def test_activate_only_item_activates_a_registered_enrolment(users, verified):
    (e,) = verified(1)
    enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="11111111111", registration_date=REGISTERED_ON
    )
    result = enrolments_register_many(
        by=users.bpjs, items=[Registration(enrolment_id=e.pk, activate=True)]
    )
    assert (result.registered, result.activated) == ([], [e.pk])
    e.refresh_from_db()
    assert (e.status, e.kpj_number, e.registered_by, e.activated_by) == (
        Enrolment.Status.ACTIVE,
        "11111111111",
        users.bpjs,
        users.bpjs,
    )
    assert [(ev.action, ev.changes) for ev in events(e)] == [
        (
            "register",
            {
                "status": ["diverifikasi", "terdaftar"],
                "kpj_number": "11111111111",
                "registration_date": "2026-02-20",
            },
        ),
        ("activate", {"status": ["terdaftar", "aktif"]}),
    ]


def test_kpj_taken_in_the_database_or_earlier_in_the_batch(users, verified):
    holder, in_db, first, second = verified(4)
    enrolment_register(
        enrolment=holder, by=users.bpjs, kpj_number="11111111111", registration_date=REGISTERED_ON
    )
    expected = one_row_error(
        lambda: enrolment_register(
            enrolment=in_db,
            by=users.bpjs,
            kpj_number="11111111111",
            registration_date=REGISTERED_ON,
        )
    )

    result = enrolments_register_many(
        by=users.bpjs,
        items=[
            register(in_db, "11111111111"),
            register(first, "22222222222"),
            register(second, "22222222222", activate=True),
        ],
    )

    assert result.registered == [first.pk] and result.activated == []
    assert sorted(result.problems) == [0, 2]
    assert (result.problems[0].code, result.problems[0].message) == ("kpj_taken", expected.message)
    assert result.problems[2].message == (
        "Nomor KPJ 22222222222 sudah dipakai pekerja lain. Periksa kartu BPJS."
    )
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses[in_db.pk] == statuses[second.pk] == Enrolment.Status.VERIFIED
    assert statuses[first.pk] == Enrolment.Status.REGISTERED
    assert events(in_db) == events(second) == []


def test_kpj_format_and_future_date_refused_with_the_one_row_messages(users, verified):
    bad_kpj, future, fine = verified(3)
    tomorrow = clock.today() + dt.timedelta(days=1)
    expected = [
        one_row_error(
            lambda: enrolment_register(
                enrolment=bad_kpj, by=users.bpjs, kpj_number="123", registration_date=FEB
            )
        ),
        one_row_error(
            lambda: enrolment_register(
                enrolment=future,
                by=users.bpjs,
                kpj_number="22222222222",
                registration_date=tomorrow,
            )
        ),
    ]
    result = enrolments_register_many(
        by=users.bpjs,
        items=[
            register(bad_kpj, "123"),
            register(future, "22222222222", on=tomorrow),
            register(fine, "33333333333"),
        ],
    )
    assert [(p.code, p.message) for p in result.problems.values()] == [
        (e.code, e.message) for e in expected
    ]
    assert [p.code for p in expected] == ["kpj_format", "date_invalid"]
    assert result.registered == [fine.pk]


def test_wrong_status_refused_like_the_one_row_transition(users, verified):
    registered, twice, not_yet = verified(3)
    enrolment_register(
        enrolment=registered,
        by=users.bpjs,
        kpj_number="11111111111",
        registration_date=REGISTERED_ON,
    )
    expected = one_row_error(
        lambda: enrolment_register(
            enrolment=registered,
            by=users.bpjs,
            kpj_number="11111111111",
            registration_date=REGISTERED_ON,
        )
    )
    result = enrolments_register_many(
        by=users.bpjs,
        items=[
            register(registered, "11111111111"),
            register(twice, "22222222222", activate=True),
            register(twice, "22222222222"),  # the second finds it active
            Registration(enrolment_id=not_yet.pk, activate=True),  # not registered yet
            Registration(enrolment_id=twice.pk, activate=True),
        ],
    )
    assert (result.registered, result.activated) == ([twice.pk], [twice.pk])
    assert {i: p.code for i, p in result.problems.items()} == {
        0: "transition_invalid",
        2: "transition_invalid",
        3: "transition_invalid",
        4: "transition_invalid",
    }
    assert result.problems[0].message == expected.message
    assert result.problems[2].message.startswith(
        "Kepesertaan berstatus Aktif tidak dapat didaftarkan ke BPJS."
    )
    assert result.problems[3].message.startswith(
        "Kepesertaan berstatus Diverifikasi tidak dapat diaktifkan."
    )
    assert [ev.action for ev in events(twice)] == ["register", "activate"]
    not_yet.refresh_from_db()
    assert not_yet.status == Enrolment.Status.VERIFIED


def test_enrolments_outside_the_users_region_are_refused_and_untouched(users, verified):
    (e,) = verified(1)
    result = enrolments_register_many(by=users.admin_ppu, items=[register(e, "11111111111")])
    assert list(result.problems) == [0]
    assert isinstance(result.problems[0], ScopeDenied)
    assert result.registered == []
    e.refresh_from_db()
    assert (e.status, e.kpj_number) == (Enrolment.Status.VERIFIED, "")
    assert events(e) == []


@pytest.mark.parametrize("role", ["operator", "leader", "auditor"])
def test_roles_that_may_not_register_are_refused_outright(users, verified, role):
    (e,) = verified(1)
    with pytest.raises(ScopeDenied):
        enrolments_register_many(by=getattr(users, role), items=[register(e, "11111111111")])
    e.refresh_from_db()
    assert e.status == Enrolment.Status.VERIFIED


def test_queries_do_not_grow_with_the_number_of_enrolments(users, verified):
    few, many = verified(2), verified(8)

    def run(enrolments: list[Enrolment], start: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            result = enrolments_register_many(
                by=users.bpjs,
                items=[
                    register(e, f"{start + i:011d}", activate=i % 2 == 0)
                    for i, e in enumerate(enrolments)
                ],
            )
        assert len(result.registered) == len(enrolments) and not result.problems
        return len(queries)

    with_few = run(few, 100)
    assert run(many, 200) <= with_few

"""Programmes and the enrolment lifecycle: transitions, who and when, and the invariants
(no double funding, quota, eligibility, scope), each checked by services and guarded by the
database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lindung.audit.models import AuditEvent
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.core.models import Parameter
from lindung.programs.models import BudgetLine, Enrolment, EnrolmentMonth
from lindung.programs.services import (
    budget_line_add,
    enrolment_activate,
    enrolment_end,
    enrolment_propose,
    enrolment_register,
    enrolment_reject,
    enrolment_verify,
    enrolments_propose,
    enrolments_transition_many,
    programme_create,
    programme_set_quota,
)
from lindung.regions.models import Region
from lindung.registry.models import Occupation
from lindung.registry.services import worker_update
from tests.conftest import DESA_B, DESA_OTHER_KEC, DESA_PPU, PASER_OCCUPATIONS

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)  # proposals in February hold February to December 2026
PPU_OCCUPATIONS = ["nelayan", "petani", "buruh-tani", "ojek", "sopir", "pedagang"]


def months(enrolment) -> list[dt.date]:
    return sorted(enrolment.months.values_list("month", flat=True))


def year_months(first: int, last: int, year: int = 2026) -> list[dt.date]:
    return [dt.date(year, m, 1) for m in range(first, last + 1)]


def codes(exc) -> list[str]:
    return [e.code for e in exc.errors]


@pytest.fixture
def ppu_programme(users):
    """PPU-2026: ages 18-65, PPU's occupations (DOMAIN.md §5, §9)."""
    return programme_create(
        by=users.admin_ppu,
        code="PPU-2026",
        name="Perlindungan pekerja rentan PPU 2026",
        region=users.admin_ppu.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.filter(code__in=PPU_OCCUPATIONS),
        quota=15_000,
    )


@pytest.fixture
def lifecycle(users, programme, make_worker):
    """Step helpers running each transition with the role that does it."""

    class Steps:
        def propose(self, worker=None, by=None, prog=None, on=FEB):
            worker = worker or make_worker(by=users.operator)
            return enrolment_propose(
                programme=prog or programme, worker=worker, by=by or users.operator, on=on
            )

        def verified(self, **kw):
            return enrolment_verify(enrolment=self.propose(**kw), by=users.admin)

        def registered(self, kpj="12345678901", **kw):
            return enrolment_register(
                enrolment=self.verified(**kw),
                by=users.bpjs,
                kpj_number=kpj,
                registration_date=dt.date(2026, 2, 20),
            )

        def active(self, **kw):
            return enrolment_activate(enrolment=self.registered(**kw), by=users.bpjs)

    return Steps()


# --- lifecycle ---------------------------------------------------------------------------------


def test_proposal_holds_the_months_from_the_proposal_month_to_the_programme_end(users, lifecycle):
    e = lifecycle.propose()
    assert e.status == Enrolment.Status.PROPOSED
    assert (e.period_start, e.period_end) == (dt.date(2026, 2, 1), dt.date(2026, 12, 31))
    assert months(e) == year_months(2, 12)
    assert e.proposed_by == users.operator and e.proposed_at is not None


def test_full_lifecycle_records_who_and_when_at_each_step(users, lifecycle):
    e = lifecycle.propose()
    e = enrolment_verify(enrolment=e, by=users.admin)
    assert (e.status, e.verified_by) == (Enrolment.Status.VERIFIED, users.admin)
    e = enrolment_register(
        enrolment=e,
        by=users.bpjs,
        kpj_number="123 4567 8901",
        registration_date=dt.date(2026, 2, 20),
    )
    assert (e.status, e.kpj_number, e.registration_date, e.registered_by) == (
        Enrolment.Status.REGISTERED,
        "12345678901",
        dt.date(2026, 2, 20),
        users.bpjs,
    )
    e = enrolment_activate(enrolment=e, by=users.bpjs)
    assert (e.status, e.activated_by) == (Enrolment.Status.ACTIVE, users.bpjs)
    e = enrolment_end(
        enrolment=e,
        by=users.admin,
        reason=Enrolment.EndReason.DECEASED,
        end_date=dt.date(2026, 6, 3),
    )
    e.refresh_from_db()
    assert (e.status, e.end_reason, e.end_date, e.closed_by) == (
        Enrolment.Status.ENDED,
        "meninggal",
        dt.date(2026, 6, 3),
        users.admin,
    )
    assert e.proposed_at <= e.verified_at <= e.registered_at <= e.activated_at <= e.closed_at


def test_each_step_writes_an_audit_event_with_the_status_change(users, lifecycle):
    e = lifecycle.active()
    enrolment_end(enrolment=e, by=users.admin, reason="pindah", end_date=dt.date(2026, 4, 30))
    events = AuditEvent.objects.filter(object_type="enrolment", object_id=str(e.pk)).order_by("id")
    assert [(ev.action, ev.actor.username, ev.changes["status"]) for ev in events] == [
        ("propose", "op_a", [None, "diusulkan"]),
        ("verify", "admin_paser", ["diusulkan", "diverifikasi"]),
        ("register", "bpjs_tgt", ["diverifikasi", "terdaftar"]),
        ("activate", "bpjs_tgt", ["terdaftar", "aktif"]),
        ("end", "admin_paser", ["aktif", "berakhir"]),
    ]
    assert events[2].changes["kpj_number"] == "12345678901"
    assert events[4].changes["end_reason"] == "pindah"
    assert {ev.region_code for ev in events} == {e.worker.village_id}


@pytest.mark.parametrize("reason", list(Enrolment.EndReason.values))
def test_active_enrolment_ends_for_each_reason(users, lifecycle, reason):
    e = enrolment_end(
        enrolment=lifecycle.active(), by=users.admin, reason=reason, end_date=dt.date(2026, 5, 15)
    )
    assert (e.status, e.end_reason) == (Enrolment.Status.ENDED, reason)
    assert months(e) == year_months(2, 5)


def test_registered_enrolment_can_end_before_activation(users, lifecycle):
    e = enrolment_end(
        enrolment=lifecycle.registered(),
        by=users.bpjs,
        reason="menunggak",
        end_date=dt.date(2026, 3, 31),
    )
    assert e.status == Enrolment.Status.ENDED


def test_end_needs_a_listed_reason(users, lifecycle):
    with pytest.raises(ValidationFailed) as exc:
        enrolment_end(enrolment=lifecycle.active(), by=users.admin, reason="bosan")
    assert codes(exc.value) == ["missing_value"]


def test_end_date_before_the_enrolment_started_is_refused(users, lifecycle):
    with pytest.raises(ValidationFailed) as exc:
        enrolment_end(
            enrolment=lifecycle.active(),
            by=users.admin,
            reason="pindah",
            end_date=dt.date(2025, 12, 1),
        )
    assert codes(exc.value) == ["date_invalid"]


@pytest.mark.parametrize("step", ["propose", "verified"])
def test_proposed_or_verified_enrolment_can_be_rejected_with_a_reason(users, lifecycle, step):
    e = enrolment_reject(
        enrolment=getattr(lifecycle, step)(), by=users.admin, reason="  Terdaftar sebagai ASN "
    )
    assert (e.status, e.reject_reason, e.closed_by) == (
        Enrolment.Status.REJECTED,
        "Terdaftar sebagai ASN",
        users.admin,
    )
    assert months(e) == []


def test_rejection_needs_a_reason(users, lifecycle):
    e = lifecycle.propose()
    with pytest.raises(ValidationFailed) as exc:
        enrolment_reject(enrolment=e, by=users.admin, reason="  ")
    assert exc.value.errors[0].field == "reason"
    e.refresh_from_db()
    assert e.status == Enrolment.Status.PROPOSED


INVALID = [
    ("propose", "register"),
    ("propose", "activate"),
    ("propose", "end"),
    ("verified", "verify"),
    ("verified", "activate"),
    ("verified", "end"),
    ("registered", "verify"),
    ("registered", "register"),
    ("registered", "reject"),
    ("active", "verify"),
    ("active", "register"),
    ("active", "activate"),
    ("active", "reject"),
    ("ended", "verify"),
    ("ended", "register"),
    ("ended", "activate"),
    ("ended", "end"),
    ("ended", "reject"),
    ("rejected", "verify"),
    ("rejected", "register"),
    ("rejected", "end"),
    ("rejected", "reject"),
]


@pytest.mark.parametrize("state,action", INVALID)
def test_invalid_transitions_are_refused_and_change_nothing(users, lifecycle, state, action):
    if state == "ended":
        e = enrolment_end(
            enrolment=lifecycle.active(),
            by=users.admin,
            reason="pindah",
            end_date=dt.date(2026, 5, 31),
        )
    elif state == "rejected":
        e = enrolment_reject(enrolment=lifecycle.propose(), by=users.admin, reason="ASN")
    else:
        e = getattr(lifecycle, state)()
    before = e.status
    call = {
        "verify": lambda: enrolment_verify(enrolment=e, by=users.admin),
        "register": lambda: enrolment_register(
            enrolment=e,
            by=users.admin,
            kpj_number="99999999999",
            registration_date=dt.date(2026, 3, 1),
        ),
        "activate": lambda: enrolment_activate(enrolment=e, by=users.admin),
        "end": lambda: enrolment_end(
            enrolment=e, by=users.admin, reason="pindah", end_date=dt.date(2026, 6, 30)
        ),
        "reject": lambda: enrolment_reject(enrolment=e, by=users.admin, reason="x"),
    }[action]
    with pytest.raises(DomainError) as exc:
        call()
    assert exc.value.code == "transition_invalid"
    assert "tidak dapat di" in exc.value.message and action not in exc.value.message
    e.refresh_from_db()
    assert e.status == before


# --- who may do which step ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["operator", "operator_b", "bpjs", "leader", "auditor", "admin_ppu"]
)
def test_only_the_sponsor_admins_verify(users, lifecycle, role):
    e = lifecycle.propose()
    with pytest.raises(ScopeDenied):
        enrolment_verify(enrolment=e, by=getattr(users, role))
    with pytest.raises(ScopeDenied):
        enrolment_reject(enrolment=e, by=getattr(users, role), reason="x")


def test_province_admin_does_not_verify_a_kabupaten_programme_of_its_province(users, lifecycle):
    # README, roles: the province decides its own programmes and reads the regencies'.
    with pytest.raises(ScopeDenied):
        enrolment_verify(enrolment=lifecycle.propose(), by=users.province)


def test_kabupaten_admin_cannot_verify_into_the_province_programme(
    users, lifecycle, province_programme
):
    e = lifecycle.propose(prog=province_programme)
    with pytest.raises(ScopeDenied):
        enrolment_verify(enrolment=e, by=users.admin)
    assert enrolment_verify(enrolment=e, by=users.province).verified_by == users.province


@pytest.mark.parametrize("role", ["operator", "leader", "auditor", "admin_ppu"])
def test_roles_outside_bpjs_and_admins_cannot_register_or_activate(users, lifecycle, role):
    e = lifecycle.verified()
    with pytest.raises(ScopeDenied):
        enrolment_register(
            enrolment=e,
            by=getattr(users, role),
            kpj_number="12345678901",
            registration_date=dt.date(2026, 2, 20),
        )
    e = lifecycle.registered(kpj="12345678902")
    with pytest.raises(ScopeDenied):
        enrolment_activate(enrolment=e, by=getattr(users, role))


@pytest.mark.parametrize("role", ["operator", "leader", "auditor", "admin_ppu"])
def test_roles_without_end_permission_cannot_end(users, lifecycle, role):
    e = lifecycle.active()
    with pytest.raises(ScopeDenied):
        enrolment_end(enrolment=e, by=getattr(users, role), reason="pindah")
    e.refresh_from_db()
    assert e.status == Enrolment.Status.ACTIVE


# --- KPJ ---------------------------------------------------------------------------------------


def test_kpj_of_wrong_length_is_refused(users, lifecycle):
    with pytest.raises(DomainError) as exc:
        lifecycle.registered(kpj="1234567890")
    assert (exc.value.code, exc.value.field) == ("kpj_format", "kpj_number")


def test_kpj_length_follows_the_kpj_digits_parameter(users, lifecycle):
    Parameter.objects.create(key="kpj_digits", value="13", valid_from=dt.date(2026, 1, 1))
    e = lifecycle.verified()
    with pytest.raises(DomainError) as exc:
        enrolment_register(
            enrolment=e,
            by=users.bpjs,
            kpj_number="12345678901",
            registration_date=dt.date(2026, 2, 20),
        )
    assert exc.value.code == "kpj_format"
    assert "13" in exc.value.message
    e = enrolment_register(
        enrolment=e,
        by=users.bpjs,
        kpj_number="1234567890123",
        registration_date=dt.date(2026, 2, 20),
    )
    assert e.kpj_number == "1234567890123"


def test_kpj_of_another_worker_is_refused(users, lifecycle):
    lifecycle.registered(kpj="12345678901")
    with pytest.raises(ValidationFailed) as exc:
        lifecycle.registered(kpj="12345678901")
    assert codes(exc.value) == ["kpj_taken"]


def test_registration_date_in_the_future_is_refused(users, lifecycle):
    with pytest.raises(ValidationFailed) as exc:
        enrolment_register(
            enrolment=lifecycle.verified(),
            by=users.bpjs,
            kpj_number="12345678901",
            registration_date=clock.today() + dt.timedelta(days=2),
        )
    assert codes(exc.value) == ["date_invalid"]


# --- no double funding -------------------------------------------------------------------------


def test_worker_in_the_kabupaten_programme_cannot_join_the_province_programme(
    users, lifecycle, province_programme
):
    e = lifecycle.propose()
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(
            programme=province_programme, worker=e.worker, by=users.province, on=dt.date(2026, 6, 1)
        )
    assert codes(exc.value) == ["already_enrolled"]
    assert "PASER-2026" in exc.value.errors[0].message


def test_worker_in_the_province_programme_cannot_join_the_kabupaten_programme(
    users, lifecycle, programme, province_programme
):
    e = lifecycle.propose(prog=province_programme)
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=e.worker, by=users.admin, on=FEB)
    assert codes(exc.value) == ["already_enrolled"]


def test_worker_cannot_be_proposed_twice_to_the_same_programme(users, lifecycle, programme):
    e = lifecycle.propose()
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(
            programme=programme, worker=e.worker, by=users.admin, on=dt.date(2026, 7, 1)
        )
    assert codes(exc.value) == ["already_enrolled"]


def test_worker_who_moved_regency_cannot_be_funded_by_both_regencies(
    users, make_worker, programme, ppu_programme, make_user
):
    w = make_worker(by=users.admin_ppu, village=DESA_PPU)
    enrolment_propose(programme=ppu_programme, worker=w, by=users.admin_ppu, on=FEB)
    worker_update(worker=w, by=users.province, village=Region.objects.get(code=DESA_B))
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=w, by=users.admin, on=dt.date(2026, 4, 1))
    assert codes(exc.value) == ["already_enrolled"]
    assert "PPU-2026" in exc.value.errors[0].message


def test_programmes_of_different_years_do_not_overlap(users, lifecycle):
    e = lifecycle.propose()
    next_year = programme_create(
        by=users.province,
        code="KALTIM-2027",
        name="Kaltim 2027",
        region=users.province.region,
        fiscal_year=2027,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.all(),
        quota=10,
    )
    e2 = enrolment_propose(programme=next_year, worker=e.worker, by=users.province, on=FEB)
    assert months(e2) == year_months(1, 12, 2027)


def test_after_ending_the_worker_may_be_funded_again_for_the_remaining_months(
    users, lifecycle, province_programme
):
    e = enrolment_end(
        enrolment=lifecycle.active(),
        by=users.admin,
        reason="anggaran_habis",
        end_date=dt.date(2026, 5, 31),
    )
    assert months(e) == year_months(2, 5)
    e2 = enrolment_propose(
        programme=province_programme, worker=e.worker, by=users.province, on=dt.date(2026, 6, 1)
    )
    assert months(e2) == year_months(6, 12)


def test_after_ending_the_months_already_funded_stay_held(users, lifecycle, province_programme):
    e = enrolment_end(
        enrolment=lifecycle.active(),
        by=users.admin,
        reason="anggaran_habis",
        end_date=dt.date(2026, 5, 15),
    )
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(
            programme=province_programme,
            worker=e.worker,
            by=users.province,
            on=dt.date(2026, 5, 20),
        )
    assert codes(exc.value) == ["already_enrolled"]


def test_after_rejection_the_worker_may_be_proposed_again(
    users, lifecycle, programme, province_programme
):
    e = enrolment_reject(enrolment=lifecycle.propose(), by=users.admin, reason="Berkas kurang")
    e2 = enrolment_propose(
        programme=programme, worker=e.worker, by=users.operator, on=dt.date(2026, 3, 1)
    )
    assert months(e2) == year_months(3, 12)


def test_database_refuses_two_enrolments_holding_the_same_month(
    users, lifecycle, province_programme
):
    e = lifecycle.propose()
    other = Enrolment.objects.create(
        worker=e.worker,
        programme=province_programme,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 12, 31),
        proposed_at=e.proposed_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentMonth.objects.create(worker=e.worker, month=dt.date(2026, 7, 1), enrolment=other)


# --- quota -------------------------------------------------------------------------------------


def test_many_proposals_never_exceed_the_quota(users, programme, make_worker):
    programme_set_quota(by=users.admin, programme=programme, quota=3)
    workers = [make_worker(by=users.operator) for _ in range(5)]
    result = enrolments_propose(programme=programme, workers=workers, by=users.operator, on=FEB)
    assert [e.worker_id for e in result.created] == [w.pk for w in workers[:3]]
    assert {pk: [p.code for p in ps] for pk, ps in result.refused.items()} == {
        workers[3].pk: ["quota_exceeded"],
        workers[4].pk: ["quota_exceeded"],
    }
    assert programme.enrolments.count() == 3
    assert EnrolmentMonth.objects.count() == 3 * 11


def test_quota_counts_open_enrolments_and_frees_on_rejection(
    users, programme, make_worker, lifecycle
):
    programme_set_quota(by=users.admin, programme=programme, quota=1)
    first = lifecycle.propose()
    extra = make_worker(by=users.operator)
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=extra, by=users.operator, on=FEB)
    assert codes(exc.value) == ["quota_exceeded"]
    enrolment_reject(enrolment=first, by=users.admin, reason="Bukan pekerja rentan")
    assert enrolment_propose(programme=programme, worker=extra, by=users.operator, on=FEB)


def test_full_quota_reached_by_earlier_batches_refuses_the_whole_next_batch(
    users, programme, make_worker
):
    programme_set_quota(by=users.admin, programme=programme, quota=2)
    batch = [make_worker(by=users.operator) for _ in range(2)]
    enrolments_propose(programme=programme, workers=batch, by=users.operator, on=FEB)
    more = [make_worker(by=users.operator) for _ in range(2)]
    result = enrolments_propose(programme=programme, workers=more, by=users.operator, on=FEB)
    assert result.created == []
    assert set(result.refused) == {w.pk for w in more}


def test_batch_with_ineligible_and_double_funded_workers_reports_each(
    users, programme, make_worker, lifecycle
):
    held = lifecycle.propose().worker
    ok = make_worker(by=users.operator)
    ojek = make_worker(by=users.operator, occupation="ojek")
    result = enrolments_propose(
        programme=programme, workers=[ok, held, ojek, ok], by=users.operator, on=FEB
    )
    assert [e.worker_id for e in result.created] == [ok.pk]
    assert {pk: [p.code for p in ps] for pk, ps in result.refused.items()} == {
        held.pk: ["already_enrolled"],
        ojek.pk: ["occupation_not_eligible"],
    }


def test_quota_cannot_be_set_below_open_enrolments(users, programme, lifecycle):
    lifecycle.propose()
    lifecycle.propose()
    with pytest.raises(ValidationFailed) as exc:
        programme_set_quota(by=users.admin, programme=programme, quota=1)
    assert codes(exc.value) == ["quota_below_used"]


# --- eligibility against the programme ---------------------------------------------------------


def born_aged(years: int, on: dt.date = FEB) -> dt.date:
    return on.replace(year=on.year - years)


@pytest.mark.parametrize(
    "age,paser_ok,ppu_ok",
    [
        (14, False, False),
        (15, True, False),
        (17, True, False),
        (18, True, True),
        (64, True, True),
        (65, False, True),
        (66, False, False),
    ],
)
def test_age_limits_differ_between_paser_and_ppu(
    users, programme, ppu_programme, make_worker, age, paser_ok, ppu_ok
):
    birth = born_aged(age)
    paser_w = make_worker(by=users.admin, birth=birth)
    ppu_w = make_worker(by=users.admin_ppu, village=DESA_PPU, birth=birth)
    for prog, w, by, ok in [
        (programme, paser_w, users.admin, paser_ok),
        (ppu_programme, ppu_w, users.admin_ppu, ppu_ok),
    ]:
        result = enrolments_propose(programme=prog, workers=[w], by=by, on=FEB)
        if ok:
            assert len(result.created) == 1
        else:
            assert [p.code for p in result.refused[w.pk]] == ["age_out_of_range"]


def test_occupation_outside_the_programme_list_is_refused(
    users, programme, ppu_programme, make_worker
):
    paser_ojek = make_worker(by=users.operator, occupation="ojek")
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=paser_ojek, by=users.operator, on=FEB)
    assert codes(exc.value) == ["occupation_not_eligible"]
    ppu_ojek = make_worker(by=users.admin_ppu, village=DESA_PPU, occupation="ojek")
    assert enrolment_propose(programme=ppu_programme, worker=ppu_ojek, by=users.admin_ppu, on=FEB)


def test_residence_outside_the_sponsor_region_is_refused(users, make_worker, ppu_programme):
    w = make_worker(by=users.admin)  # lives in Paser
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=ppu_programme, worker=w, by=users.province, on=FEB)
    assert codes(exc.value) == ["village_out_of_scope"]


def test_inactive_worker_cannot_be_proposed(users, make_worker, programme):
    w = make_worker(by=users.operator)
    worker_update(worker=w, by=users.admin, status="meninggal")
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=w, by=users.operator, on=FEB)
    assert codes(exc.value) == ["worker_inactive"]


def test_programme_that_has_ended_takes_no_proposals(users, lifecycle):
    with pytest.raises(DomainError) as exc:
        lifecycle.propose(on=dt.date(2027, 1, 4))
    assert exc.value.code == "programme_ended"


# --- scope of proposals ------------------------------------------------------------------------


def test_operator_cannot_propose_a_worker_of_another_village(users, make_worker, programme):
    w = make_worker(by=users.operator_b, village=DESA_B)
    with pytest.raises(ValidationFailed) as exc:
        enrolment_propose(programme=programme, worker=w, by=users.operator, on=FEB)
    assert codes(exc.value) == ["village_out_of_scope"]
    assert not Enrolment.objects.exists()


def test_operator_proposes_into_the_province_programme(users, lifecycle, province_programme):
    e = lifecycle.propose(prog=province_programme)
    assert e.programme == province_programme


def test_admin_of_paser_cannot_propose_into_ppu(users, make_worker, ppu_programme):
    w = make_worker(by=users.admin_ppu, village=DESA_PPU)
    with pytest.raises(ScopeDenied):
        enrolment_propose(programme=ppu_programme, worker=w, by=users.admin, on=FEB)


@pytest.mark.parametrize("role", ["leader", "auditor", "bpjs"])
def test_read_only_and_bpjs_roles_cannot_propose(users, make_worker, programme, role):
    w = make_worker(by=users.operator)
    with pytest.raises(ScopeDenied):
        enrolment_propose(programme=programme, worker=w, by=getattr(users, role), on=FEB)


def test_bulk_verification_reports_what_it_could_not_do(users, lifecycle, make_worker, programme):
    a = lifecycle.propose()
    b = lifecycle.verified()
    other = lifecycle.propose(worker=make_worker(village=DESA_OTHER_KEC), by=users.admin)
    done, problems = enrolments_transition_many(
        enrolment_ids=[a.pk, b.pk, other.pk], by=users.admin, action="verify"
    )
    assert done == 2
    assert [p.code for p in problems] == ["transition_invalid"]
    with pytest.raises(ValueError):
        enrolments_transition_many(enrolment_ids=[a.pk], by=users.admin, action="end")


# --- programmes and budget lines ---------------------------------------------------------------


def programme_kwargs(users, **over):
    base = dict(
        code="PASER-2027",
        name="Paser 2027",
        region=users.admin.region,
        fiscal_year=2027,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        age_min=15,
        age_max=64,
        occupations=Occupation.objects.filter(code__in=PASER_OCCUPATIONS),
        quota=10,
    )
    base.update(over)
    return base


def test_programme_create_reports_every_problem(users, programme):
    with pytest.raises(ValidationFailed) as exc:
        programme_create(
            by=users.admin,
            **programme_kwargs(
                users,
                code="PASER-2026",
                region=Region.objects.get(code="64.01"),
                period_end=dt.date(2026, 1, 1),
                age_min=70,
                age_max=60,
            ),
        )
    assert {e.field: e.code for e in exc.value.errors} == {
        "period_end": "period_order",
        "age_max": "age_order",
        "code": "programme_code_taken",
    }


def test_programme_sponsor_must_be_a_province_or_regency(users):
    with pytest.raises(ValidationFailed) as exc:
        programme_create(
            by=users.admin, **programme_kwargs(users, region=Region.objects.get(code="64.01.01"))
        )
    assert codes(exc.value) == ["region_level"]


@pytest.mark.parametrize(
    "role,region",
    [
        ("admin", "64"),
        ("admin", "64.09"),
        ("operator", "64.01"),
        ("bpjs", "64.01"),
        ("leader", "64.01"),
        ("auditor", "64.01"),
    ],
)
def test_programme_create_needs_manage_permission_over_the_sponsor(users, role, region):
    with pytest.raises(ScopeDenied):
        programme_create(
            by=getattr(users, role),
            **programme_kwargs(users, region=Region.objects.get(code=region)),
        )


def test_budget_lines_are_added_and_audited(users, programme):
    line = budget_line_add(
        by=users.admin,
        programme=programme,
        kind=BudgetLine.Kind.APBD_MURNI,
        amount=1_600_000_000,
        date=dt.date(2026, 1, 2),
        document_ref="Perda APBD 1/2026",
    )
    assert programme.budget_lines.get() == line
    ev = AuditEvent.objects.get(action="budget_add")
    assert ev.changes == {"amount": 1_600_000_000, "document_ref": "Perda APBD 1/2026"}
    with pytest.raises(ValidationFailed):
        budget_line_add(
            by=users.admin,
            programme=programme,
            kind="lainnya",
            amount=0,
            date=dt.date(2026, 1, 2),
            document_ref="x",
        )
    with pytest.raises(ScopeDenied):
        budget_line_add(
            by=users.admin_ppu,
            programme=programme,
            kind="lainnya",
            amount=5,
            date=dt.date(2026, 1, 2),
            document_ref="x",
        )

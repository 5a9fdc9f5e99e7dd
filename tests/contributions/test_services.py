import datetime as dt
from decimal import Decimal

import pytest

from lindung.contributions import selectors
from lindung.contributions.models import Bill, BillLine, RateComponent
from lindung.contributions.rules import Coverage
from lindung.contributions.services import (
    bill_adjust,
    bill_generate,
    lapses_apply,
    payment_record,
)
from lindung.core.errors import DomainError, ScopeDenied, ValidationFailed
from lindung.programs.models import Enrolment, EnrolmentMonth

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR, MAY = (dt.date(2026, m, 1) for m in range(1, 6))


def test_bill_has_one_line_per_active_enrolment_due_on_the_15th(
    users, programme, active, make_worker
):
    make_worker()  # registered worker without an enrolment: not billed
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    assert bill.line_count == 3
    assert bill.total == 3 * 16_800
    assert (bill.jkk_total, bill.jkm_total, bill.jht_total) == (30_000, 20_400, 0)
    assert bill.due_date == dt.date(2026, 1, 15)
    assert bill.funder == "apbd_kabupaten" and bill.funder_region_id == "64.01"
    assert set(bill.lines.values_list("enrolment_id", flat=True)) == {e.pk for e in active}


def test_enrolment_not_yet_active_or_registered_later_is_not_billed(
    users, programme, active, make_worker, activate
):
    from lindung.programs.services import enrolment_propose

    enrolment_propose(
        programme=programme, worker=make_worker(), by=users.admin, on=dt.date(2026, 1, 5)
    )
    activate(programme, make_worker(), registered_on=dt.date(2026, 2, 3))
    assert bill_generate(by=users.admin, programme=programme, month=JAN).line_count == 3
    assert bill_generate(by=users.admin, programme=programme, month=FEB).line_count == 4


def test_regenerating_is_idempotent(users, programme, active):
    first = bill_generate(by=users.admin, programme=programme, month=JAN)
    again = bill_generate(by=users.admin, programme=programme, month=JAN)
    assert again.pk == first.pk
    assert Bill.objects.filter(programme=programme).count() == 1
    assert BillLine.objects.filter(bill=again).count() == 3
    assert again.total == first.total == 50_400


def test_jkk_floor_and_ceiling_in_the_bill(users, programme, make_worker, activate):
    low = activate(programme, make_worker(declared_income=500_000))
    high = activate(programme, make_worker(declared_income=30_000_000))
    mid = activate(programme, make_worker(declared_income=2_500_000))
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    jkk = dict(bill.lines.values_list("enrolment_id", "jkk"))
    assert jkk == {low.pk: 10_000, high.pk: 207_000, mid.pk: 25_000}
    assert bill.total == 10_000 + 207_000 + 25_000 + 3 * 6_800


def test_rate_change_mid_year_applies_from_its_month_and_leaves_past_bills(
    users, programme, active
):
    jan = bill_generate(by=users.admin, programme=programme, month=JAN)
    jkm = RateComponent.objects.get(package__code="jkk-jkm", component="jkm")
    RateComponent.objects.create(
        package=jkm.package,
        component="jkm",
        valid_from=dt.date(2026, 7, 1),
        flat_amount=7_500,
        percent=Decimal(0),
    )
    RateComponent.objects.create(
        package=jkm.package,
        component="jkk",
        valid_from=dt.date(2026, 7, 1),
        percent=Decimal("1.20"),
        amount_min=12_000,
        amount_max=248_400,
    )
    june = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 6, 1))
    july = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 7, 1))
    jan.refresh_from_db()
    assert jan.total == june.total == 3 * 16_800
    assert july.total == 3 * (12_000 + 7_500)
    assert set(jan.lines.values_list("jkm", flat=True)) == {6_800}


def test_paid_bill_is_locked_and_corrected_by_adjustment(
    users, programme, active, make_worker, activate
):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 14),
        amount=50_400,
        reference="SP2D-001",
        first_month=JAN,
    )
    bill.refresh_from_db()
    assert bill.is_locked and bill.paid_at == dt.date(2026, 1, 14)
    late = activate(programme, make_worker())  # registered 10 January, activated after payment
    with pytest.raises(DomainError) as err:
        bill_generate(by=users.admin, programme=programme, month=JAN)
    assert err.value.code == "bill_locked"
    assert BillLine.objects.filter(bill=bill).count() == 3
    bill_adjust(
        by=users.admin,
        bill=bill,
        amount=16_800,
        enrolment=late,
        reason="Peserta terlambat diaktifkan",
    )
    bill.refresh_from_db()
    assert (bill.total, bill.outstanding, bill.is_locked) == (67_200, 16_800, True)
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=JAN, on=dt.date(2026, 1, 20)
    )
    assert summary.counts[Coverage.COVERED] == 3 and summary.counts[Coverage.ARREARS] == 1
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 21),
        amount=16_800,
        reference="SP2D-002",
        first_month=JAN,
    )
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=JAN, on=dt.date(2026, 1, 22)
    )
    assert summary.counts[Coverage.COVERED] == 4


def test_adjustment_on_unpaid_bill_is_refused(users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    with pytest.raises(ValidationFailed):
        bill_adjust(by=users.admin, bill=bill, amount=1_000, reason="x")


def test_advance_payment_bills_and_pays_three_months_ahead(users, programme, active):
    payment = payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=3 * 50_400,
        reference="SP2D-TW1",
        first_month=JAN,
        months_covered=3,
    )
    bills = list(Bill.objects.filter(programme=programme).order_by("month"))
    assert [b.month for b in bills] == [JAN, FEB, MAR]
    assert all(b.is_locked and b.outstanding == 0 for b in bills)
    assert payment.allocated == 151_200 and payment.unallocated == 0
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=MAR, on=dt.date(2026, 3, 20)
    )
    assert summary.counts[Coverage.COVERED] == 3


def test_partial_payment_leaves_shortfall_and_no_cover(users, programme, active):
    payment = payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=80_000,
        reference="SP2D-P",
        first_month=JAN,
        months_covered=3,
    )
    jan, feb, mar = Bill.objects.filter(programme=programme).order_by("month")
    assert (jan.paid_amount, jan.is_locked) == (50_400, True)
    assert (feb.paid_amount, feb.outstanding, feb.is_locked) == (29_600, 20_800, False)
    assert mar.paid_amount == 0
    assert selectors.payment_shortfall(payment) == 151_200 - 80_000
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=FEB, on=dt.date(2026, 2, 20)
    )
    assert summary.counts[Coverage.ARREARS] == 3


def test_over_payment_stays_unallocated(users, programme, active):
    payment = payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=60_000,
        reference="SP2D-O",
        first_month=JAN,
    )
    assert payment.allocated == 50_400 and payment.unallocated == 9_600


def test_payment_checks_reference_and_months(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-1",
        first_month=JAN,
    )
    with pytest.raises(ValidationFailed) as err:
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 1, 12),
            amount=50_400,
            reference="SP2D-1",
            first_month=FEB,
            months_covered=2,
        )
    assert {e.code for e in err.value.errors} == {"reference_taken", "months_invalid"}
    with pytest.raises(ValidationFailed) as err:
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 1, 12),
            amount=50_400,
            reference="SP2D-2",
            first_month=dt.date(2026, 12, 1),
            months_covered=3,
        )
    assert err.value.code == "month_out_of_period"


def test_lapse_after_the_fourth_unpaid_month_and_not_before(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    # February, March, April and May unpaid: the 4th unpaid month is due on 15 May.
    assert lapses_apply(by=users.admin, programme=programme, on=dt.date(2026, 5, 15)) == 0
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=MAY, on=dt.date(2026, 5, 15)
    )
    assert summary.counts[Coverage.ARREARS] == 3  # February to April overdue, May not yet due
    assert summary.lapse_warnings == [(dt.date(2026, 5, 16), FEB, 3)]
    apr = selectors.coverage_summary(
        user=users.admin, programme=programme, month=APR, on=dt.date(2026, 5, 15)
    )
    assert apr.counts[Coverage.ARREARS] == 3
    assert Enrolment.objects.filter(status=Enrolment.Status.ACTIVE).count() == 3

    assert lapses_apply(by=users.admin, programme=programme, on=dt.date(2026, 5, 16)) == 3
    ended = Enrolment.objects.get(pk=active[0].pk)
    assert ended.status == Enrolment.Status.ENDED
    assert ended.end_reason == Enrolment.EndReason.LAPSED
    assert ended.end_date == dt.date(2026, 1, 31)
    assert not EnrolmentMonth.objects.filter(enrolment=ended, month__gte=FEB).exists()
    assert list(EnrolmentMonth.objects.filter(enrolment=ended).values_list("month", flat=True)) == [
        JAN
    ]
    assert bill_generate(by=users.admin, programme=programme, month=JUN).line_count == 0
    summary = selectors.coverage_summary(
        user=users.admin, programme=programme, month=MAY, on=dt.date(2026, 5, 16)
    )
    assert summary.lapsed_ended == 3


JUN = dt.date(2026, 6, 1)


def test_lapse_drops_lapsed_months_from_unpaid_bills(
    users, programme, active, make_worker, activate
):
    payer = activate(programme, make_worker(), registered_on=dt.date(2026, 4, 2))
    for m in (FEB, MAR, APR, MAY):
        bill_generate(by=users.admin, programme=programme, month=m)
    assert lapses_apply(by=users.admin, programme=programme, on=dt.date(2026, 4, 16)) == 3
    feb = Bill.objects.get(programme=programme, month=FEB)
    may = Bill.objects.get(programme=programme, month=MAY)
    assert feb.line_count == 0 and feb.total == 0
    assert list(may.lines.values_list("enrolment_id", flat=True)) == [payer.pk]


def test_payment_closes_arrears_and_prevents_lapse(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 4, 10),
        amount=3 * 50_400,
        reference="SP2D-RAPEL",
        first_month=JAN,
        months_covered=3,
    )
    assert lapses_apply(by=users.admin, programme=programme, on=dt.date(2026, 5, 16)) == 0
    rows = list(selectors.coverage_enrolments(user=users.admin, programme=programme, month=APR))
    states = [selectors.coverage_of(e, month=APR, on=dt.date(2026, 5, 16)) for e in rows]
    assert {(s.status, s.unpaid_months) for s in states} == {(Coverage.ARREARS, 1)}


def test_worker_coverage_month_by_month(users, programme, active):
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    months = selectors.worker_coverage(
        user=users.admin, enrolment=active[0], on=dt.date(2026, 3, 20)
    )
    assert [(m, s.status, s.unpaid_months) for m, s in months] == [
        (JAN, Coverage.COVERED, 0),
        (FEB, Coverage.ARREARS, 1),
        (MAR, Coverage.ARREARS, 2),
    ]


# --- budget ---------------------------------------------------------------------------------


def test_budget_summary_and_forecast(users, programme, active):
    from lindung.programs.services import budget_line_add

    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=600_000,
        date=JAN,
        document_ref="DPA 1",
    )
    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_perubahan",
        amount=100_000,
        date=dt.date(2026, 9, 1),
        document_ref="DPPA 1",
    )
    bill_generate(by=users.admin, programme=programme, month=JAN)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    s = selectors.budget_summary(user=users.admin, programme=programme, on=dt.date(2026, 1, 20))
    assert s.budget == 700_000 and s.billed == 50_400 and s.paid == 50_400
    assert s.committed == 11 * 50_400
    assert s.remaining == 700_000 - 12 * 50_400 == 95_200
    assert s.premium == 16_800
    f = s.forecast
    assert f.runs_out is None and f.months_left == 12
    assert f.extra_workers == 95_200 // (16_800 * 12) == 0
    assert f.target_cost == 97 * 16_800 * 12
    assert f.quota == 700_000 // (16_800 * 12) == 3
    assert [k for k, _ in s.budget_lines] == ["APBD murni", "APBD perubahan"]


def test_budget_forecast_with_ppu_figures(users, ppu_programme):
    from lindung.programs.services import budget_line_add

    budget_line_add(
        by=users.admin_ppu,
        programme=ppu_programme,
        kind="apbd_murni",
        amount=3_024_000_000,
        date=JAN,
        document_ref="Perda APBD PPU 2026",
    )
    s = selectors.budget_summary(
        user=users.admin_ppu, programme=ppu_programme, on=dt.date(2026, 1, 2)
    )
    assert s.premium == 16_800 and s.forecast.quota == 15_000
    assert s.forecast.extra_workers == 15_000
    assert s.forecast.target_cost == 3_024_000_000 and s.forecast.target_shortfall == 0
    assert any("15.000" in t and "Rp3.024.000.000" in t for t in s.sentences)


# --- scope ----------------------------------------------------------------------------------


def test_admin_of_another_regency_cannot_bill_or_pay(users, programme, active):
    with pytest.raises(ScopeDenied):
        bill_generate(by=users.admin_ppu, programme=programme, month=JAN)
    with pytest.raises(ScopeDenied):
        payment_record(
            by=users.admin_ppu,
            programme=programme,
            paid_on=dt.date(2026, 1, 12),
            amount=50_400,
            reference="X",
            first_month=JAN,
        )
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    with pytest.raises(ScopeDenied):
        lapses_apply(by=users.admin_ppu, programme=programme, on=dt.date(2026, 6, 1))
    assert not selectors.bills_for(user=users.admin_ppu).filter(pk=bill.pk).exists()
    assert selectors.bills_for(user=users.leader).filter(pk=bill.pk).exists()
    with pytest.raises(Bill.DoesNotExist):
        selectors.bill_get(user=users.admin_ppu, pk=bill.pk)


def test_readers_cannot_bill(users, programme, active):
    for user in (users.leader, users.auditor, users.operator, users.bpjs):
        with pytest.raises(ScopeDenied):
            bill_generate(by=user, programme=programme, month=JAN)


def test_province_bills_its_programme_as_provincial_funder(
    users, province_programme, make_worker, activate
):
    activate(province_programme, make_worker(), by=users.province)
    bill = bill_generate(by=users.province, programme=province_programme, month=JAN)
    assert bill.funder == "apbd_provinsi" and bill.line_count == 1
    split = selectors.funder_split(user=users.province, month=JAN)
    assert [(r["funder"], r["participants"]) for r in split] == [("apbd_provinsi", 1)]


def test_paying_an_old_bill_updates_the_coverage_of_later_bills(
    users, programme, active, make_worker, activate
):
    late = activate(programme, make_worker(), registered_on=dt.date(2026, 2, 20))
    for m in (JAN, FEB, MAR):
        bill_generate(by=users.admin, programme=programme, month=m)
    on = dt.date(2026, 3, 20)
    before = selectors.coverage_summary(user=users.admin, programme=programme, month=MAR, on=on)
    assert before.counts[Coverage.ARREARS] == 4
    assert before.lapse_warnings == [(dt.date(2026, 4, 16), JAN, 3), (dt.date(2026, 5, 16), FEB, 1)]
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 3, 18),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    after = selectors.coverage_summary(user=users.admin, programme=programme, month=MAR, on=on)
    # Fast path (lines of the March bill) and the enrolment path agree.
    slow = selectors._groups_from_enrolments(programme, MAR)
    assert sorted(slow) == sorted([(JAN, JAN, 3), (FEB, None, 1)])
    assert after.lapse_warnings == [(dt.date(2026, 5, 16), FEB, 4)]
    assert after.counts[Coverage.ARREARS] == 4
    rows = list(selectors.coverage_enrolments(user=users.admin, programme=programme, month=MAR))
    states = {e.pk: selectors.coverage_of(e, month=MAR, on=on) for e in rows}
    assert states[late.pk].unpaid_months == 2 and states[active[0].pk].unpaid_months == 2


def test_regenerating_follows_ended_new_and_changed_enrolments(
    users, programme, active, make_worker, activate
):
    from lindung.programs.services import enrolment_end
    from lindung.registry.models import Worker

    bill = bill_generate(by=users.admin, programme=programme, month=FEB)
    enrolment_end(
        enrolment=active[0], by=users.admin, reason="pindah", end_date=dt.date(2026, 1, 31)
    )
    Worker.objects.filter(pk=active[1].worker_id).update(declared_income=3_000_000)
    newcomer = activate(programme, make_worker(), registered_on=dt.date(2026, 2, 2))
    bill = bill_generate(by=users.admin, programme=programme, month=FEB)
    lines = dict(bill.lines.values_list("enrolment_id", "amount"))
    assert lines == {active[1].pk: 30_000 + 6_800, active[2].pk: 16_800, newcomer.pk: 16_800}
    assert bill.total == 70_400 and bill.line_count == 3
    again = bill_generate(by=users.admin, programme=programme, month=FEB)
    assert dict(again.lines.values_list("enrolment_id", "amount")) == lines


# --- paid months on the lines, set-based ----------------------------------------------------


def test_paid_adjustments_of_earlier_bills_give_a_new_line_its_latest_paid_month(
    users, programme, active, make_worker, activate
):
    for ref, month in (("SP2D-JAN", JAN), ("SP2D-FEB", FEB)):
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 2, 12),
            amount=50_400,
            reference=ref,
            first_month=month,
        )
    late = activate(programme, make_worker())  # missing from the paid January and February
    for ref, month in (("SP2D-ADJ-JAN", JAN), ("SP2D-ADJ-FEB", FEB)):
        bill = Bill.objects.get(programme=programme, month=month)
        bill_adjust(
            by=users.admin,
            bill=bill,
            amount=16_800,
            enrolment=late,
            reason="Peserta terlambat diaktifkan",
        )
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 2, 20),
            amount=16_800,
            reference=ref,
            first_month=month,
        )
    march = bill_generate(by=users.admin, programme=programme, month=MAR)
    assert dict(march.lines.values_list("enrolment_id", "prev_paid")) == {
        **{e.pk: FEB for e in active},
        late.pk: FEB,
    }


def test_paying_a_bill_raises_the_paid_month_of_every_later_bill_but_never_lowers_it(
    users, programme, active
):
    for m in (JAN, FEB, MAR):
        bill_generate(by=users.admin, programme=programme, month=m)
    march = Bill.objects.get(programme=programme, month=MAR)
    BillLine.objects.filter(bill=march, enrolment=active[0]).update(prev_paid=FEB)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 3, 18),
        amount=50_400,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    feb = Bill.objects.get(programme=programme, month=FEB)
    assert set(feb.lines.values_list("prev_paid", flat=True)) == {JAN}
    assert dict(march.lines.values_list("enrolment_id", "prev_paid")) == {
        active[0].pk: FEB,
        active[1].pk: JAN,
        active[2].pk: JAN,
    }


def test_shortfalls_of_a_page_of_payments_in_one_query(
    users, programme, active, django_assert_num_queries
):
    from lindung.contributions.models import Payment

    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=40_000,
        reference="SP2D-JAN",
        first_month=JAN,
    )
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 2, 12),
        amount=60_000,
        reference="SP2D-FEB",
        first_month=FEB,
    )
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 3, 12),
        amount=100_000,
        reference="SP2D-MAR",
        first_month=MAR,
        months_covered=3,
    )
    payments = list(Payment.objects.filter(programme=programme))
    with django_assert_num_queries(1):
        shortfalls = selectors.payment_shortfalls(payments)
    assert shortfalls == [(p, selectors.payment_shortfall(p)) for p in payments]
    assert {p.reference: short for p, short in shortfalls} == {
        "SP2D-JAN": 10_400,
        "SP2D-FEB": 0,
        "SP2D-MAR": 3 * 50_400 - 100_000,
    }
    assert selectors.payment_shortfalls([]) == []


# --- messages -------------------------------------------------------------------------------


def test_month_out_of_period_names_the_month_the_period_and_the_form_field(
    users, programme, active
):
    from lindung.contributions.services import bill_generate_check

    with pytest.raises(ValidationFailed) as err:
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 1, 12),
            amount=50_400,
            reference="SP2D-1",
            first_month=dt.date(2026, 12, 1),
            months_covered=3,
        )
    (error,) = err.value.errors
    assert error.field == "months_covered"
    assert error.message == (
        "3 bulan mulai Desember 2026 berakhir Februari 2027, di luar masa "
        "program PASER-2026 (Januari–Desember 2026). Kurangi jumlah bulan "
        "yang dibayar."
    )
    with pytest.raises(ValidationFailed) as err:
        payment_record(
            by=users.admin,
            programme=programme,
            paid_on=dt.date(2026, 1, 12),
            amount=50_400,
            reference="SP2D-1",
            first_month=dt.date(2025, 12, 1),
        )
    assert [e.field for e in err.value.errors] == ["first_month"]
    with pytest.raises(ValidationFailed) as err:
        bill_generate_check(by=users.admin, programme=programme, month=dt.date(2027, 3, 1))
    assert [e.field for e in err.value.errors] == ["month"]
    assert "Maret 2027 di luar masa program" in err.value.errors[0].message


def test_locked_bill_and_audit_name_the_month_in_words(users, programme, active):
    from lindung.audit.models import AuditEvent

    bill = bill_generate(by=users.admin, programme=programme, month=MAR)
    assert (
        AuditEvent.objects.get(action="bill_generate").summary
        == "Tagihan PASER-2026 Maret 2026: 3 peserta"
    )
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 3, 12),
        amount=50_400,
        reference="SP2D-MAR",
        first_month=MAR,
    )
    with pytest.raises(DomainError) as err:
        bill_generate(by=users.admin, programme=programme, month=MAR)
    assert "bulan Maret 2026 sudah lunas" in err.value.message
    bill_adjust(by=users.admin, bill=bill, amount=-1_000, reason="Kelebihan tagih")
    assert (
        AuditEvent.objects.get(action="bill_adjust").summary
        == "Penyesuaian tagihan PASER-2026 Maret 2026"
    )


def test_adjustment_on_unpaid_bill_points_to_the_bill_button(users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    with pytest.raises(ValidationFailed) as err:
        bill_adjust(by=users.admin, bill=bill, amount=1_000, reason="x")
    (error,) = err.value.errors
    assert error.code == "bill_not_locked"
    assert "“Buat / perbarui tagihan”" in error.message


def test_unpaid_bill_is_overdue_after_its_due_date(users, programme, active):
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    assert not bill.is_overdue(dt.date(2026, 1, 15))
    assert bill.is_overdue(dt.date(2026, 1, 16))
    assert bill.is_overdue()  # the frozen clock (20 November 2026) is long past 15 January 2026

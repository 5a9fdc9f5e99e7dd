"""Writes of the contributions app: bills, adjustments, payments, lapses.

Every function is keyword-only, takes the acting user `by`, checks role and region with
`authorize`, runs in one transaction and writes an audit event. Billing is set-based: one
INSERT … SELECT over the programme's enrolments (see `_sync_lines`), never a Python loop per
enrolment, so a month of 1,000,000 enrolments bills in seconds.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, authorize_programme_manage
from lindung.audit.services import audit_event
from lindung.contributions import rules
from lindung.contributions.models import (
    BenefitPackage,
    Bill,
    BillAdjustment,
    BillLine,
    Funder,
    Payment,
    PaymentAllocation,
    ProgrammePackage,
    RateComponent,
)
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.formatting import bulan
from lindung.programs.models import Enrolment, EnrolmentMonth, Programme
from lindung.programs.rules import add_months, month_start
from lindung.programs.services import enrolments_end_lapsed
from lindung.regions.models import Region

# --- rates ----------------------------------------------------------------------------------


def programme_package(programme: Programme) -> BenefitPackage:
    row = ProgrammePackage.objects.filter(programme=programme).select_related("package").first()
    if row is not None:
        return row.package
    package = BenefitPackage.objects.filter(is_default=True).order_by("code").first()
    if package is None:
        raise DomainError(
            _(
                "Belum ada paket manfaat bawaan, jadi iuran belum dapat dihitung. "
                "Minta administrator mengisi tarif iuran."
            ),
            code="no_package",
        )
    return package


def package_rates(package: BenefitPackage) -> list[rules.Rate]:
    return [
        rules.Rate(
            component=r.component,
            valid_from=r.valid_from,
            percent=r.percent,
            flat_amount=r.flat_amount,
            amount_min=r.amount_min,
            amount_max=r.amount_max,
        )
        for r in RateComponent.objects.filter(package=package)
    ]


def rates_for(programme: Programme, month: dt.date) -> tuple[BenefitPackage, dict[str, rules.Rate]]:
    package = programme_package(programme)
    rates = rules.rates_for_month(package_rates(package), month)
    if not rates:
        raise DomainError(
            _("Tidak ada tarif iuran paket %(package)s yang berlaku pada %(month)s.")
            % {"package": package.name, "month": bulan(month)},
            code="no_rate",
        )
    return package, rates


def funder_of(programme: Programme) -> tuple[str, Region]:
    """The sponsor pays: a province's programme from the APBD provinsi, a regency's or city's
    from its own APBD (the double-funding rule keeps a worker in one of them per month)."""
    region = programme.region
    if region.level == Region.Level.PROVINCE:
        return Funder.PROVINSI, region
    return Funder.KABUPATEN, region


# --- bills ----------------------------------------------------------------------------------


def _component_sql(rate: rules.Rate | None, income: str) -> str:
    """`rules.component_amount` as a SQL expression (integer arithmetic valid on SQLite and
    PostgreSQL). Only integers from the rate table are inlined."""
    if rate is None:
        return "0"
    expr = str(int(rate.flat_amount))
    if rate.basis_points:
        expr = f"(({income} * {int(rate.basis_points)} + 5000) / 10000 + {expr})"
    if rate.amount_min is not None:
        low = int(rate.amount_min)
        expr = f"(CASE WHEN {expr} < {low} THEN {low} ELSE {expr} END)"
    if rate.amount_max is not None:
        high = int(rate.amount_max)
        expr = f"(CASE WHEN {expr} > {high} THEN {high} ELSE {expr} END)"
    return expr


def _sync_lines(bill: Bill, rates: dict[str, rules.Rate], *, fresh: bool) -> None:
    """Make the bill's lines those of the enrolments active in its month, set-based: delete
    the lines of enrolments no longer active, update the lines whose amounts changed (a
    corrected income or rate), insert the missing ones with one INSERT … SELECT. On a new
    bill only the insert runs; regenerating an unchanged bill writes nothing.

    Active in the month: activated (or ended after activation), holding the month (its
    EnrolmentMonth row, released when the enrolment ends), and registered at BPJS before the
    month ends (cover starts on the registration date).

    A new line also gets `prev_paid`, the latest paid month before this one, from the line of
    the previous bill (one index probe); an enrolment missing from that bill looks its paid
    months up directly."""
    d = connection.ops.adapt_datefield_value
    line = BillLine._meta.db_table
    bill_table = Bill._meta.db_table
    enrolment = Enrolment._meta.db_table
    em = EnrolmentMonth._meta.db_table
    worker = Enrolment._meta.get_field("worker").related_model._meta.db_table
    parts = {c: _component_sql(rates.get(c), "w.declared_income") for c in rules.COMPONENTS}
    # SQLite finds the month through the unique (worker, month) index only when the worker is
    # named; PostgreSQL misestimates the two equal conditions together and picks a slow plan.
    em_join = (
        "m.enrolment_id = e.id AND m.worker_id = e.worker_id"
        if connection.vendor == "sqlite"
        else "m.enrolment_id = e.id"
    )
    active_sql = f"""
            FROM {enrolment} e
            JOIN {em} m ON {em_join} AND m.month = %s
            JOIN {worker} w ON w.id = e.worker_id
            {{prev_join}}
            WHERE e.programme_id = %s
              AND (e.status = %s OR (e.status = %s AND e.activated_at IS NOT NULL))
              AND e.registration_date IS NOT NULL AND e.registration_date < %s"""
    active_params = [
        bill.programme_id,
        Enrolment.Status.ACTIVE,
        Enrolment.Status.ENDED,
        d(add_months(bill.month, 1)),
    ]
    amounts = f"""e.id AS id, w.declared_income AS income, {parts["jkk"]} AS jkk,
                   {parts["jkm"]} AS jkm, {parts["jht"]} AS jht,
                   CASE WHEN e.registration_date > e.period_start THEN e.registration_date
                        ELSE e.period_start END AS cover_start"""
    previous = (
        Bill.objects.filter(
            programme_id=bill.programme_id, funder=bill.funder, month__lt=bill.month
        )
        .order_by("-month")
        .first()
    )
    if previous is None:
        prev_join, join_params = "", []
        prev_paid, prev_params = "CAST(NULL AS date)", []
    else:
        prev_join = f"LEFT JOIN {line} p ON p.bill_id = %s AND p.enrolment_id = e.id"
        join_params = [previous.pk]
        found, prev_params = (
            ("%s", [d(previous.month)]) if previous.paid_at else ("p.prev_paid", [])
        )
        prev_paid = f"""CASE WHEN p.enrolment_id IS NOT NULL THEN {found} ELSE (
                SELECT MAX(b.month) FROM {line} x JOIN {bill_table} b ON b.id = x.bill_id
                WHERE b.programme_id = %s AND b.paid_at IS NOT NULL AND b.month < %s
                  AND x.enrolment_id = e.id) END"""
        prev_params += [bill.programme_id, d(bill.month)]
    statements: list[tuple[str, list]] = []
    if not fresh:
        statements.append(
            (
                f"""
            DELETE FROM {line} WHERE bill_id = %s AND enrolment_id NOT IN (
                SELECT e.id {active_sql.format(prev_join="")})
        """,
                [bill.pk, d(bill.month), *active_params],
            )
        )
        statements.append(
            (
                f"""
            UPDATE {line} SET declared_income = t.income, jkk = t.jkk, jkm = t.jkm,
                   jht = t.jht, amount = t.jkk + t.jkm + t.jht, cover_start = t.cover_start
            FROM (SELECT {amounts} {active_sql.format(prev_join="")}) t
            WHERE {line}.bill_id = %s AND {line}.enrolment_id = t.id
              AND ({line}.declared_income <> t.income OR {line}.jkk <> t.jkk
                   OR {line}.jkm <> t.jkm OR {line}.jht <> t.jht
                   OR {line}.cover_start <> t.cover_start)
        """,
                [d(bill.month), *active_params, bill.pk],
            )
        )
    missing = (
        ""
        if fresh
        else (
            f"AND NOT EXISTS (SELECT 1 FROM {line} y "
            f"WHERE y.bill_id = {int(bill.pk)} AND y.enrolment_id = e.id)"
        )
    )
    statements.append(
        (
            f"""
        INSERT INTO {line} (bill_id, enrolment_id, declared_income, jkk, jkm, jht, amount,
                            cover_start, prev_paid)
        SELECT %s, t.id, t.income, t.jkk, t.jkm, t.jht, t.jkk + t.jkm + t.jht, t.cover_start,
               t.prev_paid
        FROM (
            SELECT {amounts}, {prev_paid} AS prev_paid
            {active_sql.format(prev_join=prev_join)}
            {missing}
        ) t
    """,
            [bill.pk, *prev_params, d(bill.month), *join_params, *active_params],
        )
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three hash joins of 1,000,000 rows fit in memory; JIT compiling costs more than
            # it saves on these statements. Both settings end with the transaction.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL jit = off")
        for sql, params in statements:
            cursor.execute(sql, params)
    # A paid adjustment for a worker missing from an earlier bill counts as a paid month too:
    # each such enrolment's latest one, one UPDATE per distinct month.
    by_month: dict[dt.date, list[int]] = {}
    for enrolment_id, month in (
        BillAdjustment.objects.filter(
            bill__programme_id=bill.programme_id,
            bill__month__lt=bill.month,
            enrolment__isnull=False,
            amount__gt=0,
            paid_at__isnull=False,
        )
        .values("enrolment_id")
        .annotate(m=Max("bill__month"))
        .order_by()
        .values_list("enrolment_id", "m")
    ):
        by_month.setdefault(month, []).append(enrolment_id)
    for month, ids in by_month.items():
        for i in range(0, len(ids), 2000):
            BillLine.objects.filter(bill=bill, enrolment_id__in=ids[i : i + 2000]).filter(
                Q(prev_paid__isnull=True) | Q(prev_paid__lt=month)
            ).update(prev_paid=month)


def _propagate_paid(bill: Bill, *, enrolment_ids: list[int] | None = None) -> None:
    """`bill` (or some of its adjustments) has just been paid: the lines of the programme's
    later bills learn that these enrolments paid that month (their `prev_paid`)."""
    later = list(
        Bill.objects.filter(
            programme_id=bill.programme_id, funder=bill.funder, month__gt=bill.month
        ).values_list("pk", flat=True)
    )
    if not later:
        return
    if enrolment_ids is None:
        paid = BillLine.objects.filter(bill=bill).values("enrolment_id")
    else:
        paid = enrolment_ids  # type: ignore[assignment]
    BillLine.objects.filter(bill_id__in=later, enrolment_id__in=paid).filter(
        Q(prev_paid__isnull=True) | Q(prev_paid__lt=bill.month)
    ).update(prev_paid=bill.month)


def _adjustments_paid(bill: Bill, on: dt.date) -> None:
    unpaid = BillAdjustment.objects.filter(bill=bill, paid_at__isnull=True)
    ids = [i for i in unpaid.filter(amount__gt=0).values_list("enrolment_id", flat=True) if i]
    unpaid.update(paid_at=on)
    if ids:
        _propagate_paid(bill, enrolment_ids=ids)


def _refresh_totals(bill: Bill, *, on: dt.date | None = None) -> Bill:
    sums = BillLine.objects.filter(bill=bill).aggregate(
        n=Count("id"), jkk=Sum("jkk"), jkm=Sum("jkm"), jht=Sum("jht"), amount=Sum("amount")
    )
    adjustments = BillAdjustment.objects.filter(bill=bill).aggregate(s=Sum("amount"))["s"] or 0
    bill.line_count = sums["n"] or 0
    bill.jkk_total = sums["jkk"] or 0
    bill.jkm_total = sums["jkm"] or 0
    bill.jht_total = sums["jht"] or 0
    bill.lines_total = sums["amount"] or 0
    bill.adjustments_total = adjustments
    bill.total = bill.lines_total + adjustments
    newly_paid = bill.paid_at is None and bill.is_settled
    if newly_paid:
        bill.paid_at = on or clock.today()
    bill.save()
    if newly_paid:
        _propagate_paid(bill)
    return bill


def _check_month(programme: Programme, month: dt.date, *, field: str = "month") -> dt.date:
    """The month's first day, or an error on `field` (the form field that chose the month)."""
    month = month_start(month)
    if not month_start(programme.period_start) <= month <= month_start(programme.period_end):
        raise ValidationFailed(
            [
                DomainError(
                    _(
                        "Bulan %(month)s di luar masa program %(code)s (%(period)s). Pilih bulan dalam "
                        "masa program."
                    )
                    % {
                        "month": bulan(month),
                        "code": programme.code,
                        "period": rules.month_span(programme.period_start, programme.period_end),
                    },
                    code="month_out_of_period",
                    field=field,
                )
            ]
        )
    return month


def _bill_locked(programme: Programme, month: dt.date) -> DomainError:
    return DomainError(
        _(
            "Tagihan %(code)s bulan %(month)s sudah lunas dan terkunci. Koreksi hanya melalui "
            "baris penyesuaian."
        )
        % {"code": programme.code, "month": bulan(month)},
        code="bill_locked",
    )


def bill_generate_check(*, by: User, programme: Programme, month: dt.date) -> dt.date:
    """The checks of `bill_generate` without writing, so a page can refuse at once what the
    background task would refuse later. Returns the month's first day."""
    authorize_programme_manage(by, programme.region_id)
    month = _check_month(programme, month)
    funder, _region = funder_of(programme)
    if Bill.objects.filter(
        programme=programme, month=month, funder=funder, paid_at__isnull=False
    ).exists():
        raise _bill_locked(programme, month)
    rates_for(programme, month)
    return month


@transaction.atomic
def bill_generate(*, by: User, programme: Programme, month: dt.date) -> Bill:
    """Create or regenerate the bill of `programme` for `month`.

    Regenerating an unpaid bill replaces its lines with the enrolments active now, at the rate
    valid in that month, so running it twice gives the same bill. A paid bill is locked:
    regenerating it is refused (correct it with `bill_adjust`)."""
    authorize_programme_manage(by, programme.region_id)
    month = _check_month(programme, month)
    # Serialise bills and payments of one programme (two clicks, the CLI and the worker).
    programme = Programme.objects.select_for_update().select_related("region").get(pk=programme.pk)
    funder, funder_region = funder_of(programme)
    package, rates = rates_for(programme, month)
    bill = Bill.objects.filter(programme=programme, month=month, funder=funder).first()
    created = bill is None
    if bill is None:
        bill = Bill.objects.create(
            programme=programme,
            month=month,
            funder=funder,
            funder_region=funder_region,
            package=package,
            due_date=rules.due_date(month),
            generated_at=clock.now(),
            generated_by=by,
        )
    elif bill.is_locked:
        raise _bill_locked(programme, month)
    else:
        bill.package = package
        bill.generated_at = clock.now()
        bill.generated_by = by
    _sync_lines(bill, rates, fresh=created)
    _refresh_totals(bill)
    audit_event(
        actor=by,
        action="bill_generate" if created else "bill_regenerate",
        obj=bill,
        region_code=programme.region_id,
        summary=_("Tagihan %(code)s %(month)s: %(n)s peserta")
        % {"code": programme.code, "month": bulan(month), "n": bill.line_count},
        changes={"total": bill.total, "lines": bill.line_count},
    )
    return bill


@transaction.atomic
def bill_adjust(
    *, by: User, bill: Bill, amount: int, reason: str, enrolment: Enrolment | None = None
) -> BillAdjustment:
    """Correct a paid (locked) bill with an adjustment line: positive for a worker or amount
    missed, negative for a credit. An unpaid bill is corrected by regenerating it."""
    bill = Bill.objects.select_for_update().select_related("programme").get(pk=bill.pk)
    authorize_programme_manage(by, bill.programme.region_id)
    errors = []
    if not bill.is_locked:
        errors.append(
            DomainError(
                _(
                    "Tagihan ini belum lunas; tidak perlu penyesuaian. Perbaiki dengan tombol "
                    "“Buat / perbarui tagihan” di halaman program."
                ),
                code="bill_not_locked",
            )
        )
    if not amount:
        errors.append(
            DomainError(
                _("Jumlah penyesuaian tidak boleh Rp0."), code="amount_invalid", field="amount"
            )
        )
    if not reason.strip():
        errors.append(
            DomainError(_("Tuliskan alasan penyesuaian."), code="missing_value", field="reason")
        )
    if enrolment is not None and enrolment.programme_id != bill.programme_id:
        errors.append(
            DomainError(
                _("Kepesertaan ini bukan bagian dari program tagihan."),
                code="enrolment_other_programme",
                field="enrolment",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    adjustment = BillAdjustment.objects.create(
        bill=bill, enrolment=enrolment, amount=amount, reason=reason.strip(), created_by=by
    )
    _refresh_totals(bill)
    if bill.outstanding <= 0:
        _adjustments_paid(bill, clock.today())
    audit_event(
        actor=by,
        action="bill_adjust",
        obj=bill,
        region_code=bill.programme.region_id,
        summary=_("Penyesuaian tagihan %(code)s %(month)s")
        % {"code": bill.programme.code, "month": bulan(bill.month)},
        changes={
            "amount": amount,
            "reason": reason.strip(),
            "enrolment": enrolment.pk if enrolment else None,
        },
    )
    return adjustment


# --- payments -------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    by: User,
    programme: Programme,
    paid_on: dt.date,
    amount: int,
    reference: str,
    first_month: dt.date,
    months_covered: int = 1,
    note: str = "",
) -> Payment:
    """Record a transfer (SP2D) for 1, 3, 6 or 12 months from `first_month` and allocate it to
    those months' bills, oldest first. Bills of months not billed yet are generated first
    (paying ahead). A bill paid in full is locked. What no bill needs stays unallocated and is
    shown as over-payment; bills left partly paid show the shortfall."""
    authorize_programme_manage(by, programme.region_id)
    reference = (reference or "").strip()
    errors = []
    if amount is None or amount <= 0:
        errors.append(
            DomainError(
                _("Jumlah pembayaran harus lebih dari Rp0."), code="amount_invalid", field="amount"
            )
        )
    if not reference:
        errors.append(
            DomainError(_("Nomor SP2D wajib diisi."), code="missing_value", field="reference")
        )
    elif Payment.objects.filter(programme=programme, reference=reference).exists():
        errors.append(
            DomainError(
                _("SP2D %(ref)s sudah dicatat untuk program ini.") % {"ref": reference},
                code="reference_taken",
                field="reference",
            )
        )
    if months_covered not in rules.PAYMENT_MONTHS:
        errors.append(
            DomainError(
                _("Pembayaran di muka hanya untuk 1, 3, 6 atau 12 bulan."),
                code="months_invalid",
                field="months_covered",
            )
        )
    if paid_on > clock.today():
        errors.append(
            DomainError(
                _("Tanggal bayar tidak boleh di masa depan."), code="date_invalid", field="paid_on"
            )
        )
    months: list[dt.date] = []
    if not errors:
        first = month_start(first_month)
        months = [add_months(first, i) for i in range(months_covered)]
        # The first month is chosen in `first_month`; the last follows from `months_covered`.
        try:
            _check_month(programme, months[0], field="first_month")
        except ValidationFailed as e:
            errors += e.errors
        else:
            if months[-1] > month_start(programme.period_end):
                errors.append(
                    DomainError(
                        _(
                            "%(n)s bulan mulai %(first)s berakhir %(last)s, di luar masa program "
                            "%(code)s (%(period)s). Kurangi jumlah bulan yang dibayar."
                        )
                        % {
                            "n": months_covered,
                            "first": bulan(months[0]),
                            "last": bulan(months[-1]),
                            "code": programme.code,
                            "period": rules.month_span(
                                programme.period_start, programme.period_end
                            ),
                        },
                        code="month_out_of_period",
                        field="months_covered",
                    )
                )
    if errors:
        raise ValidationFailed(errors)

    funder, _region = funder_of(programme)
    payment = Payment.objects.create(
        programme=programme,
        paid_on=paid_on,
        amount=amount,
        reference=reference,
        first_month=months[0],
        months_covered=months_covered,
        note=note,
        created_by=by,
    )
    remaining = amount
    for month in months:
        bill = Bill.objects.filter(programme=programme, month=month, funder=funder).first()
        if bill is None:
            bill = bill_generate(by=by, programme=programme, month=month)
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        due = bill.outstanding
        if due <= 0 or remaining <= 0:
            continue
        take = min(due, remaining)
        PaymentAllocation.objects.create(payment=payment, bill=bill, amount=take)
        remaining -= take
        bill.paid_amount += take
        newly_paid = bill.is_settled and bill.paid_at is None
        if newly_paid:
            bill.paid_at = paid_on
        bill.save(update_fields=["paid_amount", "paid_at"])
        if newly_paid:
            _propagate_paid(bill)
        if bill.is_settled:
            _adjustments_paid(bill, paid_on)
    payment.allocated = amount - remaining
    payment.save(update_fields=["allocated"])
    audit_event(
        actor=by,
        action="payment_record",
        obj=payment,
        region_code=programme.region_id,
        summary=_("Pembayaran %(ref)s untuk %(code)s") % {"ref": reference, "code": programme.code},
        changes={
            "amount": amount,
            "allocated": payment.allocated,
            "months": [str(m) for m in months],
        },
    )
    return payment


# --- lapse ----------------------------------------------------------------------------------


def last_paid_subqueries(*, programme: Programme, upto: dt.date) -> dict[str, Subquery]:
    """Annotations of an Enrolment queryset: its latest paid month up to `upto` through a bill
    line (`line_paid`) and through a paid positive adjustment (`adjustment_paid`)."""
    lines = (
        BillLine.objects.filter(
            enrolment=OuterRef("pk"),
            bill__programme=programme,
            bill__paid_at__isnull=False,
            bill__month__lte=upto,
        )
        .values("enrolment")
        .annotate(m=Max("bill__month"))
        .values("m")
    )
    adjustments = (
        BillAdjustment.objects.filter(
            enrolment=OuterRef("pk"), amount__gt=0, paid_at__isnull=False, bill__month__lte=upto
        )
        .values("enrolment")
        .annotate(m=Max("bill__month"))
        .values("m")
    )
    return {"line_paid": Subquery(lines), "adjustment_paid": Subquery(adjustments)}


@transaction.atomic
def lapses_apply(*, by: User, programme: Programme, on: dt.date | None = None) -> int:
    """End the enrolments whose contributions have been unpaid for more than 3 consecutive
    months (the due date of the 4th unpaid month has passed on `on`). Each ends on the last
    day of its last paid month, with reason "lapsed"; its months after that are released and
    its lines removed from unpaid bills. Returns how many enrolments lapsed."""
    authorize(by, Action.ENROLMENT_END, programme.region_id)
    on = on or clock.today()
    last_due = rules.last_due_month(on)
    fourth_back = add_months(last_due, -rules.ARREARS_MAX_MONTHS)
    candidates = (
        Enrolment.objects.filter(
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            period_start__lte=fourth_back,
            registration_date__lt=add_months(fourth_back, 1),
            months__month=last_due,
        )
        .annotate(**last_paid_subqueries(programme=programme, upto=last_due))
        .values_list("pk", "period_start", "registration_date", "line_paid", "adjustment_paid")
    )
    end_dates: dict[int, dt.date] = {}
    for pk, period_start, registration_date, line_m, adjustment_m in candidates.iterator():
        last_paid = max((m for m in (line_m, adjustment_m) if m is not None), default=None)
        first = rules.first_covered_month(
            period_start=period_start, registration_date=registration_date
        )
        first_unpaid = rules.first_unpaid_month(first_month=first, last_paid=last_paid)
        if first_unpaid <= fourth_back:
            end_dates[pk] = first_unpaid - dt.timedelta(days=1)
    if not end_dates:
        return 0
    ended = enrolments_end_lapsed(by=by, programme=programme, end_dates=end_dates)
    # The lapsed months are no longer owed: drop them from the bills not yet paid.
    open_bills = list(Bill.objects.filter(programme=programme, paid_at__isnull=True))
    by_date: dict[dt.date, list[int]] = {}
    for pk, end in end_dates.items():
        by_date.setdefault(end, []).append(pk)
    for end, ids in by_date.items():
        stale = [b.pk for b in open_bills if b.month > end]
        for i in range(0, len(ids), 2000):
            BillLine.objects.filter(bill_id__in=stale, enrolment_id__in=ids[i : i + 2000]).delete()
    for bill in open_bills:
        _refresh_totals(bill, on=on)
    audit_event(
        actor=by,
        action="lapse",
        obj=programme,
        region_code=programme.region_id,
        summary=_("%(n)s kepesertaan %(code)s putus karena iuran menunggak")
        % {"n": ended, "code": programme.code},
        changes={"lapsed": ended, "on": str(on)},
    )
    return ended

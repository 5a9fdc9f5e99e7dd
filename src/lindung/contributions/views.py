"""Contribution pages: overview, programme money page, bills, payments, coverage, statements.

Reads go through the scoped selectors (a programme outside the user's region is a 404); every
write goes through a service that checks role and region again."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can_manage_programme
from lindung.accounts.web import require_action
from lindung.contributions import rules, selectors, services
from lindung.contributions.forms import (
    AdjustmentForm,
    BillForm,
    CoverageFilterForm,
    PaymentForm,
)
from lindung.contributions.models import BenefitPackage, Bill
from lindung.contributions.tasks import bill_generate_task, lapses_apply_task
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.formatting import bulan, rupiah, thousands
from lindung.core.web import add_domain_errors
from lindung.programs.models import Programme
from lindung.programs.rules import programme_month

PAGE_SIZE = 50


def contributions_readers_only(pattern: URLPattern) -> URLPattern:
    """`pattern` with its view refusing (403) the roles that may not read contributions."""
    view = pattern.callback

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_action(request, Action.CONTRIBUTIONS_READ)
        return view(request, *args, **kwargs)

    pattern.callback = guarded
    return pattern


def _programme(request: HttpRequest, code: str) -> Programme:
    try:
        return selectors.programme_get(user=request.user, code=code)
    except Programme.DoesNotExist as e:
        raise Http404(_("Program tidak ditemukan.")) from e


def _bill(request: HttpRequest, pk: int) -> Bill:
    try:
        return selectors.bill_get(user=request.user, pk=pk)
    except Bill.DoesNotExist as e:
        raise Http404(_("Tagihan tidak ditemukan.")) from e


def _require_manage(request: HttpRequest, programme: Programme) -> None:
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied(_("Peran Anda tidak berwenang mengelola iuran program ini."))


def home_view(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    programmes = list(selectors.programmes_for(user=request.user).order_by("-fiscal_year", "code"))
    unpaid = list(selectors.unpaid_bills(user=request.user)[:50])
    return render(
        request,
        "contributions/home.html",
        {
            "programmes": programmes,
            "unpaid": unpaid,
            "today": today,
            "split": selectors.funder_split(user=request.user, month=today),
            "month_label": bulan(today),
        },
    )


def _programme_context(request: HttpRequest, programme: Programme, **forms: Any) -> dict:
    today = clock.today()
    month = programme_month(
        period_start=programme.period_start, period_end=programme.period_end, on=today
    )
    coverage = selectors.coverage_summary(
        user=request.user, programme=programme, month=month, on=today
    )
    can_manage = can_manage_programme(request.user, programme)
    budget = selectors.budget_summary(user=request.user, programme=programme, on=today)
    return {
        "programme": programme,
        "budget": budget,
        "quota_offer": selectors.quota_offer(programme=programme, budget=budget)
        if can_manage
        else None,
        "coverage": coverage,
        "coverage_rows": [(rules.Coverage.LABELS[s], s, n) for s, n in coverage.counts.items()],
        "warnings": [
            rules.lapse_warning_sentence(count=n, first_unpaid=f)
            for _d, f, n in coverage.lapse_warnings
        ],
        "bills": selectors.bill_list(user=request.user, programme=programme)[:24],
        "statement_direct_max": selectors.statement_direct_max(),
        "unpaid": selectors.unpaid_bills(user=request.user, programme=programme),
        "payments": selectors.payment_shortfalls(
            selectors.payments_for(user=request.user, programme=programme)[:24]
        ),
        "can_manage": can_manage,
        "bill_form": forms.get("bill_form") or (BillForm() if can_manage else None),
        "payment_form": forms.get("payment_form") or (PaymentForm() if can_manage else None),
        "today": today,
    }


def programme_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    return render(request, "contributions/programme.html", _programme_context(request, programme))


@require_POST
def bill_generate_view(request: HttpRequest, code: str) -> HttpResponse:
    """Check at once, then bill in the background (the task worker) and come back."""
    programme = _programme(request, code)
    _require_manage(request, programme)
    form = BillForm(request.POST)
    if form.is_valid():
        try:
            month = services.bill_generate_check(
                by=request.user, programme=programme, month=form.cleaned_data["month"]
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            result = bill_generate_task.enqueue(
                programme_id=programme.pk, month=month.isoformat(), user_id=request.user.pk
            )
            if result.status == TaskResultStatus.SUCCESSFUL:
                value = result.return_value
                messages.success(
                    request,
                    _("Tagihan %(month)s dibuat: %(n)s peserta, %(total)s.")
                    % {
                        "month": bulan(month),
                        "n": thousands(value["lines"]),
                        "total": rupiah(value["total"]),
                    },
                )
            elif result.status == TaskResultStatus.FAILED:
                messages.error(
                    request, _("Tagihan %(month)s gagal dibuat.") % {"month": bulan(month)}
                )
            else:
                messages.info(
                    request,
                    _(
                        "Tagihan %(month)s sedang dibuat di latar belakang. "
                        "Muat ulang halaman ini sebentar lagi."
                    )
                    % {"month": bulan(month)},
                )
            return redirect("contributions:programme", programme.code)
    context = _programme_context(request, programme, bill_form=form)
    return render(request, "contributions/programme.html", context, status=400)


@require_POST
def payment_create_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    _require_manage(request, programme)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payment = services.payment_record(
                by=request.user, programme=programme, **form.cleaned_data
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            text = _("Pembayaran %(ref)s %(amount)s dicatat.") % {
                "ref": payment.reference,
                "amount": rupiah(payment.amount),
            }
            if payment.unallocated:
                text += " " + _("Lebih bayar %(x)s.") % {"x": rupiah(payment.unallocated)}
            short = selectors.payment_shortfall(payment)
            if short:
                text += " " + _("Kurang bayar %(x)s.") % {"x": rupiah(short)}
            messages.success(request, text)
            return redirect("contributions:programme", programme.code)
    context = _programme_context(request, programme, payment_form=form)
    return render(request, "contributions/programme.html", context, status=400)


@require_POST
def lapses_apply_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    _require_manage(request, programme)
    require_action(request, Action.ENROLMENT_END)
    result = lapses_apply_task.enqueue(programme_id=programme.pk, user_id=request.user.pk)
    if result.status == TaskResultStatus.SUCCESSFUL:
        ended = thousands(result.return_value["ended"])
        messages.success(
            request,
            _("%(n)s kepesertaan diakhiri karena iuran menunggak lebih dari 3 bulan.")
            % {"n": ended},
        )
    elif result.status == TaskResultStatus.FAILED:
        messages.error(request, _("Kepesertaan yang putus gagal diakhiri."))
    else:
        messages.info(request, _("Kepesertaan yang putus sedang diakhiri di latar belakang."))
    return redirect("contributions:programme", programme.code)


def coverage_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _programme(request, code)
    today = clock.today()
    filters = CoverageFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    month = chosen.get("bulan") or programme_month(
        period_start=programme.period_start, period_end=programme.period_end, on=today
    )
    rows, to_row = selectors.coverage_list(
        user=request.user,
        programme=programme,
        month=month,
        unpaid_only=bool(chosen.get("belum")),
        on=today,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page_rows = [to_row(r) for r in page]
    summary = selectors.coverage_summary(
        user=request.user, programme=programme, month=month, on=today
    )
    return render(
        request,
        "contributions/coverage.html",
        {
            "programme": programme,
            "month": month,
            "filters": filters,
            "page_obj": page,
            "rows": page_rows,
            "summary": summary,
            "counts": [(rules.Coverage.LABELS[s], s, n) for s, n in summary.counts.items()],
        },
        status=400 if filters.errors else 200,
    )  # an impossible month (?bulan=9999-12): 400


def bill_view(
    request: HttpRequest, pk: int, adjustment_form: AdjustmentForm | None = None, status: int = 200
) -> HttpResponse:
    bill = _bill(request, pk)
    page = Paginator(selectors.bill_lines(bill=bill), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = can_manage_programme(request.user, bill.programme)
    return render(
        request,
        "contributions/bill.html",
        {
            "bill": bill,
            "page_obj": page,
            "adjustments": bill.adjustments.select_related("enrolment__worker"),
            "allocations": bill.allocations.select_related("payment"),
            "can_manage": can_manage,
            "adjustment_form": adjustment_form
            or (AdjustmentForm() if can_manage and bill.is_locked else None),
            "today": clock.today(),
            "statement_direct_max": selectors.statement_direct_max(),
        },
        status=status,
    )


@require_POST
def bill_adjust_view(request: HttpRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    _require_manage(request, bill.programme)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        enrolment = None
        kpj = form.cleaned_data.get("kpj_number")
        if kpj:
            enrolment = selectors.enrolment_by_kpj(
                user=request.user, programme=bill.programme, kpj_number=kpj
            )
            if enrolment is None:
                form.add_error("kpj_number", _("Peserta dengan KPJ ini tidak ada di program."))
        if not form.errors:
            try:
                services.bill_adjust(
                    by=request.user,
                    bill=bill,
                    enrolment=enrolment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as e:
                add_domain_errors(form, e)
            else:
                messages.success(request, _("Penyesuaian dicatat."))
                return redirect("contributions:bill", bill.pk)
    return bill_view(request, pk, adjustment_form=form, status=400)


def rates_view(request: HttpRequest) -> HttpResponse:
    packages = BenefitPackage.objects.prefetch_related("rates").order_by("code")
    return render(
        request,
        "contributions/rates.html",
        {"packages": packages, "is_staff": request.user.is_staff},
    )

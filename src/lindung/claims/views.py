"""Claim pages: register with filters and XLSX export, reporting, a claim's page with its
explanation, documents and workflow steps, documents served within scope, value for the budget.
Thin: parse, call one service or selector, render. A `ScopeDenied` becomes a 403 in the
middleware; a claim outside the user's region is a 404 (never a hint that it exists)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can
from lindung.accounts.web import require_action
from lindung.audit.selectors import history_of
from lindung.audit.services import audit_export
from lindung.claims import documents, exports, rules, selectors, services
from lindung.claims.forms import (
    ClaimFilterForm,
    ClaimReportForm,
    DocumentForm,
    PayForm,
    RejectForm,
    SubmitForm,
    ValueForm,
    WorkerSearchForm,
)
from lindung.claims.models import Claim, ClaimDocument
from lindung.contributions.selectors import programmes_for
from lindung.core import clock
from lindung.core.errors import DomainError, ScopeDenied
from lindung.core.exports import download_response
from lindung.core.web import add_domain_errors
from lindung.registry import privacy
from lindung.registry.models import Worker
from lindung.registry.selectors import worker_get, worker_list

PAGE_SIZE = 50
DEATHS_SHOWN = 20


def _claim(request: HttpRequest, pk: int) -> Claim:
    try:
        return selectors.claim_get(user=request.user, pk=pk)
    except Claim.DoesNotExist as e:
        raise Http404(_("Klaim tidak ditemukan.")) from e


def claim_list_view(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None, user=request.user)
    claims = selectors.claim_list(user=request.user, **form.filters())
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "claims/claim_list.html",
        {
            "form": form,
            "page_obj": page,
            "totals": selectors.claim_totals(claims),
            "deaths": selectors.deaths_awaiting_claim(user=request.user)[: DEATHS_SHOWN + 1],
            "deaths_shown": DEATHS_SHOWN,
            "filtered": any(v for v in form.filters().values()),
            "query": request.GET.urlencode(),
        },
    )


def claim_export_view(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    claims = selectors.claim_list(user=request.user, **filters)
    export = exports.claims_workbook(claims)
    user = request.user
    audit_export(
        actor=user,
        obj=user.region or user,
        region_code=user.region_id or "",
        what=_("daftar klaim"),
        kind="claims_register",
        fmt="xlsx",
        rows=export.rows,
        details={k: str(v) for k, v in filters.items() if v},
    )
    return download_response(export, f"klaim-{clock.today():%Y%m%d}.xlsx")


def claim_worker_search_view(request: HttpRequest) -> HttpResponse:
    """Reporting starts from a worker of the user's region: find them by NIK or name."""
    require_action(request, Action.CLAIM_REPORT)
    form = WorkerSearchForm(request.GET or None)
    workers: Any = []
    if form.is_valid() and form.cleaned_data["q"].strip():
        workers = worker_list(user=request.user, q=form.cleaned_data["q"])[:20]
    return render(request, "claims/worker_search.html", {"form": form, "workers": workers})


def claim_report_view(request: HttpRequest, worker_pk: int) -> HttpResponse:
    require_action(request, Action.CLAIM_REPORT)
    try:
        worker = worker_get(user=request.user, pk=worker_pk)
    except Worker.DoesNotExist as e:
        raise Http404(_("Pekerja tidak ditemukan.")) from e
    initial: dict[str, Any] = {"reported_date": clock.today()}
    if worker.status == Worker.Status.DECEASED:
        # A death opens the JKM claim ready to complete: the type and the date of death filled
        # in (JKK death instead when it was a work accident).
        initial.update(claim_type=rules.JKM, event_date=worker.status_date)
    form = ClaimReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.claim_report(by=request.user, worker=worker, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(request, _("Klaim %(number)s dilaporkan.") % {"number": claim.number})
            return redirect("claims:detail", pk=claim.pk)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request, "claims/claim_form.html", {"form": form, "worker": worker}, status=status
    )


def _detail(request: HttpRequest, claim: Claim, *, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    history = history_of(user=user, object_type="claim", object_id=str(claim.pk)).order_by(
        "-at", "-id"
    )[:100]
    may_report = can(user, Action.CLAIM_REPORT)
    may_process = can(user, Action.CLAIM_PROCESS)
    may_decide = can(user, Action.CLAIM_DECIDE)
    checklist = selectors.claim_checklist(claim=claim)
    context = {
        "claim": claim,
        "children": selectors.claim_children(claim=claim),
        "checklist": checklist,
        "missing": [i.label for i in checklist if i.document is None],
        "history": history,
        "code_label": rules.CODES.get(claim.eligibility_code, claim.eligibility_code),
        "personal_full": privacy.full_on_detail(user),
        "can_read_documents": can(user, Action.CLAIM_DOCUMENT_READ),
        "can_upload": may_report
        and claim.status in (Claim.Status.REPORTED, Claim.Status.DOCUMENTS_COMPLETE),
        "can_recheck": may_report
        and claim.status in (Claim.Status.REPORTED, Claim.Status.DOCUMENTS_COMPLETE),
        "can_complete": may_process and claim.status == Claim.Status.REPORTED,
        "can_submit": may_process and claim.status == Claim.Status.DOCUMENTS_COMPLETE,
        "can_decide": may_decide and claim.status == Claim.Status.SUBMITTED,
        "document_form": forms.get("document_form") or DocumentForm(claim=claim),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "pay_form": forms.get("pay_form")
        or PayForm(initial={"amount": claim.calculated_amount or None, "paid_date": clock.today()}),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "step_error": forms.get("step_error"),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def claim_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _claim(request, pk))


@require_POST
def claim_document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    require_action(request, Action.CLAIM_REPORT)
    form = DocumentForm(request.POST, request.FILES, claim=claim)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            documents.check_size(upload.size)  # before reading it into memory
            services.claim_document_add(
                by=request.user,
                claim=claim,
                kind=form.cleaned_data["kind"],
                content=upload.read(),
                filename=upload.name,
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request,
                _("Dokumen %(kind)s diunggah.")
                % {"kind": rules.DOCUMENTS[form.cleaned_data["kind"]]},
            )
            return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, status=422, document_form=form)


def claim_document_view(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """Serve one document to a role that handles claims, inside its region, after recording
    who opened it. Never cached, never sniffed, sandboxed (a PDF runs no script here)."""
    require_action(request, Action.CLAIM_DOCUMENT_READ)
    try:
        doc = selectors.claim_document_get(user=request.user, claim_pk=pk, pk=doc_pk)
    except ClaimDocument.DoesNotExist as e:
        raise Http404(_("Dokumen tidak ditemukan.")) from e
    services.claim_document_viewed(by=request.user, document=doc)
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    name = f"{doc.claim.number}-{doc.kind}.{doc.file.name.rsplit('.', 1)[-1]}"
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    add_never_cache_headers(response)
    return response


def _step(
    request: HttpRequest,
    pk: int,
    form_class: type | None,
    form_name: str,
    call: Callable[[Claim, dict[str, Any]], Claim],
    done: str,
) -> HttpResponse:
    claim = _claim(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _detail(request, claim, status=422, **{form_name: form})
    try:
        claim = call(claim, form.cleaned_data if form is not None else {})
    except DomainError as e:
        if form is None:
            if isinstance(e, ScopeDenied):
                raise
            return _detail(request, claim, status=422, step_error=e.message)
        add_domain_errors(form, e)  # a ScopeDenied goes on: a 403
        return _detail(request, claim, status=422, **{form_name: form})
    messages.success(request, done % {"number": claim.number})
    return redirect("claims:detail", pk=claim.pk)


@require_POST
def claim_recheck_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        None,
        "",
        lambda c, d: services.claim_recheck(by=request.user, claim=c),
        _("Klaim %(number)s diperiksa ulang."),
    )


@require_POST
def claim_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        None,
        "",
        lambda c, d: services.claim_documents_complete(by=request.user, claim=c),
        _("Dokumen klaim %(number)s dinyatakan lengkap."),
    )


@require_POST
def claim_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        SubmitForm,
        "submit_form",
        lambda c, d: services.claim_submit(
            by=request.user, claim=c, bpjs_reference=d["bpjs_reference"]
        ),
        _("Klaim %(number)s diajukan ke BPJS."),
    )


@require_POST
def claim_pay_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        PayForm,
        "pay_form",
        lambda c, d: services.claim_pay(
            by=request.user,
            claim=c,
            amount=d["amount"],
            paid_date=d["paid_date"],
            bpjs_reference=d["bpjs_reference"],
        ),
        _("Pembayaran klaim %(number)s dicatat."),
    )


@require_POST
def claim_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        RejectForm,
        "reject_form",
        lambda c, d: services.claim_reject(by=request.user, claim=c, reason=d["reason"]),
        _("Penolakan klaim %(number)s dicatat."),
    )


def value_view(request: HttpRequest) -> HttpResponse:
    """Value for the budget of every programme whose money the user may see."""
    form = ValueForm(request.GET or None)
    period: dict[str, Any] = {}
    if form.is_valid():
        period = {
            "period_start": form.cleaned_data.get("dari"),
            "period_end": form.cleaned_data.get("sampai"),
        }
    values = [
        selectors.claims_value_for_budget(user=request.user, programme=p, **period)
        for p in programmes_for(user=request.user).order_by("-fiscal_year", "code")
    ]
    return render(request, "claims/value.html", {"form": form, "values": values})

"""Worker pages of the registry itself: registration, edit (with the life events and the
corrections they cause), and the list of changes to report to BPJS. The pages that show a
worker's enrolments (the list, the detail page, the proposal) live above the registry, in
`programs.worker_views`; `programs.worker_urls` serves both under /pekerja/ (namespace
`registry`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, scope_of
from lindung.accounts.web import require_action
from lindung.core.errors import DomainError
from lindung.core.web import add_domain_errors
from lindung.registry import privacy, services
from lindung.registry.duplicates import Match
from lindung.registry.forms import WorkerEditForm, WorkerForm
from lindung.registry.models import Worker
from lindung.registry.selectors import bpjs_notices_for, worker_get

PAGE_SIZE = 50


def _get_worker(request: HttpRequest, pk: int) -> Worker:
    try:
        return worker_get(user=request.user, pk=pk)
    except Worker.DoesNotExist as e:
        raise Http404(_("Pekerja tidak ditemukan.")) from e


def worker_create_view(request: HttpRequest) -> HttpResponse:
    require_action(request, Action.WORKER_EDIT)
    form = WorkerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            worker = services.worker_create(by=request.user, **form.data_for_service())
        except DomainError as e:  # ValidationFailed and ScopeDenied included
            add_domain_errors(form, e)
        else:
            messages.success(
                request, _("Pekerja %(name)s berhasil didaftarkan.") % {"name": worker.name}
            )
            _warn_duplicates(request, worker.possible_duplicates)
            return redirect("registry:detail", pk=worker.pk)
    return render(request, "registry/worker_form.html", {"form": form, "worker": None})


def worker_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _get_worker(request, pk)
    require_action(request, Action.WORKER_EDIT)
    initial = {f: getattr(worker, f) for f in services.WORKER_FIELDS}
    initial["village"] = worker.village_id
    initial["occupation"] = worker.occupation_id
    form = WorkerEditForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.worker_update(worker=worker, by=request.user, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(request, _("Data pekerja %(name)s disimpan.") % {"name": worker.name})
            result = worker.upsert_result
            if result.ended_enrolments:
                messages.warning(
                    request,
                    _(
                        "%(n)s kepesertaan berakhir karena perubahan status/domisili; iuran berhenti "
                        "mulai bulan berikutnya."
                    )
                    % {"n": len(result.ended_enrolments)},
                )
            if result.notices:
                messages.warning(
                    request,
                    _(
                        "Perubahan ini perlu dilaporkan ke BPJS "
                        "Ketenagakerjaan: masuk daftar Lapor BPJS."
                    ),
                )
            if result.reverify:
                messages.warning(
                    request,
                    _(
                        "%(n)s kepesertaan perlu diverifikasi ulang oleh Dinas karena NIK/tanggal "
                        "lahir dikoreksi; kepesertaan dan iurannya tetap berjalan."
                    )
                    % {"n": len(result.reverify)},
                )
            _warn_duplicates(request, worker.possible_duplicates)
            return redirect("registry:detail", pk=worker.pk)
    return render(request, "registry/worker_form.html", {"form": form, "worker": worker})


def _warn_duplicates(request: HttpRequest, matches: list[Match]) -> None:
    """Say at once that the record looks like another one (queued for review): a link to it
    inside the user's region, no identity of a person outside it."""
    scope = scope_of(request.user)
    for m in matches:
        if scope.covers(m.right_village_code):
            messages.warning(
                request,
                format_html(
                    _(
                        "Kemungkinan data ganda: mirip {link} (kemiripan {score}%, tanggal lahir dan "
                        "kecamatan sama). Pasangan ini masuk antrean data ganda untuk diputuskan admin."
                    ),
                    link=format_html(
                        '<a href="{}">{}</a>',
                        reverse("registry:detail", args=[m.right_worker_id]),
                        m.right_name,
                    ),
                    score=m.score,
                ),
            )
        else:
            messages.warning(
                request,
                _(
                    "Kemungkinan data ganda: mirip pekerja terdaftar di desa lain (kemiripan "
                    "%(s)s%%). Pasangan ini masuk antrean data ganda untuk diputuskan admin."
                )
                % {"s": m.score},
            )


def bpjs_notices_view(request: HttpRequest) -> HttpResponse:
    """ "Perlu dilaporkan ke BPJS": deaths, moves and identity corrections of participants BPJS
    knows, in the user's region, for the BPJS officer (and the Dinas) to act on and mark."""
    require_action(request, Action.ENROLMENT_REGISTER)
    reported = request.GET.get("status") == "dilaporkan"
    notices = bpjs_notices_for(user=request.user, pending=not reported)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/bpjs_notices.html",
        {
            "page_obj": page,
            "reported": reported,
            "personal_full": privacy.full_on_detail(request.user),
        },
    )


@require_POST
def bpjs_notice_reported_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, Action.ENROLMENT_REGISTER)
    notice = get_object_or_404(bpjs_notices_for(user=request.user), pk=pk)
    try:
        services.bpjs_notice_mark_reported(notice=notice, by=request.user)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request, _("%(name)s ditandai sudah dilaporkan ke BPJS.") % {"name": notice.worker.name}
        )
    return redirect("registry:bpjs_notices")

"""The worker's pages that show enrolments: the list (with each worker's latest enrolment and
its filter), its export, the detail page with the enrolments, history and the proposal form,
and the proposal itself. They live here, above the registry (which imports no programme):
`programs.worker_urls` serves them with the registry's own pages under /pekerja/."""

from __future__ import annotations

import operator
from functools import reduce

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can, scope_of
from lindung.accounts.web import require_action
from lindung.audit.selectors import history_of
from lindung.audit.services import audit_export
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.exports import download_response
from lindung.core.formatting import thousands
from lindung.core.web import add_domain_errors, is_htmx_partial
from lindung.programs import exports
from lindung.programs.forms import ProposeForm, WorkerListFilterForm
from lindung.programs.models import Enrolment, Programme
from lindung.programs.selectors import (
    enrolment_list,
    programme_get,
    programmes_for,
    waiting_positions,
    worker_list_with_enrolments,
)
from lindung.programs.services import enrolment_propose
from lindung.registry import privacy, services
from lindung.registry.duplicates import pending_pairs_of
from lindung.registry.models import Worker
from lindung.registry.selectors import bpjs_notices_of, worker_get

PAGE_SIZE = 50


def _get_worker(request: HttpRequest, pk: int) -> Worker:
    try:
        return worker_get(user=request.user, pk=pk)
    except Worker.DoesNotExist as e:
        raise Http404(_("Pekerja tidak ditemukan.")) from e


def worker_list_view(request: HttpRequest) -> HttpResponse:
    form = WorkerListFilterForm(request.GET or None, user=request.user)
    workers = worker_list_with_enrolments(user=request.user, **form.filters())
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Enrolment.Status.choices)
    for w in page:
        w.enrolment_label = labels.get(w.enrolment_status, "")
    context = {"form": form, "page_obj": page, "filtered": any(form.filters().values())}
    if is_htmx_partial(request):
        template = "registry/_worker_table.html"
        context["oob_desa"] = True  # the desa list follows the chosen kecamatan
    else:
        template = "registry/worker_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


EXPORT_MAX_ROWS = 100_000
"""Beyond this a list export would hold a web worker too long: narrow the filter instead."""


def worker_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered worker list as XLSX or CSV: scoped like the page, numbers masked unless
    the role writes to the registry, recorded in the audit trail with its row count."""
    form = WorkerListFilterForm(request.GET or None, user=request.user)
    workers = worker_list_with_enrolments(user=request.user, **form.filters())
    total = workers.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(
            request,
            _(
                "Daftar ini berisi %(n)s pekerja; unduhan dibatasi %(max)s "
                "baris. Persempit saringan (kecamatan, desa, pekerjaan)."
            )
            % {"n": thousands(total), "max": thousands(EXPORT_MAX_ROWS)},
        )
        return redirect(f"{reverse('registry:list')}?{request.GET.urlencode()}")
    export = exports.worker_list_export(
        workers=workers, fmt=fmt, full=privacy.full_in_api(request.user)
    )
    audit_export(
        actor=request.user,
        obj=request.user.region or request.user,
        region_code=request.user.region_id or "",
        what=_("daftar pekerja"),
        kind="worker_list",
        fmt=fmt,
        rows=export.rows,
        details={"filters": {k: v for k, v in form.filters().items() if v}},
    )
    return download_response(export, f"pekerja-{clock.today():%Y%m%d}.{export.extension}")


def _duplicate_notes(user: object, worker: Worker) -> list[object]:
    """The worker's undecided possible-duplicate pairs, as text with a link where in scope."""
    scope = scope_of(user)
    notes = []
    for pair in pending_pairs_of([worker.pk]).get(worker.pk, []):
        other = pair.worker_b if pair.worker_a_id == worker.pk else pair.worker_a
        if scope.covers(other.village_id):
            notes.append(
                format_html(
                    '<a href="{}">{}</a> ({}, {}%)',
                    reverse("registry:detail", args=[other.pk]),
                    other.name,
                    other.village.name,
                    pair.score,
                )
            )
        else:
            notes.append(_("pekerja di desa lain (%(s)s%%)") % {"s": pair.score})
    return notes


def _detail(
    request: HttpRequest,
    worker: Worker,
    propose_form: ProposeForm | None = None,
    status: int = 200,
    revealed: bool = False,
) -> HttpResponse:
    user = request.user
    # NIK, No. KK and phone whole only by need (registry.privacy); `revealed` after the
    # reveal action has been recorded.
    personal_full = revealed or privacy.full_on_detail(user)
    enrolments = list(enrolment_list(user=user).filter(worker=worker).order_by("-proposed_at"))
    for e, place in waiting_positions(enrolments=enrolments).items():
        next(x for x in enrolments if x.pk == e).waiting_position = place
    # The worker's own changes and those of the worker's enrolments, in one query.
    history = reduce(
        operator.or_,
        [
            history_of(user=user, object_type="worker", object_id=str(worker.pk)),
            *(
                history_of(user=user, object_type="enrolment", object_id=str(e.pk))
                for e in enrolments
            ),
        ],
    ).order_by("-at", "-id")[:100]
    active = worker.status == Worker.Status.ACTIVE
    # A worker who died, moved or is inactive is not offered to a programme.
    if propose_form is None and active and can(user, Action.ENROLMENT_PROPOSE):
        propose_form = ProposeForm(programmes=programmes_for(user=user))
    duplicate_notes = _duplicate_notes(user, worker)
    return render(
        request,
        "registry/worker_detail.html",
        {
            "worker": worker,
            "enrolments": enrolments,
            "history": history,
            "propose_form": propose_form,
            "can_edit": can(user, Action.WORKER_EDIT),
            "bpjs_notices": list(bpjs_notices_of(worker=worker)),
            "can_report_bpjs": can(user, Action.ENROLMENT_REGISTER),
            "can_report_claim": can(user, Action.CLAIM_REPORT),
            "duplicate_notes": format_html_join(", ", "{}", ((n,) for n in duplicate_notes)),
            "personal_full": personal_full,
            "can_reveal": not personal_full
            and privacy.may_reveal(user, region_code=worker.village_id),
        },
        status=status,
    )


def worker_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_worker(request, pk))


@require_POST
def worker_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    """'Tampilkan NIK lengkap': record the reveal in the audit trail, then show the page with
    the numbers whole (this response only; the next visit is masked again)."""
    worker = _get_worker(request, pk)
    services.worker_reveal(worker=worker, by=request.user)  # ScopeDenied: 403 (middleware)
    response = _detail(request, worker, revealed=True)
    add_never_cache_headers(response)
    return response


@require_POST
def worker_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    worker = _get_worker(request, pk)
    require_action(request, Action.ENROLMENT_PROPOSE)
    form = ProposeForm(request.POST, programmes=programmes_for(user=request.user))
    if form.is_valid():
        try:
            programme = programme_get(user=request.user, code=form.cleaned_data["programme"])
            enrolment = enrolment_propose(
                programme=programme, worker=worker, by=request.user, waitlist=True
            )
        except Programme.DoesNotExist:
            form.add_error("programme", _("Program tidak ditemukan di wilayah Anda."))
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            if enrolment.status == Enrolment.Status.WAITING:
                place = waiting_positions(enrolments=[enrolment])[enrolment.pk]
                messages.warning(
                    request,
                    _(
                        "Kuota program %(code)s sudah penuh: %(name)s masuk daftar tunggu, urutan "
                        "ke-%(n)s. Dinas menawarkan tempat yang kosong menurut urutan usulan."
                    )
                    % {"code": programme.code, "name": worker.name, "n": thousands(place)},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s diusulkan ke program %(code)s.")
                    % {"name": worker.name, "code": programme.code},
                )
            return redirect("registry:detail", pk=worker.pk)
    return _detail(request, worker, propose_form=form, status=422)

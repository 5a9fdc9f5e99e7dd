"""Programme pages: list, detail with budget and enrolments, and the enrolment actions.

Buttons appear according to `accounts.permissions.can`; the services check role and region
again on every write, so a forged POST gets the same answer as a hidden button."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import (
    Action,
    authorize_programme,
    can,
    can_manage_programme,
    may_act_for_programme,
)
from lindung.accounts.web import require_action
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.formatting import mask_identity, thousands
from lindung.core.lookups import in_batches
from lindung.core.web import add_domain_errors, is_htmx_partial
from lindung.programs import rules, services
from lindung.programs.forms import (
    BudgetLineForm,
    EndForm,
    EnrolmentFilterForm,
    ProgrammeForm,
    QuotaForm,
    RegisterForm,
    RejectForm,
)
from lindung.programs.models import Enrolment, Programme
from lindung.programs.selectors import (
    enrolment_get,
    enrolment_list,
    enrolment_reverify_count,
    enrolment_status_counts,
    programme_list,
    quota_state,
)
from lindung.regions.models import Region

PAGE_SIZE = 50
ACTIONS = ("verify", "reject", "register", "activate", "end", "reverify")
# The role each action needs: a transition's, and re-verifying a corrected participant is the
# verifier's (the Dinas).
ACTION_PERMISSION = {
    **{action: perm for action, (perm, _from, _to) in services.TRANSITIONS.items()},
    "reverify": Action.ENROLMENT_VERIFY,
}


def _get_programme(request: HttpRequest, code: str) -> Programme:
    try:
        return programme_list(user=request.user).get(code=code)
    except Programme.DoesNotExist as e:
        raise Http404(_("Program tidak ditemukan.")) from e


def programme_list_view(request: HttpRequest) -> HttpResponse:
    programmes = programme_list(user=request.user).order_by("-fiscal_year", "code")
    return render(
        request,
        "programs/programme_list.html",
        {
            "programmes": programmes,
            "can_create": _may_create(request),
            "show_budget": can(request.user, Action.CONTRIBUTIONS_READ),
        },
    )


def _may_create(request: HttpRequest) -> bool:
    """A programme is sponsored by the admin's own province or regency."""
    region = request.user.region
    return (
        can(request.user, Action.PROGRAMME_MANAGE)
        and region is not None
        and region.level in (Region.Level.PROVINCE, Region.Level.REGENCY)
    )


def _programme_initial(*, on: dt.date) -> dict[str, Any]:
    year = on.year
    return {
        "fiscal_year": year,
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, 12, 31),
        "age_min": 15,
        "age_max": 64,
    }


def programme_create_view(request: HttpRequest) -> HttpResponse:
    if not _may_create(request):
        raise PermissionDenied(_("Hanya admin kabupaten/kota atau provinsi yang membuat program."))
    form = ProgrammeForm(request.POST or None, initial=_programme_initial(on=clock.today()))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                by=request.user, region=request.user.region, **form.cleaned_data
            )
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request,
                _("Program %(code)s dibuat. Tambahkan mata anggarannya.")
                % {"code": programme.code},
            )
            return redirect("programs:detail", code=programme.code)
    return render(
        request,
        "programs/programme_form.html",
        {"form": form, "programme": None},
        status=422 if form.errors else 200,
    )


def programme_edit_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _get_programme(request, code)
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied(_("Peran Anda tidak berwenang mengelola program ini."))
    initial = {
        f: getattr(programme, f)
        for f in (
            "code",
            "name",
            "fiscal_year",
            "period_start",
            "period_end",
            "age_min",
            "age_max",
            "quota",
            "legal_basis",
        )
    } | {"occupations": list(programme.occupations.all())}
    form = ProgrammeForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("code", "fiscal_year")}
        try:
            services.programme_update(by=request.user, programme=programme, **data)
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request, _("Ketentuan program %(code)s disimpan.") % {"code": programme.code}
            )
            return redirect("programs:detail", code=programme.code)
    return render(
        request,
        "programs/programme_form.html",
        {"form": form, "programme": programme},
        status=422 if form.errors else 200,
    )


def _programme_page(
    request: HttpRequest,
    programme: Programme,
    budget_form: BudgetLineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    filters = EnrolmentFilterForm(request.GET or None)
    filters.is_valid()
    chosen = getattr(filters, "cleaned_data", {})
    enrolments = enrolment_list(
        user=user,
        programme=programme,
        status=chosen.get("status", ""),
        q=(chosen.get("q") or "").strip(),
        reverify=bool(chosen.get("reverify")),
    )
    page = Paginator(enrolments.order_by("-proposed_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context: dict[str, Any] = {
        "programme": programme,
        "filters": filters,
        "page_obj": page,
        "filtered": bool(chosen.get("status") or chosen.get("q") or chosen.get("reverify")),
        **_action_context(request, programme),
    }
    if is_htmx_partial(request):
        response = render(request, "programs/_enrolment_table.html", context)
    else:
        can_manage = can_manage_programme(request.user, programme)
        context.update(
            {
                "status_counts": [
                    (s, label, n)
                    for (s, label), n in zip(
                        Enrolment.Status.choices,
                        enrolment_status_counts(user=user, programme=programme).values(),
                        strict=True,
                    )
                ],
                "reverify_count": enrolment_reverify_count(user=user, programme=programme),
                # Money is read by the roles with CONTRIBUTIONS_READ (not the village
                # operator), as on the contributions pages and in the API.
                "show_budget": can(user, Action.CONTRIBUTIONS_READ),
                "budget_lines": programme.budget_lines.all(),
                "quota_state": quota_state(programme=programme),
                "proposed_matching": enrolments.filter(status=Enrolment.Status.PROPOSED).count()
                if chosen.get("status") in ("", None, Enrolment.Status.PROPOSED)
                else 0,
                "can_promote": may_act_for_programme(
                    user, Action.ENROLMENT_VERIFY, programme.region_id
                ),
                "can_manage": can_manage,
                "budget_form": budget_form or (BudgetLineForm() if can_manage else None),
            }
        )
        response = render(request, "programs/programme_detail.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _action_context(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    """Buttons by the same rule the services apply: the role, and acting for the programme's
    sponsor (a kabupaten admin sees the province's proposals but does not decide them)."""
    user = request.user

    def may(action: Action) -> bool:
        return may_act_for_programme(user, action, programme.region_id)

    return {
        "can_verify": may(Action.ENROLMENT_VERIFY),
        "can_register": may(Action.ENROLMENT_REGISTER),
        "can_end": may(Action.ENROLMENT_END),
        "end_reasons": Enrolment.EndReason.choices,
    }


def programme_detail_view(request: HttpRequest, code: str) -> HttpResponse:
    return _programme_page(request, _get_programme(request, code))


@require_POST
def budget_line_add_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _get_programme(request, code)
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied(_("Peran Anda tidak berwenang mengelola program ini."))
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        try:
            services.budget_line_add(by=request.user, programme=programme, **form.cleaned_data)
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(request, _("Mata anggaran ditambahkan."))
            # The budget page says how many participants the budget now affords and offers
            # to set the quota to match.
            return redirect("contributions:programme", programme.code)
    return _programme_page(request, programme, budget_form=form, status=422)


@require_POST
def promote_waiting_view(request: HttpRequest, code: str) -> HttpResponse:
    """Offer the free quota places to the waiting list, in the order proposals came."""
    programme = _get_programme(request, code)
    result = services.enrolments_promote_waiting(programme=programme, by=request.user)
    if result.promoted:
        messages.success(
            request,
            _("%(n)s usulan dari daftar tunggu kini menunggu verifikasi.")
            % {"n": thousands(len(result.promoted))},
        )
    else:
        messages.info(request, _("Tidak ada tempat kuota yang dapat ditawarkan."))
    if result.skipped:
        messages.warning(
            request,
            _(
                "%(n)s usulan dalam daftar tunggu tidak lagi memenuhi "
                "syarat dan tetap menunggu; periksa atau tolak."
            )
            % {"n": thousands(len(result.skipped))},
        )
    return redirect("programs:detail", code=programme.code)


@require_POST
def quota_set_view(request: HttpRequest, code: str) -> HttpResponse:
    programme = _get_programme(request, code)
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied(_("Peran Anda tidak berwenang mengelola program ini."))
    form = QuotaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tulis kuota sebagai bilangan bulat, mis. 15.000."))
    else:
        try:
            services.programme_set_quota(
                by=request.user, programme=programme, quota=form.cleaned_data["quota"]
            )
        except DomainError as e:
            for error in getattr(e, "errors", [e]):
                messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Kuota %(code)s kini %(n)s.")
                % {"code": programme.code, "n": thousands(form.cleaned_data["quota"])},
            )
    return redirect("contributions:programme", programme.code)


def _duplicate_queue_link(pair: int) -> str:
    return format_html(
        '<a href="{}#pair-{}">{}</a>',
        reverse("imports:duplicates"),
        pair,
        _("Buka antrean data ganda"),
    )


def _error_text(error: DomainError) -> str:
    """The service's message; held by an undecided duplicate pair, with a link to the pair
    in the duplicate queue."""
    if error.code == "duplicate_pending" and "pair" in error.params:
        return format_html("{} {}", error.message, _duplicate_queue_link(error.params["pair"]))
    return error.message


def _run_action(request: HttpRequest, enrolment: Enrolment, action: str) -> forms.Form | None:
    """Apply `action`; returns the form carrying the problems, or None on success."""
    user = request.user
    form: forms.Form
    if action == "reject":
        form = RejectForm(request.POST)
    elif action == "register":
        form = RegisterForm(request.POST)
    elif action == "end":
        form = EndForm(request.POST)
    else:
        form = forms.Form(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if action == "verify":
            services.enrolment_verify(enrolment=enrolment, by=user)
        elif action == "reverify":
            services.enrolment_reverify(enrolment=enrolment, by=user)
        elif action == "reject":
            services.enrolment_reject(enrolment=enrolment, by=user, reason=data["reason"])
        elif action == "register":
            services.enrolment_register(
                enrolment=enrolment,
                by=user,
                kpj_number=data["kpj_number"],
                registration_date=data["registration_date"],
            )
        elif action == "activate":
            services.enrolment_activate(enrolment=enrolment, by=user)
        else:
            services.enrolment_end(
                enrolment=enrolment, by=user, reason=data["reason"], end_date=data.get("end_date")
            )
    except DomainError as e:
        if e.code == "duplicate_pending":
            form.add_error(None, _error_text(e))
        else:
            add_domain_errors(form, e)
        return form
    return None


@require_POST
def enrolment_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    try:
        enrolment = enrolment_get(user=request.user, pk=pk)
    except Enrolment.DoesNotExist as e:
        raise Http404(_("Kepesertaan tidak ditemukan.")) from e
    require_action(request, ACTION_PERMISSION[action])
    failed = _run_action(request, enrolment, action)
    errors = [str(m) for msgs in failed.errors.values() for m in msgs] if failed else []
    enrolment = enrolment_list(user=request.user).get(pk=enrolment.pk)  # as the action left it
    if is_htmx_partial(request):
        return render(
            request,
            "programs/_enrolment_row.html",
            {
                "e": enrolment,
                "row_errors": errors,
                "row_done": not errors,
                **_action_context(request, enrolment.programme),
            },
        )
    if errors:
        for message in errors:
            messages.error(request, format_html("{}: {}", enrolment.worker.name, message))
    elif action == "reverify":
        messages.success(
            request,
            _(
                "%(name)s: diverifikasi ulang dengan data yang dikoreksi; kepesertaan tetap %(status)s."
            )
            % {"name": enrolment.worker.name, "status": enrolment.get_status_display()},
        )
    else:
        messages.success(
            request,
            _("%(name)s: status kini %(status)s.")
            % {
                "name": enrolment.worker.name,
                "status": enrolment.get_status_display(),
            },
        )
    return redirect("programs:detail", code=enrolment.programme.code)


@require_POST
def bulk_verify_view(request: HttpRequest, code: str) -> HttpResponse:
    """Verify the chosen proposals, or with `semua` every proposal matching the list's filter
    (the whole list, not 50 at a time), set-based."""
    programme = _get_programme(request, code)
    authorize_programme(
        request.user,
        Action.ENROLMENT_VERIFY,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    proposals = enrolment_list(
        user=request.user,
        programme=programme,
        status=Enrolment.Status.PROPOSED,
        q=(request.POST.get("q") or "").strip()[:50],
    )
    if request.POST.get("semua"):
        ids = list(proposals.values_list("pk", flat=True))
    else:
        chosen = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 19]
        # Only proposals of this programme inside the user's scope; other ids are ignored.
        ids = [
            pk
            for part in in_batches(chosen)
            for pk in proposals.filter(pk__in=part).values_list("pk", flat=True)
        ]
    if not ids:
        messages.warning(request, _("Pilih dulu usulan yang akan diverifikasi."))
        return redirect("programs:detail", code=programme.code)
    result = services.enrolments_verify_many(
        by=request.user, programme=programme, enrolment_ids=ids
    )
    if result.verified:
        messages.success(
            request, _("%(n)s usulan diverifikasi.") % {"n": thousands(len(result.verified))}
        )
    if result.held:
        _warn_held(request, result.held)
    if result.stale:
        messages.warning(
            request,
            _("%(n)s usulan dilewati karena statusnya sudah berubah.")
            % {"n": thousands(result.stale)},
        )
    return redirect("programs:detail", code=programme.code)


HELD_NAMED = 5  # workers named in the bulk verification's warning; the rest are counted


def _warn_held(request: HttpRequest, held: dict[int, DomainError]) -> None:
    """How many proposals an undecided duplicate pair held back, naming the first few with
    their pair, and a link to the duplicate queue."""
    first = sorted(held)[:HELD_NAMED]
    names = dict(Enrolment.objects.filter(pk__in=first).values_list("pk", "worker__name"))
    named = format_html_join(
        ", ",
        "{} ({})",
        (
            (names.get(pk, ""), _("pasangan #%(n)s") % {"n": held[pk].params["pair"]})
            for pk in first
        ),
    )
    more = len(held) - len(first)
    messages.warning(
        request,
        format_html(
            "{} {}{}. {}",
            _(
                "%(n)s usulan dilewati karena kemungkinan data ganda belum diputuskan "
                "(putuskan dulu di antrean data ganda, lalu verifikasi):"
            )
            % {"n": thousands(len(held))},
            named,
            format_html(", {}", _("dan %(n)s lainnya") % {"n": thousands(more)}) if more else "",
            _duplicate_queue_link(held[first[0]].params["pair"]),
        ),
    )


@require_POST
def kpj_paste_view(request: HttpRequest, code: str) -> HttpResponse:
    """KPJ numbers pasted from the BPJS branch's sheet (NIK, KPJ, date per line) recorded for
    the programme's verified participants in one go, each line's problem named."""
    programme = _get_programme(request, code)
    authorize_programme(
        request.user,
        Action.ENROLMENT_REGISTER,
        programme_region=programme.region_id,
        programme_code=programme.code,
    )
    lines, problems = rules.parse_kpj_lines(
        request.POST.get("baris", ""), default_date=clock.today()
    )
    by_nik = dict(
        enrolment_list(user=request.user, programme=programme)
        .filter(status=Enrolment.Status.VERIFIED, worker__nik__in=[line.nik for line in lines])
        .values_list("worker__nik", "pk")
    )
    items, sources = [], []
    for line in lines:
        if line.nik not in by_nik:
            problems.append(
                _("Baris %(n)s: NIK %(nik)s tidak ada di antara peserta terverifikasi program ini.")
                % {"n": line.number, "nik": mask_identity(line.nik)}
            )
            continue
        items.append(
            services.Registration(
                enrolment_id=by_nik[line.nik],
                kpj_number=line.kpj,
                registration_date=line.registration_date,
                activate=bool(request.POST.get("aktifkan")),
            )
        )
        sources.append(line.number)
    result = services.enrolments_register_many(by=request.user, items=items)
    for position, error in sorted(result.problems.items()):
        problems.append(
            _("Baris %(n)s: %(message)s") % {"n": sources[position], "message": error.message}
        )
    if result.registered:
        messages.success(
            request,
            _("%(n)s peserta dicatat nomor KPJ-nya.") % {"n": thousands(len(result.registered))},
        )
    for problem in problems[:20]:
        messages.error(request, problem)
    if len(problems) > 20:
        messages.error(request, _("… dan %(n)s masalah lain.") % {"n": len(problems) - 20})
    return redirect("programs:detail", code=programme.code)

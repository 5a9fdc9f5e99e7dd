"""Outreach pages: the list of events in the user's region, recording and correcting one."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import can
from lindung.accounts.web import require_action
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.web import add_domain_errors
from lindung.outreach import selectors, services
from lindung.outreach.forms import EventForm
from lindung.outreach.models import OutreachAttachment, OutreachEvent

PAGE_SIZE = 50


def _event(request: HttpRequest, pk: int) -> OutreachEvent:
    try:
        return selectors.event_get(user=request.user, pk=pk)
    except OutreachEvent.DoesNotExist as e:
        raise Http404(_("Kegiatan tidak ditemukan.")) from e


def event_list_view(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("wilayah", "").strip()
    kind = request.GET.get("jenis", "")
    events = selectors.event_list(user=request.user, region=region, kind=kind)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/list.html",
        {
            "page_obj": page,
            "kinds": OutreachEvent.Kind.choices,
            "kind": kind,
            "region": region,
            "can_record": can(request.user, services.RECORD_ACTION),
        },
    )


def event_create_view(request: HttpRequest) -> HttpResponse:
    require_action(request, services.RECORD_ACTION)
    initial = {
        "date": clock.today(),
        "kind": OutreachEvent.Kind.SOSIALISASI,
        "region": request.user.region_id,
        "organiser": OutreachEvent.Organiser.VILLAGE
        if request.user.role == "operator_desa"
        else OutreachEvent.Organiser.DISNAKER,
    }
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(by=request.user, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(
                request,
                _("Kegiatan %(kind)s di %(region)s dicatat.")
                % {"kind": event.get_kind_display(), "region": event.region.label},
            )
            return redirect("outreach:list")
    return render(request, "outreach/form.html", {"form": form, "event": None})


def event_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require_action(request, services.RECORD_ACTION)
    initial = {f: getattr(event, f) for f in services.EVENT_FIELDS if f != "region"}
    initial["region"] = event.region_id
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(by=request.user, event=event, **form.data_for_service())
        except DomainError as e:
            add_domain_errors(form, e)
        else:
            messages.success(request, _("Kegiatan diperbarui."))
            return redirect("outreach:list")
    return render(request, "outreach/form.html", {"form": form, "event": event})


@require_POST
def event_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    services.event_delete(by=request.user, event=event)
    messages.success(request, _("Kegiatan dihapus."))
    return redirect("outreach:list")


@require_POST
def attachment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload an attachment to an event (the form on the event's page)."""
    from lindung.claims.documents import check_size

    event = _event(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(
                _("Pilih berkas PDF, JPEG atau PNG."), code="missing_value", field="file"
            )
        check_size(upload.size)  # before reading it into memory
        row = services.attachment_add(
            by=request.user, event=event, content=upload.read(), filename=upload.name
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Lampiran %(name)s disimpan.") % {"name": row.filename})
    return redirect("outreach:edit", pk=event.pk)


def attachment_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an attachment inside the user's region, as a download of its checked type."""
    from django.http import FileResponse

    try:
        row = selectors.attachment_get(user=request.user, pk=pk)
    except OutreachAttachment.DoesNotExist as e:
        raise Http404(_("Lampiran tidak ditemukan.")) from e
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=row.filename,
        content_type=row.content_type,
    )

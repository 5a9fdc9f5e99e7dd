"""The audit trail as an inspector reads it: filters (words, record kind, who, dates), labels
in Indonesian (audit.presentation) and an export for working papers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from lindung.audit import presentation
from lindung.audit.exports import audit_trail_export
from lindung.audit.forms import AuditFilterForm
from lindung.audit.selectors import audit_events_for
from lindung.audit.services import audit_export
from lindung.core import clock
from lindung.core.exports import download_response
from lindung.core.web import is_htmx_partial

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 50_000


def event_list_view(request: HttpRequest) -> HttpResponse:
    """The audit trail of the user's region (auditor, admins): who did what, when."""
    form = AuditFilterForm(request.GET or None, user=request.user)
    events = audit_events_for(user=request.user, **form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "filtered": form.active,
        "audit_names": presentation.id_names(page.object_list),
    }
    template = "audit/_event_table.html" if is_htmx_partial(request) else "audit/event_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def event_export_view(request: HttpRequest) -> HttpResponse:
    """The filtered trail as XLSX (at most EXPORT_MAX_ROWS, newest first), itself audited."""
    form = AuditFilterForm(request.GET or None, user=request.user)
    events = list(audit_events_for(user=request.user, **form.filters())[:EXPORT_MAX_ROWS])
    export = audit_trail_export(events)
    audit_export(
        actor=request.user,
        obj=request.user,
        region_code=request.user.region_id or "",
        what=_("jejak audit"),
        kind="audit_trail",
        fmt="xlsx",
        rows=export.rows,
        details={"filters": {k: str(v) for k, v in form.filters().items() if v}},
    )
    return download_response(export, f"jejak-audit-{clock.today():%Y%m%d}.xlsx")

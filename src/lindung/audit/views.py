from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from lindung.audit.selectors import audit_events_for
from lindung.core.web import is_htmx_partial

PAGE_SIZE = 50
OBJECT_TYPES = [
    ("", _("Semua jenis data")),
    ("worker", _("Pekerja")),
    ("enrolment", _("Kepesertaan")),
    ("programme", _("Program")),
]


def event_list_view(request: HttpRequest) -> HttpResponse:
    """The audit trail of the user's region (auditor, admins): who did what, when."""
    q = request.GET.get("q", "").strip()[:100]
    object_type = request.GET.get("jenis", "")
    if object_type not in dict(OBJECT_TYPES):
        object_type = ""
    events = audit_events_for(user=request.user, object_type=object_type, q=q)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "q": q,
        "object_type": object_type,
        "object_types": OBJECT_TYPES,
        "filtered": bool(q or object_type),
    }
    template = "audit/_event_table.html" if is_htmx_partial(request) else "audit/event_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response

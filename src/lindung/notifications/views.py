"""The inbox: the user's notifications, newest first, unread ones marked; opening one marks it
read and goes where it points; one button marks all read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lindung.core.formatting import thousands
from lindung.notifications.selectors import notifications_for, unread_count
from lindung.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 30


def inbox_view(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("belum") == "1"
    notes = notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "unread_only": unread_only,
            "unread": unread_count(user=request.user),
        },
    )


def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read (a GET: the link of the inbox; marking
    one's own notification read changes nothing anyone else sees)."""
    note = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(user=request.user, notification=note)
    target = note.link
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect("notifications:inbox")
    return HttpResponseRedirect(target)


@require_POST
def mark_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(user=request.user, notification=note)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read_view(request: HttpRequest) -> HttpResponse:
    n = notifications_mark_all_read(user=request.user)
    if n:
        messages.success(
            request,
            ngettext(
                "%(n)s notifikasi ditandai sudah dibaca.",
                "%(n)s notifikasi ditandai sudah dibaca.",
                n,
            )
            % {"n": thousands(n)},
        )
    return redirect("notifications:inbox")

"""How long a login lasts: an idle limit and an absolute one.

A browser left open at a village office must not stay logged in for Django's default 14 days.
The session cookie and the stored session expire SESSION_IDLE_TIMEOUT after they were last
saved; this middleware saves them again at most once a minute while the user is active (not on
every request: one write a minute instead of one per click, which matters on SQLite), and ends
any session older than SESSION_ABSOLUTE_TIMEOUT since login, however active, so a stolen session
cookie is worth a working day at most.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from lindung.core import clock

LOGGED_IN_AT = "lindung_logged_in_at"
SEEN_AT = "lindung_seen_at"
# Activity is written back to the session at most this often (seconds).
REFRESH_EVERY = 60


@receiver(user_logged_in, dispatch_uid="lindung_session_start")
def _mark_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = clock.now().timestamp()
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = clock.now().timestamp()
        # A session from before this middleware existed starts counting now.
        logged_in_at = session.setdefault(LOGGED_IN_AT, now)
        seen_at = session.get(SEEN_AT)
        idle = settings.SESSION_IDLE_TIMEOUT
        if seen_at is not None and now - seen_at > idle.total_seconds():
            message = _(
                "Sesi Anda berakhir karena tidak ada aktivitas selama %(minutes)d menit. "
                "Silakan masuk lagi."
            ) % {"minutes": idle.total_seconds() // 60}
        elif now - logged_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
            message = _(
                "Sesi Anda berakhir karena sudah %(hours)d jam sejak masuk. Silakan masuk lagi."
            ) % {"hours": settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600}
        else:
            if seen_at is None or now - seen_at >= REFRESH_EVERY:
                session[SEEN_AT] = now  # saved with a new expiry at the end of the request
            return
        logout(request)
        messages.info(request, message)

"""Login throttling around django-axes: the client's address, and how long a lock still lasts.

The lock counts failures per (user name, address) pair (settings.AXES_LOCKOUT_PARAMETERS), so
one office behind a single address cannot lock out every colleague by mistyping its own name.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.http import HttpRequest

from lindung.core import clock


def client_ip(request: HttpRequest) -> str | None:
    """The address a login comes from. REMOTE_ADDR unless TRUSTED_PROXY_COUNT reverse proxies
    stand in front of Lindung: then the address the outermost trusted proxy appended to
    X-Forwarded-For. Entries further left were written by the client and can be forged."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_minutes_left(*, username: str, ip_address: str | None) -> int:
    """Whole minutes (at least 1) until the lock of this user name and address lifts."""
    from axes.models import AccessAttempt  # axes' models load with the app registry

    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    left = (last + cool_off - clock.now()) if last else cool_off
    return max(1, math.ceil(left.total_seconds() / 60))

"""Authentication backends.

- `LoginThrottleBackend` (first in settings.AUTHENTICATION_BACKENDS): django-axes' check that
  refuses a locked-out user name before the password is even hashed.
- `RegionModelBackend`: the user of every request comes with its region, which the header of
  every page shows ('Kabupaten Paser'), in the same query.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from lindung.accounts.models import User


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' lockout check for logins over HTTP. A call without a request comes from code (the
    shell, a management command, the test client's `login()`), not from someone guessing
    passwords over the web: axes would raise for it, so it passes on to the next backend."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        try:
            user = User.objects.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

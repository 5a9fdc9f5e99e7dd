"""Authentication backend: the user of every request comes with its region, which the header
of every page shows ('Kabupaten Paser'), in the same query."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from lindung.accounts.models import User


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        try:
            user = User.objects.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

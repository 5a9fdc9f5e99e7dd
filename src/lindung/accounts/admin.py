"""Users are managed here by the system administrator. They are deactivated, never deleted once
they have acted: their audit events keep them as actor (`AuditEvent.actor` is PROTECT, and the
trail is append-only in the database). Changes of role, region, activity and rights are
written to the audit trail (sent as `accounts.signals.account_changed`: accounts does not
import audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lindung.accounts.models import User
from lindung.accounts.signals import account_changed, history_asked

AUDITED = ["role", "region", "is_active", "is_staff", "is_superuser"]


def user_has_history(user: User) -> bool:
    """Whether `user` appears in the audit trail or in the admin's own log."""
    return (
        any(answer for _receiver, answer in history_asked.send(sender=User, user=user))
        or LogEntry.objects.filter(user=user).exists()
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Lindung", {"fields": ("role", "region", "extra_regions")}),
    )
    list_display = ["username", "first_name", "role", "region", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "extra_regions"]
    actions = ["deactivate"]

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # No bulk delete: deactivate instead.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only an account that never logged in and never acted (e.g. created by mistake) may
        be deleted; the others are deactivated. The login is checked first: the trail's actor
        column has no index (it is written in bulk), so it is searched only for accounts that
        never logged in."""
        if obj is not None and (obj.last_login is not None or user_has_history(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = {f: form.initial.get(f) for f in AUDITED} if change else {}
        super().save_model(request, obj, form, change)
        after = {f: getattr(obj, f"{f}_id" if f == "region" else f) for f in AUDITED}
        changes = {f: [before.get(f), v] for f, v in after.items() if before.get(f) != v}
        if changes:
            account_changed.send(
                sender=User,
                actor=request.user,
                action="update" if change else "create",
                user=obj,
                summary=_("Pengguna %(username)s diubah oleh administrator sistem")
                % {"username": obj.username},
                changes=changes,
            )

    @admin.action(description=gettext_lazy("Nonaktifkan pengguna terpilih"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
            account_changed.send(
                sender=User,
                actor=request.user,
                action="update",
                user=user,
                summary=_("Pengguna %(username)s dinonaktifkan") % {"username": user.username},
                changes={"is_active": [True, False]},
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d pengguna dinonaktifkan.", "%(count)d pengguna dinonaktifkan.", len(users)
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

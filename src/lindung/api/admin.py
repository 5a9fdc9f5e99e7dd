"""API tokens in the Django admin: a system administrator sees every token and revokes any of
them (through the service, so the revocation is audited); nobody creates or edits one here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lindung.api.models import ApiToken
from lindung.api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a token is shown once, at creation: on the account page or the command

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoked, not deleted: the list is the tokens' history

    @admin.action(description=_("Cabut token API terpilih"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        if not request.user.is_superuser:
            self.message_user(
                request,
                _("Hanya administrator sistem yang dapat mencabut token API pengguna lain."),
                messages.ERROR,
            )
            return
        count = 0
        for token in queryset.select_related("user").filter(revoked_at__isnull=True):
            api_token_revoke(token=token, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token API dicabut.", "%(count)d token API dicabut.", count)
            % {"count": count},
            messages.SUCCESS,
        )

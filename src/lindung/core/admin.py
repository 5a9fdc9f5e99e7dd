"""Rules are data (DOMAIN.md): parameters, rates, occupations and programme settings are edited
here by the system administrator. Records that carry the domain's history (workers,
enrolments, bills, payments) change only through the services, with their checks and audit
events: their admin is `ReadOnlyAdmin`."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from lindung.core.models import Parameter


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to the system administrator, never added, changed or deleted here: a POST to the
    change page is refused (403), the delete page too, and there is no add page."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows listed under their parent, changed only through the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "valid_from", "source"]
    list_filter = ["key"]

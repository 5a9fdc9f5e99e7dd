"""Benefit rules are edited here by an administrator: add a row with a new `valid_from` rather
than changing an old one, so past claims keep the figures they were calculated with. Claims
and their documents are read-only here: they change only through `claims.services`."""

from django.contrib import admin

from lindung.claims.models import BenefitRule, Claim, ClaimChild


@admin.register(BenefitRule)
class BenefitRuleAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "unit", "valid_from", "source"]
    list_filter = ["key"]
    ordering = ["key", "-valid_from"]


class ClaimChildInline(admin.TabularInline):
    model = ClaimChild
    extra = 0
    can_delete = False
    readonly_fields = ["name", "birth_date", "level"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "worker",
        "claim_type",
        "status",
        "event_date",
        "calculated_amount",
        "paid_amount",
    ]
    list_filter = ["claim_type", "status"]
    inlines = [ClaimChildInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Claim._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

"""Rates are edited here by an administrator (dated rows: add a row with a new `valid_from`
rather than changing an old one, so the history stays readable). Bills and payments are shown
read-only: they change only through the services."""

from django.contrib import admin

from lindung.contributions.models import (
    BenefitPackage,
    Bill,
    Payment,
    ProgrammePackage,
    RateComponent,
)
from lindung.core.admin import ReadOnlyAdmin


class RateComponentInline(admin.TabularInline):
    model = RateComponent
    extra = 1


@admin.register(BenefitPackage)
class BenefitPackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_default"]
    inlines = [RateComponentInline]


@admin.register(RateComponent)
class RateComponentAdmin(admin.ModelAdmin):
    list_display = [
        "package",
        "component",
        "valid_from",
        "percent",
        "flat_amount",
        "amount_min",
        "amount_max",
    ]
    list_filter = ["package", "component"]


@admin.register(ProgrammePackage)
class ProgrammePackageAdmin(admin.ModelAdmin):
    list_display = ["programme", "package"]


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["programme", "month", "funder", "line_count", "total", "paid_amount", "paid_at"]
    list_filter = ["funder", "month"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["programme", "paid_on", "reference", "amount", "allocated"]

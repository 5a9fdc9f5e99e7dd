"""The reports in the Django admin: letterheads, Paritrana criteria (dated: add a row with a
later `valid_from` rather than changing an old one, so past scores keep their weights) and
assessments. The archive is read-only here: runs are made by `reports.services`."""

from django.contrib import admin

from lindung.reports.models import (
    Letterhead,
    ParitranaAssessment,
    ParitranaCriterion,
    ParitranaInnovation,
    ReportRun,
)


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ["region", "government", "agency", "signer_name", "signer_nip", "updated_at"]
    search_fields = ["region__code", "region__name", "government", "signer_name"]
    readonly_fields = ["logo", "updated_at", "updated_by"]
    raw_id_fields = ["region"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from lindung.core import clock

        obj.updated_at, obj.updated_by = clock.now(), request.user
        super().save_model(request, obj, form, change)


@admin.register(ParitranaCriterion)
class ParitranaCriterionAdmin(admin.ModelAdmin):
    list_display = ["key", "valid_from", "weight", "bands", "source"]
    list_filter = ["key"]
    ordering = ["key", "-valid_from"]


class InnovationInline(admin.TabularInline):
    model = ParitranaInnovation
    extra = 0
    can_delete = False
    fields = readonly_fields = ["title", "evidence", "created_at", "created_by"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ParitranaAssessment)
class ParitranaAssessmentAdmin(admin.ModelAdmin):
    """Read-only here: an assessment is entered on its page (`reports.services`, audited)."""

    list_display = [
        "region",
        "year",
        "regulation",
        "regulation_number",
        "regulation_year",
        "interview_score",
        "updated_at",
    ]
    list_filter = ["year", "regulation"]
    inlines = [InnovationInline]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in ParitranaAssessment._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "region",
        "period",
        "format",
        "status",
        "progress",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "format"]
    exclude = ["file"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in ReportRun._meta.fields if f.name != "file"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

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
    fields = ["title", "evidence", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(ParitranaAssessment)
class ParitranaAssessmentAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "regulation", "regulation_number", "regulation_year",
                    "interview_score", "updated_at"]
    list_filter = ["year", "regulation"]
    raw_id_fields = ["region"]
    readonly_fields = ["updated_at", "updated_by"]
    inlines = [InnovationInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from lindung.core import clock

        obj.updated_at, obj.updated_by = clock.now(), request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        from lindung.core import clock

        for item in formset.save(commit=False):
            if item.created_at is None:
                item.created_at, item.created_by = clock.now(), request.user
            item.save()
        for item in formset.deleted_objects:
            item.delete()


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "region", "period", "format", "status", "progress",
                    "created_by", "created_at"]
    list_filter = ["kind", "status", "format"]
    exclude = ["file"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in ReportRun._meta.fields if f.name != "file"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

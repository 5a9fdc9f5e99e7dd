from django.contrib import admin

from lindung.programs.models import BudgetLine, Enrolment, Programme


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "fiscal_year", "quota"]
    filter_horizontal = ["occupations"]
    raw_id_fields = ["region"]
    inlines = [BudgetLineInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["worker", "programme", "status", "kpj_number"]
    list_filter = ["status", "programme"]
    raw_id_fields = ["worker"]
    readonly_fields = ["status"]

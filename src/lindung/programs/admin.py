"""Programme settings (name, period, ages, occupations, quota, legal basis) are edited here
through `programme_update`, with the app's checks and audit event; the sponsor, code and
fiscal year stay as created. Programmes are created in the app (`/program/baru/`), budget
lines added on the programme's page, enrolments changed only by the lifecycle services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from lindung.core.admin import ReadOnlyAdmin, ReadOnlyInline
from lindung.core.errors import DomainError
from lindung.core.web import add_domain_errors
from lindung.programs.models import BudgetLine, Enrolment, Programme
from lindung.programs.services import programme_update

SETTINGS = [
    "name",
    "period_start",
    "period_end",
    "age_min",
    "age_max",
    "occupations",
    "quota",
    "legal_basis",
]


class BudgetLineInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["kind", "amount", "date", "document_ref", "note"]


class ProgrammeSettingsForm(forms.ModelForm):
    """The programme's settings, saved by `programme_update` when the form is cleaned: its
    refusals become the form's errors. The admin's change view runs in one transaction, so
    the update and the rest of the request commit together."""

    user: Any = None  # set per request by ProgrammeAdmin.get_form

    class Meta:
        model = Programme
        fields = SETTINGS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors:
            try:
                programme_update(
                    by=self.user, programme=self.instance, **{f: cleaned[f] for f in SETTINGS}
                )
            except DomainError as e:
                add_domain_errors(self, e)
        return cleaned


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "fiscal_year", "quota"]
    form = ProgrammeSettingsForm
    fields = ["code", "region", "fiscal_year", *SETTINGS]
    readonly_fields = ["code", "region", "fiscal_year"]
    filter_horizontal = ["occupations"]
    inlines = [BudgetLineInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Programme, form: Any, change: bool) -> None:
        """Saved already, by `programme_update` in the form's clean()."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The occupations too; the budget lines' formset saves nothing (read-only) but
        records so for the admin's log."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    """Enrolments change only through the lifecycle services (eligibility, double funding,
    quota, who may act, audit)."""

    list_display = ["worker", "programme", "status", "kpj_number"]
    list_filter = ["status", "programme"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrolment]:
        return super().get_queryset(request).select_related("worker", "programme")

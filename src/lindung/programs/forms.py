"""Forms of the programme pages: budget lines and the enrolment actions (reject, register, end).
Business checks (KPJ format and uniqueness, dates, quota) stay in programs.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.core import clock
from lindung.core.forms import date_field
from lindung.programs.models import BudgetLine, Enrolment


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=BudgetLine.Kind.choices)
    amount = forms.IntegerField(label=_("Jumlah (Rp)"), min_value=0)
    date = date_field(_("Tanggal"))
    document_ref = forms.CharField(
        label=_("Nomor dokumen"), max_length=120, help_text=_("Mis. nomor Perda APBD / DPA")
    )
    note = forms.CharField(label=_("Catatan"), max_length=250, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=250)


class RegisterForm(forms.Form):
    kpj_number = forms.CharField(label=_("Nomor KPJ"), max_length=30)
    registration_date = date_field(_("Tanggal terdaftar di BPJS"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration_date"].initial = clock.today


class EndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Alasan berakhir"), choices=Enrolment.EndReason.choices)
    end_date = date_field(_("Tanggal berakhir"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = clock.today


class EnrolmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua status")), *Enrolment.Status.choices],
    )
    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("NIK (awal) atau nama")}),
    )

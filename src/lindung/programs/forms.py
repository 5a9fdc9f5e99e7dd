"""Forms of the programme pages: budget lines and the enrolment actions (reject, register, end).
Business checks (KPJ format and uniqueness, dates, quota) stay in programs.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.core import clock
from lindung.core.forms import RupiahField, date_field
from lindung.programs.models import BudgetLine, Enrolment
from lindung.programs.selectors import NOT_PROPOSED
from lindung.registry.forms import WorkerFilterForm
from lindung.registry.models import Occupation


class ProgrammeForm(forms.Form):
    """A programme's settings. The code and the sponsoring region are chosen at creation and
    never change (bills, audit events and BPJS files name them)."""

    code = forms.SlugField(
        label=_("Kode program"),
        max_length=30,
        help_text=_("Huruf besar, angka dan tanda hubung, mis. PASER-2027."),
    )
    name = forms.CharField(label=_("Nama program"), max_length=200)
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    period_start = date_field(_("Mulai"))
    period_end = date_field(_("Selesai"))
    age_min = forms.IntegerField(label=_("Usia minimum"), min_value=0, max_value=120)
    age_max = forms.IntegerField(label=_("Usia maksimum"), min_value=0, max_value=120)
    quota = forms.IntegerField(label=_("Kuota peserta"), min_value=0, max_value=10_000_000)
    occupations = forms.ModelMultipleChoiceField(
        label=_("Pekerjaan yang memenuhi syarat"),
        queryset=Occupation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    legal_basis = forms.CharField(
        label=_("Dasar hukum"),
        max_length=200,
        required=False,
        help_text=_("Mis. Perbup Paser 4/2022"),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occupations"].queryset = Occupation.objects.order_by("name")
        if editing:
            for name in ("code", "fiscal_year"):
                self.fields[name].disabled = True
                self.fields[name].required = False

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").upper()


class QuotaForm(forms.Form):
    quota = forms.IntegerField(label=_("Kuota peserta"), min_value=0, max_value=10_000_000)


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis"), choices=BudgetLine.Kind.choices)
    amount = RupiahField(label=_("Jumlah (Rp)"), min_value=0)  # 0: the service says why
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
    reverify = forms.BooleanField(label=_("Perlu verifikasi ulang"), required=False)


class WorkerListFilterForm(WorkerFilterForm):
    """The worker list's filters (`registry.forms.WorkerFilterForm`) and the state of the
    worker's latest enrolment."""

    kepesertaan = forms.ChoiceField(label=_("Kepesertaan"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["kepesertaan"].choices = [
            ("", _("Semua kepesertaan")),
            (NOT_PROPOSED, _("Belum diusulkan")),
            *Enrolment.Status.choices,
        ]

    def filters(self) -> dict[str, str]:
        data = super().filters()
        data["enrolment"] = getattr(self, "cleaned_data", {}).get("kepesertaan", "")
        return data


class ProposeForm(forms.Form):
    programme = forms.ChoiceField(label=_("Program"))

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.code, f"{p.code} — {p.name}") for p in programmes]

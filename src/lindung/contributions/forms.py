"""Forms of the contribution pages. Business checks stay in contributions.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.contributions.models import Payment
from lindung.core import clock
from lindung.core.forms import MonthField, RupiahField, date_field


class BillForm(forms.Form):
    month = MonthField(label=_("Bulan iuran"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = clock.today().replace(day=1)


class PaymentForm(forms.Form):
    paid_on = date_field(_("Tanggal bayar"))
    amount = RupiahField(label=_("Jumlah (Rp)"), min_value=1)
    reference = forms.CharField(label=_("Nomor SP2D"), max_length=80)
    first_month = MonthField(label=_("Untuk bulan"))
    months_covered = forms.TypedChoiceField(
        label=_("Dibayar untuk"), coerce=int, choices=Payment.MonthsCovered.choices, initial=1
    )
    note = forms.CharField(label=_("Catatan"), max_length=250, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.fields["paid_on"].initial = today
        self.fields["first_month"].initial = today.replace(day=1)


class AdjustmentForm(forms.Form):
    amount = RupiahField(
        label=_("Jumlah (Rp)"), help_text=_("Negatif untuk pengurangan (kelebihan tagih).")
    )
    reason = forms.CharField(label=_("Alasan"), max_length=250)
    kpj_number = forms.CharField(
        label=_("Nomor KPJ peserta"),
        max_length=20,
        required=False,
        help_text=_("Isi bila penyesuaian untuk satu peserta."),
    )


class CoverageFilterForm(forms.Form):
    bulan = MonthField(label=_("Bulan"), required=False)
    belum = forms.BooleanField(label=_("Hanya yang belum dibayar"), required=False)

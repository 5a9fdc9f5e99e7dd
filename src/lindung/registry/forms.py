"""Worker forms. They only parse input: the field rules (NIK, phone, income ...) are
`registry.rules`, applied by the services to the form, the API and the import alike, whose
errors the views put back on the matching field. Hence the text fields are plain text here
(an income typed '1.500.000' is read by the same rule as a spreadsheet cell)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core.forms import date_field
from lindung.regions.models import Region
from lindung.regions.selectors import MAX_REGION_OPTIONS, region_choices, villages_in_scope
from lindung.registry.models import Worker
from lindung.registry.selectors import occupations_current


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        district = obj.parent.name if obj.parent_id else ""
        return f"{obj.label} — {district}" if district else obj.label


class WorkerForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=30,
        help_text=_("16 digit sesuai KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Nama lengkap"), max_length=150, help_text=_("Sesuai KTP."))
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", _("— pilih —")), *Worker.Sex.choices]
    )
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=80, required=False)
    birth_date = date_field(_("Tanggal lahir"))
    kk_number = forms.CharField(
        label=_("No. KK"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    village = VillageChoiceField(
        label=_("Desa/kelurahan domisili"),
        queryset=Region.objects.none(),
        empty_label=_("— pilih —"),
    )
    address = forms.CharField(label=_("Alamat"), max_length=250, required=False)
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    occupation = forms.ModelChoiceField(
        label=_("Pekerjaan"), queryset=occupations_current(), empty_label=_("— pilih —")
    )
    declared_income = forms.CharField(
        label=_("Penghasilan per bulan (Rp)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Dasar iuran JKK. Kosongkan untuk memakai nilai bawaan."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = villages_in_scope(scope=scope_of(user)).order_by("parent__name", "name")
        self.fields["village"].queryset = villages
        # The one limit of every region entry (regions.selectors.MAX_REGION_OPTIONS); a count
        # here, as the field's own query reads the rows when it renders.
        if villages[: MAX_REGION_OPTIONS + 1].count() > MAX_REGION_OPTIONS:
            # A national scope (83.762 desa): the Kemendagri code, not a list nobody scrolls.
            self.fields["village"].widget = forms.TextInput(
                attrs={"placeholder": "64.01.01.2009", "autocomplete": "off"}
            )
            self.fields["village"].help_text = _("Kode desa/kelurahan Kemendagri.")
        # An operator desa registers the workers of the one village: preselect it.
        if user.region_id and user.region.level == Region.Level.VILLAGE and not self.is_bound:
            self.fields["village"].initial = user.region_id

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class WorkerEditForm(WorkerForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Worker.Status.choices,
        help_text=_(
            "Meninggal dunia, pindah, atau menjadi pekerja penerima upah (dibayar pemberi "
            "kerja) mengakhiri kepesertaan yang berjalan (iuran berhenti mulai bulan "
            "berikutnya) dan dilaporkan ke BPJS."
        ),
    )
    status_date = date_field(_("Tanggal perubahan status"), required=False)
    status_date.help_text = _(
        "Tanggal meninggal, pindah, atau mulai bekerja sebagai penerima upah. Kosongkan bila "
        "tidak diketahui: dipakai tanggal hari ini."
    )
    correction_reason = forms.CharField(
        label=_("Alasan koreksi NIK/tanggal lahir"),
        required=False,
        max_length=250,
        help_text=_("Wajib bila pekerja sudah terdaftar di BPJS; koreksi dilaporkan ke BPJS."),
    )


class WorkerFilterForm(forms.Form):
    """Search and filters of the worker list; every choice lies inside the user's scope."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("NIK (awal) atau nama"),
                "autocomplete": "off",
            }
        ),
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    pekerjaan = forms.ChoiceField(label=_("Pekerjaan"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *Worker.Status.choices]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        districts = region_choices(scope=scope, level=Region.Level.DISTRICT) or []
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan")), *districts]
        # A chosen kecamatan narrows the desa list (the htmx response swaps it in place); a
        # scope too large for one list offers its desa once a kecamatan is chosen.
        chosen = self.data.get("kecamatan", "") if self.data else ""
        if not any(code == chosen for code, _label in districts):
            chosen = ""
        villages = region_choices(scope=scope, level=Region.Level.VILLAGE, parent=chosen) or []
        self.fields["desa"].choices = [("", _("Semua desa/kelurahan")), *villages]
        self.fields["pekerjaan"].choices = [("", _("Semua pekerjaan"))] + [
            (o.code, o.name) for o in occupations_current()
        ]

    def filters(self) -> dict[str, str]:
        """Selector keyword arguments from the valid part of the input (an out-of-scope code
        is not a valid choice, so it is simply ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q", ""),
            "district": data.get("kecamatan", ""),
            "village": data.get("desa", ""),
            "occupation": data.get("pekerjaan", ""),
            "status": data.get("status", ""),
        }

    @property
    def has_districts(self) -> bool:
        return len(self.fields["kecamatan"].choices) > 2

    @property
    def has_villages(self) -> bool:
        return len(self.fields["desa"].choices) > 2

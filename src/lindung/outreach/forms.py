"""The outreach event form: short enough for an operator desa on a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core.forms import date_field
from lindung.outreach.models import OutreachEvent
from lindung.outreach.rules import EVENT_LEVELS
from lindung.regions.models import Region
from lindung.regions.selectors import MAX_REGION_OPTIONS, bounded, regions_in_scope


class EventForm(forms.Form):
    region = forms.ChoiceField(label=_("Desa/kelurahan atau kecamatan"))
    date = date_field(_("Tanggal"))
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=OutreachEvent.Kind.choices)
    organiser = forms.ChoiceField(label=_("Penyelenggara"), choices=OutreachEvent.Organiser.choices)
    attendees_male = forms.IntegerField(
        label=_("Peserta laki-laki"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    attendees_female = forms.IntegerField(
        label=_("Peserta perempuan"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        in_scope = regions_in_scope(scope=scope_of(user)).filter(level__in=EVENT_LEVELS)
        regions = bounded(in_scope.order_by("code"), MAX_REGION_OPTIONS)
        if regions is None:
            # A national scope: the Kemendagri code, not a list of 90.000 options.
            self.fields["region"] = forms.CharField(
                label=self.fields["region"].label,
                max_length=13,
                help_text=_("Kode desa/kelurahan atau kecamatan Kemendagri, mis. 64.01.01.2009."),
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
            )
            self._in_scope = in_scope
            return
        self.fields["region"].choices = [
            (r.code, r.label if r.level == Region.Level.DISTRICT else f"— {r.label}")
            for r in regions
        ]

    def clean_region(self) -> str:
        code = (self.cleaned_data.get("region") or "").strip()
        if hasattr(self, "_in_scope") and not self._in_scope.filter(code=code).exists():
            raise forms.ValidationError(_("Kode wilayah tidak dikenal atau di luar wilayah Anda."))
        return code

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["region"] = Region.objects.get(code=d["region"])
        return d

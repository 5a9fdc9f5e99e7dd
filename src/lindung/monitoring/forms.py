"""Forms of the monitoring pages: the period of a dashboard, a denominator, a target, a file."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core import clock
from lindung.monitoring import rules
from lindung.monitoring.models import Denominator
from lindung.regions.models import Region
from lindung.regions.selectors import regions_in_scope
from lindung.registry.selectors import occupations_current


def _year_field(**kw: Any) -> forms.IntegerField:
    return forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100, **kw)


class PeriodForm(forms.Form):
    """A dashboard's period: a year, or a month (YYYY-MM) that wins over the year."""

    tahun = _year_field(required=False)
    bulan = forms.CharField(
        label=_("Bulan"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_bulan(self) -> str:
        value = self.cleaned_data["bulan"].strip()
        if value and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            raise forms.ValidationError(_("Tulis bulan sebagai TTTT-BB, mis. 2026-11."))
        return value

    def period(self) -> tuple[dt.date, dt.date]:
        """(start, end) of the chosen period; this year up to today when nothing is chosen
        or the input is invalid."""
        today = clock.today()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return rules.parse_period(year=data.get("tahun"), month=data.get("bulan") or None, on=today)


def _village_choices(user: User) -> list[tuple[str, str]]:
    villages = regions_in_scope(scope=scope_of(user), level=Region.Level.VILLAGE)
    return [
        (v.code, f"{v.label} — {v.parent.name}")
        for v in villages.select_related("parent").order_by("parent__name", "name")
    ]


class DenominatorForm(forms.Form):
    village = forms.ChoiceField(label=_("Desa/kelurahan"))
    occupation = forms.ChoiceField(
        label=_("Pekerjaan"),
        required=False,
        help_text=_("Kosongkan untuk jumlah seluruh pekerjaan."),
    )
    year = _year_field()
    estimated_workers = forms.IntegerField(label=_("Perkiraan pekerja rentan"), min_value=0)
    source = forms.ChoiceField(label=_("Sumber"), choices=Denominator.Source.choices)
    notes = forms.CharField(label=_("Catatan"), required=False, max_length=250)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = _village_choices(user)
        self.fields["occupation"].choices = [("", _("Semua pekerjaan"))] + [
            (str(o.pk), o.name) for o in occupations_current()
        ]

    def data_for_service(self) -> dict[str, Any]:
        from lindung.registry.models import Occupation

        d = self.cleaned_data
        return {
            "village": Region.objects.get(code=d["village"]),
            "year": d["year"],
            "occupation": Occupation.objects.get(pk=d["occupation"]) if d["occupation"] else None,
            "estimated_workers": d["estimated_workers"],
            "source": d["source"],
            "notes": d["notes"],
        }


class DenominatorImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas .xlsx atau .csv"))
    year = _year_field()
    dry_run = forms.BooleanField(label=_("Periksa saja (tidak disimpan)"), required=False)


class TargetForm(forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    year = _year_field()
    participants = forms.IntegerField(label=_("Target peserta aktif"), min_value=0, required=False)
    coverage_pct = forms.DecimalField(
        label=_("Target cakupan (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    villages_implementing = forms.IntegerField(
        label=_("Target desa/kelurahan melaksanakan"), min_value=0, required=False
    )
    notes = forms.CharField(label=_("Catatan"), required=False, max_length=250)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = (
            regions_in_scope(scope=scope_of(user))
            .filter(level__lte=Region.Level.DISTRICT)
            .order_by("code")
        )
        self.fields["region"].choices = [
            (r.code, ("— " * (r.level - 1)) + r.label) for r in regions
        ]

    def data_for_service(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["region"] = Region.objects.get(code=d["region"])
        return d

"""Form pieces shared by every app."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lindung.core.formatting import bulan, tanggal

# The browser's date picker sends YYYY-MM-DD; typed dates come as dd/mm/yyyy or dd-mm-yyyy.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]

# Every date Lindung deals with (births of living workers, programme periods, payments) lies in
# this range. Python's dates end in 9999, and a month or a year added to 9999-12 raises: a date
# typed (or sent in a URL, `?bulan=9999-12`) outside the range is a field error, not a 500.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)


def _date_range_message() -> str:
    return _("Tanggal harus antara %(min)s dan %(max)s.") % {
        "min": tanggal(DATE_MIN),
        "max": tanggal(DATE_MAX),
    }


def _month_range_message() -> str:
    return _("Bulan harus antara %(min)s dan %(max)s.") % {
        "min": bulan(DATE_MIN),
        "max": bulan(DATE_MAX),
    }


date_range_message = lazy(_date_range_message, str)
month_range_message = lazy(_month_range_message, str)


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    """A date with the browser's date picker, accepting the forms Indonesians type, within
    DATE_MIN..DATE_MAX."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(DATE_MIN, message=date_range_message()),
            MaxValueValidator(DATE_MAX, message=date_range_message()),
        ],
    )


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker) or MM/YYYY, as the first day of
    that month, within DATE_MIN..DATE_MAX. The placeholder spells the format in Indonesian, as
    the error message does (tahun-bulan)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": _("TTTT-BB")})

    def to_python(self, value: str | None) -> dt.date | None:  # type: ignore[override]
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        for fmt in ("%Y-%m", "%m/%Y", "%m-%Y"):
            try:
                month = dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            if not DATE_MIN <= month <= DATE_MAX:
                raise forms.ValidationError(month_range_message(), code="out_of_range")
            return month
        raise forms.ValidationError(_("Tulis bulan sebagai TTTT-BB, mis. 2026-03."))

    def prepare_value(self, value: object) -> object:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


def parse_rupiah(raw: object) -> int | None:
    """An amount as people type it: "93.744.000", "Rp 93.744.000", "Rp93.744.000,00",
    "93744000", "-Rp16.800" (a reduction). Dots group thousands (Indonesian form); a decimal
    part may only be zero sen. None when it is not an amount."""
    text = str(raw or "").strip().replace("\u00a0", " ").replace(" ", "")
    sign = -1 if text.startswith("-") else 1
    text = re.sub(r"^rp\.?", "", text.lstrip("-"), flags=re.IGNORECASE).lstrip("-")
    text = re.sub(r",0{1,2}$", "", text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"\d{1,15}", text):
        return None
    return sign * int(text)


class RupiahField(forms.IntegerField):
    """An integer amount in rupiah that accepts the forms people type (see parse_rupiah)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        amount = parse_rupiah(value)
        if amount is None:
            raise forms.ValidationError(
                _("Tulis jumlah dalam rupiah tanpa sen, mis. 93.744.000 atau Rp 93.744.000."),
                code="invalid",
            )
        return amount

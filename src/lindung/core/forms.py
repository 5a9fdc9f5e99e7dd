"""Form pieces shared by every app."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# The browser's date picker sends YYYY-MM-DD; typed dates come as dd/mm/yyyy or dd-mm-yyyy.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    """A date with the browser's date picker, accepting the forms Indonesians type."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


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
                code="invalid")
        return amount

"""Form pieces shared by every app."""

from __future__ import annotations

from django import forms

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

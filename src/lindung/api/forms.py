"""The form of a new API token (its page: api/pages.py)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"), max_length=100, help_text=_("Kegunaannya, mis. 'sinkronisasi SIPP'.")
    )
    days = forms.IntegerField(
        label=_("Berlaku (hari)"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=settings.API_TOKEN_DAYS,
    )
    read_only = forms.BooleanField(
        label=_("Hanya baca"),
        required=False,
        help_text=_("Token hanya boleh membaca data (GET), tidak mengubahnya."),
    )

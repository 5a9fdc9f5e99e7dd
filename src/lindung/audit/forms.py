"""The audit trail's filters: words of the summary, kind of record, who, and a date range."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.audit.presentation import OBJECT_TYPES
from lindung.core.forms import date_field


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cari ringkasan"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": _("mis. nama pekerja atau kode program"),
            }
        ),
    )
    jenis = forms.ChoiceField(label=_("Jenis data"), required=False)
    pengguna = forms.ChoiceField(label=_("Oleh"), required=False)
    dari = date_field(_("Dari tanggal"), required=False)
    sampai = date_field(_("Sampai tanggal"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jenis"].choices = [
            ("", _("Semua jenis data")),
            *sorted(((k, str(v)) for k, v in OBJECT_TYPES.items()), key=lambda kv: kv[1]),
        ]
        # The users of the region (and above it, who act on it: the province, the branch).
        scope = scope_of(user)
        people = User.objects.filter(scope.q_touching("region_id")).order_by("username")
        self.fields["pengguna"].choices = [("", _("Semua pengguna"))] + [
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.username})") for u in people
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end and end < start:
            self.add_error("sampai", _("Tanggal akhir harus sama atau sesudah tanggal awal."))
        return data

    def filters(self) -> dict[str, Any]:
        """Selector keyword arguments from the valid part of the input."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        actor = data.get("pengguna")
        return {
            "q": (data.get("q") or "").strip(),
            "object_type": data.get("jenis") or "",
            "actor_id": int(actor) if actor else None,
            "date_from": data.get("dari"),
            "date_to": data.get("sampai"),
        }

    @property
    def active(self) -> bool:
        return any(v for v in self.filters().values())

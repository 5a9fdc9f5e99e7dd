from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.core.formatting import thousands
from lindung.core.uploads import MB, Limits
from lindung.programs.selectors import programmes_for


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Excel (.xlsx) atau CSV"),
        help_text=_("Gunakan templat agar NIK dan No. KK tersimpan sebagai teks."),
    )
    programme = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Usulkan ke program"),
        empty_label=_("— hanya perbarui data pekerja —"),
        to_field_name="code",
        help_text=_("Baris yang diterima sekaligus diusulkan ke program ini."),
    )
    dry_run = forms.BooleanField(required=False, label=_("Uji coba saja (tidak menyimpan)"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_for(user=user).order_by(
            "-fiscal_year", "code"
        )
        limits = Limits.current()
        self.fields["file"].help_text = _(
            "Gunakan templat agar NIK dan No. KK tersimpan sebagai teks. Maksimal %(mb)s MB dan "
            "%(rows)s baris per berkas."
        ) % {"mb": thousands(limits.max_bytes // MB), "rows": thousands(limits.max_rows)}

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        limit = Limits.current().max_bytes
        if f.size > limit:
            raise forms.ValidationError(
                _(
                    "Berkas berukuran %(size)s MB; batas %(max)s MB per berkas. Pecah menjadi "
                    "beberapa berkas."
                )
                % {"size": thousands(-(-f.size // MB)), "max": thousands(limit // MB)}
            )
        name = f.name.lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError(_("Unggah berkas .xlsx atau .csv."))
        return f


class AnswerUploadForm(UploadForm):
    """The BPJS branch's answer: no dry-run default change, programme optional filter."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["file"].label = _("Berkas jawaban BPJS (.xlsx atau .csv)")
        self.fields["file"].help_text = _(
            "Kolom: NIK, NO_KPJ, TANGGAL_TERDAFTAR, STATUS (TERDAFTAR/AKTIF/DITOLAK)."
        )
        self.fields["programme"].label = _("Program")
        self.fields["programme"].empty_label = _("— semua program —")
        self.fields["programme"].help_text = ""

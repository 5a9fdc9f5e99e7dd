"""Forms of the report pages: asking for a report, the letterhead and its logo, the Paritrana
self-assessment and its innovations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.core.errors import DomainError
from lindung.regions.models import Region
from lindung.reports import rules, selectors, services
from lindung.reports.models import ParitranaAssessment, ReportRun


def period_suggestions(today: dt.date) -> list[rules.Period]:
    """The periods a user most often asks for: this and last quarter, month, semester, year."""
    quarter = rules.Period("quarter", today.year, (today.month - 1) // 3 + 1)
    month = rules.Period("month", today.year, today.month)
    semester = rules.Period("semester", today.year, 1 if today.month <= 6 else 2)
    year = rules.Period("year", today.year)
    return [
        quarter,
        quarter.previous,
        month,
        month.previous,
        semester,
        semester.previous,
        year,
        year.previous,
    ]


def region_choices(user: User) -> list[tuple[str, str]]:
    """Regions a user may report on: their own region(s) and, below them, regencies and
    kecamatan (a national user: provinces and regencies)."""
    scope = scope_of(user)
    max_level = Region.Level.REGENCY if scope.is_national else Region.Level.DISTRICT
    regions = list(selectors.report_regions(user=user, max_level=max_level))
    own = [
        r
        for r in Region.objects.filter(code__in=scope.prefixes).order_by("code")
        if r not in regions
    ]
    return [
        (r.code, ("— " * (r.level - 1)) + r.label)
        for r in sorted([*regions, *own], key=lambda r: r.code)
    ]


class ReportRequestForm(forms.Form):
    region = forms.ChoiceField(label=_("Wilayah"))
    period = forms.CharField(
        label=_("Periode"),
        max_length=10,
        help_text=_("2026-11 (bulan), 2026-Q3 (triwulan), 2026-S2 (semester) atau 2026 (tahun)"),
        widget=forms.TextInput(
            attrs={"list": "period-suggestions", "autocomplete": "off", "inputmode": "text"}
        ),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ReportRun.Format.choices,
        initial=ReportRun.Format.PDF,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = region_choices(user)

    def clean_period(self) -> str:
        try:
            return rules.parse_period(self.cleaned_data["period"]).code
        except DomainError as e:
            raise forms.ValidationError(e.message) from e


class LetterheadForm(forms.Form):
    government = forms.CharField(
        label=_("Nama pemerintah daerah"),
        max_length=120,
        help_text=_("Mis. PEMERINTAH KABUPATEN PASER"),
    )
    agency = forms.CharField(label=_("Nama dinas"), max_length=160, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=250, required=False)
    city = forms.CharField(
        label=_("Tempat penandatanganan"),
        max_length=60,
        required=False,
        help_text=_("Mis. Tana Paser"),
    )
    signer_title = forms.CharField(
        label=_("Jabatan penanda tangan"), max_length=160, initial="Kepala Dinas"
    )
    signer_name = forms.CharField(label=_("Nama penanda tangan"), max_length=120, required=False)
    signer_rank = forms.CharField(label=_("Pangkat/golongan"), max_length=80, required=False)
    signer_nip = forms.CharField(
        label=_("NIP"),
        max_length=21,
        required=False,
        help_text=_("18 angka, mis. 19700101 199003 1 001"),
    )


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo (PNG atau JPEG)"))

    def clean_logo(self) -> Any:
        upload = self.cleaned_data["logo"]
        limit = services.logo_max_bytes()
        if upload.size > limit:  # refused before it is read into memory
            raise forms.ValidationError(
                _("Logo berukuran %(size)s KB; batas %(max)s KB. Perkecil gambarnya.")
                % {"size": upload.size // 1024, "max": limit // 1024}
            )
        return upload


class ParitranaForm(forms.Form):
    regulation = forms.ChoiceField(
        label=_("Regulasi"), choices=ParitranaAssessment.Regulation.choices
    )
    regulation_number = forms.CharField(label=_("Nomor"), max_length=40, required=False)
    regulation_year = forms.IntegerField(
        label=_("Tahun"), min_value=1900, max_value=2100, required=False
    )
    regulation_title = forms.CharField(label=_("Judul regulasi"), max_length=250, required=False)
    budget_allocated = forms.IntegerField(
        label=_("Anggaran dialokasikan (Rp)"),
        min_value=0,
        max_value=10**15,
        required=False,
        help_text=_("Kosongkan untuk memakai mata anggaran program di Lindung."),
    )
    budget_realised = forms.IntegerField(
        label=_("Anggaran terealisasi (Rp)"),
        min_value=0,
        max_value=10**15,
        required=False,
        help_text=_("Kosongkan untuk memakai pembayaran iuran (SP2D) di Lindung."),
    )
    interview_score = forms.DecimalField(
        label=_("Nilai wawancara (0-100)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InnovationForm(forms.Form):
    title = forms.CharField(label=_("Inovasi"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.CharField(
        label=_("Bukti"),
        max_length=300,
        required=False,
        help_text=_("Nomor SK, tautan berita atau dokumen; inovasi tanpa bukti tidak dihitung."),
    )

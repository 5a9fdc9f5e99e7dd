"""Claim forms. They only parse input; the rules and checks live in the services, whose errors
the views put back on the matching field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.permissions import scope_of
from lindung.claims import rules
from lindung.claims.models import Claim, ClaimChild
from lindung.claims.services import ChildInput
from lindung.contributions.selectors import programmes_for
from lindung.core.forms import RupiahField, date_field
from lindung.regions.models import Region
from lindung.regions.selectors import region_choices
from lindung.registry.selectors import occupations_current

CHILD_ROWS = 3  # one more than the scholarship limit, so the rule (not the form) says "2 at most"


class ClaimFilterForm(forms.Form):
    """Filters of the claims register; every region choice lies inside the user's scope."""

    dari = date_field(_("Peristiwa sejak"), required=False)
    sampai = date_field(_("sampai"), required=False)
    jenis = forms.ChoiceField(
        label=_("Jenis klaim"),
        required=False,
        choices=[("", _("Semua jenis")), *Claim.Type.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Semua status")), *Claim.Status.choices]
    )
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    pekerjaan = forms.ChoiceField(label=_("Pekerjaan"), required=False)
    program = forms.ChoiceField(label=_("Program"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        districts = region_choices(scope=scope, level=Region.Level.DISTRICT) or []
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan")), *districts]
        chosen = self.data.get("kecamatan", "") if self.data else ""
        if not any(code == chosen for code, _label in districts):
            chosen = ""
        villages = region_choices(scope=scope, level=Region.Level.VILLAGE, parent=chosen) or []
        self.fields["desa"].choices = [("", _("Semua desa/kelurahan")), *villages]
        self.fields["pekerjaan"].choices = [("", _("Semua pekerjaan"))] + [
            (o.code, o.name) for o in occupations_current()
        ]
        self.fields["program"].choices = [("", _("Semua program"))] + [
            (p.code, p.code) for p in programmes_for(user=user).order_by("-fiscal_year", "code")
        ]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "date_from": data.get("dari"),
            "date_to": data.get("sampai"),
            "claim_type": data.get("jenis", ""),
            "status": data.get("status", ""),
            "district": data.get("kecamatan", ""),
            "village": data.get("desa", ""),
            "occupation": data.get("pekerjaan", ""),
            "programme": data.get("program", ""),
        }

    @property
    def has_districts(self) -> bool:
        return len(self.fields["kecamatan"].choices) > 2

    @property
    def has_villages(self) -> bool:
        return len(self.fields["desa"].choices) > 2


class ClaimReportForm(forms.Form):
    claim_type = forms.ChoiceField(
        label=_("Jenis klaim"), choices=[("", _("— pilih —")), *Claim.Type.choices]
    )
    event_date = date_field(_("Tanggal peristiwa"))
    reported_date = date_field(_("Tanggal dilaporkan"), required=False)
    description = forms.CharField(
        label=_("Kejadian"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Apa yang terjadi, di mana, bagaimana."),
    )
    claimant_name = forms.CharField(label=_("Nama penerima / ahli waris"), max_length=150)
    claimant_relationship = forms.ChoiceField(
        label=_("Hubungan dengan peserta"),
        choices=[("", _("— pilih —")), *Claim.Relationship.choices],
    )
    claimant_nik = forms.CharField(
        label=_("NIK penerima"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=60)
    bank_account = forms.CharField(
        label=_("Nomor rekening"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    stmb_months = forms.IntegerField(
        label=_("Lama tidak mampu bekerja (bulan)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Hanya untuk klaim STMB, menurut surat dokter."),
    )
    medical_cost = RupiahField(
        label=_("Biaya perawatan (Rp)"),
        required=False,
        min_value=0,
        help_text=_("Hanya untuk klaim perawatan: jumlah kuitansi."),
    )
    cause = forms.ChoiceField(
        label=_("Sebab beasiswa"),
        required=False,
        choices=[("", _("— pilih —")), *[(k, v) for k, v in rules.SCHOLARSHIP_CAUSES.items()]],
    )
    school_year = forms.CharField(
        label=_("Tahun ajaran"), required=False, max_length=9, help_text=_("Mis. 2026/2027.")
    )
    prior_contribution_months = forms.IntegerField(
        label=_("Masa iur sebelum program (bulan)"),
        required=False,
        min_value=0,
        max_value=600,
        help_text=_("Untuk beasiswa sesudah JKM: bulan iuran di kepesertaan sebelumnya."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, CHILD_ROWS + 1):
            self.fields[f"child_{n}_name"] = forms.CharField(
                label=_("Anak %(n)s: nama") % {"n": n}, required=False, max_length=150
            )
            self.fields[f"child_{n}_birth_date"] = date_field(
                _("Anak %(n)s: tanggal lahir") % {"n": n}, required=False
            )
            self.fields[f"child_{n}_level"] = forms.ChoiceField(
                label=_("Anak %(n)s: jenjang") % {"n": n},
                required=False,
                choices=[("", "—"), *ClaimChild.Level.choices],
            )

    @property
    def child_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"child_{n}_name"], self[f"child_{n}_birth_date"], self[f"child_{n}_level"])
            for n in range(1, CHILD_ROWS + 1)
        ]

    @property
    def general_fields(self) -> list[forms.BoundField]:
        return [self[f] for f in ("claim_type", "event_date", "reported_date", "description")]

    @property
    def claimant_fields(self) -> list[forms.BoundField]:
        return [
            self[f]
            for f in (
                "claimant_name",
                "claimant_relationship",
                "claimant_nik",
                "bank_name",
                "bank_account",
            )
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for n in range(1, CHILD_ROWS + 1):
            values = [data.get(f"child_{n}_{f}") for f in ("name", "birth_date", "level")]
            if any(values) and not all(values):
                self.add_error(
                    f"child_{n}_name",
                    _("Isi nama, tanggal lahir dan jenjang anak ini, atau kosongkan ketiganya."),
                )
        return data

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        children = [
            ChildInput(d[f"child_{n}_name"], d[f"child_{n}_birth_date"], d[f"child_{n}_level"])
            for n in range(1, CHILD_ROWS + 1)
            if d.get(f"child_{n}_name")
        ]
        return {
            "claim_type": d["claim_type"],
            "event_date": d["event_date"],
            "reported_date": d.get("reported_date"),
            "description": d.get("description", ""),
            "claimant_name": d["claimant_name"],
            "claimant_relationship": d["claimant_relationship"],
            "claimant_nik": d["claimant_nik"],
            "bank_name": d["bank_name"],
            "bank_account": d["bank_account"],
            "stmb_months": d.get("stmb_months") or 0,
            "medical_cost": d.get("medical_cost") or 0,
            "cause": d.get("cause", ""),
            "school_year": d.get("school_year", ""),
            "prior_contribution_months": d.get("prior_contribution_months") or 0,
            "children": children,
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dokumen"))
    file = forms.FileField(
        label=_("Berkas (PDF, JPEG atau PNG)"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, rules.DOCUMENTS[k]) for k in rules.CHECKLISTS[claim.claim_type]
        ]


class SubmitForm(forms.Form):
    bpjs_reference = forms.CharField(
        label=_("Nomor tanda terima BPJS"), required=False, max_length=40
    )


class PayForm(forms.Form):
    amount = RupiahField(label=_("Jumlah dibayar BPJS (Rp)"), min_value=1)
    paid_date = date_field(_("Tanggal dibayar"))
    bpjs_reference = forms.CharField(label=_("Nomor klaim BPJS"), required=False, max_length=40)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Alasan penolakan"), max_length=250)


class ValueForm(forms.Form):
    dari = date_field(_("Periode sejak"), required=False)
    sampai = date_field(_("sampai"), required=False)


class WorkerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Cari pekerja"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("NIK (awal) atau nama"),
                "autocomplete": "off",
            }
        ),
    )

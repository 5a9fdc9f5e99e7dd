"""Claims (DOMAIN.md §7): JKK, JKM and scholarship claims of protected workers, their
documents and the dated benefit rules they are calculated with.

A claim keeps the outcome of the rules (eligible, code, explanation, breakdown, calculated
amount) as it was last checked, beside what BPJS actually paid, so a difference stays visible.
Status changes only through `claims.services`, each recording who and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.claims import rules


class BenefitRule(models.Model):
    """One benefit rule value from `valid_from` on (amounts, multipliers, waiting period,
    expiry, scholarship limits). A claim uses, per key, the row valid on its event date. Change a
    rule by adding a row with a new `valid_from`, so past claims keep their figures."""

    key = models.CharField(
        _("aturan"), max_length=40, choices=[(k, label) for k, (label, _u) in rules.RULES.items()]
    )
    value = models.PositiveBigIntegerField(_("nilai"))
    valid_from = models.DateField(_("berlaku mulai"))
    source = models.CharField(_("dasar hukum / sumber"), max_length=200, blank=True)
    note = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("aturan manfaat klaim")
        verbose_name_plural = _("aturan manfaat klaim")
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="benefit_rule_key_from"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.valid_from})"

    @property
    def unit(self) -> str:
        return rules.RULES.get(self.key, ("", ""))[1]


class Claim(models.Model):
    scope_field = "worker__village_id"

    class Type(models.TextChoices):
        JKM = rules.JKM, rules.CLAIM_TYPES[rules.JKM]
        JKK_MEDICAL = rules.JKK_MEDICAL, rules.CLAIM_TYPES[rules.JKK_MEDICAL]
        JKK_STMB = rules.JKK_STMB, rules.CLAIM_TYPES[rules.JKK_STMB]
        JKK_DISABILITY = rules.JKK_DISABILITY, rules.CLAIM_TYPES[rules.JKK_DISABILITY]
        JKK_DEATH = rules.JKK_DEATH, rules.CLAIM_TYPES[rules.JKK_DEATH]
        SCHOLARSHIP = rules.SCHOLARSHIP, rules.CLAIM_TYPES[rules.SCHOLARSHIP]

    class Status(models.TextChoices):
        REPORTED = "dilaporkan", _("Dilaporkan")
        DOCUMENTS_COMPLETE = "dokumen_lengkap", _("Dokumen lengkap")
        SUBMITTED = "diajukan", _("Diajukan ke BPJS")
        PAID = "dibayar", _("Dibayar")
        REJECTED = "ditolak", _("Ditolak")

    OPEN = (Status.REPORTED, Status.DOCUMENTS_COMPLETE, Status.SUBMITTED)

    class Relationship(models.TextChoices):
        SELF = "peserta", _("Peserta sendiri")
        SPOUSE = "pasangan", _("Suami/istri")
        CHILD = "anak", _("Anak")
        PARENT = "orang_tua", _("Orang tua")
        SIBLING = "saudara", _("Saudara kandung")
        GRANDCHILD = "cucu", _("Cucu")
        GUARDIAN = "wali", _("Wali / pihak yang ditunjuk")

    class Cause(models.TextChoices):
        NONE = "", _("—")
        JKM = rules.JKM, rules.SCHOLARSHIP_CAUSES[rules.JKM]
        JKK_DEATH = rules.JKK_DEATH, rules.SCHOLARSHIP_CAUSES[rules.JKK_DEATH]
        JKK_DISABILITY = rules.JKK_DISABILITY, rules.SCHOLARSHIP_CAUSES[rules.JKK_DISABILITY]

    worker = models.ForeignKey(
        "registry.Worker",
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("pekerja"),
    )
    # The enrolment that held the event month (none: the worker was not covered then) and
    # its programme, for the programme's value for the budget.
    enrolment = models.ForeignKey(
        "programs.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("kepesertaan"),
    )
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("program"),
    )
    claim_type = models.CharField(_("jenis klaim"), max_length=16, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    event_date = models.DateField(_("tanggal peristiwa"))
    reported_date = models.DateField(_("tanggal dilaporkan"))
    description = models.TextField(_("kejadian"), blank=True)
    declared_income = models.PositiveBigIntegerField(_("penghasilan yang dilaporkan (Rp)"))
    cause = models.CharField(
        _("sebab (beasiswa)"), max_length=16, choices=Cause.choices, blank=True
    )
    school_year = models.CharField(_("tahun ajaran"), max_length=9, blank=True)
    stmb_months = models.PositiveSmallIntegerField(_("lama tidak mampu bekerja (bulan)"), default=0)
    medical_cost = models.PositiveBigIntegerField(_("biaya perawatan (Rp)"), default=0)
    prior_contribution_months = models.PositiveSmallIntegerField(
        _("masa iur sebelumnya (bulan)"),
        default=0,
        help_text=_(
            "Bulan iuran di kepesertaan lain sebelum program ini (dari kartu/riwayat "
            "BPJS), untuk syarat 3 tahun beasiswa."
        ),
    )

    claimant_name = models.CharField(_("nama penerima / ahli waris"), max_length=150)
    claimant_relationship = models.CharField(
        _("hubungan dengan peserta"), max_length=12, choices=Relationship.choices
    )
    claimant_nik = models.CharField(_("NIK penerima"), max_length=16)
    bank_name = models.CharField(_("bank"), max_length=60)
    bank_account = models.CharField(_("nomor rekening"), max_length=30)

    # The rules' outcome as last checked (at reporting, then at each step before submission).
    eligible = models.BooleanField(_("memenuhi syarat"), default=False)
    eligibility_code = models.CharField(_("kode kelayakan"), max_length=30)
    explanation = models.TextField(_("penjelasan"))
    breakdown = models.JSONField(_("rincian"), default=list)
    calculated_amount = models.PositiveBigIntegerField(_("manfaat dihitung (Rp)"), default=0)
    checked_at = models.DateTimeField(_("diperiksa pada"))

    bpjs_reference = models.CharField(_("nomor klaim BPJS"), max_length=40, blank=True)
    paid_amount = models.PositiveBigIntegerField(_("dibayar BPJS (Rp)"), null=True, blank=True)
    paid_date = models.DateField(_("tanggal dibayar"), null=True, blank=True)
    reject_reason = models.CharField(_("alasan penolakan"), max_length=250, blank=True)

    reported_at = models.DateTimeField(_("dilaporkan pada"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        ordering = ["-reported_date", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            models.Index(fields=["event_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reported_date__gte=models.F("event_date")),
                name="claim_reported_after_event",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dibayar")
                | models.Q(paid_amount__isnull=False, paid_date__isnull=False),
                name="claim_paid_has_amount_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.claim_type} ({self.status})"

    @property
    def number(self) -> str:
        return f"KLM-{self.pk:06d}" if self.pk else "KLM-baru"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def badge(self) -> str:
        """The status badge's colour, borrowed from the enrolment statuses it resembles."""
        return {
            self.Status.REPORTED: "diusulkan",
            self.Status.DOCUMENTS_COMPLETE: "diverifikasi",
            self.Status.SUBMITTED: "terdaftar",
            self.Status.PAID: "aktif",
            self.Status.REJECTED: "ditolak",
        }[self.status]

    @property
    def difference(self) -> int | None:
        """Paid minus calculated (negative: BPJS paid less than the rules give)."""
        if self.paid_amount is None:
            return None
        return self.paid_amount - self.calculated_amount

    @property
    def difference_abs(self) -> int:
        return abs(self.difference or 0)


class ClaimChild(models.Model):
    """A child named in a scholarship claim (one school year)."""

    scope_field = "claim__worker__village_id"

    class Level(models.TextChoices):
        TK = "TK", rules.LEVELS["TK"]
        SD = "SD", rules.LEVELS["SD"]
        SMP = "SMP", rules.LEVELS["SMP"]
        SMA = "SMA", rules.LEVELS["SMA"]
        PT = "PT", rules.LEVELS["PT"]

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("nama anak"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"))
    level = models.CharField(_("jenjang"), max_length=3, choices=Level.choices)

    class Meta:
        verbose_name = _("anak penerima beasiswa")
        verbose_name_plural = _("anak penerima beasiswa")
        ordering = ["birth_date", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.level})"


def document_path(instance: ClaimDocument, filename: str) -> str:
    """Under MEDIA_ROOT/claims/<claim>/, a random name: never the uploader's file name, never
    inside the static tree, never served by the web server directly."""
    return f"claims/{instance.claim_id}/{instance.stored_name}"


class ClaimDocument(models.Model):
    """One uploaded file of a claim's checklist. A newer upload of the same item supersedes the
    older one, which stays for the record."""

    scope_field = "claim__worker__village_id"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("dokumen"), max_length=30, choices=list(rules.DOCUMENTS.items()))
    file = models.FileField(_("berkas"), upload_to=document_path, max_length=200)
    stored_name = models.CharField(max_length=60)
    original_name = models.CharField(_("nama berkas asal"), max_length=150)
    content_type = models.CharField(_("jenis isi"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("diunggah pada"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("dokumen klaim")
        verbose_name_plural = _("dokumen klaim")
        ordering = ["claim", "kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.kind} {self.original_name}"

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """A funded programme: who pays (sponsoring region), for which period, for whom."""

    scope_field = "region_id"

    code = models.SlugField(
        _("kode"), max_length=30, unique=True, help_text=_("Mis. PASER-2026"), allow_unicode=False
    )
    name = models.CharField(_("nama program"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("wilayah penyelenggara"),
        help_text=_("Provinsi atau kabupaten/kota yang membiayai."),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    period_start = models.DateField(_("mulai"))
    period_end = models.DateField(_("selesai"))
    age_min = models.PositiveSmallIntegerField(_("usia minimum"))
    age_max = models.PositiveSmallIntegerField(_("usia maksimum"))
    occupations = models.ManyToManyField(
        "registry.Occupation",
        related_name="programmes",
        verbose_name=_("pekerjaan yang memenuhi syarat"),
    )
    quota = models.PositiveIntegerField(_("kuota peserta"))
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["-fiscal_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="programme_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(age_max__gte=models.F("age_min")), name="programme_age_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class BudgetLine(models.Model):
    scope_field = "programme__region_id"

    class Kind(models.TextChoices):
        APBD_MURNI = "apbd_murni", _("APBD murni")
        APBD_PERUBAHAN = "apbd_perubahan", _("APBD perubahan")
        PROVINCIAL = "provinsi", _("Bantuan keuangan provinsi")
        OTHER = "lainnya", _("Lainnya (CSR, dll.)")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("program")
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    date = models.DateField(_("tanggal"))
    document_ref = models.CharField(
        _("nomor dokumen"), max_length=120, help_text=_("Mis. nomor Perda APBD / DPA")
    )
    note = models.CharField(_("catatan"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("mata anggaran")
        verbose_name_plural = _("mata anggaran")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Enrolment(models.Model):
    """A worker's place in a programme, from proposal to its end."""

    scope_field = "worker__village_id"

    class Status(models.TextChoices):
        # A proposal made while the quota was full: it holds no quota place and no month
        # until the Dinas offers it a freed or added place, in the order proposals came.
        WAITING = "menunggu", _("Daftar tunggu")
        PROPOSED = "diusulkan", _("Diusulkan")
        VERIFIED = "diverifikasi", _("Diverifikasi")
        REGISTERED = "terdaftar", _("Terdaftar di BPJS")
        ACTIVE = "aktif", _("Aktif")
        ENDED = "berakhir", _("Berakhir")
        REJECTED = "ditolak", _("Ditolak")

    OPEN = (Status.PROPOSED, Status.VERIFIED, Status.REGISTERED, Status.ACTIVE)
    # Verified against the worker's data already: a correction of that data is checked again.
    REVERIFY = (Status.VERIFIED, Status.REGISTERED, Status.ACTIVE)

    class EndReason(models.TextChoices):
        DECEASED = "meninggal", _("Meninggal dunia")
        MOVED = "pindah", _("Pindah domisili")
        BUDGET_ENDED = "anggaran_habis", _("Anggaran berakhir")
        LAPSED = "menunggak", _("Iuran menunggak lebih dari 3 bulan")
        WAGE_EARNER = "penerima_upah", _("Menjadi pekerja penerima upah")
        # A corrected NIK or birth date shows the worker never qualified (e.g. too old):
        # the Dinas ends the enrolment after re-verifying it (`enrolment_reverify`).
        NOT_ELIGIBLE = "tidak_memenuhi", _("Tidak lagi memenuhi syarat")

    worker = models.ForeignKey(
        "registry.Worker",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("pekerja"),
    )
    # (programme, status) below serves every programme lookup: no separate programme index.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="enrolments",
        verbose_name=_("program"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    period_start = models.DateField(_("mulai"))
    period_end = models.DateField(_("selesai"))
    kpj_number = models.CharField(_("nomor KPJ"), max_length=20, blank=True, db_index=True)
    registration_date = models.DateField(_("tanggal terdaftar di BPJS"), null=True, blank=True)
    end_date = models.DateField(_("tanggal berakhir"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berakhir"), max_length=16, blank=True, choices=EndReason.choices
    )
    reject_reason = models.CharField(_("alasan penolakan"), max_length=250, blank=True)
    # Set when the worker's NIK or birth date is corrected after verification: the Dinas
    # checks the enrolment again against the corrected data (`services.enrolment_reverify`).
    # The status is left as it is: cover and billing go on while the Dinas and BPJS check.
    # A database default too: the set-based proposal inserts name their columns.
    reverify_reason = models.TextField(
        _("alasan verifikasi ulang"), blank=True, default="", db_default=""
    )
    reverify_since = models.DateTimeField(_("perlu verifikasi ulang sejak"), null=True, blank=True)

    proposed_at = models.DateTimeField(_("diusulkan pada"))
    # Who-columns are read with their row, never searched: no indexes to feed on bulk writes.
    # `proposed_by` is written for every row of an import: no database foreign key either
    # (its deferred check cost a second per 100,000 proposals at COMMIT); Django's collector
    # still applies SET_NULL when a user is deleted.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    closed_at = models.DateTimeField(_("diakhiri/ditolak pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("kepesertaan")
        verbose_name_plural = _("kepesertaan")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["programme", "status"]),
            # The few enrolments waiting for re-verification, without scanning a programme.
            models.Index(
                fields=["programme"],
                condition=models.Q(reverify_since__isnull=False),
                name="enrolment_reverify",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.programme_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def needs_reverify(self) -> bool:
        """Flagged by a correction and still running (an ended one has nothing to check)."""
        return self.reverify_since is not None and self.status in self.REVERIFY


class EnrolmentMonth(models.Model):
    """One row per worker and month held by an open enrolment.

    The primary key (worker, month) is the database's guard against double funding: whatever
    the programme (kabupaten, province, another regency), no two open enrolments can hold the
    same worker in the same month, even when two requests race."""

    # Derived rows written only by the enrolment services, in bulk (an import of 100,000
    # workers into a 12-month programme writes 1.2 million). Hence no surrogate id (its
    # sequence and index halved the insert speed on PostgreSQL) and no database foreign keys
    # (their deferred per-row checks doubled the commit); the primary key is the guard that
    # matters, and the enrolment index serves releasing an enrolment's months.
    pk = models.CompositePrimaryKey("worker", "month")
    worker = models.ForeignKey(
        "registry.Worker",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    month = models.DateField()
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="months", db_constraint=False
    )

    def __str__(self) -> str:
        return f"{self.worker_id} {self.month:%Y-%m} ({self.enrolment_id})"

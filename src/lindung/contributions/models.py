"""Rates, monthly bills, payments (DOMAIN.md §6).

Rates are dated data: a benefit package is made of components (JKK, JKM, JHT), each with rows
valid from a date. A bill stores the amount of every line, so a later rate change never rewrites
a past bill. A bill that has been paid in full is locked (`paid_at`); it is corrected only by
adjustments.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core import clock


class Component(models.TextChoices):
    JKK = "jkk", _("JKK (jaminan kecelakaan kerja)")
    JKM = "jkm", _("JKM (jaminan kematian)")
    JHT = "jht", _("JHT (jaminan hari tua)")


class BenefitPackage(models.Model):
    """The programmes a Pemda pays for: usually JKK + JKM, sometimes with JHT."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama paket"), max_length=120)
    is_default = models.BooleanField(
        _("paket bawaan"),
        default=False,
        help_text=_("Dipakai program yang belum memilih paket."),
    )
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("paket manfaat")
        verbose_name_plural = _("paket manfaat")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RateComponent(models.Model):
    """One component of a package from `valid_from` on: amount = percent × declared income +
    flat amount, kept between `amount_min` and `amount_max`. The row valid for a month is the
    one with the latest `valid_from` not after the month's first day."""

    package = models.ForeignKey(
        BenefitPackage, on_delete=models.CASCADE, related_name="rates", verbose_name=_("paket")
    )
    component = models.CharField(_("komponen"), max_length=3, choices=Component.choices)
    valid_from = models.DateField(_("berlaku mulai"))
    percent = models.DecimalField(
        _("persen penghasilan"), max_digits=5, decimal_places=2, default=0
    )
    flat_amount = models.PositiveIntegerField(_("nominal tetap (Rp)"), default=0)
    amount_min = models.PositiveIntegerField(_("iuran minimum (Rp)"), null=True, blank=True)
    amount_max = models.PositiveIntegerField(_("iuran maksimum (Rp)"), null=True, blank=True)
    source = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tarif iuran")
        verbose_name_plural = _("tarif iuran")
        ordering = ["package", "component", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "component", "valid_from"], name="rate_component_valid_from"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_max__gte=models.F("amount_min")),
                name="rate_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package.code} {self.component} {self.valid_from}"


class ProgrammePackage(models.Model):
    """Which package a programme pays; a programme without a row pays the default package."""

    programme = models.OneToOneField(
        "programs.Programme",
        on_delete=models.CASCADE,
        related_name="benefit_package",
        verbose_name=_("program"),
    )
    package = models.ForeignKey(
        BenefitPackage, on_delete=models.PROTECT, related_name="+", verbose_name=_("paket")
    )

    class Meta:
        verbose_name = _("paket program")
        verbose_name_plural = _("paket program")

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.package_id}"


class Funder(models.TextChoices):
    KABUPATEN = "apbd_kabupaten", _("APBD kabupaten/kota")
    PROVINSI = "apbd_provinsi", _("APBD provinsi")


class Bill(models.Model):
    """The monthly bill (tagihan) of one programme and funder: one line per enrolment active in
    the month, due on the 15th."""

    scope_field = "programme__region_id"

    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("program"),
    )
    month = models.DateField(_("bulan iuran"))
    funder = models.CharField(_("penyandang dana"), max_length=16, choices=Funder.choices)
    funder_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah penyandang dana"),
    )
    package = models.ForeignKey(
        BenefitPackage, on_delete=models.PROTECT, related_name="+", verbose_name=_("paket")
    )
    due_date = models.DateField(_("jatuh tempo"))
    line_count = models.PositiveIntegerField(_("jumlah peserta"), default=0)
    jkk_total = models.BigIntegerField(_("JKK"), default=0)
    jkm_total = models.BigIntegerField(_("JKM"), default=0)
    jht_total = models.BigIntegerField(_("JHT"), default=0)
    lines_total = models.BigIntegerField(_("iuran peserta"), default=0)
    adjustments_total = models.BigIntegerField(_("penyesuaian"), default=0)
    total = models.BigIntegerField(_("total tagihan"), default=0)
    paid_amount = models.BigIntegerField(_("dibayar"), default=0)
    paid_at = models.DateField(
        _("lunas pada"),
        null=True,
        blank=True,
        help_text=_("Tagihan yang sudah lunas terkunci; koreksi hanya lewat penyesuaian."),
    )
    generated_at = models.DateTimeField(_("dibuat pada"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tagihan iuran")
        verbose_name_plural = _("tagihan iuran")
        ordering = ["-month", "programme"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "month", "funder"], name="one_bill_per_programme_month_funder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.paid_at is not None

    @property
    def outstanding(self) -> int:
        """Positive: still to pay; negative: paid more than billed."""
        return self.total - self.paid_amount

    @property
    def overpaid(self) -> int:
        return max(self.paid_amount - self.total, 0)

    @property
    def is_settled(self) -> bool:
        return self.total > 0 and self.paid_amount >= self.total

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """Still owed after the due date (on `on`, by default today: templates call it so)."""
        return self.outstanding > 0 and (on or clock.today()) > self.due_date


class BillLine(models.Model):
    """One enrolment's contribution for the bill's month, with the amounts of that month's rate.

    Written set-based by `services.bill_generate` (INSERT … SELECT); never one row at a time.
    The bill FK index is the unique (bill, enrolment) index."""

    # No foreign-key constraints in the database on this, the largest table: its rows are
    # only written by `services._sync_lines`, one INSERT … SELECT over the enrolments into a
    # bill created in the same transaction; bills are deleted only with their lines (CASCADE in
    # the ORM) and enrolments never. On PostgreSQL the per-row checks (deferred to commit, each
    # locking the referenced row FOR KEY SHARE) cost as much as the insert itself at 1,000,000
    # lines. The unique (bill, enrolment) constraint stays and is the bill's index; lookups by
    # enrolment go through the programme's bills and that index.
    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    enrolment = models.ForeignKey(
        "programs.Enrolment",
        on_delete=models.PROTECT,
        related_name="bill_lines",
        db_constraint=False,
        db_index=False,
    )
    declared_income = models.BigIntegerField(_("penghasilan dilaporkan"))
    jkk = models.IntegerField(_("JKK"))
    jkm = models.IntegerField(_("JKM"))
    jht = models.IntegerField(_("JHT"))
    amount = models.IntegerField(_("jumlah"))
    # What the coverage status of the month needs, kept on the line so that the status of a
    # programme-month is one ordered scan of an index, not a join per enrolment:
    cover_start = models.DateField(
        _("mulai terlindungi"), help_text=_("Tanggal terdaftar di BPJS atau awal kepesertaan.")
    )
    prev_paid = models.DateField(
        _("bulan terakhir yang lunas sebelumnya"),
        null=True,
        blank=True,
        help_text=_("Diperbarui saat tagihan bulan sebelumnya dilunasi."),
    )

    class Meta:
        verbose_name = _("baris tagihan")
        verbose_name_plural = _("baris tagihan")
        constraints = [
            models.UniqueConstraint(fields=["bill", "enrolment"], name="one_line_per_enrolment"),
        ]
        indexes = [
            models.Index(fields=["bill", "prev_paid", "cover_start"], name="billline_coverage")
        ]

    def __str__(self) -> str:
        return f"{self.bill_id}/{self.enrolment_id}: {self.amount}"


class BillAdjustment(models.Model):
    """A correction to a locked bill: a worker missed, an amount billed wrongly. The amount may
    be negative (a credit). `paid_at` is set once the bill is paid in full again."""

    bill = models.ForeignKey(
        Bill, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("tagihan")
    )
    enrolment = models.ForeignKey(
        "programs.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bill_adjustments",
        verbose_name=_("kepesertaan"),
    )
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    reason = models.CharField(_("alasan"), max_length=250)
    paid_at = models.DateField(_("lunas pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat pada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("penyesuaian tagihan")
        verbose_name_plural = _("penyesuaian tagihan")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.amount} ({self.reason})"


class Payment(models.Model):
    """A transfer from the Pemda to BPJS Ketenagakerjaan, identified by its SP2D number, for
    1, 3, 6 or 12 months from `first_month`."""

    scope_field = "programme__region_id"

    class MonthsCovered(models.IntegerChoices):
        ONE = 1, _("1 bulan")
        THREE = 3, _("3 bulan")
        SIX = 6, _("6 bulan")
        TWELVE = 12, _("12 bulan")

    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("program"),
    )
    paid_on = models.DateField(_("tanggal bayar"))
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    reference = models.CharField(_("nomor SP2D"), max_length=80)
    first_month = models.DateField(_("bulan pertama"))
    months_covered = models.PositiveSmallIntegerField(
        _("untuk berapa bulan"), choices=MonthsCovered.choices, default=1
    )
    allocated = models.BigIntegerField(_("dialokasikan"), default=0)
    note = models.CharField(_("catatan"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pembayaran iuran")
        verbose_name_plural = _("pembayaran iuran")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "reference"], name="one_payment_per_sp2d"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"

    @property
    def unallocated(self) -> int:
        """Over-payment: the part no bill of the covered months needed."""
        return self.amount - self.allocated


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.BigIntegerField(_("jumlah (Rp)"))

    class Meta:
        verbose_name = _("alokasi pembayaran")
        verbose_name_plural = _("alokasi pembayaran")
        ordering = ["bill__month", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} -> {self.bill_id}: {self.amount}"

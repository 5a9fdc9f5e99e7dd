"""Inputs of monitoring (DOMAIN.md §8): how many vulnerable workers each village has (the
denominator of coverage) and what each region aims for in a year (targets). Indicators
themselves are computed live from the registry and enrolments (`monitoring.indicators`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Denominator(models.Model):
    """Estimated vulnerable workers of one village in one year, optionally of one occupation.

    A village's denominator is its row without occupation when it has one, else the sum of its
    occupation rows (`monitoring.rules.village_denominator`): a Dinas may enter a total from
    BPS and later refine some occupations from a village survey without counting twice."""

    scope_field = "village_id"

    class Source(models.TextChoices):
        BPS = "bps", _("BPS")
        DTKS = "dtks", _("DTKS/Regsosek")
        SURVEY = "survei_desa", _("Survei desa")

    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desa/kelurahan"),
        db_index=False,
    )
    occupation = models.ForeignKey(
        "registry.Occupation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pekerjaan"),
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    estimated_workers = models.PositiveIntegerField(_("perkiraan pekerja rentan"))
    source = models.CharField(_("sumber"), max_length=12, choices=Source.choices)
    notes = models.CharField(_("catatan"), max_length=250, blank=True)
    updated_at = models.DateTimeField(_("diubah"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("penyebut cakupan")
        verbose_name_plural = _("penyebut cakupan")
        ordering = ["village", "year", "occupation"]
        indexes = [models.Index(fields=["year", "village"], name="denominator_year_village")]
        constraints = [
            # NULL occupations are distinct in a plain unique constraint on both databases:
            # one partial constraint for the village total, one for occupation rows.
            models.UniqueConstraint(
                fields=["village", "year"],
                condition=models.Q(occupation__isnull=True),
                name="denominator_one_total",
            ),
            models.UniqueConstraint(
                fields=["village", "occupation", "year"],
                condition=models.Q(occupation__isnull=False),
                name="denominator_one_per_occupation",
            ),
        ]

    def __str__(self) -> str:
        occupation = self.occupation_id or "*"
        return f"{self.village_id} {self.year} {occupation}: {self.estimated_workers}"


class Target(models.Model):
    """What a region (province, regency, kecamatan or village) aims for in a year."""

    scope_field = "region_id"

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    participants = models.PositiveIntegerField(_("target peserta aktif"), null=True, blank=True)
    coverage_pct = models.DecimalField(
        _("target cakupan (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    villages_implementing = models.PositiveIntegerField(
        _("target desa/kelurahan melaksanakan"), null=True, blank=True
    )
    notes = models.CharField(_("catatan"), max_length=250, blank=True)
    updated_at = models.DateTimeField(_("diubah"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        ordering = ["-year", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="target_one_per_region_year"),
            models.CheckConstraint(
                condition=models.Q(coverage_pct__isnull=True)
                | models.Q(coverage_pct__gte=0, coverage_pct__lte=100),
                name="target_coverage_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


# --- maintained aggregates (monitoring.aggregates) -------------------------------------------


class VillageMonth(models.Model):
    """The indicators of one village at the end of one month (the current month: as of the
    state's `as_of` day), kept equal to `monitoring.indicators` by `monitoring.aggregates`.
    Derived data: no foreign keys (a village code, as in the audit trail), rebuilt at will."""

    pk = models.CompositePrimaryKey("village", "month")
    village = models.CharField(max_length=13)
    month = models.DateField()
    registered = models.PositiveIntegerField(default=0)
    active = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)
    # Waiting now (read from the current month's row only).
    proposed = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "village"], name="villagemonth_month")]

    def __str__(self) -> str:
        return f"{self.village} {self.month:%Y-%m}"


class VillageActive(models.Model):
    """Active covered participants of one village at one month's end by programme,
    occupation and sex (the breakdowns of the dashboard)."""

    village = models.CharField(max_length=13)
    month = models.DateField()
    programme_id = models.IntegerField()
    occupation_id = models.IntegerField(null=True)
    sex = models.CharField(max_length=1)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "village"], name="villageactive_month")]

    def __str__(self) -> str:
        return f"{self.village} {self.month:%Y-%m} {self.programme_id}: {self.n}"


class AggregateState(models.Model):
    """One row: how far the aggregates are. `watermark` is the last audit event applied,
    `holes` the ids below it not seen yet (transactions still open when it was read),
    `as_of` the day the current month's rows describe, `first_month` the first month held."""

    watermark = models.BigIntegerField(default=0)
    holes = models.JSONField(default=dict, blank=True)
    as_of = models.DateField(null=True)
    first_month = models.DateField(null=True)
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"aggregates at event {self.watermark}, {self.as_of}"


class Boundary(models.Model):
    """A region's outline for the map (GeoJSON geometry, as imported by
    `lindung import-boundaries`)."""

    scope_field = "region_id"

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    geometry = models.JSONField()
    imported_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.region_id)

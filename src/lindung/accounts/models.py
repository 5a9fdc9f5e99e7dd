from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles of DOMAIN.md §2. What each may do is in `accounts.permissions`."""

    OPERATOR_DESA = "operator_desa", _("Operator desa/kelurahan")
    ADMIN_KABUPATEN = "admin_kabupaten", _("Admin kabupaten/kota (Disnaker)")
    ADMIN_PROVINSI = "admin_provinsi", _("Admin provinsi")
    PETUGAS_BPJS = "petugas_bpjs", _("Petugas BPJS Ketenagakerjaan")
    PIMPINAN = "pimpinan", _("Pimpinan (Bupati, Sekda, Gubernur)")
    AUDITOR = "auditor", _("Auditor (Inspektorat)")


class User(AbstractUser):
    """A user scoped to a region: `region`, plus `extra_regions` for a BPJS branch that serves
    several regencies. A superuser without a region has the national scope."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("wilayah"),
    )
    extra_regions = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        verbose_name=_("wilayah tambahan"),
        help_text=_("Untuk kantor cabang BPJS yang melayani beberapa kabupaten/kota."),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="") | models.Q(region__isnull=False),
                name="user_role_needs_region",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        """The role as users read it; a superuser without a role is the system administrator."""
        return str(self.get_role_display()) if self.role else str(_("Administrator sistem"))

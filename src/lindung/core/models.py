from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Parameter(models.Model):
    """A dated rule value an administrator can correct without a release.

    Example: `kpj_digits` = 11 from 2015-07-01. The value valid on a date is the one with the
    latest `valid_from` not after that date (see `core.selectors.parameter_value`).
    """

    key = models.SlugField(_("kunci"), max_length=60)
    value = models.CharField(_("nilai"), max_length=200)
    valid_from = models.DateField(_("berlaku mulai"))
    description = models.TextField(_("keterangan"), blank=True)
    source = models.CharField(_("dasar hukum / sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("parameter aturan")
        verbose_name_plural = _("parameter aturan")
        constraints = [
            models.UniqueConstraint(fields=["key", "valid_from"], name="parameter_key_valid_from")
        ]
        ordering = ["key", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.valid_from})"

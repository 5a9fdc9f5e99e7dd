from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri region: province (PP), regency/city (PP.KK), district (PP.KK.CC) or
    village (PP.KK.CC.DDDD). The dotted code is the primary key and is fixed-width per level,
    so a code prefix names exactly a region and everything inside it."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")
        KECAMATAN = "kecamatan", _("Kecamatan")
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode wilayah"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    edition = models.CharField(_("edisi Kepmendagri"), max_length=120)

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def label(self) -> str:
        """'Desa Long Ikis' / 'Kabupaten Paser' (regency names already carry their kind)."""
        if self.level in (self.Level.VILLAGE, self.Level.DISTRICT):
            # The member's label directly: `get_kind_display()` builds a dict of every lazy
            # choice per call, half the time of a page listing 1,038 villages.
            kind = self.Kind(self.kind).label if self.kind in self.Kind.values else self.kind
            return f"{kind} {self.name}"
        return self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return ancestor_codes(self.code)


def ancestor_codes(code: str) -> list[str]:
    """'64.01.04.2002' -> ['64', '64.01', '64.01.04', '64.01.04.2002']."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def level_of(code: str) -> int:
    return code.count(".") + 1

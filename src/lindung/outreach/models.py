"""Outreach (sosialisasi) events: what moves a village from *belum dijangkau* to *sudah
sosialisasi* (DOMAIN.md §8, village rollout)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutreachEvent(models.Model):
    """One meeting held in a village or a kecamatan."""

    scope_field = "region_id"

    class Kind(models.TextChoices):
        SOSIALISASI = "sosialisasi", _("Sosialisasi")
        MASS_REGISTRATION = "pendaftaran_massal", _("Pendaftaran massal")
        MONEV = "rapat_monev", _("Rapat monev")
        OTHER = "lainnya", _("Lainnya")

    class Organiser(models.TextChoices):
        DISNAKER = "disnaker", _("Disnaker")
        BPJS = "bpjs", _("BPJS Ketenagakerjaan")
        VILLAGE = "desa", _("Pemerintah desa")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desa/kelurahan atau kecamatan"),
        db_index=False,
    )
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices)
    organiser = models.CharField(_("penyelenggara"), max_length=10, choices=Organiser.choices)
    attendees_male = models.PositiveIntegerField(_("peserta laki-laki"), default=0)
    attendees_female = models.PositiveIntegerField(_("peserta perempuan"), default=0)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dicatat pada"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(_("diubah"))

    class Meta:
        verbose_name = _("kegiatan sosialisasi")
        verbose_name_plural = _("kegiatan sosialisasi")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["region", "date"], name="outreach_region_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.region_id} {self.date}"

    @property
    def attendees(self) -> int:
        return self.attendees_male + self.attendees_female


def attachment_path(instance: OutreachAttachment, filename: str) -> str:
    """A random name under the month: the uploader's file name is kept in `filename` only."""
    import uuid

    from lindung.core import clock

    return f"sosialisasi/{clock.today():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class OutreachAttachment(models.Model):
    """An attendance list, photo or minutes of an event: PDF, JPEG or PNG, checked by content
    (`claims.documents`: the first bytes decide, not the name) and size before it is stored."""

    scope_field = "event__region_id"

    event = models.ForeignKey(
        OutreachEvent,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("kegiatan"),
    )
    file = models.FileField(_("berkas"), upload_to=attachment_path)
    filename = models.CharField(_("nama berkas"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(_("diunggah"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("lampiran kegiatan")
        verbose_name_plural = _("lampiran kegiatan")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename

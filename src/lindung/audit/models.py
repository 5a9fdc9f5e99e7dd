from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which record, when, and what changed. Written by services only, and
    never changed afterwards: the database refuses UPDATE and DELETE on this table (migration
    0005_append_only)."""

    scope_field = "region_code"

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    # Written in bulk (two events per imported worker): no database foreign key, whose
    # deferred per-row check cost seconds at COMMIT. PROTECT: Django refuses to delete a user
    # who acted (users are deactivated, not deleted), so history keeps its actors; SET_NULL
    # would rewrite it, and the append-only trigger would refuse that UPDATE anyway.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(_("tindakan"), max_length=40)
    object_type = models.CharField(_("jenis data"), max_length=40)
    object_id = models.CharField(_("ID data"), max_length=40)
    region_code = models.CharField(_("kode wilayah"), max_length=13)
    summary = models.CharField(_("ringkasan"), max_length=250, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # One index for the scope filter (code prefix) and equality, not Django's pair.
            models.Index(
                fields=["region_code"],
                name="audit_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

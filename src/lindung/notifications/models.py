"""A personal inbox: what happened that a user should act on (a proposal rejected in their
village, proposals waiting for their Dinas, a bill due, workers about to lapse).

Notifications are written by `services` from the audit trail and from the bills, never by the
services that change the records: the audit trail already says who did what, and reading it
after a watermark keeps the busy enrolment paths free of one more write per row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user. Its words are not stored but built from `kind` and `params`
    when read (`messages.py`), so they follow the reader's language; `key` makes every
    notification idempotent: the same event never notifies the same user twice."""

    class Kind(models.TextChoices):
        PROPOSAL_REJECTED = "usulan_ditolak", _("Usulan ditolak")
        PROPOSALS_WAITING = "usulan_baru", _("Usulan baru menunggu verifikasi")
        BILL_DUE = "tagihan_jatuh_tempo", _("Tagihan akan jatuh tempo")
        BILL_OVERDUE = "tagihan_lewat", _("Tagihan lewat jatuh tempo")
        LAPSE_WARNING = "peringatan_putus", _("Peringatan putus kepesertaan")
        REVERIFY = "verifikasi_ulang", _("Peserta perlu verifikasi ulang")
        DEATH_CLAIM = "klaim_kematian", _("Peserta meninggal: laporkan klaim JKM")

    # Personal, not regional: read through `selectors.notifications_for(user=...)` only.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("pengguna"),
    )
    kind = models.CharField(_("jenis"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("kunci"), max_length=80)
    params = models.JSONField(_("isi"), default=dict, blank=True)
    link = models.CharField(_("tautan"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("waktu"))
    read_at = models.DateTimeField(_("dibaca pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key"),
        ]
        indexes = [
            # The header's unread count and the inbox, newest first.
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def title(self) -> str:
        from lindung.notifications.messages import title

        return title(self)

    @property
    def body(self) -> str:
        from lindung.notifications.messages import body

        return body(self)


class Cursor(models.Model):
    """Where the notifier stands: `audit` holds the last audit event read, `due` the last day
    the bills and lapses were checked. One row each, locked while a run works."""

    name = models.CharField(max_length=20, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    last_day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("posisi notifikasi")
        verbose_name_plural = _("posisi notifikasi")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id} {self.last_day}"

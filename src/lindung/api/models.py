from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, at: dt.datetime) -> ApiTokenQuerySet:
        """Tokens that authenticate at `at`: not revoked and not yet expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at)


class ApiToken(models.Model):
    """A bearer token of one user; it acts with that user's role and region scope, for GET
    requests only when `read_only`. Only a SHA-256 digest is stored (api.security); the token
    itself is shown once, when created. It stops working at `expires_at` or when revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("pengguna"),
    )
    name = models.CharField(_("nama"), max_length=100, help_text=_("Mis. sinkronisasi SIPP"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("awalan"), max_length=8, editable=False)
    read_only = models.BooleanField(
        _("hanya baca"),
        default=False,
        help_text=_("Token hanya boleh membaca data (permintaan GET), tidak mengubahnya."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def status(self, at: dt.datetime) -> str:
        """'dicabut', 'kedaluwarsa' or 'aktif' at `at`."""
        if self.revoked_at is not None:
            return "dicabut"
        return "kedaluwarsa" if self.expires_at <= at else "aktif"


class ApiRateWindow(models.Model):
    """How many requests one token sent in one minute (a fixed window starting at `window`),
    for the per-token rate limit (`api.security.rate_check`).

    In the database, not Django's cache: the default cache (LocMemCache) is per process, so
    with gunicorn's three workers a token would get three times its limit, and the database
    cache needs its own `createcachetable` step. A row per token and minute, counted with one
    UPDATE; a token's older windows are deleted when its next window starts, so the table
    holds about one row per token in use."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "window"], name="api_rate_one_row_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.window:%H:%M}: {self.count}"

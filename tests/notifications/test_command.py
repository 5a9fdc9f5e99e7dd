"""`lindung notify-due`: the daily notifications from cron or by hand, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lindung.contributions.services import bill_generate
from lindung.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_notify_due_creates_the_day_notifications_once(users, programme, active):
    bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    out = StringIO()
    call_command("notify_due", stdout=out)
    assert "1 tagihan" in out.getvalue()
    assert Notification.objects.filter(user=users.admin, kind="tagihan_lewat").count() == 1
    call_command("notify_due", stdout=StringIO())
    assert Notification.objects.filter(user=users.admin).count() == 1


def test_notify_due_for_another_date(users, programme, active):
    bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 11, 1))
    call_command("notify_due", "--date", "2026-11-10", stdout=StringIO())
    assert Notification.objects.get(user=users.admin).kind == "tagihan_jatuh_tempo"
    with pytest.raises(CommandError, match="Tanggal tidak sah"):
        call_command("notify_due", "--date", "10-11-2026")

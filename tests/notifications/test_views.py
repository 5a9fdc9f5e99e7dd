"""The inbox and the header's badge: each user sees only their own notifications; opening one
marks it read; the badge costs one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lindung.core import clock
from lindung.notifications import tasks
from lindung.notifications.models import Notification
from lindung.notifications.services import notifications_from_audit
from lindung.programs.services import enrolment_propose, enrolment_reject

pytestmark = pytest.mark.django_db

FEB = dt.date(2026, 2, 10)


@pytest.fixture
def rejected(users, programme, make_worker, later):
    """A proposal of the operator's village, rejected by the admin, notified."""
    worker = make_worker(by=users.operator, name="Siti Rahmah")
    e = enrolment_propose(programme=programme, worker=worker, by=users.operator, on=FEB)
    enrolment_reject(enrolment=e, by=users.admin, reason="Bekerja sebagai ASN")
    notifications_from_audit(now=later())
    return Notification.objects.get(user=users.operator)


def test_header_badge_counts_the_unread_and_links_the_inbox(client, users, rejected):
    client.force_login(users.operator)
    page = client.get(reverse("home")).content.decode()
    assert 'id="inbox-link"' in page
    assert 'title="belum dibaca">1</span>' in page
    client.force_login(users.operator_b)
    assert 'title="belum dibaca"' not in client.get(reverse("home")).content.decode()


def test_badge_is_one_query(rf, users, rejected):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = users.operator
    tasks.periodic.next_check = float("inf")  # the queue check is every ten minutes, not per page
    template = Template("{% load lindung_notifications %}{% unread_notifications as n %}{{ n }}")
    with CaptureQueriesContext(__import__("django.db").db.connection) as queries:
        assert template.render(Context({"request": request})) == "1"
    assert len(queries) == 1
    tasks.periodic.next_check = 0.0


def test_inbox_lists_the_user_own_notifications(client, users, rejected):
    client.force_login(users.operator)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Usulan Siti Rahmah ke PASER-2026 ditolak" in page
    assert "Alasan: Bekerja sebagai ASN" in page
    assert "20 November 2026" in page
    client.force_login(users.operator_b)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Siti Rahmah" not in page and "Belum ada notifikasi" in page


def test_opening_marks_read_and_follows_the_link(client, users, rejected):
    client.force_login(users.operator)
    response = client.get(reverse("notifications:open", args=[rejected.pk]))
    assert response.status_code == 302 and response.url == rejected.link
    rejected.refresh_from_db()
    assert rejected.read_at is not None
    assert client.get(response.url).status_code == 200  # the worker's page, in the village


def test_another_user_notification_is_404(client, users, rejected):
    client.force_login(users.admin)
    assert client.get(reverse("notifications:open", args=[rejected.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[rejected.pk])).status_code == 404
    rejected.refresh_from_db()
    assert rejected.read_at is None


def test_mark_read_and_mark_all_read(client, users, rejected):
    client.force_login(users.operator)
    assert client.get(reverse("notifications:mark_read", args=[rejected.pk])).status_code == 405
    client.post(reverse("notifications:mark_read", args=[rejected.pk]))
    rejected.refresh_from_db()
    assert rejected.read_at is not None
    Notification.objects.filter(pk=rejected.pk).update(read_at=None)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "1 notifikasi ditandai sudah dibaca." in response.content.decode()
    assert not Notification.objects.filter(user=users.operator, read_at__isnull=True).exists()
    page = client.get(reverse("notifications:inbox") + "?belum=1").content.decode()
    assert "Tidak ada notifikasi yang belum dibaca." in page


def test_a_link_elsewhere_is_never_followed(client, users, rejected):
    Notification.objects.filter(pk=rejected.pk).update(link="https://contoh.example/")
    client.force_login(users.operator)
    response = client.get(reverse("notifications:open", args=[rejected.pk]))
    assert response.url == reverse("notifications:inbox")


def test_inbox_in_english(client, users, rejected):
    client.force_login(users.operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Proposal of Siti Rahmah to PASER-2026 rejected" in page
    assert "Reason: Bekerja sebagai ASN" in page


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_pages_keep_one_refresh_queued(client, users):
    from django_tasks_db.models import DBTaskResult

    path = tasks.notifications_refresh_task.module_path
    tasks.periodic.next_check = 0.0
    client.force_login(users.admin)
    client.get(reverse("home"))
    client.get(reverse("home"))
    tasks.periodic.next_check = 0.0
    client.get(reverse("programs:list"))  # checked again: one is queued, none added
    queued = DBTaskResult.objects.filter(task_path=path)
    assert queued.count() == 1
    assert queued.get().run_after <= clock.now()


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_the_refresh_queues_its_next_run(users, programme, make_worker):
    from django_tasks_db.models import DBTaskResult

    enrolment_propose(programme=programme, worker=make_worker(), by=users.operator, on=FEB)
    result = tasks.notifications_refresh_task.call()
    assert result["due_checked"]
    nxt = DBTaskResult.objects.get(task_path=tasks.notifications_refresh_task.module_path)
    assert nxt.run_after > clock.now() + dt.timedelta(seconds=tasks.REFRESH_SECONDS - 10)


def test_no_queue_with_a_backend_that_runs_tasks_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert tasks.schedule() is False

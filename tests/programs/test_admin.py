"""Programme settings edited in the Django admin go through `programme_update`: its checks
refuse the change on the form, an accepted change is audited; sponsor and code stay fixed;
programmes are neither added nor deleted there."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.programs.models import BudgetLine, Programme
from lindung.programs.services import budget_line_add, enrolment_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(db, regions, django_user_model) -> Client:
    user = django_user_model.objects.create_superuser("root", "", "akar-rahasia-123")
    client = Client()
    client.force_login(user)
    return client


def settings_post(programme: Programme, **changes) -> dict:
    data = {
        "name": programme.name,
        "period_start": str(programme.period_start),
        "period_end": str(programme.period_end),
        "age_min": programme.age_min,
        "age_max": programme.age_max,
        "quota": programme.quota,
        "legal_basis": programme.legal_basis,
        "occupations": list(programme.occupations.values_list("pk", flat=True)),
        "region": "64",
        "code": "DIUBAH",
        "fiscal_year": "2030",
        # the read-only budget lines inline
        "budget_lines-TOTAL_FORMS": "0",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-MIN_NUM_FORMS": "0",
        "budget_lines-MAX_NUM_FORMS": "0",
    }
    return data | changes


def change_url(programme: Programme) -> str:
    return reverse("admin:programs_programme_change", args=[programme.pk])


def test_settings_change_is_saved_and_audited_and_the_sponsor_stays(root, programme):
    response = root.post(change_url(programme), settings_post(programme, quota="250", age_max="60"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme.refresh_from_db()
    assert (programme.quota, programme.age_max) == (250, 60)
    assert (programme.code, programme.region_id, programme.fiscal_year) == (
        "PASER-2026",
        "64.01",
        2026,
    )
    event = AuditEvent.objects.get(
        object_type="programme", object_id=str(programme.pk), action="update"
    )
    assert event.changes["quota"] == ["100", "250"] and event.actor.username == "root"


def test_quota_below_the_open_enrolments_is_refused_on_the_form(
    root, users, programme, make_worker
):
    for _ in range(2):
        enrolment_propose(
            programme=programme, worker=make_worker(), by=users.operator, on=dt.date(2026, 2, 10)
        )
    response = root.post(change_url(programme), settings_post(programme, quota="1"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "quota" in errors and "(2)" in errors["quota"][0]
    programme.refresh_from_db()
    assert programme.quota == 100
    assert not AuditEvent.objects.filter(object_type="programme", action="update").exists()


def test_period_that_cuts_held_months_is_refused_on_the_form(root, users, programme, make_worker):
    enrolment_propose(
        programme=programme, worker=make_worker(), by=users.operator, on=dt.date(2026, 2, 10)
    )
    response = root.post(change_url(programme), settings_post(programme, period_end="2026-06-30"))
    assert response.status_code == 200
    assert "period_start" in response.context["adminform"].form.errors
    programme.refresh_from_db()
    assert programme.period_end == dt.date(2026, 12, 31)


def test_budget_lines_are_shown_but_not_edited_and_programmes_not_added_or_deleted(
    root, users, programme
):
    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=1_000_000,
        date=dt.date(2026, 1, 2),
        document_ref="DPA-1",
    )
    page = root.get(change_url(programme)).content.decode()
    assert "DPA-1" in page and 'name="budget_lines-0-amount"' not in page
    assert root.get(reverse("admin:programs_programme_add")).status_code == 403
    delete = reverse("admin:programs_programme_delete", args=[programme.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()
    assert BudgetLine.objects.filter(programme=programme).count() == 1

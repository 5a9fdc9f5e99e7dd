"""The Django admin cannot change the domain's records around the services: workers,
enrolments, bills and payments are shown read-only (a POST changes nothing), while the rules
(parameters, occupations, rates) stay editable by the system administrator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.contributions.models import Bill, RateComponent
from lindung.contributions.services import payment_record
from lindung.core.models import Parameter
from lindung.programs.services import (
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_verify,
)
from lindung.registry.models import Occupation

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def root(db, regions, django_user_model) -> Client:
    """The system administrator, logged in to the admin."""
    user = django_user_model.objects.create_superuser("root", "", "akar-rahasia-123")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def records(users, programme, make_worker):
    """An active enrolment of PASER-2026 and the payment (and so the bill) of its January."""
    e = enrolment_propose(
        programme=programme, worker=make_worker(), by=users.admin, on=dt.date(2026, 1, 5)
    )
    e = enrolment_verify(enrolment=e, by=users.admin)
    e = enrolment_register(
        enrolment=e,
        by=users.admin,
        kpj_number="12345678901",
        registration_date=dt.date(2026, 1, 10),
    )
    e = enrolment_activate(enrolment=e, by=users.admin)
    payment = payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 14),
        amount=16_800,
        reference="SP2D-001",
        first_month=JAN,
    )
    return {
        "worker": e.worker,
        "enrolment": e,
        "bill": Bill.objects.get(programme=programme),
        "payment": payment,
    }


def url(obj, view: str) -> str:
    return reverse(
        f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}",
        args=[obj.pk] if view != "add" else [],
    )


def snapshot(obj) -> dict:
    return {
        f.attname: getattr(type(obj).objects.get(pk=obj.pk), f.attname)
        for f in obj._meta.concrete_fields
    }


HOSTILE_POSTS = {
    "worker": {"nik": "9999999999999999", "name": "Ditulis ulang", "status": "nonaktif"},
    "enrolment": {
        "status": "berakhir",
        "kpj_number": "99999999999",
        "programme": "1",
        "period_start": "2025-01-01",
    },
    "bill": {"total": "1", "paid_amount": "0", "paid_at": ""},
    "payment": {"amount": "1", "reference": "palsu"},
}


@pytest.mark.parametrize("kind", list(HOSTILE_POSTS))
def test_change_page_is_read_only_and_a_post_changes_nothing(root, records, kind):
    obj = records[kind]
    before, events = snapshot(obj), AuditEvent.objects.count()
    page = root.get(url(obj, "change"))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no save button: a view page
    assert root.post(url(obj, "change"), HOSTILE_POSTS[kind]).status_code == 403
    assert snapshot(obj) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", list(HOSTILE_POSTS))
def test_records_cannot_be_added_or_deleted_in_the_admin(root, records, kind):
    obj = records[kind]
    assert root.get(url(obj, "add")).status_code == 403
    assert root.post(url(obj, "add"), HOSTILE_POSTS[kind]).status_code == 403
    assert root.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
    changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    response = root.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)  # Django: "no action selected"
    assert type(obj).objects.filter(pk=obj.pk).exists()


# Lindung's models the system administrator edits in the admin: the rules (dated data), the
# programmes' settings (through programme_update), the regions and the users. Every other
# Lindung model registered there must be read-only.
EDITABLE = {
    "core.parameter",
    "registry.occupation",
    "contributions.benefitpackage",
    "contributions.ratecomponent",
    "contributions.programmepackage",
    "claims.benefitrule",
    "programs.programme",
    "regions.region",
    "accounts.user",
    "reports.letterhead",
    "reports.paritranacriterion",
}


def test_every_other_lindung_model_in_the_admin_is_read_only(rf, django_user_model):
    request = rf.get("/")
    request.user = django_user_model.objects.create_superuser("root", "", "akar-rahasia-123")
    registered = {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_config.name.startswith("lindung.")
    }
    assert {
        "registry.worker",
        "programs.enrolment",
        "contributions.bill",
        "contributions.payment",
    } <= registered.keys()
    assert AuditEvent._meta.label_lower not in registered  # the trail is read in the app
    for label, model_admin in registered.items():
        if label in EDITABLE:
            continue
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        if model_admin.has_change_permission(request):  # then no field may be editable
            opts = model_admin.model._meta
            fields = {
                f.name
                for f in [*opts.fields, *opts.many_to_many]
                if f.editable and not f.primary_key
            }
            assert fields <= set(model_admin.get_readonly_fields(request)), label


def test_rules_stay_editable_by_the_system_administrator(root, regions):
    parameter = Parameter.objects.filter(key="kpj_digits").first()
    assert parameter is not None
    response = root.post(
        url(parameter, "change"),
        {
            "key": parameter.key,
            "value": "12",
            "valid_from": "2027-01-01",
            "source": "Surat BPJS 2026",
        },
    )
    assert response.status_code == 302
    parameter.refresh_from_db()
    assert (parameter.value, parameter.valid_from) == ("12", dt.date(2027, 1, 1))

    occupation = Occupation.objects.get(code="nelayan")
    assert root.get(url(occupation, "change")).status_code == 200
    assert 'name="_save"' in root.get(url(occupation, "change")).content.decode()
    rate = RateComponent.objects.first()
    assert 'name="_save"' in root.get(url(rate, "change")).content.decode()

"""Outreach events: who may record where, validation, and the village's rollout step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.core.errors import ScopeDenied, ValidationFailed
from lindung.monitoring import indicators
from lindung.monitoring.rules import Rollout
from lindung.outreach.models import OutreachEvent
from lindung.outreach.services import event_create, event_delete, event_update
from tests.conftest import DESA_A, DESA_B, DESA_PPU

pytestmark = pytest.mark.django_db
MAY = dt.date(2026, 5, 2)


def _event(by, region, **kw):
    values = {
        "date": MAY,
        "kind": "sosialisasi",
        "organiser": "desa",
        "attendees_male": 5,
        "attendees_female": 7,
    } | kw
    return event_create(by=by, region=region, **values)


def test_operator_records_for_their_village_and_it_is_socialised(users, regions):
    before = indicators.village_rollout(user=users.operator, code=DESA_A)[0]
    assert before.rollout == Rollout.NOT_REACHED
    event = _event(users.operator, regions.get(code=DESA_A))
    assert event.attendees == 12
    after = indicators.village_rollout(user=users.operator, code=DESA_A)[0]
    assert (after.rollout, after.last_event) == (Rollout.SOCIALISED, MAY)


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("operator", DESA_B),
        ("operator", "64.01.01"),
        ("admin", DESA_PPU),
        ("leader", DESA_A),
        ("bpjs", DESA_A),
        ("auditor", DESA_A),
    ],
)
def test_recording_outside_the_scope_or_role_is_refused(users, regions, who, code):
    with pytest.raises(ScopeDenied):
        _event(getattr(users, who), regions.get(code=code))


def test_admin_records_for_a_kecamatan(users, regions):
    _event(users.admin, regions.get(code="64.01.01"), organiser="disnaker")
    assert OutreachEvent.objects.get().region_id == "64.01.01"


def test_validation(users, regions):
    with pytest.raises(ValidationFailed) as e:
        _event(
            users.admin,
            regions.get(code="64.01"),
            date=dt.date(2027, 1, 1),
            kind="x",
            attendees_male=-1,
        )
    assert {x.code for x in e.value.errors} == {
        "region_level",
        "date_invalid",
        "missing_value",
        "number_invalid",
    }


def test_a_monitoring_meeting_reaches_nobody(users, regions):
    _event(users.admin, regions.get(code=DESA_A), kind="rapat_monev")
    assert (
        indicators.village_rollout(user=users.admin, code=DESA_A)[0].rollout == Rollout.NOT_REACHED
    )


def test_update_cannot_move_an_event_out_of_scope(users, regions):
    event = _event(users.operator, regions.get(code=DESA_A))
    with pytest.raises(ScopeDenied):
        event_update(
            by=users.operator,
            event=event,
            region=regions.get(code=DESA_B),
            date=MAY,
            kind="sosialisasi",
            organiser="desa",
        )
    event = event_update(
        by=users.operator,
        event=event,
        region=regions.get(code=DESA_A),
        date=MAY,
        kind="pendaftaran_massal",
        organiser="desa",
        attendees_male=9,
    )
    assert (event.kind, event.attendees_male) == ("pendaftaran_massal", 9)
    with pytest.raises(ScopeDenied):
        event_delete(by=users.operator_b, event=event)
    event_delete(by=users.operator, event=event)
    assert not OutreachEvent.objects.exists()


def test_operator_records_on_the_phone_form(client, users, regions):
    client.force_login(users.operator)
    form = client.get(reverse("outreach:create"))
    assert form.status_code == 200
    assert list(form.context["form"].fields["region"].choices) == [(DESA_A, "— Desa Samurangau")]
    response = client.post(
        reverse("outreach:create"),
        {
            "region": DESA_A,
            "date": "2026-11-19",
            "kind": "sosialisasi",
            "organiser": "desa",
            "attendees_male": "3",
            "attendees_female": "4",
            "notes": "Balai desa",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("outreach:list")).content.decode()
    assert "Samurangau" in html and "3 / 4" in html
    page = client.get(reverse("monitoring:region", args=[DESA_A])).content.decode()
    assert "Sudah sosialisasi" in page


def test_event_list_is_scoped(client, users, regions):
    _event(users.admin_ppu, regions.get(code=DESA_PPU))
    _event(users.admin, regions.get(code=DESA_B))
    client.force_login(users.operator)
    assert list(client.get(reverse("outreach:list")).context["page_obj"]) == []
    client.force_login(users.admin)
    (event,) = client.get(reverse("outreach:list")).context["page_obj"]
    assert event.region_id == DESA_B
    other = OutreachEvent.objects.get(region_id=DESA_PPU)
    assert client.get(reverse("outreach:edit", args=[other.pk])).status_code == 404
    client.force_login(users.leader)
    assert client.get(reverse("outreach:create")).status_code == 403

"""The worker list shows each worker's enrolment and KPJ, finds those not proposed yet, and
exports what is filtered: scoped, masked by need, recorded in the audit trail."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.programs.services import (
    enrolment_activate,
    enrolment_propose,
    enrolment_register,
    enrolment_verify,
)
from tests.conftest import DESA_PPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(users, programme, make_worker):
    """An active participant with a KPJ, a proposal, and a worker not proposed yet."""
    active, proposed, idle = (make_worker(name=n) for n in ("Aktif A", "Usul B", "Belum C"))
    e = enrolment_propose(programme=programme, worker=active, by=users.admin)
    e = enrolment_verify(enrolment=e, by=users.admin)
    e = enrolment_register(
        enrolment=e, by=users.admin, kpj_number="12345678901", registration_date=e.period_start
    )
    enrolment_activate(enrolment=e, by=users.admin)
    enrolment_propose(programme=programme, worker=proposed, by=users.admin)
    return active, proposed, idle


def test_list_shows_enrolment_status_and_kpj(client, users, three):
    client.force_login(users.admin)
    page = client.get(reverse("registry:list")).content.decode()
    assert "12345678901" in page
    assert "badge-aktif" in page and "badge-diusulkan" in page and "Belum diusulkan" in page


def test_filter_finds_workers_not_proposed_yet(client, users, three):
    client.force_login(users.admin)
    rows = client.get(reverse("registry:list"), {"kepesertaan": "belum"}).context["page_obj"]
    assert [w.name for w in rows] == ["Belum C"]
    rows = client.get(reverse("registry:list"), {"kepesertaan": "aktif"}).context["page_obj"]
    assert [w.name for w in rows] == ["Aktif A"]


def test_admin_exports_the_filtered_list_whole_and_it_is_audited(client, users, three):
    active, _proposed, _idle = three
    client.force_login(users.admin)
    response = client.get(reverse("registry:export", args=["xlsx"]), {"kepesertaan": "aktif"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == active.nik and rows[1][12] == "12345678901"
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.changes["rows"], event.changes["kind"]) == (
        users.admin,
        1,
        "worker_list",
    )


def test_read_only_roles_export_masked_numbers(client, users, three):
    active, *_ = three
    client.force_login(users.leader)
    response = client.get(reverse("registry:export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert active.nik not in text
    assert active.nik[:4] in text and "••" in text
    assert text.count("\r\n") == 4  # header and three workers


def test_export_is_scoped(client, users, three, make_worker):
    make_worker(village=DESA_PPU, name="Warga PPU", by=users.admin_ppu)
    client.force_login(users.admin_ppu)
    text = client.get(reverse("registry:export", args=["csv"])).content.decode("utf-8-sig")
    assert "Warga PPU" in text and "Aktif A" not in text


def test_unknown_format_is_404(client, users, three):
    client.force_login(users.admin)
    assert client.get(reverse("registry:export", args=["pdf"])).status_code == 404

"""Denominator, target and import pages: wiring and who may open them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.monitoring.models import Denominator, Target
from tests.conftest import DESA_A, DESA_PPU, PASER

pytestmark = pytest.mark.django_db


def test_admin_enters_a_denominator_and_sees_coverage(client, users, monev):
    client.force_login(users.admin)
    response = client.post(
        reverse("monitoring:denominators"),
        {
            "village": DESA_A,
            "occupation": "",
            "year": "2026",
            "estimated_workers": "4",
            "source": "survei_desa",
        },
    )
    assert response.status_code == 302
    assert (
        Denominator.objects.get(village_id=DESA_A, year=2026, occupation=None).estimated_workers
        == 4
    )
    page = client.get(reverse("monitoring:region", args=[DESA_A]))
    assert page.context["report"].root.coverage_pct == 50.0


def test_village_list_of_the_form_is_scoped(client, users, regions):
    client.force_login(users.admin)
    form = client.get(reverse("monitoring:denominators")).context["form"]
    codes = [c for c, _l in form.fields["village"].choices]
    assert DESA_A in codes and DESA_PPU not in codes and len(codes) == 144
    response = client.post(
        reverse("monitoring:denominators"),
        {"village": DESA_PPU, "year": "2026", "estimated_workers": "4", "source": "bps"},
    )
    assert response.status_code == 200 and not Denominator.objects.exists()


@pytest.mark.parametrize("who", ["operator", "leader", "bpjs"])
def test_input_pages_are_for_admins(client, users, regions, who):
    client.force_login(getattr(users, who))
    for name in ("monitoring:denominators", "monitoring:targets", "monitoring:denominator_import"):
        assert client.get(reverse(name)).status_code == 403, name


def test_target_page(client, users, regions):
    client.force_login(users.admin)
    response = client.post(
        reverse("monitoring:targets"),
        {
            "region": PASER,
            "year": "2026",
            "participants": "32268",
            "coverage_pct": "100",
            "villages_implementing": "144",
        },
    )
    assert response.status_code == 302
    assert Target.objects.get().participants == 32268
    assert "32.268" in client.get(reverse("monitoring:targets")).content.decode()


def test_import_page_reports_rows(client, users, regions):
    client.force_login(users.admin)
    upload = SimpleUploadedFile(
        "d.csv", f"KODE_DESA;JUMLAH;SUMBER\n{DESA_A};9;BPS\n{DESA_PPU};9;BPS\n".encode()
    )
    response = client.post(
        reverse("monitoring:denominator_import"), {"file": upload, "year": "2026"}
    )
    html = response.content.decode()
    assert "village_out_of_scope" in html
    assert Denominator.objects.get().village_id == DESA_A
    template = client.get(reverse("monitoring:denominator_template"))
    assert template.content.startswith(b"KODE_DESA;")

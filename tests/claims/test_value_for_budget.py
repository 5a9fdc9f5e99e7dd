"""Value for the budget ("Rp X iuran dibayar → Rp Y manfaat bagi N keluarga") on the
dashboard and in the API, from the same selector as the programme page."""

from __future__ import annotations

import pytest
from django.test import Client

from lindung.accounts.models import User
from lindung.api.services import api_token_create
from lindung.claims.selectors import claims_value_for_budget
from lindung.demo.data import demo_load
from lindung.programs.models import Programme

pytestmark = pytest.mark.django_db


def test_dashboard_and_api_show_the_programme_page_figures(client, regions):
    demo_load(paser_workers=90, ppu_workers=30)  # holds a JKM claim paid Rp42.000.000
    admin = User.objects.get(username="admin.paser")
    paser = Programme.objects.get(code="PASER-2026")
    value = claims_value_for_budget(user=admin, programme=paser)
    assert (value.benefits_paid, value.families) == (42_000_000, 1)

    client.force_login(admin)
    page = client.get("/").content.decode()
    assert 'id="value-PASER-2026"' in page and value.sentence in page

    _row, token = api_token_create(user=admin, name="uji", read_only=True)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = api.get("/api/v1/programmes/PASER-2026/value-for-budget").json()
    assert (body["benefits_paid"], body["families"], body["claims_paid"]) == (42_000_000, 1, 1)
    assert body["contributions_paid"] == value.contributions_paid
    assert body["sentence"] == value.sentence

    # The village operator sees no money, on the dashboard or in the API.
    operator = User.objects.get(username="operator.desa")
    client.force_login(operator)
    assert 'id="value-PASER-2026"' not in client.get("/").content.decode()
    _row, token = api_token_create(user=operator, name="uji")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/programmes/PASER-2026/value-for-budget").status_code == 404

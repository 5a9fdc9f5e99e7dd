"""The bill statement (XLSX and PDF): text typed by users (SP2D number, adjustment reason,
worker name) holds no formula, amounts stay numbers, every download is in the audit trail with
its row count and is never cached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.contributions.services import bill_adjust, bill_generate, payment_record
from lindung.registry.models import Worker
from lindung.reports import statements
from tests.conftest import PASER
from tests.exports import xlsx_values

pytestmark = pytest.mark.django_db
JAN = dt.date(2026, 1, 1)


@pytest.fixture
def hostile_bill(users, programme, active):
    """January's bill, paid with a hostile SP2D number, then credited for a worker named
    `-cmd` with a hostile reason: a negative amount."""
    Worker.objects.filter(pk=active[0].worker_id).update(name="-cmd")
    bill = bill_generate(by=users.admin, programme=programme, month=JAN)
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 1, 12),
        amount=50_400,
        reference='=HYPERLINK("http://x","a")',
        first_month=JAN,
    )
    bill_adjust(by=users.admin, bill=bill, amount=-16_800, reason="@SUM(A1)", enrolment=active[0])
    return bill


def test_statement_xlsx_holds_no_formula_and_is_audited(client, users, hostile_bill):
    client.force_login(users.admin)
    response = client.get(reverse("reports:statement", args=[hostile_bill.pk, "xlsx"]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    values = xlsx_values(response.content)  # cell by cell: no formula, hostile text quoted
    texts = {v for *_k, v in values if isinstance(v, str)}
    assert {'=HYPERLINK("http://x","a")', "@SUM(A1)", "-cmd"} <= texts
    assert -16_800 in {v for *_k, v in values}  # a credit is a negative number, not text

    [event] = AuditEvent.objects.filter(action="export")
    st = statements.statement(user=users.admin, bill=hostile_bill)
    # three participants, one kecamatan, one payment, one adjustment
    assert statements.statement_rows(st) == 6
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        users.admin,
        "bill",
        str(hostile_bill.pk),
        PASER,
    )
    assert event.changes == {
        "kind": "bill_statement",
        "format": "xlsx",
        "rows": 6,
        "programme": "PASER-2026",
        "month": "2026-01",
        "funder": str(st.funder_label),
    }


def test_statement_pdf_download_by_a_reader_is_audited(client, users, hostile_bill):
    client.force_login(users.leader)
    response = client.get(reverse("reports:statement", args=[hostile_bill.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    [event] = AuditEvent.objects.filter(action="export")
    assert (event.actor, event.changes["format"], event.changes["rows"]) == (users.leader, "pdf", 6)


def test_statement_pdf_takes_markup_in_data_as_text(users, programme, hostile_bill):
    """reportlab reads <img src=…> in a Paragraph as an image to load: data is escaped."""
    st = statements.statement(user=users.admin, bill=hostile_bill)
    st.budget.sentences.append('<img src="/etc/passwd"/> & <b>')
    assert statements.statement_export(st, "pdf").content.startswith(b"%PDF")


def test_every_download_counts_once(client, users, hostile_bill):
    client.force_login(users.admin)
    for fmt in ("xlsx", "pdf", "xlsx"):
        client.get(reverse("reports:statement", args=[hostile_bill.pk, fmt]))
    assert [
        e.changes["format"] for e in AuditEvent.objects.filter(action="export").order_by("pk")
    ] == ["xlsx", "pdf", "xlsx"]

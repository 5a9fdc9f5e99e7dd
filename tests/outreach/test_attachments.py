"""Attachments of outreach events: checked by content and size, scoped, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import ScopeDenied
from lindung.outreach.models import OutreachAttachment
from lindung.outreach.services import attachment_add, event_create
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def event(users, regions, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return event_create(
        by=users.operator,
        region=regions.get(code=DESA_A),
        date=dt.date(2026, 11, 2),
        kind="sosialisasi",
        organiser="desa",
        attendees_male=12,
        attendees_female=9,
    )


def test_operator_attaches_a_pdf_named_anything(users, event):
    row = attachment_add(by=users.operator, event=event, content=PDF, filename="hadir.docx")
    assert (row.filename, row.content_type, row.size) == ("hadir.pdf", "application/pdf", len(PDF))
    assert row.file.read() == PDF
    assert AuditEvent.objects.filter(action="outreach_attachment_add").exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"PK\x03\x04word", "file_type"), (b"<html>x</html>", "file_type"), (b"", "file_empty")],
)
def test_refused_by_content(users, event, content, code):
    from lindung.claims.documents import DocumentRefused

    with pytest.raises(DocumentRefused) as e:
        attachment_add(by=users.operator, event=event, content=content, filename="a.pdf")
    assert e.value.code == code
    assert not OutreachAttachment.objects.exists()


def test_refused_above_the_size_limit(users, event, settings, client):
    settings.CLAIM_DOCUMENT_MAX_MB = 1
    client.force_login(users.operator)
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * (1024 * 1024))
    response = client.post(
        reverse("outreach:attachment_add", args=[event.pk]), {"file": big}, follow=True
    )
    assert "batas 1 MB" in response.content.decode()
    assert not OutreachAttachment.objects.exists()


def test_upload_download_and_scope(users, event, client):
    client.force_login(users.operator)
    client.post(
        reverse("outreach:attachment_add", args=[event.pk]),
        {"file": SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50)},
    )
    row = OutreachAttachment.objects.get()
    page = client.get(reverse("outreach:edit", args=[event.pk])).content.decode()
    assert "foto.png" in page
    response = client.get(reverse("outreach:attachment", args=[row.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(users.operator_b)  # another village
    assert client.get(reverse("outreach:attachment", args=[row.pk])).status_code == 404
    with pytest.raises(ScopeDenied):
        attachment_add(by=users.operator_b, event=event, content=PDF, filename="x.pdf")

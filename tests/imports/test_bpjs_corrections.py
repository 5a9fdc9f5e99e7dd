"""Corrections of a BPJS participant's NIK or birth date reach the branch (issue 12): the
programme's next batch carries them once, on a sheet KOREKSI (XLSX) or a file of their own
(CSV), with the KPJ, the old and new values, the reason and the date; a later batch does not
repeat them, and the branch's answer is still read from the registration sheet."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from lindung.audit.models import AuditEvent
from lindung.core.errors import DomainError
from lindung.imports import bpjs
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_propose, enrolment_register, enrolment_verify
from lindung.registry.models import BpjsNotice
from lindung.registry.services import bpjs_notice_mark_reported, worker_update
from tests.conftest import nik_for

pytestmark = pytest.mark.django_db
REASON = "Salah ketik digit terakhir, sesuai KTP"


def _verified(users, programme, worker) -> Enrolment:
    e = enrolment_propose(programme=programme, worker=worker, by=users.admin)
    return enrolment_verify(enrolment=e, by=users.admin)


@pytest.fixture
def participant(users, programme, make_worker):
    """Budi Santoso, sent in batch 1 and registered by the branch with KPJ 12345678901."""
    worker = make_worker(name="Budi Santoso")
    e = _verified(users, programme, worker)
    assert bpjs.bpjs_batch_create(by=users.bpjs, programme=programme).number == 1
    enrolment_register(
        enrolment=e, by=users.bpjs, kpj_number="12345678901", registration_date=dt.date(2026, 9, 1)
    )
    return worker


def _sheets(export) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(export.content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_a_nik_correction_goes_once_in_the_next_batch(users, programme, participant, make_worker):
    old = participant.nik
    new = nik_for(birth=participant.birth_date, serial=77)
    worker_update(worker=participant, by=users.admin, nik=new, correction_reason=REASON)
    _verified(users, programme, make_worker(name="Rusdiana Lubis"))  # a new registration too
    assert [o.corrections for o in bpjs.batch_outlook(user=users.bpjs, programmes=[programme])] == [
        1
    ]

    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert (batch.number, batch.rows, batch.corrections) == (2, 1, 1)
    sheets = _sheets(bpjs.batch_export(by=users.bpjs, batch=batch, fmt="xlsx"))
    assert list(sheets) == ["Batch 2 PASER-2026", "KOREKSI"]  # registrations stay first
    assert [r[3] for r in sheets["Batch 2 PASER-2026"][1:]] == ["Rusdiana Lubis"]
    header, *rows = sheets["KOREKSI"]
    assert list(header) == bpjs.CORRECTION_COLUMNS
    birth = participant.birth_date.strftime("%d-%m-%Y")
    enrolment = Enrolment.objects.get(worker=participant)
    assert rows == [
        (
            1,
            "12345678901",
            "Budi Santoso",
            old,
            new,
            birth,
            birth,
            "NIK",
            REASON,
            "20-11-2026",
            "PASER-2026",
            enrolment.pk,
        )
    ]
    notice = BpjsNotice.objects.get(kind="koreksi")
    assert notice.sent_batch == 2 and notice.sent_at == batch.created_at
    assert AuditEvent.objects.filter(
        action="bpjs_correction_sent", object_id=str(participant.pk), changes__batch=2
    ).exists()

    # Sent once: the next batch carries no correction, and with nothing else it is not made.
    assert bpjs.batch_outlook(user=users.bpjs, programmes=[programme])[0].corrections == 0
    with pytest.raises(DomainError) as empty:
        bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert empty.value.code == "batch_empty"
    _verified(users, programme, make_worker(name="Ujang Daulay"))
    third = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert third.corrections == 0
    assert list(_sheets(bpjs.batch_export(by=users.bpjs, batch=third, fmt="xlsx"))) == [
        "Batch 3 PASER-2026"
    ]
    # A re-download of batch 2 still carries its correction.
    assert len(_sheets(bpjs.batch_export(by=users.bpjs, batch=batch, fmt="xlsx"))["KOREKSI"]) == 2


def test_a_batch_may_carry_a_birth_date_correction_only(users, programme, participant):
    old = participant.birth_date
    new = dt.date(1985, 8, 18)
    worker_update(
        worker=participant,
        by=users.admin,
        birth_date=new,
        nik=nik_for(birth=new, serial=5),
        correction_reason="Tanggal lahir sesuai akta kelahiran",
    )
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme, fmt="csv")
    assert (batch.rows, batch.corrections) == (0, 1)
    # A CSV holds one table: the registration file has no correction, its own file has it.
    registrations = bpjs.batch_export(by=users.bpjs, batch=batch, fmt="csv")
    assert registrations.rows == 0 and b"12345678901" not in registrations.content
    corrections = bpjs.batch_corrections_export(by=users.bpjs, batch=batch, fmt="csv")
    text = corrections.content.decode("utf-8-sig")
    header, row = text.strip().split("\r\n")
    assert header.split(";")[:8] == [f'"{c}"' for c in bpjs.CORRECTION_COLUMNS[:8]]
    cells = row.split(";")
    assert cells[5:8] == [
        f'"{old:%d-%m-%Y}"',
        f'"{new:%d-%m-%Y}"',
        '"NIK, TANGGAL_LAHIR"',
    ]
    assert corrections.rows == 1


def test_a_correction_already_reported_by_hand_is_not_sent(users, programme, participant):
    worker_update(
        worker=participant,
        by=users.admin,
        nik=nik_for(birth=participant.birth_date, serial=77),
        correction_reason=REASON,
    )
    bpjs_notice_mark_reported(notice=BpjsNotice.objects.get(), by=users.bpjs)
    with pytest.raises(DomainError) as empty:
        bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert empty.value.code == "batch_empty"


def test_the_answer_is_still_read_from_the_registration_sheet(
    users, programme, participant, make_worker
):
    worker_update(
        worker=participant,
        by=users.admin,
        nik=nik_for(birth=participant.birth_date, serial=77),
        correction_reason=REASON,
    )
    newcomer = make_worker(name="Kartini Siregar")
    e = _verified(users, programme, newcomer)
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    # The branch answers in the workbook it was sent: KPJ filled in, KOREKSI left as it was.
    book = openpyxl.load_workbook(
        io.BytesIO(bpjs.batch_export(by=users.bpjs, batch=batch, fmt="xlsx").content)
    )
    first = book.worksheets[0]
    first.delete_rows(1, first.max_row)
    first.append(["NIK", "NO_KPJ", "TANGGAL_TERDAFTAR", "STATUS"])
    first.append([newcomer.nik, "12345678902", "19/11/2026", "AKTIF"])
    first["A2"].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    assert bpjs.named_batch_number(out.getvalue(), "jawaban.xlsx") == batch.number
    report = bpjs.bpjs_answer_import(
        by=users.bpjs, content=out.getvalue(), filename="jawaban.xlsx", programme=programme
    )
    assert (report.registered, report.activated, report.errors) == (1, 1, [])
    e.refresh_from_db()
    assert (e.status, e.kpj_number) == (Enrolment.Status.ACTIVE, "12345678902")


def test_the_bpjs_page_offers_the_corrections(client, users, programme, participant):
    worker_update(
        worker=participant,
        by=users.admin,
        nik=nik_for(birth=participant.birth_date, serial=77),
        correction_reason=REASON,
    )
    client.force_login(users.bpjs)
    page = client.get(reverse("imports:bpjs")).content.decode()
    assert "Buat batch (0 kepesertaan, 1 koreksi)" in page
    client.post(reverse("imports:bpjs_batch_create", args=[programme.code]), {"format": "csv"})
    batch = bpjs.bpjs_batches_for(user=users.bpjs).get(number=2)
    assert batch.corrections == 1
    page = client.get(reverse("imports:bpjs")).content.decode()
    url = reverse("imports:bpjs_batch_corrections", args=[batch.pk, "csv"])
    assert "+1 koreksi" in page and url in page
    response = client.get(url)
    assert response.status_code == 200 and b"12345678901" in response.content
    assert AuditEvent.objects.filter(action="export", changes__kind="bpjs_corrections").exists()
    notices = client.get(reverse("registry:bpjs_notices")).content.decode()
    assert "Dikirim dalam batch 2 PASER-2026 (20 November 2026)" in notices

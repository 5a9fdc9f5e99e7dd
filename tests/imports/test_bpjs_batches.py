"""BPJS registration batches: what was sent when and by whom, a second export takes only what
is new, the branch's answer is matched to its batch, refusals come back as a correction
workbook."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from lindung.audit.models import AuditEvent
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.imports import bpjs
from lindung.imports.models import BpjsBatch, BpjsBatchEntry, ImportJob
from lindung.imports.services import import_job_create, import_job_run
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_verify
from lindung.registry.models import Worker
from tests.imports.conftest import HEADER, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db
ANSWER = ["NIK", "NO_KPJ", "TANGGAL_TERDAFTAR", "STATUS", "ALASAN"]


@pytest.fixture
def verify(users):
    def run() -> list[Enrolment]:
        for e in Enrolment.objects.filter(status=Enrolment.Status.PROPOSED):
            enrolment_verify(enrolment=e, by=users.admin)
        return list(Enrolment.objects.select_related("worker").order_by("worker__nik"))

    return run


@pytest.fixture
def five(programme, run_import, verify) -> list[Enrolment]:
    run_import(xlsx_bytes([person(i) for i in range(1, 6)]), programme=programme)
    return verify()


def answer(rows: list[tuple[Enrolment, str, str, str]]) -> bytes:
    today = clock.today().strftime("%d/%m/%Y")
    return csv_bytes(
        [
            {
                "NIK": e.worker.nik,
                "NO_KPJ": kpj,
                "TANGGAL_TERDAFTAR": today,
                "STATUS": status,
                "ALASAN": reason,
            }
            for e, kpj, status, reason in rows
        ],
        header=ANSWER,
    )


def test_a_second_export_takes_only_what_was_not_sent(users, programme, run_import, verify, five):
    first = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme, fmt="csv")
    assert (first.number, first.rows, first.fmt, first.created_by) == (1, 5, "csv", users.bpjs)
    assert timezone.localtime(first.created_at).date() == clock.today()
    assert first.region_code == "64.01"
    assert bpjs.unsent_enrolments(user=users.bpjs, programme=programme).count() == 0
    with pytest.raises(DomainError) as nothing:
        bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert nothing.value.code == "batch_empty"

    run_import(xlsx_bytes([person(i) for i in range(6, 8)]), programme=programme)
    verify()
    second = bpjs.bpjs_batch_create(by=users.admin, programme=programme)
    assert (second.number, second.rows) == (2, 2)
    sent = set(BpjsBatchEntry.objects.filter(batch=first).values_list("enrolment_id", flat=True))
    assert not sent & set(second.entries.values_list("enrolment_id", flat=True))
    # The file of a batch holds its enrolments only, numbered in the batch.
    rows = (
        CalamineWorkbook.from_filelike(
            io.BytesIO(bpjs.batch_export(by=users.bpjs, batch=second, fmt="xlsx").content)
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[0] for r in rows[1:]] == [1, 2] and len(rows) == 3


def test_the_answer_is_matched_to_its_batch_and_refusals_go_out_again(users, programme, five):
    e1, e2, e3, _e4, _e5 = five
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    content = answer(
        [
            (e1, "11111111111", "TERDAFTAR", ""),
            (e2, "22222222222", "AKTIF", ""),
            (e3, "", "DITOLAK", "NIK tidak sesuai Dukcapil"),
        ]
    )
    report = bpjs.bpjs_answer_import(by=users.bpjs, content=content, filename="jawaban.csv")
    assert (report.registered, report.activated) == (2, 1)
    assert [e.code for e in report.errors] == ["bpjs_refused"]
    assert "NIK tidak sesuai Dukcapil" in report.errors[0].message

    counted = bpjs.bpjs_batch_get(user=users.bpjs, pk=batch.pk)
    assert (counted.sent, counted.registered, counted.refused, counted.waiting) == (5, 2, 1, 2)
    refused = BpjsBatchEntry.objects.get(enrolment=e3)
    assert (refused.outcome, refused.reason) == ("ditolak", "NIK tidak sesuai Dukcapil")
    # The refused enrolment (still verified) is offered again; the others are not.
    assert list(bpjs.unsent_enrolments(user=users.bpjs, programme=programme)) == [e3]
    again = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    assert list(again.entries.values_list("enrolment_id", flat=True)) == [e3.pk]
    # The same answer again changes nothing on the batch.
    bpjs.bpjs_answer_import(by=users.bpjs, content=content, filename="jawaban.csv")
    counted = bpjs.bpjs_batch_get(user=users.bpjs, pk=batch.pk)
    assert (counted.registered, counted.refused, counted.waiting) == (2, 1, 2)


def test_a_dry_run_of_the_answer_records_nothing_on_the_batch(users, programme, five):
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    bpjs.bpjs_answer_import(
        by=users.bpjs,
        content=answer([(five[0], "11111111111", "TERDAFTAR", "")]),
        filename="a.csv",
        dry_run=True,
    )
    assert bpjs.bpjs_batch_get(user=users.bpjs, pk=batch.pk).waiting == 5


def test_the_batch_named_in_the_answer_is_checked(users, programme, run_import, verify, five):
    first = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    run_import(xlsx_bytes([person(9)]), programme=programme)
    newest = [
        e for e in verify() if e.pk not in set(first.entries.values_list("enrolment_id", flat=True))
    ]
    bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    content = answer(
        [(five[0], "11111111111", "TERDAFTAR", ""), (newest[0], "22222222222", "TERDAFTAR", "")]
    )
    report = bpjs.bpjs_answer_import(
        by=users.bpjs, content=content, filename="jawaban PASER-2026-batch-002.csv"
    )
    assert report.registered == 2  # recorded all the same, on the batch that sent each
    [warning] = report.warnings
    assert warning.code == "batch_other" and "batch 1 PASER-2026, bukan batch 2" in warning.message


def test_the_batch_number_is_read_from_the_file_or_the_sheet_name(users, programme, five):
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    workbook = bpjs.batch_export(by=users.bpjs, batch=batch, fmt="xlsx").content
    assert bpjs.named_batch_number(workbook, "jawaban.xlsx") == 1  # sheet "Batch 1 PASER-2026"
    assert bpjs.named_batch_number(b"", "PASER-2026-batch-012-20261120.csv") == 12
    assert bpjs.named_batch_number(b"", "jawaban.csv") is None
    assert bpjs.named_batch_number(b"not a zip", "jawaban.xlsx") is None


def test_every_download_of_a_batch_is_audited(client, users, programme, five):
    client.force_login(users.bpjs)
    client.post(reverse("imports:bpjs_batch_create", args=[programme.code]), {"format": "xlsx"})
    batch = BpjsBatch.objects.get()
    for fmt in ("xlsx", "xlsx", "csv"):
        assert (
            client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, fmt])).status_code
            == 200
        )
    events = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [
        (e.actor, e.changes["format"], e.changes["batch"], e.changes["rows"]) for e in events
    ] == [(users.bpjs, "xlsx", 1, 5)] * 2 + [(users.bpjs, "csv", 1, 5)]
    page = client.get(reverse("imports:bpjs") + f"?baru={batch.pk}").content.decode()
    assert 'id="batch-list"' in page and "batch 1" in page and "Dibuat" in page
    assert 'id="unsent-PASER-2026">0<' in page


def test_batches_are_scoped(client, users, programme, five):
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    client.force_login(users.admin_ppu)
    assert (
        client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, "csv"])).status_code
        == 404
    )
    assert client.get(reverse("imports:bpjs_batch_refused", args=[batch.pk])).status_code == 404
    assert "batch 1" not in client.get(reverse("imports:bpjs")).content.decode()
    client.force_login(users.admin)
    assert (
        client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, "csv"])).status_code
        == 200
    )


def test_refused_workers_come_back_as_a_correction_workbook(
    client, users, programme, five, run_import
):
    e1, e2 = five[:2]
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    bpjs.bpjs_answer_import(
        by=users.bpjs,
        filename="a.csv",
        content=answer(
            [(e1, "", "DITOLAK", "nama tidak sesuai KTP"), (e2, "22222222222", "TERDAFTAR", "")]
        ),
    )
    client.force_login(users.admin)
    response = client.get(reverse("imports:bpjs_batch_refused", args=[batch.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Perbaiki" and {"Petunjuk", "Referensi"} <= set(book.sheetnames)
    ws = book["Perbaiki"]
    assert [c.value for c in ws[1]] == [*HEADER, "PESAN_KESALAHAN"]
    assert ws["A2"].value == e1.worker.nik and ws["A2"].number_format == "@"
    assert "nama tidak sesuai KTP" in ws.cell(2, len(HEADER) + 1).value
    assert ws.max_row == 2  # the registered one is not there
    [event] = AuditEvent.objects.filter(action="export")
    assert (event.changes["kind"], event.changes["rows"]) == ("bpjs_refused", 1)

    # Corrected and uploaded in Impor Excel (no programme): the worker is updated, the
    # enrolment stays verified and goes out in the next batch.
    ws["C2"] = "Nama Sesuai KTP"
    fixed = io.BytesIO()
    book.save(fixed)
    result = run_import(fixed.getvalue(), filename="ditolak-perbaiki.xlsx")
    assert (result.accepted, result.updated, result.rejected) == (1, 1, 0)
    assert Worker.objects.get(pk=e1.worker_id).name == "Nama Sesuai KTP"
    assert bpjs.bpjs_batch_create(by=users.bpjs, programme=programme).rows == 1


def test_answer_job_page_names_its_batch_and_offers_the_correction_workbook(
    client, users, programme, five
):
    e1, e2 = five[:2]
    batch = bpjs.bpjs_batch_create(by=users.bpjs, programme=programme)
    job = import_job_create(
        by=users.bpjs,
        filename="jawaban.csv",
        kind=ImportJob.Kind.BPJS_ANSWER,
        content=answer([(e1, "11111111111", "TERDAFTAR", ""), (e2, "123", "TERDAFTAR", "")]),
    )
    import_job_run(job_id=job.pk)
    client.force_login(users.bpjs)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert f"#batch-{batch.pk}" in page and "5 dikirim, 1 terdaftar, 0 ditolak, 4 masih" in page
    assert "1 baris: nomor KPJ tidak sah" in page
    errors_url = reverse("imports:job_errors", args=[job.pk])
    assert errors_url in page
    waiting = client.get(errors_url)  # built by the task worker on first request
    assert waiting.status_code == 202
    from lindung.imports.services import import_job_error_file_build

    import_job_error_file_build(job=ImportJob.objects.get(pk=job.pk))
    response = client.get(errors_url)
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0] == [*ANSWER, "PESAN_KESALAHAN"]
    assert rows[1][0] == e2.worker.nik and "[kpj_format]" in rows[1][-1]

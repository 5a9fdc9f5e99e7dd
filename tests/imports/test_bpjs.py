"""BPJS exchange: export verified enrolments, import the branch's answer."""

import csv
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.core import clock
from lindung.imports import bpjs
from lindung.imports.models import BpjsBatch
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_verify
from tests.imports.conftest import csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db
ANSWER = ["NIK", "NO_KPJ", "TANGGAL_TERDAFTAR", "STATUS"]


@pytest.fixture
def verified(users, programme, run_import):
    run_import(xlsx_bytes([person(i) for i in range(1, 6)]), programme=programme)
    for e in Enrolment.objects.all():
        enrolment_verify(enrolment=e, by=users.admin)
    return list(Enrolment.objects.select_related("worker").order_by("worker__nik"))


def test_registration_file_lists_verified_enrolments_with_text_niks(users, programme, verified):
    content = bpjs.registration_export(by=users.bpjs, programme=programme, fmt="xlsx").content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == bpjs.REGISTRATION_COLUMNS
    assert sorted(r[1] for r in rows[1:]) == [e.worker.nik for e in verified]
    assert all(isinstance(r[1], str) for r in rows[1:])
    text = bpjs.registration_export(by=users.bpjs, programme=programme, fmt="csv").content.decode(
        "utf-8-sig"
    )
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert parsed[0] == bpjs.REGISTRATION_COLUMNS and len(parsed) == 6


def test_round_trip_registers_activates_and_reports_the_rest(users, programme, verified):
    e1, e2, e3, e4, e5 = verified
    today = clock.today().strftime("%d/%m/%Y")
    answer = csv_bytes(
        [
            {
                "NIK": e1.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "TERDAFTAR",
            },
            {
                "NIK": e2.worker.nik,
                "NO_KPJ": "22222222222",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "AKTIF",
            },
            {
                "NIK": "6401011708859999",
                "NO_KPJ": "33333333333",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "AKTIF",
            },
            {
                "NIK": e3.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "AKTIF",
            },
            {
                "NIK": e4.worker.nik,
                "NO_KPJ": "123",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "TERDAFTAR",
            },
            {"NIK": e5.worker.nik, "NO_KPJ": "", "TANGGAL_TERDAFTAR": "", "STATUS": "DITOLAK"},
        ],
        header=ANSWER,
        delimiter=";",
    )
    report = bpjs.bpjs_answer_import(by=users.bpjs, content=answer, filename="jawaban.csv")
    assert report.counts() == {
        "rows": 6,
        "registered": 2,
        "activated": 1,
        "unchanged": 0,
        "unmatched": 1,
        "conflicts": 3,
    }
    assert [(e.row, e.code) for e in report.errors] == [
        (4, "nik_unmatched"),
        (5, "kpj_taken"),
        (6, "kpj_format"),
        (7, "bpjs_refused"),
    ]
    statuses = {e.pk: e.status for e in Enrolment.objects.all()}
    assert statuses[e1.pk] == Enrolment.Status.REGISTERED
    assert statuses[e2.pk] == Enrolment.Status.ACTIVE
    assert statuses[e3.pk] == statuses[e4.pk] == Enrolment.Status.VERIFIED
    e1.refresh_from_db()
    assert (e1.kpj_number, e1.registration_date) == ("11111111111", clock.today())

    # The same answer again: nothing changes, the matched rows count as unchanged.
    again = bpjs.bpjs_answer_import(by=users.bpjs, content=answer, filename="jawaban.csv")
    assert (again.registered, again.activated, again.unchanged) == (0, 0, 2)
    assert [e.code for e in again.errors] == [e.code for e in report.errors]
    e1.refresh_from_db()
    assert e1.status == Enrolment.Status.REGISTERED


def test_dry_run_of_the_answer_changes_nothing(users, programme, verified):
    e1 = verified[0]
    answer = csv_bytes(
        [
            {
                "NIK": e1.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": "2026-11-01",
                "STATUS": "AKTIF",
            }
        ],
        header=ANSWER,
    )
    report = bpjs.bpjs_answer_import(by=users.bpjs, content=answer, filename="a.csv", dry_run=True)
    assert (report.registered, report.activated) == (1, 1)
    e1.refresh_from_db()
    assert e1.status == Enrolment.Status.VERIFIED


def test_conflicting_kpj_for_a_registered_enrolment(users, programme, verified):
    e1 = verified[0]
    first = csv_bytes(
        [
            {
                "NIK": e1.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": "2026-11-01",
                "STATUS": "TERDAFTAR",
            }
        ],
        header=ANSWER,
    )
    bpjs.bpjs_answer_import(by=users.bpjs, content=first, filename="a.csv")
    other = first.replace(b"11111111111", b"99999999999")
    report = bpjs.bpjs_answer_import(by=users.bpjs, content=other, filename="a.csv")
    assert [e.code for e in report.errors] == ["kpj_mismatch"]


def test_bpjs_page_and_export_view(client, users, programme, verified):
    client.force_login(users.bpjs)
    page = client.get(reverse("imports:bpjs")).content.decode()
    assert "PASER-2026" in page and "Buat batch (5 kepesertaan)" in page
    created = client.post(
        reverse("imports:bpjs_batch_create", args=["PASER-2026"]), {"format": "csv"}
    )
    batch = BpjsBatch.objects.get()
    assert created.url == f"{reverse('imports:bpjs')}?baru={batch.pk}#batches"
    response = client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, "csv"]))
    assert response.status_code == 200 and b"NIK" in response.content
    assert response["Content-Disposition"].endswith(
        'pendaftaran-bpjs-PASER-2026-batch-001-20261120.csv"'
    )
    assert (
        client.get(reverse("imports:bpjs_batch_create", args=["PASER-2026"])).status_code == 405
    )  # exporting changes what is sent: never a GET
    client.force_login(users.operator)
    assert client.get(reverse("imports:bpjs")).status_code == 403
    assert (
        client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, "csv"])).status_code
        == 403
    )


def test_repeated_nik_and_kpj_are_applied_row_after_row(users, programme, verified):
    e1, e2 = verified[:2]
    today = clock.today().isoformat()
    answer = csv_bytes(
        [
            {
                "NIK": e1.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "AKTIF",
            },
            {
                "NIK": e1.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "TERDAFTAR",
            },
            {
                "NIK": e2.worker.nik,
                "NO_KPJ": "11111111111",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "TERDAFTAR",
            },
            {
                "NIK": e2.worker.nik,
                "NO_KPJ": "22222222222",
                "TANGGAL_TERDAFTAR": today,
                "STATUS": "TERDAFTAR",
            },
        ],
        header=ANSWER,
    )
    report = bpjs.bpjs_answer_import(by=users.bpjs, content=answer, filename="a.csv")
    assert report.counts() == {
        "rows": 4,
        "registered": 2,
        "activated": 1,
        "unchanged": 0,
        "unmatched": 0,
        "conflicts": 2,
    }
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (3, "STATUS", "transition_invalid"),
        (4, "NO_KPJ", "kpj_taken"),
    ]
    assert report.errors[0].message.startswith(
        "Kolom STATUS: Kepesertaan berstatus Aktif tidak dapat didaftarkan ke BPJS."
    )
    e1.refresh_from_db()
    e2.refresh_from_db()
    assert (e1.status, e1.kpj_number) == (Enrolment.Status.ACTIVE, "11111111111")
    assert (e2.status, e2.kpj_number) == (Enrolment.Status.REGISTERED, "22222222222")


def test_answer_import_queries_do_not_grow_with_its_rows(users, programme, verified):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = clock.today().isoformat()

    def run(enrolments: list[Enrolment]) -> int:
        answer = csv_bytes(
            [
                {
                    "NIK": e.worker.nik,
                    "NO_KPJ": f"{e.pk:011d}",
                    "TANGGAL_TERDAFTAR": today,
                    "STATUS": "AKTIF",
                }
                for e in enrolments
            ],
            header=ANSWER,
        )
        with CaptureQueriesContext(connection) as queries:
            report = bpjs.bpjs_answer_import(by=users.bpjs, content=answer, filename="a.csv")
        assert (report.registered, report.activated) == (len(enrolments), len(enrolments))
        return len(queries)

    one = run(verified[:1])
    assert run(verified[1:]) <= one

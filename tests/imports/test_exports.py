"""Every file the imports app hands out (BPJS registration XLSX and CSV, error workbook,
template) is formula-safe cell by cell; every download of personal data is in the audit trail
with its row count and is never cached."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lindung.accounts.models import User
from lindung.audit.models import AuditEvent
from lindung.imports import bpjs
from lindung.imports.models import BpjsBatch
from lindung.imports.services import import_job_create, import_job_run
from lindung.programs.models import Enrolment
from lindung.programs.services import enrolment_verify
from lindung.regions.models import Region
from lindung.registry.models import Occupation, Worker
from tests.conftest import PASER, PPU
from tests.exports import HOSTILE, csv_fields, xlsx_values
from tests.imports.conftest import HEADER, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db
NAMES = HOSTILE[:5]  # =HYPERLINK(…), +1+1, -cmd, @SUM(A1), "\t=1"


@pytest.fixture
def hostile_verified(users, programme, run_import):
    """Five verified enrolments whose workers' name, birth place and address are hostile, as
    a village could have typed them (written directly: the import may clean some)."""
    run_import(xlsx_bytes([person(i) for i in range(1, 6)]), programme=programme)
    for e in Enrolment.objects.all():
        enrolment_verify(enrolment=e, by=users.admin)
    for worker, name in zip(Worker.objects.order_by("nik"), NAMES, strict=True):
        Worker.objects.filter(pk=worker.pk).update(
            name=name, birth_place="@SUM(A1)", address='=HYPERLINK("http://x","a")'
        )
    return Enrolment.objects.count()


def _exports() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export").order_by("pk"))


def _batch_file(client, programme, fmt: str):
    """Export the programme's next batch from the BPJS page, then download its file."""
    created = client.post(
        reverse("imports:bpjs_batch_create", args=[programme.code]), {"format": fmt}
    )
    assert created.status_code == 302
    batch = BpjsBatch.objects.latest("pk")
    return client.get(reverse("imports:bpjs_batch_download", args=[batch.pk, fmt]))


def test_registration_xlsx_holds_no_formula_and_is_audited(
    client, users, programme, hostile_verified
):
    client.force_login(users.bpjs)
    response = _batch_file(client, programme, "xlsx")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    values = xlsx_values(response.content)  # cell by cell: no formula, hostile text quoted
    column = {c: i for i, c in enumerate(bpjs.REGISTRATION_COLUMNS)}
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sorted(r[column["NAMA"]] for r in rows[1:]) == sorted(NAMES)
    assert {r[column["ALAMAT"]] for r in rows[1:]} == {'=HYPERLINK("http://x","a")'}
    assert sum(1 for *_k, v in values if isinstance(v, str) and v[:1] in "=+-@\t") == 15

    [event] = _exports()
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        users.bpjs,
        "programme",
        str(programme.pk),
        PASER,
    )
    assert event.changes == {
        "kind": "bpjs_registration",
        "format": "xlsx",
        "rows": 5,
        "programme": "PASER-2026",
        "batch": 1,
    }
    assert "PASER-2026 batch 1" in event.summary and "5 baris" in event.summary


def test_registration_csv_quotes_hostile_fields_and_is_audited(
    client, users, programme, hostile_verified
):
    client.force_login(users.bpjs)
    response = _batch_file(client, programme, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = csv_fields(response.content)  # no field starts like a formula, text quoted
    assert rows[0] == bpjs.REGISTRATION_COLUMNS and len(rows) == 6
    names = sorted(r[bpjs.REGISTRATION_COLUMNS.index("NAMA")] for r in rows[1:])
    assert names == sorted("'" + n for n in NAMES)
    [event] = _exports()
    assert (event.changes["format"], event.changes["rows"]) == ("csv", 5)


def test_nothing_to_send_makes_no_batch_and_no_file(client, users, programme):
    client.force_login(users.admin)
    response = client.post(
        reverse("imports:bpjs_batch_create", args=[programme.code]), {"format": "csv"}, follow=True
    )
    assert "belum dikirim ke BPJS" in response.content.decode()
    assert not BpjsBatch.objects.exists() and not _exports()


def test_registration_region_is_the_part_of_the_programme_the_user_sees(
    users, province_programme, make_user
):
    assert bpjs.registration_region(by=users.province, programme=province_programme) == "64"
    assert bpjs.registration_region(by=users.bpjs, programme=province_programme) == PASER
    branch = make_user("bpjs_two", "petugas_bpjs", PASER)
    branch.extra_regions.add(Region.objects.get(code=PPU))
    branch = User.objects.get(pk=branch.pk)
    assert bpjs.registration_region(by=branch, programme=province_programme) == "64"


def test_error_workbook_keeps_hostile_cells_as_text_and_is_audited(client, users):
    """A CSV upload (a spreadsheet upload would carry formulas, not text) whose rejected rows
    hold hostile text: the error workbook gives it back unchanged, as text."""
    rows = [
        person(i, NAMA=name, ALAMAT="=cmd|' /C calc'!A0", JENIS_KELAMIN="X")
        for i, name in enumerate(NAMES, 1)
    ]
    rows.append(person(9, NAMA="-2+3", TEMPAT_LAHIR="+62", KODE_DESA="64.01.99.9999"))
    rows.append(person(10))  # accepted: not in the workbook
    job = import_job_create(by=users.admin, filename="desa.csv", content=csv_bytes(rows))
    import_job_run(job_id=job.pk)
    client.force_login(users.admin)
    response = client.get(reverse("imports:job_errors", args=[job.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    xlsx_values(response.content)
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[0] == [*HEADER, "PESAN_KESALAHAN"]
    names = [r[HEADER.index("NAMA")] for r in sheet[1:]]
    # Names as the village typed them (the importer trims the tab of "\t=1" on reading).
    assert names[:4] == NAMES[:4] and names[-1] == "-2+3" and len(sheet) == 7
    assert {r[HEADER.index("ALAMAT")] for r in sheet[1:6]} == {"=cmd|' /C calc'!A0"}

    [event] = _exports()
    assert (event.actor, event.object_type, event.object_id, event.region_code) == (
        users.admin,
        "importjob",
        str(job.pk),
        job.region_code,
    )
    assert event.changes == {"kind": "import_errors", "format": "xlsx", "rows": 6}


def test_template_reference_data_is_formula_safe(client, users, programme):
    Occupation.objects.filter(code="nelayan").update(name='=HYPERLINK("http://x","a")')
    client.force_login(users.operator)
    response = client.get(reverse("imports:template") + "?program=PASER-2026")
    values = xlsx_values(response.content)
    assert any(
        sheet == "Referensi" and v == '=HYPERLINK("http://x","a")' for sheet, _c, v in values
    )

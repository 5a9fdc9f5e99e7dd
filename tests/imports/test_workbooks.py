"""The template and the correction workbooks a village fills in: identity cells as Text,
drop-down lists from the reference sheet, an instructions sheet; and the import result page
that groups rejected rows by what is wrong, in words."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from lindung.core import exports
from lindung.imports.models import ImportJob
from lindung.imports.services import import_job_create, import_job_run
from tests.conftest import DESA_A
from tests.imports.conftest import HEADER, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def _validations(ws) -> dict[str, str]:
    """Range -> list formula of each drop-down on the sheet."""
    return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}


def test_template_has_text_cells_drop_downs_and_instructions(client, users, programme):
    client.force_login(users.operator)
    content = client.get(reverse("imports:template") + "?program=PASER-2026").content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Pekerja", "Petunjuk", "Referensi"]  # the importer reads 1st
    ws = book["Pekerja"]
    for cell in ("A2", "B2", "G2", "J2", "A1001", "G1001"):  # NIK, NO_KK, KODE_DESA, NO_HP
        assert ws[cell].number_format == "@", cell
    assert ws["F2"].number_format == "DD/MM/YYYY"
    assert _validations(ws) == {
        "D2:D1001": '"L,P"',
        "G2:G1001": "'Referensi'!$A$2:$A$2",  # the operator's one village
        "I2:I1001": f"'Referensi'!$E$2:$E${1 + programme.occupations.count()}",
    }
    ref = book["Referensi"]
    assert ref["A2"].value == DESA_A and ref["A2"].number_format == "@"
    steps = " ".join(str(c.value) for row in book["Petunjuk"].iter_rows() for c in row if c.value)
    assert "berformat Teks" in steps and "daftar pilihan" in steps and "NO_HP" in steps


def test_error_workbook_keeps_text_cells_and_offers_drop_downs(client, users, programme):
    rows = [person(1, JENIS_KELAMIN="X"), person(2, KODE_DESA="64.01.99.9999"), person(3)]
    job = import_job_create(
        by=users.admin, filename="desa.xlsx", content=xlsx_bytes(rows), programme=programme
    )
    import_job_run(job_id=job.pk)
    client.force_login(users.admin)
    content = client.get(reverse("imports:job_errors", args=[job.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Perbaiki", "Petunjuk", "Referensi"]
    ws = book["Perbaiki"]
    assert [c.value for c in ws[1]] == [*HEADER, "PESAN_KESALAHAN"]
    assert ws.max_row == 3
    for cell in ("A2", "B2", "G2", "J2", "A3"):
        assert ws[cell].number_format == "@", cell
    villages = book["Referensi"].max_row - 1
    drop_downs = _validations(ws)
    assert drop_downs["D2:D103"] == '"L,P"'  # the rows, and 100 spare ones
    assert drop_downs["G2:G103"].endswith(f"$A${villages + 1}") and villages > 1
    assert "I2:I103" in drop_downs
    # Uploaded again as it is, it is read like any file: the same rows are refused.
    again = import_job_create(
        by=users.admin, filename="desa-perbaiki.xlsx", content=content, programme=programme
    )
    import_job_run(job_id=again.pk)
    again.refresh_from_db()
    assert (again.status, again.result["rejected"], again.result["rows"]) == ("selesai", 2, 2)


def test_dropdown_helper_refuses_what_would_break_its_formula():
    book = exports.XlsxBook()
    ws = book.sheet("Data")
    with pytest.raises(ValueError):
        ws.dropdown("A2:A9", values=['L"', "P"])
    with pytest.raises(ValueError):
        ws.dropdown("A2:A9", values=["L,P"])
    with pytest.raises(ValueError):
        ws.dropdown("A2:A9")
    ws.append(["x"])
    ws.dropdown("A2:A9", values=["L", "P"], title="JK", prompt="L atau P")  # after a row
    ref = book.sheet("Ref's")
    ws.dropdown("B2:B9", source=ref.range_ref(1, 2, 5))
    loaded = openpyxl.load_workbook(io.BytesIO(book.file().content))
    assert _validations(loaded["Data"]) == {"A2:A9": '"L,P"', "B2:B9": "'Ref''s'!$A$2:$A$5"}
    [sex, _ref] = loaded["Data"].data_validations.dataValidation
    assert (sex.errorStyle, sex.showErrorMessage, sex.prompt) == ("warning", True, "L atau P")


def test_result_page_groups_errors_in_words(client, users, programme, monkeypatch):
    monkeypatch.setattr(ImportJob, "ERRORS_STORED", 3)
    rows = [person(i, JENIS_KELAMIN="X") for i in range(1, 6)]
    rows.append(person(6, KODE_DESA="64.01.99.9999"))
    rows.append(person(7))
    job = import_job_create(
        by=users.admin, filename="desa.xlsx", content=xlsx_bytes(rows), programme=programme
    )
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.error_groups == [
        {"code": "sex_invalid", "rows": 5, "first_rows": [2, 3, 4, 5, 6]},
        {"code": "village_unknown", "rows": 1, "first_rows": [7]},
    ]
    client.force_login(users.admin)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    # Counted over every error, though the job keeps three.
    assert "5 baris: jenis kelamin bukan L atau P" in page
    assert "1 baris: desa/kelurahan tidak dikenal" in page
    assert "7 baris dibaca: 1 diterima, 6 ditolak." in page
    assert "baris/detik" not in page and "<code>" not in page
    assert "Ringkasan ini dari" not in page

    # Without the recorded groups (an older job), the stored errors are grouped and the page
    # says the summary is partial.
    ImportJob.objects.filter(pk=job.pk).update(error_groups=[])
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "3 baris: jenis kelamin bukan L atau P" in page
    assert "Ringkasan ini dari 3 kesalahan pertama" in page

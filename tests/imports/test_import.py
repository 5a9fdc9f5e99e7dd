"""The worker import service: every error code, the duplicate warning, file forms, and the
transactional semantics (idempotent, dry run, atomic, refused whole, scope)."""

import datetime as dt

import pytest

from lindung.audit.models import AuditEvent
from lindung.imports.parsers import FileRefused
from lindung.programs.models import Enrolment, EnrolmentMonth
from lindung.programs.services import enrolment_propose, programme_set_quota
from lindung.regions.models import Region
from lindung.registry.models import DuplicatePair, Worker
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU, nik_for
from tests.imports.conftest import HEADER, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.django_db


def codes(report):
    return [(e.row, e.column, e.code) for e in report.errors]


def state():
    return (
        Worker.objects.count(),
        Enrolment.objects.count(),
        EnrolmentMonth.objects.count(),
        AuditEvent.objects.count(),
        DuplicatePair.objects.count(),
    )


def test_valid_rows_create_workers_and_propose_them(run_import, programme):
    report = run_import(xlsx_bytes([person(1), person(2, sex="P")]), programme=programme)
    assert report.counts() == {
        "rows": 2,
        "accepted": 2,
        "rejected": 0,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "enrolled": 2,
    }
    w = Worker.objects.get(nik=nik_for(serial=2, sex="P"))
    assert (w.sex, w.birth_date, w.village_id, w.kk_number, w.phone, w.declared_income) == (
        "P",
        dt.date(1985, 8, 17),
        DESA_A,
        "6401010000000002",
        "081234567890",
        1_000_000,
    )
    assert Enrolment.objects.filter(
        worker=w, programme=programme, status=Enrolment.Status.PROPOSED
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="worker", object_id=str(w.pk), action="import_create"
    ).exists()


def test_without_programme_only_the_registry_is_maintained(run_import):
    report = run_import(xlsx_bytes([person(1)]))
    assert (report.created, report.enrolled) == (1, 0)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "change, column, code",
    [
        ({"NAMA": ""}, "NAMA", "missing_value"),
        ({"NIK": "640101170885001"}, "NIK", "nik_format"),
        ({"NIK": "9901011708850001"}, "NIK", "nik_region"),
        ({"NIK": "6401013213850001"}, "NIK", "nik_date"),
        ({"JENIS_KELAMIN": "P"}, "NIK", "nik_mismatch"),
        ({"TANGGAL_LAHIR": "18/08/1985"}, "NIK", "nik_mismatch"),
        ({"TANGGAL_LAHIR": "31/02/1985"}, "TANGGAL_LAHIR", "date_invalid"),
        ({"JENIS_KELAMIN": "X"}, "JENIS_KELAMIN", "sex_invalid"),
        ({"KODE_DESA": "64.01.99.9999"}, "KODE_DESA", "village_unknown"),
        ({"PEKERJAAN": "astronot"}, "PEKERJAAN", "occupation_not_eligible"),
        ({"NO_HP": "12345"}, "NO_HP", "phone_invalid"),
        ({"NO_KK": "12"}, "NO_KK", "kk_format"),
    ],
)
def test_each_row_error_has_its_code_and_names_the_column(run_import, change, column, code):
    report = run_import(xlsx_bytes([person(1, **change), person(2)]))
    assert (2, column, code) in codes(report)
    error = next(e for e in report.errors if e.code == code)
    assert error.message.startswith(f"Kolom {column}:")
    assert (report.accepted, report.rejected) == (1, 1)
    assert Worker.objects.count() == 1


def test_nik_in_a_number_cell_is_refused_not_guessed(run_import):
    report = run_import(
        xlsx_bytes([person(1, NIK=6401011708850001.0), person(2, NO_KK=6401010000000002.0)])
    )
    assert codes(report) == [(2, "NIK", "nik_number_cell"), (3, "NO_KK", "nik_number_cell")]
    assert "15 digit" in report.errors[0].message


def test_scientific_text_nik_in_csv_is_nik_number_cell(run_import):
    report = run_import(csv_bytes([person(1, NIK="6.40101E+15")]), filename="a.csv")
    assert codes(report) == [(2, "NIK", "nik_number_cell")]


def test_a_row_may_carry_several_errors(run_import):
    report = run_import(xlsx_bytes([person(1, NAMA="", JENIS_KELAMIN="?", KODE_DESA="x")]))
    assert {c for _r, _c, c in codes(report)} == {"missing_value", "sex_invalid", "village_unknown"}
    assert report.rejected == 1


def test_duplicate_nik_in_file(run_import):
    report = run_import(xlsx_bytes([person(1), person(2), person(1, NAMA="Lain")]))
    assert codes(report) == [(4, "NIK", "duplicate_in_file")]
    assert "baris 2" in report.errors[0].message


def test_programme_rules_refuse_rows(run_import, programme):
    kid = dt.date(2015, 1, 2)
    report = run_import(
        xlsx_bytes(
            [
                person(1, birth=kid, NIK=nik_for(birth=kid, serial=1)),
                person(2, occupation="ojek"),
                person(3),
            ]
        ),
        programme=programme,
    )
    assert codes(report) == [
        (2, "TANGGAL_LAHIR", "age_out_of_range"),
        (3, "PEKERJAAN", "occupation_not_eligible"),
    ]
    assert (report.created, report.enrolled) == (1, 1)
    assert Worker.objects.count() == 1  # a rejected row writes nothing, not even its worker


def test_village_outside_the_programme_region(run_import, users, province_programme, programme):
    report = run_import(
        xlsx_bytes([person(1, village=DESA_PPU)]), by=users.province, programme=programme
    )
    assert codes(report) == [(2, "KODE_DESA", "village_out_of_scope")]


def test_already_enrolled_in_another_programme(
    run_import, users, make_worker, programme, province_programme
):
    worker = make_worker()
    enrolment_propose(programme=province_programme, worker=worker, by=users.province)
    row = person(99, NIK=worker.nik, NAMA=worker.name)
    report = run_import(xlsx_bytes([row]), programme=programme)
    assert codes(report) == [(2, "NIK", "already_enrolled")]
    assert "KALTIM-2026" in report.errors[0].message


def test_quota_exceeded(run_import, users, programme):
    programme_set_quota(by=users.admin, programme=programme, quota=2)
    report = run_import(xlsx_bytes([person(1), person(2), person(3)]), programme=programme)
    assert codes(report) == [(4, "NIK", "quota_exceeded")]
    assert report.enrolled == 2


def test_possible_duplicate_is_a_warning_and_queued(run_import, make_worker, programme):
    existing = make_worker(name="Siti Aminah Lubis", sex="P", village=DESA_A)
    row = person(7, sex="P", village=DESA_B, NAMA="Siti Aminah Lubiss")
    report = run_import(
        xlsx_bytes([row, person(8, NAMA="Siti Aminah Lubis", sex="P", village=DESA_OTHER_KEC)]),
        programme=programme,
    )
    assert report.errors == []
    assert [(w.row, w.code) for w in report.warnings] == [(2, "possible_duplicate")]
    assert existing.nik in report.warnings[0].message
    assert report.accepted == 2
    pair = DuplicatePair.objects.get()
    assert {pair.worker_a_id, pair.worker_b_id} == {
        existing.pk,
        Worker.objects.get(nik=row["NIK"]).pk,
    }


def test_possible_duplicate_within_the_file(run_import):
    report = run_import(
        xlsx_bytes(
            [
                person(1, NAMA="Ahmad Yani"),
                person(2, NAMA="Achmad Yani"),
                person(3, NAMA="Budi Santoso"),
            ]
        )
    )
    assert [(w.row, w.code) for w in report.warnings] == [(3, "possible_duplicate")]
    assert "baris 2" in report.warnings[0].message
    assert DuplicatePair.objects.count() == 1


@pytest.mark.parametrize("delimiter, bom", [(",", False), (";", False), (";", True), (",", True)])
def test_csv_with_comma_or_semicolon_and_optional_bom(run_import, delimiter, bom):
    content = csv_bytes([person(1), person(2)], delimiter=delimiter, bom=bom)
    report = run_import(content, filename="pekerja.csv")
    assert (report.created, report.errors) == (2, [])


def test_header_aliases_in_a_real_file(run_import):
    header = [
        "NIK",
        "No. KK",
        "Nama Lengkap",
        "L/P",
        "Tempat Lahir",
        "Tgl Lahir",
        "Kode Desa",
        "Alamat",
        "Pekerjaan",
        "No HP",
        "Penghasilan",
    ]
    rows = [dict(zip(header, person(1).values(), strict=True))]
    report = run_import(xlsx_bytes(rows, header=header))
    assert (report.created, report.errors) == (1, [])


def test_village_by_name_and_kecamatan(run_import):
    village = Region.objects.select_related("parent").get(code=DESA_B)
    header = [h for h in HEADER if h != "KODE_DESA"] + ["DESA", "KECAMATAN"]
    row = person(1, DESA=village.name.upper(), KECAMATAN=village.parent.name)
    wrong = person(2, DESA="Tidak Ada", KECAMATAN=village.parent.name)
    report = run_import(xlsx_bytes([row, wrong], header=header))
    assert codes(report) == [(3, "DESA", "village_unknown")]
    assert Worker.objects.get().village_id == DESA_B


@pytest.mark.parametrize(
    "birth", [dt.date(1985, 8, 17), 31276, "17/08/1985", "17-08-1985", "1985-08-17"]
)
def test_date_forms_in_a_file(run_import, birth):
    report = run_import(xlsx_bytes([person(1, TANGGAL_LAHIR=birth)]))
    assert report.errors == []
    assert Worker.objects.get().birth_date == dt.date(1985, 8, 17)


def test_names_are_trimmed_and_inner_spaces_collapsed(run_import):
    run_import(xlsx_bytes([person(1, NAMA="  Siti   Aminah ")]))
    assert Worker.objects.get().name == "Siti Aminah"


def test_reimport_changes_nothing(run_import, programme):
    content = xlsx_bytes([person(1), person(2), person(3, NAMA="")])
    first = run_import(content, programme=programme)
    before = state()
    again = run_import(content, programme=programme)
    assert state() == before
    assert again.counts() == {
        "rows": 3,
        "accepted": 2,
        "rejected": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "enrolled": 0,
    }
    assert first.created == 2


def test_changed_row_updates_the_worker_and_keeps_blank_optional_fields(run_import):
    run_import(xlsx_bytes([person(1)]))
    report = run_import(xlsx_bytes([person(1, NO_HP="081311112222", ALAMAT="")]))
    assert (report.updated, report.unchanged) == (1, 0)
    w = Worker.objects.get()
    assert (w.phone, w.address) == ("081311112222", "RT 01")


def test_dry_run_writes_nothing_and_reports_the_same(run_import, make_worker, programme):
    make_worker(name="Siti Aminah", sex="P")
    rows = [person(1), person(2, NAMA=""), person(3, sex="P", NAMA="Siti Aminahh", village=DESA_B)]
    before = state()
    dry = run_import(xlsx_bytes(rows), programme=programme, dry_run=True)
    assert state() == before
    real = run_import(xlsx_bytes(rows), programme=programme)
    assert dry.as_dict() == real.as_dict()
    # Row 4, a possible duplicate, is written but not proposed until reviewed.
    assert real.warnings and real.errors and real.enrolled == 1


def test_failure_midway_leaves_the_database_as_before(run_import, programme, monkeypatch):
    from lindung.imports import services

    def crash(**kwargs):
        assert Worker.objects.count() == 2  # the workers were already written ...
        raise RuntimeError("listrik padam")

    monkeypatch.setattr(services, "enrolments_propose", crash)
    before = state()
    with pytest.raises(RuntimeError):
        run_import(xlsx_bytes([person(1), person(2)]), programme=programme)
    assert state() == before  # ... and rolled back with everything else


@pytest.mark.parametrize(
    "content, filename, code",
    [
        (b"\x00\x01garbage\x02", "x.bin", "file_type"),
        (b"PK\x03\x04broken zip", "x.xlsx", "file_unreadable"),
        (b"", "x.csv", "file_empty"),
    ],
)
def test_unreadable_files_are_refused_whole(run_import, content, filename, code):
    with pytest.raises(FileRefused) as e:
        run_import(content, filename=filename)
    assert e.value.code == code


def test_missing_required_column_refuses_the_file(run_import):
    header = [h for h in HEADER if h != "NIK"]
    before = state()
    with pytest.raises(FileRefused) as e:
        run_import(xlsx_bytes([person(1)], header=header))
    assert e.value.code == "column_missing"
    assert "NIK" in e.value.message
    assert state() == before


def test_operator_desa_imports_only_into_their_village(run_import, users, make_worker):
    other = make_worker(village=DESA_B, name="Warga Busui", nik=nik_for(serial=77))
    report = run_import(
        xlsx_bytes(
            [
                person(1, village=DESA_A),
                person(2, village=DESA_B),
                person(3, NIK=other.nik, NAMA="Warga Busui", village=DESA_A),
            ]
        ),
        by=users.operator,
    )
    assert codes(report) == [
        (3, "KODE_DESA", "village_out_of_scope"),
        (4, "NIK", "village_out_of_scope"),
    ]
    assert list(Worker.objects.filter(village_id=DESA_A).values_list("nik", flat=True)) == [
        nik_for(serial=1)
    ]
    other.refresh_from_db()
    assert other.village_id == DESA_B


def test_roles_without_worker_edit_may_not_import(run_import, users):
    from lindung.core.errors import ScopeDenied

    with pytest.raises(ScopeDenied):
        run_import(xlsx_bytes([person(1)]), by=users.leader)

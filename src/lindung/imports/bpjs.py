"""Exchange files with the BPJS Ketenagakerjaan branch office.

Out: the registration file of verified enrolments (XLSX or CSV, columns `REGISTRATION_COLUMNS`,
documented in docs/imports.md). In: the branch's answer (NIK, KPJ number, registration date,
status) moving each enrolment to registered or active through `programs.services.
enrolments_register_many` (the checks and audit events of `enrolment_register` /
`enrolment_activate`, set-based); rows that match no enrolment, or contradict what is recorded,
are reported one by one, never dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.core import exports
from lindung.core.exports import ExportFile
from lindung.core.lookups import in_batches
from lindung.imports import parsers, rules
from lindung.imports.rules import Issue
from lindung.programs.models import Enrolment, Programme
from lindung.programs.services import Registration, enrolments_register_many
from lindung.regions.scope import scope_queryset
from lindung.registry import rules as registry_rules

REGISTRATION_COLUMNS = [
    "NO", "NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR", "ALAMAT",
    "KODE_DESA", "DESA", "KECAMATAN", "KABUPATEN_KOTA", "PEKERJAAN", "NO_HP",
    "PENGHASILAN", "PROGRAM_BPJS", "KODE_PROGRAM", "MULAI_KEPESERTAAN", "AKHIR_KEPESERTAAN",
    "ID_KEPESERTAAN_LINDUNG",
]
ANSWER_ALIASES = {
    "nik": "nik", "noktp": "nik",
    "kpj": "kpj", "nokpj": "kpj", "nomorkpj": "kpj", "nokepesertaan": "kpj",
    "nomorkepesertaan": "kpj",
    "tanggalterdaftar": "date", "tglterdaftar": "date", "tanggaldaftar": "date",
    "tgldaftar": "date", "tanggalregistrasi": "date", "tglregistrasi": "date",
    "tanggalkepesertaan": "date", "tglkepesertaan": "date",
    "status": "status", "statuskepesertaan": "status", "keterangan": "status",
}
STATUS_WORDS = {"terdaftar": "registered", "registered": "registered", "aktif": "active",
                "active": "active", "ditolak": "refused", "gagal": "refused",
                "tolak": "refused"}


def verified_enrolments(*, user: User, programme: Programme) -> QuerySet[Enrolment]:
    """Verified enrolments of a programme inside the user's region, oldest first."""
    qs = Enrolment.objects.filter(programme=programme, status=Enrolment.Status.VERIFIED)
    return scope_queryset(qs, scope_of(user)).select_related(
        "worker__village__parent__parent", "worker__occupation").order_by("verified_at", "pk")


def registration_rows(*, by: User, programme: Programme) -> list[list[object]]:
    if not can(by, Action.ENROLMENT_REGISTER):
        authorize(by, Action.ENROLMENT_REGISTER, None)
    out = []
    for n, e in enumerate(verified_enrolments(user=by, programme=programme), 1):
        w = e.worker
        district = w.village.parent
        out.append([
            n, w.nik, w.kk_number, w.name, w.sex, w.birth_place,
            w.birth_date.strftime("%d-%m-%Y"), w.address, w.village_id, w.village.name,
            district.name if district else "",
            district.parent.name if district and district.parent else "",
            w.occupation.name, w.phone, w.declared_income, "JKK+JKM", programme.code,
            e.period_start.strftime("%d-%m-%Y"), e.period_end.strftime("%d-%m-%Y"), e.pk,
        ])
    return out


def registration_export(*, by: User, programme: Programme, fmt: str = "xlsx") -> ExportFile:
    """The registration file for the branch office (`core.exports`: formula-safe, identity
    numbers always as text)."""
    rows = registration_rows(by=by, programme=programme)
    if fmt == "csv":
        return exports.csv_file(REGISTRATION_COLUMNS, rows)
    book = exports.XlsxBook()
    ws = book.sheet("Pendaftaran")
    ws.append(REGISTRATION_COLUMNS, data=False)
    for r in rows:
        ws.append(r)
    return book.file()


def registration_region(*, by: User, programme: Programme) -> str:
    """The region the user's registration file covers, for the audit trail: the programme's
    region, narrowed to the user's when the user sees only part of it (a regency's officer
    exporting a province programme); the smallest region holding all of them when several."""
    scope = scope_of(by)
    if scope.covers(programme.region_id):
        return programme.region_id
    inside = [p.split(".") for p in scope.prefixes if p.startswith(programme.region_id + ".")]
    if not inside:
        return programme.region_id
    common: list[str] = []
    for parts in zip(*inside, strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return ".".join(common)


@dataclass
class AnswerReport:
    rows: int = 0
    registered: int = 0
    activated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    conflicts: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("rows", "registered", "activated", "unchanged",
                                              "unmatched", "conflicts")}

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "errors": [e.as_dict() for e in self.errors],
                "warnings": [w.as_dict() for w in self.warnings]}


def _answer_table(content: bytes, filename: str) -> tuple[dict[str, int], list[tuple[int, list[
        object]]]]:
    header, rows = parsers.split_header(parsers.read_rows(content, filename))
    columns = rules.map_headers(header, ANSWER_ALIASES)
    missing = [c for c, f in (("NIK", "nik"), ("NO_KPJ", "kpj"), ("TANGGAL_TERDAFTAR", "date"))
               if f not in columns]
    if missing:
        raise parsers.FileRefused(
            _("Kolom wajib tidak ditemukan: %(cols)s. Berkas jawaban BPJS harus memuat NIK, "
              "NO_KPJ, TANGGAL_TERDAFTAR dan STATUS.") % {"cols": ", ".join(missing)},
            code="column_missing")
    return columns, rows


def bpjs_answer_import(*, by: User, content: bytes, filename: str,
                       programme: Programme | None = None, dry_run: bool = False,
                       progress: Callable[[str, int, int], None] | None = None) -> AnswerReport:
    """Apply the branch's answer. Each row: the open enrolment of that NIK (verified,
    registered or active; in `programme` when given) moves to registered (status TERDAFTAR) or
    active (AKTIF). One transaction for the file; a dry run rolls it back after reporting.
    Set-based: the rows are matched to enrolments in one query and applied by one call of
    `enrolments_register_many`, never a query per row."""
    if not can(by, Action.ENROLMENT_REGISTER):
        authorize(by, Action.ENROLMENT_REGISTER, None)
    columns, rows = _answer_table(content, filename)
    report = AnswerReport(rows=len(rows))

    def get(cells: list[object], name: str) -> object:
        i = columns.get(name)
        return cells[i] if i is not None and i < len(cells) else None

    def problem(row: int, column: str, code: str, message: str, *, unmatched: bool = False
                ) -> None:
        report.errors.append(rules.issue(row, column, code, message))
        if unmatched:
            report.unmatched += 1
        else:
            report.conflicts += 1

    parsed: list[tuple[int, str, str, dt.date, str]] = []
    for row, cells in rows:
        raw_nik = get(cells, "nik")
        if rules.is_number_cell(raw_nik):
            problem(row, "NIK", "nik_number_cell", _(
                "NIK tersimpan sebagai angka sehingga digit terakhirnya hilang. Minta berkas "
                "dengan kolom NIK berformat Teks."))
            continue
        nik = registry_rules.normalise_number(raw_nik)
        if len(nik) != 16 or not nik.isdigit():
            problem(row, "NIK", "nik_format", _("NIK harus 16 digit angka."))
            continue
        word = rules.header_key(get(cells, "status") or "terdaftar")
        status = STATUS_WORDS.get(word)
        if status is None:
            problem(row, "STATUS", "status_invalid", _(
                "status \"%(s)s\" tidak dikenal; isi TERDAFTAR, AKTIF atau DITOLAK.")
                % {"s": rules.text(get(cells, "status"))[:20]})
            continue
        try:
            date = rules.parse_date(get(cells, "date"))
        except rules.CellInvalid as e:
            if status != "refused":
                problem(row, "TANGGAL_TERDAFTAR", e.code, e.message)
                continue
            date = dt.date.min
        parsed.append((row, nik, rules.text(get(cells, "kpj")), date, status))

    # The open enrolments of the file's NIKs: pk, NIK, worker name, programme code, status,
    # KPJ. In the model's order, which the ambiguity message lists the programmes in.
    by_nik: dict[str, list[tuple[int, str, str, str, str, str]]] = {}
    for part in in_batches(sorted({p[1] for p in parsed})):
        qs = scope_queryset(Enrolment.objects.filter(
            worker__nik__in_array=part,
            status__in=[Enrolment.Status.VERIFIED, Enrolment.Status.REGISTERED,
                        Enrolment.Status.ACTIVE]), scope_of(by))
        if programme is not None:
            qs = qs.filter(programme=programme)
        for found in qs.values_list("pk", "worker__nik", "worker__name", "programme__code",
                                    "status", "kpj_number"):
            by_nik.setdefault(found[1], []).append(found)

    # Each row is classified here; what needs writing goes to `enrolments_register_many` in one
    # call. Problems are reported in row order: `pending` holds either a problem found here or
    # the position of the row's registration, whose problem the service reports.
    registrations: list[Registration] = []
    registration_rows: list[int] = []
    pending: list[tuple[int, str, str, str, bool] | int] = []
    for n, (row, nik, kpj, date, status) in enumerate(parsed, 1):
        if progress and n % 500 == 0:
            progress("memproses", n, len(parsed))
        found = by_nik.get(nik, [])
        if not found:
            pending.append((row, "NIK", "nik_unmatched", _(
                "tidak ada kepesertaan terverifikasi dengan NIK %(nik)s di wilayah Anda. "
                "Periksa NIK atau status verifikasinya.") % {"nik": nik}, True))
            continue
        if len(found) > 1:
            pending.append((row, "NIK", "enrolment_ambiguous", _(
                "NIK %(nik)s terdaftar di beberapa program (%(codes)s); impor jawaban per "
                "program.") % {"nik": nik, "codes": ", ".join(f[3] for f in found)}, False))
            continue
        pk, _nik, name, _code, current, recorded_kpj = found[0]
        if status == "refused":
            pending.append((row, "STATUS", "bpjs_refused", _(
                "BPJS menolak pendaftaran %(name)s. Periksa data lalu tolak atau perbaiki "
                "usulannya.") % {"name": name}, False))
            continue
        if current == Enrolment.Status.VERIFIED:
            registration = Registration(enrolment_id=pk, kpj_number=kpj, registration_date=date,
                                        activate=status == "active")
        elif registry_rules.normalise_number(kpj) != recorded_kpj:
            pending.append((row, "NO_KPJ", "kpj_mismatch", _(
                "kepesertaan ini sudah tercatat dengan KPJ %(old)s, berbeda dengan KPJ di "
                "berkas (%(new)s). Periksa dengan kantor cabang.")
                % {"old": recorded_kpj, "new": kpj}, False))
            continue
        elif current == Enrolment.Status.REGISTERED and status == "active":
            registration = Registration(enrolment_id=pk, activate=True)
        else:
            report.unchanged += 1
            continue
        pending.append(len(registrations))
        registrations.append(registration)
        registration_rows.append(row)

    with transaction.atomic():
        result = enrolments_register_many(by=by, items=registrations)
        report.registered = len(result.registered)
        report.activated = len(result.activated)
        for entry in pending:
            if not isinstance(entry, int):
                row, column, code, message, unmatched = entry
                problem(row, column, code, message, unmatched=unmatched)
            elif (error := result.problems.get(entry)) is not None:
                column = {"kpj_format": "NO_KPJ", "kpj_taken": "NO_KPJ",
                          "date_invalid": "TANGGAL_TERDAFTAR"}.get(error.code, "STATUS")
                problem(registration_rows[entry], column, error.code, error.message)
        if dry_run:
            transaction.set_rollback(True)
    return report

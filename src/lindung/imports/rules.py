"""Pure rules of the worker spreadsheet: its columns and what each one feeds, the header
aliases people type, and cells as text. No database, no I/O.

A cell's VALUE is checked by the registry's field rules (`registry.rules`), the same ones the
worker form and the API use: `COLUMN_SPECS` is the table saying which rule reads which column.

A cell arrives as what the reader gives: `str` from CSV and text cells, `float` from numeric
cells, `datetime.date`/`datetime.datetime` from date cells, `None` when empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.registry import rules as registry_rules
from lindung.registry.rules import FieldRule

# The template's columns, in order. `field` is the Worker field (or lookup) each one feeds.
COLUMNS: list[tuple[str, str]] = [
    ("NIK", "nik"),
    ("NO_KK", "kk_number"),
    ("NAMA", "name"),
    ("JENIS_KELAMIN", "sex"),
    ("TEMPAT_LAHIR", "birth_place"),
    ("TANGGAL_LAHIR", "birth_date"),
    ("KODE_DESA", "village_code"),
    ("ALAMAT", "address"),
    ("PEKERJAAN", "occupation"),
    ("NO_HP", "phone"),
    ("PENGHASILAN", "declared_income"),
]
# Not in the template, accepted instead of KODE_DESA: the village by name within its kecamatan.
EXTRA_COLUMNS: list[tuple[str, str]] = [("DESA", "village_name"), ("KECAMATAN", "district_name")]
COLUMN_OF: dict[str, str] = {f: c for c, f in COLUMNS + EXTRA_COLUMNS}
REQUIRED_FIELDS = ("nik", "name", "sex", "birth_date", "occupation")


@dataclass(frozen=True)
class ColumnSpec:
    """A template column, the table field it is read into (`source`, see `ALIASES`) and the
    registry field rule that checks it. `field` is the rule's (and the form's) field name."""

    column: str
    source: str
    rule: FieldRule

    @property
    def field(self) -> str:
        return self.rule.field


# The row checker, as a table: each column through its registry rule. KODE_DESA may instead be
# given as DESA + KECAMATAN (EXTRA_COLUMNS), looked up by name by the checker.
COLUMN_SPECS: tuple[ColumnSpec, ...] = tuple(
    ColumnSpec(
        column, source, registry_rules.FIELD_RULE["village" if source == "village_code" else source]
    )
    for column, source in COLUMNS
)
COLUMN_SPEC: dict[str, ColumnSpec] = {spec.field: spec for spec in COLUMN_SPECS}

COLUMN_HINTS = {
    "NIK": gettext_lazy("16 digit, sel berformat Teks"),
    "NO_KK": gettext_lazy("16 digit, sel berformat Teks (boleh kosong)"),
    "NAMA": gettext_lazy("nama lengkap sesuai KTP"),
    "JENIS_KELAMIN": gettext_lazy("L atau P"),
    "TEMPAT_LAHIR": gettext_lazy("boleh kosong"),
    "TANGGAL_LAHIR": gettext_lazy("hh/bb/tttt"),
    "KODE_DESA": gettext_lazy("kode Kemendagri, lihat lembar Referensi"),
    "ALAMAT": gettext_lazy("boleh kosong"),
    "PEKERJAAN": gettext_lazy("kode atau nama, lihat lembar Referensi"),
    "NO_HP": gettext_lazy("08... atau +62... (boleh kosong)"),
    "PENGHASILAN": gettext_lazy("Rp per bulan, angka (boleh kosong)"),
}

# Header spellings seen in village spreadsheets, already normalised by `header_key`.
ALIASES: dict[str, str] = {
    "nik": "nik",
    "noktp": "nik",
    "nomorktp": "nik",
    "nikktp": "nik",
    "nomornik": "nik",
    "nokk": "kk_number",
    "nomorkk": "kk_number",
    "kk": "kk_number",
    "nokartukeluarga": "kk_number",
    "nomorkartukeluarga": "kk_number",
    "nama": "name",
    "namalengkap": "name",
    "namapeserta": "name",
    "namapekerja": "name",
    "jeniskelamin": "sex",
    "lp": "sex",
    "jk": "sex",
    "kelamin": "sex",
    "sex": "sex",
    "tempatlahir": "birth_place",
    "tmplahir": "birth_place",
    "tmptlahir": "birth_place",
    "tanggallahir": "birth_date",
    "tgllahir": "birth_date",
    "tgllhr": "birth_date",
    "tanggallhr": "birth_date",
    "tgllahirddmmyyyy": "birth_date",
    "kodedesa": "village_code",
    "kodedesakelurahan": "village_code",
    "kodewilayah": "village_code",
    "kodekelurahan": "village_code",
    "desa": "village_name",
    "desakelurahan": "village_name",
    "kelurahan": "village_name",
    "namadesa": "village_name",
    "kecamatan": "district_name",
    "kec": "district_name",
    "namakecamatan": "district_name",
    "alamat": "address",
    "alamatlengkap": "address",
    "alamatdomisili": "address",
    "pekerjaan": "occupation",
    "jenispekerjaan": "occupation",
    "profesi": "occupation",
    "kodepekerjaan": "occupation",
    "nohp": "phone",
    "nomorhp": "phone",
    "hp": "phone",
    "notelp": "phone",
    "telepon": "phone",
    "nowa": "phone",
    "nomortelepon": "phone",
    "penghasilan": "declared_income",
    "penghasilanperbulan": "declared_income",
    "upah": "declared_income",
    "pendapatan": "declared_income",
}


class CellInvalid(ValueError):
    """A cell that cannot be read as the column's type; the caller names the column."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Issue:
    """One problem (or warning) of one spreadsheet row. `row` counts the header as row 1."""

    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


def issue(row: int, column: str, code: str, message: str) -> Issue:
    """An Issue whose message names its column first: 'Kolom NIK: ...'."""
    return Issue(
        row=row,
        column=column,
        code=code,
        message=_("Kolom %(col)s: %(msg)s") % {"col": column, "msg": message},
    )


def header_key(text: object) -> str:
    """'No. KK' -> 'nokk', 'L/P' -> 'lp', ' Tgl Lahir ' -> 'tgllahir'."""
    return registry_rules.key(text)


def map_headers(headers: list[object], aliases: dict[str, str] | None = None) -> dict[str, int]:
    """Field name -> column index (`ALIASES` unless other `aliases` are given); the first
    column of a field wins, unknown columns are kept in the file (and in the error workbook)
    but ignored."""
    aliases = ALIASES if aliases is None else aliases
    found: dict[str, int] = {}
    for i, h in enumerate(headers):
        field = aliases.get(header_key(h))
        if field and field not in found:
            found[field] = i
    return found


def missing_columns(found: dict[str, int]) -> list[str]:
    """Template columns a file cannot do without; the village needs KODE_DESA or DESA +
    KECAMATAN."""
    missing = [COLUMN_OF[f] for f in REQUIRED_FIELDS if f not in found]
    if "village_code" not in found and not {"village_name", "district_name"} <= found.keys():
        missing.append("KODE_DESA")
    return missing


is_blank = registry_rules.is_blank
text = registry_rules.text
is_number_cell = registry_rules.is_number_cell


def parse_date(value: object) -> dt.date:
    """A date cell, an Excel serial number or typed text (`registry.rules.parse_date`); raises
    CellInvalid for other columns than the worker's (the BPJS answer file's dates)."""
    try:
        return registry_rules.parse_date(value)
    except (ValueError, OverflowError):
        raise CellInvalid(
            "date_invalid",
            _('Tanggal "%(v)s" tidak dikenali. Tulis sebagai hh/bb/tttt, mis. 17/08/1985.')
            % {"v": text(value)[:20]},
        ) from None


def name_key(name: str) -> str:
    """Name or place compared without case, punctuation and spacing: 'Long Ikis' == 'LONG-IKIS'."""
    return header_key(name)

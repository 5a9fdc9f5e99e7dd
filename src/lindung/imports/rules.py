"""Pure rules of the worker spreadsheet: its columns, the header aliases people type, and how a
cell becomes a date, a sex, a number. No database, no I/O.

A cell arrives as what the reader gives: `str` from CSV and text cells, `float` from numeric
cells, `datetime.date`/`datetime.datetime` from date cells, `None` when empty.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "nik": "nik", "noktp": "nik", "nomorktp": "nik", "nikktp": "nik", "nomornik": "nik",
    "nokk": "kk_number", "nomorkk": "kk_number", "kk": "kk_number", "nokartukeluarga": "kk_number",
    "nomorkartukeluarga": "kk_number",
    "nama": "name", "namalengkap": "name", "namapeserta": "name", "namapekerja": "name",
    "jeniskelamin": "sex", "lp": "sex", "jk": "sex", "kelamin": "sex", "sex": "sex",
    "tempatlahir": "birth_place", "tmplahir": "birth_place", "tmptlahir": "birth_place",
    "tanggallahir": "birth_date", "tgllahir": "birth_date", "tgllhr": "birth_date",
    "tanggallhr": "birth_date", "tgllahirddmmyyyy": "birth_date",
    "kodedesa": "village_code", "kodedesakelurahan": "village_code", "kodewilayah": "village_code",
    "kodekelurahan": "village_code",
    "desa": "village_name", "desakelurahan": "village_name", "kelurahan": "village_name",
    "namadesa": "village_name",
    "kecamatan": "district_name", "kec": "district_name", "namakecamatan": "district_name",
    "alamat": "address", "alamatlengkap": "address", "alamatdomisili": "address",
    "pekerjaan": "occupation", "jenispekerjaan": "occupation", "profesi": "occupation",
    "kodepekerjaan": "occupation",
    "nohp": "phone", "nomorhp": "phone", "hp": "phone", "notelp": "phone", "telepon": "phone",
    "nowa": "phone", "nomortelepon": "phone",
    "penghasilan": "declared_income", "penghasilanperbulan": "declared_income",
    "upah": "declared_income", "pendapatan": "declared_income",
}

_SEX = {"l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "pria": "L", "m": "L",
        "p": "P", "pr": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P"}

# Excel's day zero: serial 1 is 1900-01-01, and the 1900 leap-year bug shifts later serials.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


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
        return {"row": self.row, "column": self.column, "code": self.code,
                "message": self.message}


def issue(row: int, column: str, code: str, message: str) -> Issue:
    """An Issue whose message names its column first: 'Kolom NIK: ...'."""
    return Issue(row=row, column=column, code=code,
                 message=_("Kolom %(col)s: %(msg)s") % {"col": column, "msg": message})


def header_key(text: object) -> str:
    """'No. KK' -> 'nokk', 'L/P' -> 'lp', ' Tgl Lahir ' -> 'tgllahir'."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def map_headers(headers: list[object], aliases: dict[str, str] | None = None
                ) -> dict[str, int]:
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


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as text: trimmed, inner spaces collapsed; whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def is_number_cell(value: object) -> bool:
    """True when an identity number arrived as a spreadsheet number (or its scientific text):
    Excel keeps 15 significant digits, so a 16-digit NIK in such a cell cannot be trusted."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    s = str(value).strip()
    return bool(re.fullmatch(r"\d+(?:[.,]\d+)?[eE]\+?\d+", s)) or bool(
        re.fullmatch(r"\d{15,16}\.0+", s))


def parse_sex(value: object) -> str:
    key = header_key(value)
    if key in _SEX:
        return _SEX[key]
    raise CellInvalid("sex_invalid", _("Isi L (laki-laki) atau P (perempuan)."))


def parse_date(value: object) -> dt.date:
    """Date cells, Excel serial numbers, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy and yyyy-mm-dd."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    s = str(value).strip()
    # A day or month out of range (31/02) raises ValueError: reported below like any other.
    with contextlib.suppress(ValueError):
        if re.fullmatch(r"\d{1,5}(?:\.0+)?", s):
            return _from_serial(float(s))
        if m := _DATE_DMY.match(s):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _DATE_YMD.match(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise CellInvalid(
        "date_invalid",
        _("Tanggal \"%(v)s\" tidak dikenali. Tulis sebagai hh/bb/tttt, mis. 17/08/1985.")
        % {"v": s[:20]},
    )


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2_958_466:  # 9999-12-31
        raise CellInvalid("date_invalid", _("Angka tanggal Excel di luar jangkauan."))
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_income(value: object) -> int:
    """'1.500.000', 'Rp 1.500.000', 1500000.0 -> 1500000."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != int(value):
            raise CellInvalid("income_invalid", _("Penghasilan harus bilangan bulat rupiah."))
        return int(value)
    s = re.sub(r"(?i)^rp\.?\s*", "", str(value).strip())
    s = re.sub(r",0+$", "", s).replace(".", "").replace(" ", "")
    if not s.isdigit():
        raise CellInvalid("income_invalid",
                          _("Penghasilan harus angka rupiah per bulan, mis. 1500000."))
    return int(s)


def name_key(name: str) -> str:
    """Name or place compared without case, punctuation and spacing: 'Long Ikis' == 'LONG-IKIS'."""
    return header_key(name)

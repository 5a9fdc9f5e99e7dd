"""Identity-number rules (DOMAIN.md §4) as pure functions: no database, no I/O beyond reading
the shipped province list once.

NIK = PP KK CC DDMMYY SSSS: province, regency and district of first registration, birth date
with 40 added to the day for women, serial from 0001.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from lindung.core import clock
from lindung.core.errors import DomainError

_STRIP = re.compile(r"[\s.\-_/]")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


class NikInvalid(DomainError):
    code = "nik_format"


@dataclass(frozen=True)
class NikInfo:
    nik: str
    region_code: str  # 'PP.KK.CC' of first registration
    sex: str  # 'L' or 'P'
    birth_date: dt.date


@cache
def province_codes() -> frozenset[str]:
    path = Path(__file__).resolve().parent.parent / "regions" / "data" / "provinces.csv"
    with open(path, newline="", encoding="utf-8") as f:
        return frozenset(row["code"] for row in csv.DictReader(f))


def normalise_number(raw: object) -> str:
    """Remove what people type around an identity number: spaces, dots, dashes and the leading
    apostrophe Excel users add to keep a number as text."""
    text = "" if raw is None else str(raw).strip()
    text = text.lstrip("'’`")
    return _STRIP.sub("", text)


def looks_like_float(raw: object) -> bool:
    """True for values Excel turned into a float: 6.40101E+15, 6401011508900001.0, a float.

    Excel keeps 15 significant digits, so the last digit of a 16-digit number is lost and
    cannot be recovered; such a value must be refused, never guessed."""
    if isinstance(raw, float):
        return True
    text = str(raw).strip()
    return bool(_SCIENTIFIC.match(text)) or bool(re.fullmatch(r"\d{15,16}\.0+", text))


def nik_birth_digits(birth: dt.date, sex: str) -> str:
    """DDMMYY as a NIK encodes it: the day plus 40 for a woman."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"


def nik_compose(region_code: str, birth: dt.date, sex: str, serial: int) -> str:
    """A NIK: the kecamatan of first registration (first 6 digits of `region_code`, dotted or
    not), DDMMYY (`nik_birth_digits`) and a 4-digit serial. The inverse of `parse_nik`; used
    to generate demo data and test fixtures."""
    return f"{region_code.replace('.', '')[:6]}{nik_birth_digits(birth, sex)}{serial:04d}"


def _birth_from_digits(ddmmyy: str, today: dt.date) -> tuple[dt.date, str] | None:
    day, month, yy = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    sex = "L"
    if day > 40:
        day -= 40
        sex = "P"
    # Two-digit year: the most recent birth date not in the future ('311226' read on
    # 25 Nov 2026 is 31 Dec 1926, not a date next month).
    try:
        birth = dt.date(2000 + yy, month, day)
    except ValueError:
        birth = None
    if birth is None or birth > today:
        try:
            birth = dt.date(1900 + yy, month, day)
        except ValueError:  # not a real date (29 Feb 1900 included)
            return None
    return birth, sex


def parse_nik(raw: object, *, today: dt.date | None = None,
              provinces: frozenset[str] | None = None) -> NikInfo:
    """Check a NIK's form, province and date; return what it encodes, or raise NikInvalid."""
    today = today or clock.today()
    if looks_like_float(raw):
        raise NikInvalid(
            _("NIK tersimpan sebagai angka sehingga digit terakhirnya hilang. Ketik ulang NIK "
              "sebagai teks (16 digit)."),
            code="nik_number_cell", field="nik",
        )
    nik = normalise_number(raw)
    if not re.fullmatch(r"\d{16}", nik):
        raise NikInvalid(
            _("NIK harus tepat 16 digit angka (tertulis %(n)s karakter). Periksa kembali KTP.")
            % {"n": len(nik)},
            code="nik_format", field="nik",
        )
    provinces = provinces if provinces is not None else province_codes()
    if nik[:2] not in provinces:
        raise NikInvalid(
            _("Dua digit pertama NIK (%(pp)s) bukan kode provinsi. Periksa kembali KTP.")
            % {"pp": nik[:2]},
            code="nik_region", field="nik",
        )
    parsed = _birth_from_digits(nik[6:12], today)
    if parsed is None:
        raise NikInvalid(
            _("Digit ke-7 sampai ke-12 NIK (%(d)s) bukan tanggal lahir yang sah (DDMMYY, "
              "tanggal +40 untuk perempuan). Periksa kembali KTP.") % {"d": nik[6:12]},
            code="nik_date", field="nik",
        )
    birth, sex = parsed
    return NikInfo(nik=nik, region_code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}", sex=sex,
                   birth_date=birth)


def check_nik_matches(info: NikInfo, *, sex: str | None, birth_date: dt.date | None) -> None:
    """The NIK must agree with the declared sex and birth date (day, month, two-digit year)."""
    problems = []
    if sex and sex != info.sex:
        problems.append(
            _("NIK menunjukkan jenis kelamin %(nik)s, tetapi yang diisi %(given)s")
            % {"nik": _("perempuan") if info.sex == "P" else _("laki-laki"),
               "given": _("perempuan") if sex == "P" else _("laki-laki")}
        )
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.birth_date.day, info.birth_date.month, info.birth_date.year % 100
    ):
        problems.append(
            _("tanggal lahir di NIK %(nik)s, tetapi yang diisi %(given)s")
            % {"nik": info.birth_date.strftime("%d/%m/%y"),
               "given": birth_date.strftime("%d/%m/%Y")}
        )
    if problems:
        raise NikInvalid(
            "; ".join(problems) + ". " + _("Periksa NIK, jenis kelamin dan tanggal lahir di KTP."),
            code="nik_mismatch", field="nik",
        )


def validate_kk(raw: object, *, provinces: frozenset[str] | None = None) -> str:
    """No. KK: 16 digits, first two a province code. Returns the normalised number."""
    if looks_like_float(raw):
        raise NikInvalid(
            _("No. KK tersimpan sebagai angka sehingga digit terakhirnya hilang. Ketik ulang "
              "sebagai teks (16 digit)."),
            code="nik_number_cell", field="kk_number",
        )
    kk = normalise_number(raw)
    provinces = provinces if provinces is not None else province_codes()
    if not re.fullmatch(r"\d{16}", kk):
        raise NikInvalid(_("No. KK harus tepat 16 digit angka. Periksa kembali Kartu Keluarga."),
                         code="kk_format", field="kk_number")
    if kk[:2] not in provinces:
        raise NikInvalid(
            _("Dua digit pertama No. KK (%(pp)s) bukan kode provinsi. Periksa Kartu Keluarga.")
            % {"pp": kk[:2]},
            code="kk_format", field="kk_number",
        )
    return kk


def validate_kpj(raw: object, *, digits: int) -> str:
    """KPJ: the BPJS Ketenagakerjaan membership number (length is a dated parameter)."""
    kpj = normalise_number(raw)
    if not re.fullmatch(rf"\d{{{digits}}}", kpj):
        raise NikInvalid(
            _("Nomor KPJ harus %(n)s digit angka sesuai kartu BPJS Ketenagakerjaan.")
            % {"n": digits},
            code="kpj_format", field="kpj_number",
        )
    return kpj


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def normalise_name(raw: object) -> str:
    """Trim and collapse inner spaces; keep the person's own capitalisation."""
    return " ".join(str(raw or "").split())

"""Worker field rules as pure functions: no database, no I/O beyond reading the shipped province
list once. The ONE place where a worker's fields are checked and normalised: the form, the API
and the spreadsheet import all call these (`FIELD_RULES`, `clean_fields`), so the same bad value
gets the same code and message on every channel.

Identity numbers (DOMAIN.md §4): NIK = PP KK CC DDMMYY SSSS: province, regency and district of
first registration, birth date with 40 added to the day for women, serial from 0001.

Each rule takes the raw value as a channel gives it (form text, JSON, a spreadsheet cell: `str`,
`float` from a number cell, a date from a date cell, `None` when empty) and returns the clean
value or raises `FieldInvalid` with a stable code, the field and an Indonesian message that
reads alone (the import prefixes it with "Kolom X: ").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from lindung.core import clock
from lindung.core.errors import DomainError

_STRIP = re.compile(r"[\s.\-_/]")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_WHOLE_FLOAT = re.compile(r"\d{15,16}\.0+")


class FieldInvalid(DomainError):
    """A worker field that breaks its rule; `field` names the input (nik, phone, ...)."""

    code = "field_invalid"


class NikInvalid(FieldInvalid):
    code = "nik_format"


@dataclass(frozen=True, slots=True)
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


def is_number_cell(raw: object) -> bool:
    """True when an identity number arrived as a spreadsheet number: a float or an integer
    (what a number cell gives), or its text (6.40101E+15, 6401011508900001.0).

    Excel keeps 15 significant digits, so the last digit of a 16-digit number is lost and
    cannot be recovered; such a value must be refused, never guessed. Identity numbers are text
    on every channel (the form's and the API's fields are strings)."""
    if isinstance(raw, bool):
        return False
    if isinstance(raw, (int, float)):
        return True
    text = str(raw).strip()
    return bool(_SCIENTIFIC.match(text)) or bool(_WHOLE_FLOAT.fullmatch(text))


looks_like_float = is_number_cell  # the older name


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A value as text: trimmed, inner spaces collapsed; whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def nik_birth_digits(birth: dt.date, sex: str) -> str:
    """DDMMYY as a NIK encodes it: the day plus 40 for a woman."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{day:02d}{birth.month:02d}{birth.year % 100:02d}"


def nik_compose(region_code: str, birth: dt.date, sex: str, serial: int) -> str:
    """A NIK: the kecamatan of first registration (first 6 digits of `region_code`, dotted or
    not), DDMMYY (`nik_birth_digits`) and a 4-digit serial. The inverse of `parse_nik`; used
    to generate demo data and test fixtures."""
    return f"{region_code.replace('.', '')[:6]}{nik_birth_digits(birth, sex)}{serial:04d}"


@lru_cache(maxsize=100_000)
def _birth_from_digits(ddmmyy: str, today: dt.date) -> tuple[dt.date, str] | None:
    """Cached: a 100,000-row import holds a few thousand distinct DDMMYY."""
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


def parse_nik(
    raw: object, *, today: dt.date | None = None, provinces: frozenset[str] | None = None
) -> NikInfo:
    """Check a NIK's form, province and date; return what it encodes, or raise NikInvalid."""
    today = today or clock.today()
    if type(raw) is str and len(raw) == 16 and raw.isdigit():
        nik = raw  # the common case, without the clean-up below
    elif is_number_cell(raw):
        raise NikInvalid(number_cell_message(_("NIK"), raw), code="nik_number_cell", field="nik")
    else:
        nik = normalise_number(raw)
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        raise NikInvalid(
            _("NIK harus tepat 16 digit angka (tertulis %(n)s karakter). Periksa kembali KTP.")
            % {"n": len(nik)},
            code="nik_format",
            field="nik",
        )
    provinces = provinces if provinces is not None else province_codes()
    if nik[:2] not in provinces:
        raise NikInvalid(
            _("Dua digit pertama NIK (%(pp)s) bukan kode provinsi. Periksa kembali KTP.")
            % {"pp": nik[:2]},
            code="nik_region",
            field="nik",
        )
    parsed = _birth_from_digits(nik[6:12], today)
    if parsed is None:
        raise NikInvalid(
            _(
                "Digit ke-7 sampai ke-12 NIK (%(d)s) bukan tanggal lahir yang sah (DDMMYY, "
                "tanggal +40 untuk perempuan). Periksa kembali KTP."
            )
            % {"d": nik[6:12]},
            code="nik_date",
            field="nik",
        )
    birth, sex = parsed
    return NikInfo(
        nik=nik, region_code=f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}", sex=sex, birth_date=birth
    )


def check_nik_matches(info: NikInfo, *, sex: str | None, birth_date: dt.date | None) -> None:
    """The NIK must agree with the declared sex and birth date (day, month, two-digit year)."""
    problems = []
    if sex and sex != info.sex:
        problems.append(
            _("NIK menunjukkan jenis kelamin %(nik)s, tetapi yang diisi %(given)s")
            % {
                "nik": _("perempuan") if info.sex == "P" else _("laki-laki"),
                "given": _("perempuan") if sex == "P" else _("laki-laki"),
            }
        )
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    ):
        problems.append(
            _("tanggal lahir di NIK %(nik)s, tetapi yang diisi %(given)s")
            % {
                "nik": info.birth_date.strftime("%d/%m/%y"),
                "given": birth_date.strftime("%d/%m/%Y"),
            }
        )
    if problems:
        raise NikInvalid(
            "; ".join(problems) + ". " + _("Periksa NIK, jenis kelamin dan tanggal lahir di KTP."),
            code="nik_mismatch",
            field="nik",
        )


def validate_kk(raw: object, *, provinces: frozenset[str] | None = None) -> str:
    """No. KK: 16 digits, first two a province code. Returns the normalised number."""
    provinces = provinces if provinces is not None else province_codes()
    if type(raw) is str and len(raw) == 16 and raw.isdigit() and raw[:2] in provinces:
        return raw  # the common case
    if is_number_cell(raw):
        raise NikInvalid(
            number_cell_message(_("No. KK"), raw), code="nik_number_cell", field="kk_number"
        )
    kk = normalise_number(raw)
    if not (len(kk) == 16 and kk.isascii() and kk.isdigit()):
        raise NikInvalid(
            _("No. KK harus tepat 16 digit angka. Periksa kembali Kartu Keluarga."),
            code="kk_format",
            field="kk_number",
        )
    if kk[:2] not in provinces:
        raise NikInvalid(
            _("Dua digit pertama No. KK (%(pp)s) bukan kode provinsi. Periksa Kartu Keluarga.")
            % {"pp": kk[:2]},
            code="kk_format",
            field="kk_number",
        )
    return kk


def validate_kpj(raw: object, *, digits: int) -> str:
    """KPJ: the BPJS Ketenagakerjaan membership number (length is a dated parameter)."""
    kpj = normalise_number(raw)
    if not re.fullmatch(rf"\d{{{digits}}}", kpj):
        raise NikInvalid(
            _("Nomor KPJ harus %(n)s digit angka sesuai kartu BPJS Ketenagakerjaan.")
            % {"n": digits},
            code="kpj_format",
            field="kpj_number",
        )
    return kpj


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def normalise_name(raw: object) -> str:
    """Trim and collapse inner spaces; keep the person's own capitalisation."""
    return " ".join(str(raw or "").split())


def number_cell_message(what: str, raw: object) -> str:
    return _(
        "%(what)s tersimpan sebagai angka (%(v)s) sehingga digit terakhirnya hilang: Excel "
        "hanya menyimpan 15 digit. Ketik ulang %(what)s sebagai teks (16 digit); di Excel, "
        "format sel sebagai Teks dulu."
    ) % {"what": what, "v": text(raw)[:20]}


# --- worker fields ------------------------------------------------------------------------------
# One rule per field, used by every channel. A rule receives the raw value and a FieldContext
# (the reference data it may need, read once by the caller) and returns the clean value. Blank
# optional fields clean to "" (or None for the income: the dated default applies); the import
# instead keeps what the registry holds for a blank optional cell (`FieldRule.keep_blank`).

BIRTH_MIN = dt.date(1900, 1, 1)
INCOME_MAX = 1_000_000_000  # Rp per month: beyond it the figure is a typing error
NAME_MAX = 150
BIRTH_PLACE_MAX = 80
ADDRESS_MAX = 250

_SEX = {
    "l": "L",
    "lk": "L",
    "laki": "L",
    "lakilaki": "L",
    "pria": "L",
    "m": "L",
    "p": "P",
    "pr": "P",
    "perempuan": "P",
    "wanita": "P",
    "w": "P",
    "f": "P",
}
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (with Excel's 1900 leap bug)
_DATE_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})$")
_DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PHONE_STRIP = re.compile(r"[\s.\-_/()]")


@dataclass(frozen=True, slots=True)
class OccupationRef:
    pk: int
    code: str
    name: str
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class FieldContext:
    """What the rules need beyond the value: today, the province list, and the villages and
    occupations the values refer to (read by the caller once, for one row or a whole file)."""

    today: dt.date
    villages: frozenset[str] | set[str] = frozenset()  # known village codes
    occupations: dict[str, OccupationRef] | None = None  # by `key(code)` and `key(name)`
    provinces: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.provinces:
            object.__setattr__(self, "provinces", province_codes())


def key(value: object) -> str:
    """A word compared without case, accents, punctuation and spacing: 'Guru Ngaji' ==
    'guru-ngaji', 'L/P' -> 'lp'."""
    plain = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def missing(field: str, what: str) -> FieldInvalid:
    return FieldInvalid(
        _("%(what)s wajib diisi.") % {"what": what}, code="missing_value", field=field
    )


def clean_name(raw: object, ctx: FieldContext | None = None) -> str:
    """Full name as on the KTP: spaces collapsed, the person's own capitalisation kept, at
    least one letter, at most 150 characters."""
    name = text(raw)
    if not name:
        raise missing("name", _("Nama lengkap sesuai KTP"))
    if not _HAS_LETTER.search(name):
        raise FieldInvalid(
            _('Nama "%(v)s" tidak berisi huruf. Tulis nama lengkap sesuai KTP.') % {"v": name[:40]},
            code="name_invalid",
            field="name",
        )
    if len(name) > NAME_MAX:
        raise FieldInvalid(
            _("Nama terlalu panjang (%(n)s karakter, paling banyak %(max)s).")
            % {"n": len(name), "max": NAME_MAX},
            code="name_invalid",
            field="name",
        )
    return name


def clean_birth_place(raw: object, ctx: FieldContext | None = None) -> str:
    return text(raw)[:BIRTH_PLACE_MAX]


def clean_address(raw: object, ctx: FieldContext | None = None) -> str:
    return text(raw)[:ADDRESS_MAX]


def clean_sex(raw: object, ctx: FieldContext | None = None) -> str:
    """L or P; also the words people write (laki-laki, perempuan, pria, wanita, LK, PR)."""
    if is_blank(raw):
        raise missing("sex", _("Jenis kelamin (L atau P)"))
    found = _SEX.get(key(raw))
    if found:
        return found
    raise FieldInvalid(
        _('Jenis kelamin "%(v)s" tidak dikenali. Isi L (laki-laki) atau P (perempuan).')
        % {"v": text(raw)[:20]},
        code="sex_invalid",
        field="sex",
    )


def parse_date(value: object) -> dt.date:
    """Date cells and dates, Excel serial numbers, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy and
    yyyy-mm-dd. Raises ValueError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_serial(float(value))
    s = str(value).strip()
    if re.fullmatch(r"\d{1,5}(?:\.0+)?", s):
        return _from_serial(float(s))
    if m := _DATE_DMY.match(s):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if m := _DATE_YMD.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(s)


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2_958_466:  # 9999-12-31
        raise ValueError(serial)
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def clean_date(raw: object, *, field: str, what: str) -> dt.date:
    if is_blank(raw):
        raise missing(field, what)
    try:
        return parse_date(raw)
    except (ValueError, OverflowError):
        raise FieldInvalid(
            _('Tanggal "%(v)s" tidak dikenali. Tulis sebagai hh/bb/tttt, mis. 17/08/1985.')
            % {"v": text(raw)[:20]},
            code="date_invalid",
            field=field,
        ) from None


def clean_birth_date(raw: object, ctx: FieldContext) -> dt.date:
    """A real date from 1 January 1900 to today (a living worker's birth)."""
    birth = clean_date(raw, field="birth_date", what=_("Tanggal lahir (hh/bb/tttt)"))
    if not BIRTH_MIN <= birth <= ctx.today:
        raise FieldInvalid(
            _(
                "Tanggal lahir %(d)s tidak mungkin: harus antara 01/01/1900 dan "
                "hari ini. Periksa KTP."
            )
            % {"d": birth.strftime("%d/%m/%Y")},
            code="date_invalid",
            field="birth_date",
        )
    return birth


def clean_nik(raw: object, ctx: FieldContext) -> NikInfo:
    if is_blank(raw):
        raise missing("nik", _("NIK (16 digit sesuai KTP)"))
    return parse_nik(raw, today=ctx.today, provinces=ctx.provinces)


def clean_kk(raw: object, ctx: FieldContext | None = None) -> str:
    if is_blank(raw):
        return ""
    return validate_kk(raw, provinces=ctx.provinces if ctx else None)


def clean_phone(raw: object, ctx: FieldContext | None = None) -> str:
    """A mobile number, stored as Indonesians dial it at home: 08xxxxxxxxx (9-14 digits).

    Accepted: 08..., +62 8..., 62 8... (the country code without '+', as WhatsApp shows it),
    and 8... (a number cell that dropped the leading zero), with spaces, dots, dashes or
    brackets between the digits."""
    if type(raw) is str and raw[:2] == "08" and 9 <= len(raw) <= 14 and raw.isdigit():
        return raw  # the common case
    if is_blank(raw):
        return ""
    phone = _PHONE_STRIP.sub("", text(raw)).lstrip("'’`")
    if phone.startswith("+62"):
        phone = "0" + phone[3:]
    elif phone.startswith("62") and phone[2:3] == "8":
        phone = "0" + phone[2:]
    elif phone.startswith("8"):
        phone = "0" + phone
    if phone[:2] == "08" and 9 <= len(phone) <= 14 and phone.isascii() and phone.isdigit():
        return phone
    raise FieldInvalid(
        _(
            'Nomor HP "%(v)s" tidak dikenali: tulis 08..., +628... atau 628... '
            "(9-14 digit), atau kosongkan."
        )
        % {"v": text(raw)[:20]},
        code="phone_invalid",
        field="phone",
    )


def clean_income(raw: object, ctx: FieldContext | None = None) -> int | None:
    """Declared monthly income in whole rupiah: 1500000, '1.500.000', 'Rp 1.500.000',
    1500000.0. None when blank (the caller applies the dated default or keeps the old one)."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        income = -1
    elif isinstance(raw, (int, float)):
        income = int(raw) if raw == int(raw) else -1
    else:
        s = re.sub(r"(?i)^rp\.?\s*", "", str(raw).strip())
        s = re.sub(r",0+$", "", s).replace(".", "").replace(" ", "")
        income = int(s) if s.isascii() and s.isdigit() else -1
    if income < 0:
        raise FieldInvalid(
            _(
                'Penghasilan "%(v)s" tidak dikenali. Tulis rupiah per bulan '
                "dengan angka saja, mis. 1500000."
            )
            % {"v": text(raw)[:20]},
            code="income_invalid",
            field="declared_income",
        )
    if not 0 < income <= INCOME_MAX:
        raise FieldInvalid(
            _(
                "Penghasilan per bulan harus lebih dari Rp0 dan paling banyak "
                "Rp1.000.000.000, atau kosongkan."
            ),
            code="income_invalid",
            field="declared_income",
        )
    return income


def normalise_village_code(value: object) -> str:
    """'64.01.01.2009', '6401012009' and ' 64.01.01.2009 ' -> '64.01.01.2009'."""
    s = text(getattr(value, "code", value)).replace(" ", "")
    digits = re.sub(r"\D", "", s)
    if len(digits) == 10 and (s == digits or re.fullmatch(r"[\d.]+", s)):
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return s


def clean_village(raw: object, ctx: FieldContext) -> str:
    """The Kemendagri code of a desa/kelurahan (a Region, or its code in any usual spelling)."""
    if is_blank(raw):
        raise missing("village", _("Desa/kelurahan domisili (kode Kemendagri, mis. 64.01.01.2009)"))
    code = normalise_village_code(raw)
    if code in ctx.villages:
        return code
    raise FieldInvalid(
        _(
            'Kode desa/kelurahan "%(v)s" tidak dikenal. Pilih dari daftar desa '
            "(di templat: lembar Referensi), format 64.01.01.2009."
        )
        % {"v": code[:20]},
        code="village_unknown",
        field="village",
    )


def clean_occupation(raw: object, ctx: FieldContext) -> OccupationRef:
    """A vulnerable occupation still in force, by its code or its name (or an Occupation)."""
    if is_blank(raw):
        raise missing("occupation", _("Pekerjaan (pilih dari daftar pekerjaan rentan)"))
    found = (ctx.occupations or {}).get(key(getattr(raw, "code", raw)))
    if found is None:
        raise FieldInvalid(
            _(
                'Pekerjaan "%(v)s" tidak ada dalam daftar pekerjaan rentan. Pilih '
                "dari daftar (di templat: lembar Referensi)."
            )
            % {"v": text(getattr(raw, "name", raw))[:40]},
            code="occupation_not_eligible",
            field="occupation",
        )
    if found.valid_to and found.valid_to < ctx.today:
        raise FieldInvalid(
            _("Pekerjaan %(o)s sudah tidak berlaku sejak %(d)s. Pilih pekerjaan lain dari daftar.")
            % {"o": found.name, "d": found.valid_to.strftime("%d/%m/%Y")},
            code="occupation_not_eligible",
            field="occupation",
        )
    return found


@dataclass(frozen=True)
class FieldRule:
    """One worker field: the input's name, the Worker attribute it fills, its rule, whether the
    import keeps the registry's value for a blank cell, and whether a file has few distinct
    values of it (the import then checks each distinct value once)."""

    field: str
    target: str
    clean: Callable[[Any, FieldContext], Any]
    keep_blank: bool = False
    few_values: bool = False


FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("nik", "nik", clean_nik),
    FieldRule("kk_number", "kk_number", clean_kk, keep_blank=True),
    FieldRule("name", "name", clean_name),
    FieldRule("sex", "sex", clean_sex, few_values=True),
    FieldRule("birth_place", "birth_place", clean_birth_place, keep_blank=True),
    FieldRule("birth_date", "birth_date", clean_birth_date, few_values=True),
    FieldRule("village", "village_id", clean_village, few_values=True),
    FieldRule("address", "address", clean_address, keep_blank=True),
    FieldRule("occupation", "occupation_id", clean_occupation, few_values=True),
    FieldRule("phone", "phone", clean_phone, keep_blank=True),
    FieldRule("declared_income", "declared_income", clean_income, keep_blank=True, few_values=True),
)
FIELD_RULE = {r.field: r for r in FIELD_RULES}


def settle(rule: FieldRule, value: Any, values: dict[str, Any]) -> None:
    """Put a rule's clean value into `values` (Worker attributes): the NIK's number, an
    occupation's id."""
    if rule.field == "nik":
        values["nik"] = value.nik
    elif rule.field == "occupation":
        values["occupation_id"] = value.pk
    else:
        values[rule.target] = value


def check_nik_fields(info: NikInfo | None, values: dict[str, Any]) -> FieldInvalid | None:
    """The NIK against the declared sex and birth date (nik_mismatch), or None."""
    if info is None:
        return None
    try:
        check_nik_matches(info, sex=values.get("sex"), birth_date=values.get("birth_date"))
    except NikInvalid as e:
        return e
    return None


def clean_fields(
    raw: dict[str, Any],
    ctx: FieldContext,
    *,
    only: Iterable[str] | None = None,
    current: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[FieldInvalid]]:
    """Every field of one worker through its rule: (Worker attribute -> clean value, every
    problem). `only`: the fields given (an update of some fields), by default all of them;
    `current`: the record's nik, sex and birth_date, against which a NIK, sex or birth date
    given alone is checked."""
    values: dict[str, Any] = {}
    errors: list[FieldInvalid] = []
    info = None
    wanted = set(FIELD_RULE) if only is None else set(only)
    for rule in FIELD_RULES:
        if rule.field not in wanted:
            continue
        try:
            value = rule.clean(raw.get(rule.field), ctx)
        except FieldInvalid as e:
            errors.append(e)
            continue
        if rule.field == "nik":
            info = value
        settle(rule, value, values)
    declared = {k: values.get(k) for k in ("sex", "birth_date")}
    if current is not None:
        for k in ("sex", "birth_date"):
            if k not in wanted:
                declared[k] = current.get(k)
        if info is None and "nik" not in wanted and (wanted & {"sex", "birth_date"}):
            try:
                info = parse_nik(current.get("nik"), today=ctx.today, provinces=ctx.provinces)
            except NikInvalid:
                info = None  # an old record's NIK: its own problem, not this change's
    if (problem := check_nik_fields(info, declared)) is not None:
        errors.append(problem)
    return values, errors

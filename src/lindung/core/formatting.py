"""Numbers and dates in Indonesian form, independent of the active locale when asked; identity
and phone numbers masked for display."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def thousands(value: int | Decimal | float, sep: str = ".") -> str:
    """12345678 -> '12.345.678' (whole numbers; rupiah has no cents in practice)."""
    n = int(round(value))
    sign = "-" if n < 0 else ""
    return sign + f"{abs(n):,}".replace(",", sep)


def rupiah(value: int | Decimal | float | None) -> str:
    """3024000000 -> 'Rp3.024.000.000' (the form used in Pemda budget documents)."""
    if value is None:
        return "-"
    return "Rp" + thousands(value)


def percent(value: float | Decimal | None, digits: int = 2) -> str:
    """90.4321 -> '90,43 %'."""
    if value is None:
        return "-"
    return f"{float(value):.{digits}f}".replace(".", ",") + " %"


def tanggal(value: dt.date | None) -> str:
    """date(2026, 11, 23) -> '23 November 2026'."""
    if value is None:
        return "-"
    return f"{value.day} {MONTHS_ID[value.month - 1]} {value.year}"


def bulan(value: dt.date) -> str:
    """date(2026, 11, 1) -> 'November 2026'."""
    return f"{MONTHS_ID[value.month - 1]} {value.year}"


# --- personal data shown by need --------------------------------------------------------------
# A masked identity number still lets a reader tell two people apart and match a paper form
# (the region digits at the front, the serial at the back) without giving away the whole
# number; the birth digits in the middle are what a NIK adds to a name and a birth date.

MASK = "•"
_IDENTITY_RUN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_identity(value: str | None) -> str:
    """A 16-digit NIK or No. KK as `6401 01•• •••• 0002`: region (6 digits) and serial (4)
    shown, birth or issue date hidden. Anything else keeps its first 2 and last 2 characters.
    Empty stays empty."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) == 16 and text.isdigit():
        hidden = text[:6] + MASK * 6 + text[12:]
        return " ".join(hidden[i : i + 4] for i in range(0, 16, 4))
    if len(text) <= 4:
        return MASK * len(text)
    return text[:2] + MASK * (len(text) - 4) + text[-2:]


def mask_phone(value: str | None) -> str:
    """A phone number as `0812•••••678`: the operator prefix and the last 3 digits."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) <= 7:
        return MASK * len(text)
    return text[:4] + MASK * (len(text) - 7) + text[-3:]


def mask_identities_in(text: str | None) -> str:
    """Every 16-digit run (a NIK or No. KK inside a sentence) of `text` masked."""
    if not text:
        return "" if text is None else text
    return _IDENTITY_RUN.sub(lambda m: mask_identity(m.group(0)), str(text))

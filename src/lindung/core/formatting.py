"""Numbers and dates in Indonesian form, independent of the active locale when asked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]


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

"""Eligibility and period rules of a programme, as pure functions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lindung.core.errors import DomainError
from lindung.registry.rules import age_on


@dataclass(frozen=True)
class ProgrammeRules:
    code: str
    region_code: str
    age_min: int
    age_max: int
    occupation_codes: frozenset[str]
    period_start: dt.date
    period_end: dt.date


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def programme_month(*, period_start: dt.date, period_end: dt.date, on: dt.date) -> dt.date:
    """The programme month a page shows on `on`: `on`'s month, held within the programme's
    period (its first month before it starts, its last month once it has ended)."""
    return max(min(month_start(on), month_start(period_end)), month_start(period_start))


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month from start's month to end's month, inclusive."""
    out, cur = [], month_start(start)
    while cur <= end:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def enrolment_period(rules: ProgrammeRules, *, on: dt.date) -> tuple[dt.date, dt.date] | None:
    """An enrolment proposed on `on` holds the programme's months from `on`'s month onward
    (months already past are not funded twice). None when the programme has ended."""
    start = max(rules.period_start, month_start(on))
    if start > rules.period_end:
        return None
    return start, rules.period_end


def eligibility_problems(
    rules: ProgrammeRules,
    *,
    birth_date: dt.date,
    occupation_code: str,
    village_code: str,
    worker_status: str = "aktif",
    on: dt.date,
) -> list[DomainError]:
    """Why a worker may not join the programme (empty list: eligible)."""
    problems: list[DomainError] = []
    if worker_status == "penerima_upah":
        # DOMAIN.md §5: no fixed wage. A wage earner's contributions are the employer's.
        problems.append(
            DomainError(
                _(
                    "Pekerja sudah menjadi pekerja penerima upah: iurannya dibayar pemberi kerja, "
                    "bukan program pekerja rentan. Tidak dapat diusulkan."
                ),
                code="worker_wage_earner",
                field="status",
            )
        )
    elif worker_status != "aktif":
        problems.append(
            DomainError(
                _("Pekerja berstatus tidak aktif/meninggal/pindah dan tidak dapat diusulkan."),
                code="worker_inactive",
                field="status",
            )
        )
    age = age_on(birth_date, on)
    if not rules.age_min <= age <= rules.age_max:
        problems.append(
            DomainError(
                _(
                    "Usia %(age)s tahun di luar batas program %(code)s (%(min)s-%(max)s tahun). "
                    "Periksa tanggal lahir."
                )
                % {"age": age, "code": rules.code, "min": rules.age_min, "max": rules.age_max},
                code="age_out_of_range",
                field="birth_date",
            )
        )
    if occupation_code not in rules.occupation_codes:
        problems.append(
            DomainError(
                _(
                    "Pekerjaan ini tidak termasuk daftar pekerjaan program %(code)s. Pilih pekerjaan "
                    "yang sesuai atau usulkan ke program lain."
                )
                % {"code": rules.code},
                code="occupation_not_eligible",
                field="occupation",
            )
        )
    if not (village_code == rules.region_code or village_code.startswith(rules.region_code + ".")):
        problems.append(
            DomainError(
                _("Domisili pekerja di luar wilayah penyelenggara program %(code)s.")
                % {"code": rules.code},
                code="village_out_of_scope",
                field="village",
            )
        )
    return problems


@dataclass(frozen=True)
class KpjLine:
    number: int  # line number in the pasted text, for messages
    nik: str
    kpj: str
    registration_date: dt.date


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


def parse_kpj_lines(
    text: str, *, default_date: dt.date, max_lines: int = 20_000
) -> tuple[list[KpjLine], list[str]]:
    """Lines pasted from a spreadsheet: NIK, KPJ number and optionally the registration date,
    separated by tabs, semicolons, commas or spaces. Returns the readable lines and a message
    per line that is not (the KPJ itself is checked by the registration service)."""
    lines: list[KpjLine] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines()[:max_lines], 1):
        parts = [p.strip() for p in re.split(r"[\t;,]", raw) if p.strip()]
        if len(parts) < 2:  # typed with spaces only
            parts = raw.split()
        if not parts:
            continue
        nik = re.sub(r"\D", "", parts[0])
        if len(nik) != 16 or len(parts) < 2:
            problems.append(
                _("Baris %(n)s: tulis NIK (16 digit) lalu nomor KPJ, dipisah tab atau titik koma.")
                % {"n": number}
            )
            continue
        when = default_date
        if len(parts) >= 3:
            for fmt in _DATE_FORMATS:
                try:
                    when = dt.datetime.strptime(parts[2], fmt).date()
                    break
                except ValueError:
                    continue
            else:
                problems.append(
                    _("Baris %(n)s: tanggal %(d)s tidak terbaca; tulis 15/01/2026.")
                    % {"n": number, "d": parts[2][:20]}
                )
                continue
        lines.append(KpjLine(number, nik, parts[1], when))
    return lines, problems

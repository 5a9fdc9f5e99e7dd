"""Pure rules of monitoring (DOMAIN.md §8): coverage, progress against a target, a village's
denominator and its rollout status. No database: `monitoring.indicators` feeds them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# Code length of each level's prefix: province 'PP', regency 'PP.KK', kecamatan 'PP.KK.CC',
# village 'PP.KK.CC.DDDD'. The child of a region of level n is the prefix of level n + 1.
PREFIX_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}


class Rollout:
    """Where a village stands: not reached yet, reached by outreach, or implementing (at least
    one active covered participant). A village with participants is implementing even when
    no event was recorded: the data, not the paperwork, decides."""

    NOT_REACHED = "belum_dijangkau"
    SOCIALISED = "sudah_sosialisasi"
    IMPLEMENTING = "melaksanakan"

    LABELS = {
        NOT_REACHED: _("Belum dijangkau"),
        SOCIALISED: _("Sudah sosialisasi"),
        IMPLEMENTING: _("Melaksanakan"),
    }
    ORDER = (NOT_REACHED, SOCIALISED, IMPLEMENTING)


def rollout_status(*, socialised: bool, active: int) -> str:
    if active > 0:
        return Rollout.IMPLEMENTING
    if socialised:
        return Rollout.SOCIALISED
    return Rollout.NOT_REACHED


def pct(part: int | None, whole: int | Decimal | None) -> float | None:
    """part ÷ whole in percent, one decimal, half up; None when the whole is missing or zero
    (a missing denominator is 'unknown', never a division by zero nor 0 %)."""
    if part is None or not whole:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def village_denominator(*, total: int | None, by_occupation: Iterable[int]) -> int | None:
    """The village's row without occupation when present, else the sum of its occupation
    rows; None when the village has no row at all."""
    if total is not None:
        return total
    values = list(by_occupation)
    return sum(values) if values else None


def child_prefix_length(code: str) -> int:
    """Length of the codes of `code`'s children ('' is Indonesia: its children are provinces)."""
    if not code:
        return PREFIX_LENGTH[1]
    return PREFIX_LENGTH[code.count(".") + 2]


def month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def parse_period(
    *, year: int | None = None, month: str | None = None, on: dt.date
) -> tuple[dt.date, dt.date]:
    """The period an indicator counts new and ended participants in: a month 'YYYY-MM', a
    year, or by default the year of `on` up to `on`. The state (active, coverage) is taken at
    the period's end, never after `on`."""
    if month:
        y, m = (int(x) for x in month.split("-", 1))
        start = dt.date(y, m, 1)
        return start, min(month_end(start), on) if start <= on else month_end(start)
    y = year or on.year
    start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
    return start, min(end, on) if start <= on else end

"""Template filters of the dashboards: percentages to one decimal and colour classes."""

from __future__ import annotations

from typing import Any

from django import template

from lindung.core import formatting

register = template.Library()


@register.filter
def persen1(value: Any) -> str:
    """1.6 -> '1,6 %'; None (no denominator, no target) -> '–'."""
    if value is None or value == "":
        return "–"
    return formatting.percent(value, digits=1)


@register.filter
def bar_width(value: Any) -> int:
    """A percentage as the width of a CSS bar: 0 to 100."""
    try:
        return max(0, min(100, round(float(value))))
    except (TypeError, ValueError):
        return 0


@register.filter
def coverage_class(value: Any) -> str:
    """The colour band of a coverage or progress percentage (cov-none when unknown)."""
    if value is None or value == "":
        return "cov-none"
    v = float(value)
    if v >= 75:
        return "cov-3"
    if v >= 50:
        return "cov-2"
    if v >= 25:
        return "cov-1"
    return "cov-0"

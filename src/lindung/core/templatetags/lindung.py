from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.http import urlencode

from lindung.core import formatting

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    return formatting.rupiah(value) if value not in (None, "") else "-"


@register.filter
def angka(value: Any) -> str:
    """Whole number with the active locale's thousands separator (Indonesian: 15.000)."""
    if value in (None, ""):
        return "-"
    return formats.number_format(int(value), use_l10n=True, force_grouping=True)


@register.filter
def persen(value: Any) -> str:
    return formatting.percent(value)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + urlencode(sorted((k, v) for k, v in params.items() if v not in ("", None)))

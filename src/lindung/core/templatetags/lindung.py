from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.http import urlencode

from lindung.core import formatting
from lindung.core.navigation import NAV

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


@register.filter
def ratio(part: Any, whole: Any) -> float | None:
    """part / whole as a percentage (for `persen` and progress bars); None when whole is 0."""
    try:
        return 100 * float(part or 0) / float(whole) if whole else None
    except (TypeError, ValueError):
        return None


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + urlencode(sorted((k, v) for k, v in params.items() if v not in ("", None)))


@register.simple_tag(takes_context=True)
def nav_menu(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The entries of `core.navigation.NAV` this user may open: entries whose URL does not
    reverse yet (an app still being built) are skipped, those needing a permission the user
    lacks are hidden. `active` marks the entry the current page belongs to."""
    perms = context.get("perms_lindung") or {}
    request = context.get("request")
    path = request.path if request is not None else ""
    items = []
    for url_name, label, action in NAV:
        if action and not perms.get(action):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return items


@register.filter
def change_pair(value: Any) -> tuple[Any, Any] | None:
    """An audit change [old, new] as a pair; None for a value recorded on its own."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None


# Personal data by need: `{{ w.nik|mask_nik }}` masks; `{{ w.nik|mask_nik:full }}` shows the
# number whole when the view decided this user needs it (`full` true).


@register.filter
def mask_nik(value: Any, full: Any = False) -> str:
    """NIK or No. KK: `6401 01•• •••• 0002` unless `full`."""
    return ("" if value is None else str(value)) if full else formatting.mask_identity(value)


@register.filter
def mask_phone(value: Any, full: Any = False) -> str:
    return ("" if value is None else str(value)) if full else formatting.mask_phone(value)


@register.filter
def mask_text(value: Any, full: Any = False) -> str:
    """Free text (an audit summary) with every NIK/No. KK in it masked unless `full`."""
    return value if full else formatting.mask_identities_in(value)


_PHONE_KEYS = frozenset({"phone"})


def _mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(key, v) for v in value]
    if isinstance(value, str):
        return (
            formatting.mask_phone(value)
            if key in _PHONE_KEYS
            else formatting.mask_identities_in(value)
        )
    return value


@register.filter
def mask_changes(changes: Any, full: Any = False) -> Any:
    """An audit event's changes with NIK, No. KK and phone values masked unless `full`."""
    if full or not isinstance(changes, dict):
        return changes
    return {k: _mask_value(k, v) for k, v in changes.items()}

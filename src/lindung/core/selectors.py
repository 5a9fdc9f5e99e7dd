from __future__ import annotations

import datetime as dt

from lindung.core import clock
from lindung.core.models import Parameter


def parameter_value(key: str, *, on: dt.date | None = None, default: str | None = None) -> str:
    """The value of a dated rule parameter valid on `on` (today by default)."""
    on = on or clock.today()
    row = (
        Parameter.objects.filter(key=key, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("value", flat=True)
        .first()
    )
    if row is None:
        if default is None:
            raise LookupError(f"parameter {key!r} has no value on {on}")
        return default
    return row


def parameter_int(key: str, *, on: dt.date | None = None, default: int | None = None) -> int:
    return int(parameter_value(key, on=on, default=None if default is None else str(default)))

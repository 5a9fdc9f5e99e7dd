"""One clock for the whole installation.

Every "today" and "now" in Lindung comes from here, never from `datetime.date.today()` (the
server's own time zone, often UTC) or ad-hoc calls spread through the code:

- `today()` is the local date in the installation's time zone (`TIME_ZONE`, WITA by default).
  Between 00:00 and 08:00 WITA the UTC date is still yesterday's; a bill due "today" or a
  worker's age at registration must not depend on which clock a module happened to read.
- `now()` is an aware datetime (UTC inside, as Django stores it).
- Services and selectors that depend on a date take `on=` and fall back to `today()` only at
  the edge (a view, a command, a task); tests freeze this clock (time-machine) rather than
  depending on the wall clock, and CI runs the suite with the clock moved a year ahead.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the installation's time zone."""
    return timezone.localdate()


def this_month() -> dt.date:
    """The first day of the current month (local time)."""
    return today().replace(day=1)

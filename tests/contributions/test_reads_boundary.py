"""Reads of the contributions tables from other apps go through `contributions.selectors`
(issue 12): no module outside the app queries its models' managers."""

from __future__ import annotations

import re
from pathlib import Path

import lindung

SRC = Path(lindung.__file__).parent
MODELS = ("Bill", "BillLine", "BillAdjustment", "Payment", "PaymentAllocation")
QUERY = re.compile(r"\b(" + "|".join(MODELS) + r")\.objects\b")


def test_no_other_app_queries_the_contributions_tables():
    offenders = [
        f"{path.relative_to(SRC)}:{n}"
        for path in sorted(SRC.rglob("*.py"))
        if path.relative_to(SRC).parts[0] != "contributions"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if QUERY.search(line)
    ]
    assert offenders == [], "use contributions.selectors: " + ", ".join(offenders)

"""Dates and times in one style on every page: "20 November 2026" and "20 November 2026
10.00" (months, "November 2026", for monthly figures); a favicon on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import lindung

TEMPLATES = Path(lindung.__file__).parent / "templates"
ALLOWED = {
    "j F Y",  # a date
    "j F Y H.i",  # a date and time (Indonesian: a dot between hours and minutes)
    "F Y",  # a month
    "Y-m",  # the value of an <input type="month">, not text
    "M",  # the month axis of the monitoring trend chart
}
DATE_FILTER = re.compile(r"""\|date:\s*(["'])(.*?)\1""")


def test_every_template_formats_dates_in_the_one_style():
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        for match in DATE_FILTER.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), []).append(str(path.relative_to(TEMPLATES)))
    assert found, "no |date filter found: the pattern is wrong"
    odd = {fmt: paths for fmt, paths in found.items() if fmt not in ALLOWED}
    assert not odd, f"date formats outside the house style: {odd}"


@pytest.mark.django_db
def test_pages_link_the_favicon_and_favicon_ico_finds_it(client, users):
    client.force_login(users.operator)
    page = client.get(reverse("home")).content.decode()
    assert 'rel="icon" href="/static/lindung/favicon.svg"' in page
    client.logout()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/lindung/favicon.svg"
    svg = client.get(response.url)
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)

"""Every role, every page it can reach by clicking: a link shown to a role never ends on a
403 or a server error. The crawl starts at the home page with the demo data (the real
regions, both programmes, workers in every status) and follows the application's own links."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from lindung.accounts.models import User
from lindung.demo.data import USERS, demo_load

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"]*)"')
SKIP = ("/static/", "/admin/", "/keluar/", "/api/docs")
MAX_PAGES = 80  # per role; pages differing only in ids or query values count once


def _links(html: str) -> list[str]:
    out = []
    for href in HREF.findall(html):
        url = urldefrag(href.replace("&amp;", "&"))[0]
        if not url.startswith(SKIP):
            out.append(url)
    return out


def _shape(url: str) -> str:
    """Pages that differ only by ids or query values are visited once."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+/", "/N/", parts.path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + "?" + "&".join(keys)


def crawl(client, *, start: str = "/", html_only: bool = False) -> dict[str, tuple[int, str]]:
    """url -> (status, the page that linked it); with `html_only`, the pages only (downloads
    left out)."""
    seen: dict[str, tuple[int, str]] = {}
    shapes: set[str] = set()
    queue = deque([(start, "(start)")])
    while queue and len(seen) < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen or _shape(url) in shapes:
            continue
        shapes.add(_shape(url))
        response = client.get(url)
        is_html = "html" in response.get("Content-Type", "")
        if is_html or not html_only:
            seen[url] = (response.status_code, source)
        if response.status_code == 200 and is_html:
            for link in _links(response.content.decode()):
                queue.append((link, url))
    return seen


def test_no_link_shown_to_any_role_is_forbidden_or_broken(client, regions):
    demo_load(paser_workers=90, ppu_workers=30)
    broken: dict[str, dict[str, tuple[int, str]]] = {}
    for username, *_rest in USERS:
        client.force_login(User.objects.get(username=username))
        visited = crawl(client)
        assert len(visited) > 5, username
        bad = {url: v for url, v in visited.items() if v[0] in (403, 404, 405) or v[0] >= 500}
        if bad:
            broken[username] = bad
        client.logout()
    assert broken == {}

"""Every role's pages on a phone (390 px): the pages a role reaches from its menu and the
first links of each are opened in Chromium, and none is wider than the screen (wide tables
scroll inside their own box, the header folds behind "Menu"). On the same pages, at 390 px and
at 1280 px, no rupiah figure breaks across lines and no card's figure overflows its card."""

from __future__ import annotations

import pytest

from tests.e2e.test_every_link import crawl

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}

# Every "Rp…" figure in the page's text: a range over it with more than one line box is a
# figure broken mid-number; a card's figure wider than its card overflows it.
BROKEN_FIGURES = """() => {
  const found = [];
  const root = document.querySelector("main") || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/Rp ?-?\\d[\\d.]*(,\\d+)?/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) found.push("broken " + m[0]);
    }
  }
  document.querySelectorAll(".stat .value").forEach(el => {
    if (el.scrollWidth > el.clientWidth + 1) found.push("overflows its card " + el.textContent.trim());
  });
  return found;
}"""
NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
PAGES_PER_ROLE = 25


@pytest.mark.browser
def test_no_page_of_any_role_is_wider_than_a_phone(
    live_server, transactional_db, regions, client, browser_page
):
    from lindung.accounts.models import User
    from lindung.demo.data import DEMO_PASSWORD, USERS, demo_load

    demo_load(paser_workers=60, ppu_workers=20)
    page = browser_page
    page.set_viewport_size(PHONE)
    too_wide: dict[str, list[tuple[str, int]]] = {}
    broken: list[tuple[str, str, int, list[str]]] = []
    for username, *_rest in USERS:
        if username == "admin":
            continue  # the system administrator works in the Django admin, on a desk
        client.force_login(User.objects.get(username=username))
        # HTML pages only (the test client saw their content type), not downloads.
        urls = [
            url for url, (status, _src) in crawl(client, html_only=True).items() if status == 200
        ][:PAGES_PER_ROLE]
        client.logout()
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/masuk/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide.setdefault(username, []).append((url, width))
            for size in (PHONE, DESK):
                page.set_viewport_size(size)
                page.evaluate(NEXT_FRAME)
                if found := page.evaluate(BROKEN_FIGURES):
                    broken.append((username, url, size["width"], found))
            page.set_viewport_size(PHONE)
    assert too_wide == {}, "\n".join(f"{u}: {v}" for u, v in too_wide.items())
    assert broken == [], "\n".join(map(str, broken))

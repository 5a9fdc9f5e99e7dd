"""Take the README's phone screenshots (390 × 844) of a running demo server.

    make demo                                   # in one terminal (http://127.0.0.1:8000)
    .venv/bin/python scripts/screenshots.py     # in another: writes docs/screenshots/*.png

Debian's Chromium (/usr/bin/chromium, or LINDUNG_CHROMIUM) through Python Playwright, logged in
as the demo accounts (`lindung.demo.data`, password `lindung-demo`), in Indonesian.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("LINDUNG_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "lindung-demo"

# (file name, demo account, path)
SHOTS = [
    ("operator-beranda", "operator.desa", "/"),
    ("operator-pekerja", "operator.desa", "/pekerja/"),
    ("admin-program", "admin.paser", "/program/PASER-2026/"),
    ("pimpinan-monitoring", "bupati.paser", "/monitoring/"),
    ("auditor-jejak-audit", "inspektorat.paser", "/audit/"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium tidak ditemukan di {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for name, username, path in SHOTS:
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, locale="id-ID", device_scale_factor=1
            )
            page = context.new_page()
            page.goto(f"{args.url}/masuk/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{args.url}/")
            page.goto(f"{args.url}{path}")
            page.wait_for_load_state("networkidle")
            target = args.out / f"{name}.png"
            page.screenshot(path=str(target))
            print(f"{target.relative_to(ROOT)}  ({username} {path})")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

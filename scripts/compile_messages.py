"""Compile every .po under src/lindung/locale into its .mo, with polib (no GNU gettext needed).

Run by `make install`; the .mo files are build output and stay out of git."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "lindung" / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    compiled = []
    for po_path in sorted(locale_dir.rglob("*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        po.save_as_mofile(str(mo_path))
        compiled.append(mo_path)
        print(
            f"{po_path.relative_to(locale_dir)}: {po.percent_translated()}% diterjemahkan"
            f" -> {mo_path.name}"
        )
    return compiled


if __name__ == "__main__":
    compile_all()

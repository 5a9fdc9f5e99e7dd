"""USE_THOUSAND_SEPARATOR is on (Indonesian numbers: 15.000), so a bare {{ obj.pk }} renders
as 1.075 and breaks element ids and form values once ids pass 999. Ids and years must go
through |stringformat:"d" (or |unlocalize)."""

import re
from pathlib import Path

import lindung

BARE_NUMBER = re.compile(r"\{\{\s*[\w.]*\.(pk|id|fiscal_year|year)\s*\}\}")


def test_no_template_prints_an_id_or_year_with_thousand_separators():
    root = Path(lindung.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BARE_NUMBER.search(line)
    ]
    assert offenders == []

"""docs/api.md's client example, run as written against a live server (issue 15)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lindung.api.services import api_token_create
from lindung.registry.models import Worker

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
IMMEDIATE = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}


def example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    [code] = [b for b in blocks if b.startswith("# lindung-api-example")]
    return code


@pytest.mark.django_db(transaction=True)
def test_the_documented_client_example_runs_against_the_live_server(
    live_server, users, programme, settings, tmp_path, monkeypatch
):
    from tests.imports.conftest import person

    settings.TASKS = IMMEDIATE  # the live server's import runs at once
    header = list(person(1))
    rows = [person(901, name="Budi Impor"), person(902, NAMA="")]
    lines = [",".join(header)] + [",".join(str(r[h]) for h in header) for r in rows]
    (tmp_path / "pekerja.csv").write_text("\n".join(lines))
    _row, token = api_token_create(user=users.admin, name="contoh")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LINDUNG_URL", live_server.url)
    monkeypatch.setenv("LINDUNG_TOKEN", token)
    # In this process: the frozen clock (2026-11-20) holds in the server thread as well.
    namespace: dict[str, object] = {"__name__": "example"}
    printed: list[str] = []
    monkeypatch.setattr("builtins.print", lambda *a, **k: printed.append(" ".join(map(str, a))))
    exec(compile(example(), str(DOC), "exec"), namespace)  # noqa: S102 - our own document
    assert printed[0].startswith("usulan ") and printed[0].endswith(" diusulkan")
    assert printed[1].startswith("impor selesai {")
    assert "'accepted': 1" in printed[1] and "'rejected': 1" in printed[1]
    assert (tmp_path / "perbaiki.xlsx").read_bytes()[:2] == b"PK"
    assert printed[2].startswith("aktif 0 cakupan")
    assert printed[3] == "batch 1 PASER-2026 1 kepesertaan"
    assert (tmp_path / "PASER-2026-batch-001.xlsx").read_bytes()[:2] == b"PK"
    assert Worker.objects.filter(name__in=["Siti Aminah", "Budi Impor"]).count() == 2


def test_the_example_compiles_on_its_own():
    subprocess.run([sys.executable, "-c", f"compile({example()!r}, 'x', 'exec')"], check=True)

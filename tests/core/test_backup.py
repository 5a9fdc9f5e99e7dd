"""`lindung backup` / `lindung restore` (issue 14, item 10): back up, change data and uploaded
files, restore, and find the original. Runs on the suite's database: SQLite by default,
PostgreSQL (pg_dump/pg_restore) when DATABASE_URL is postgres."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from lindung.audit.models import AuditEvent
from lindung.registry.models import Worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "cadangan"
    (settings.MEDIA_ROOT / "claims" / "1").mkdir(parents=True)
    (settings.MEDIA_ROOT / "claims" / "1" / "surat.pdf").write_bytes(b"%PDF asli")
    return tmp_path


def test_backup_change_restore_finds_the_original(dirs, make_worker, capsys):
    worker = make_worker(name="Siti Aminah")
    events = AuditEvent.objects.count()
    archive = dirs / "lindung.tar"

    call_command("backup", "--output", str(archive))
    assert f"Cadangan tersimpan: {archive} ({connection.vendor}" in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "media/claims/1/surat.pdf"} <= set(tar.getnames())

    Worker.objects.filter(pk=worker.pk).update(name="Diubah Setelah Cadangan")
    make_worker(name="Pekerja Baru")
    (dirs / "media" / "claims" / "1" / "surat.pdf").write_bytes(b"diganti")
    (dirs / "media" / "claims" / "1" / "baru.pdf").write_bytes(b"baru")

    call_command("restore", str(archive), "--no-input")
    out = capsys.readouterr().out
    assert "Basis data sebelum pemulihan dicadangkan di" in out
    assert "1 berkas unggahan" in out

    assert list(Worker.objects.values_list("name", flat=True)) == ["Siti Aminah"]
    assert AuditEvent.objects.count() == events
    assert (dirs / "media" / "claims" / "1" / "surat.pdf").read_bytes() == b"%PDF asli"
    assert not (dirs / "media" / "claims" / "1" / "baru.pdf").exists()
    # The state it replaced was kept first.
    assert len(list((dirs / "cadangan").glob("sebelum-pemulihan-*.tar"))) == 1

    # The audit trail is still append-only in the restored database (its triggers came back).
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.update(summary="ditulis ulang")


def test_backup_goes_to_the_backup_dir_by_default(dirs, capsys):
    call_command("backup")
    (archive,) = (dirs / "cadangan").glob("lindung-*.tar")
    assert str(archive) in capsys.readouterr().out


def test_restore_refuses_a_file_that_is_no_backup(dirs):
    bogus = dirs / "bukan.tar"
    bogus.write_bytes(b"bukan arsip")
    with pytest.raises(CommandError, match="bukan berkas cadangan Lindung"):
        call_command("restore", str(bogus), "--no-input")
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("restore", str(dirs / "hilang.tar"), "--no-input")


def test_restore_refuses_a_backup_of_the_other_database_kind(dirs):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = dirs / "lain.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (
            (
                "manifest.json",
                json.dumps({"format": 1, "vendor": other, "created_at": "2026-11-01"}),
            ),
            ("database.pgdump" if other == "postgresql" else "database.sqlite3", "x"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data.encode()))
    with pytest.raises(CommandError, match=f"dari basis data {other}"):
        call_command("restore", str(archive), "--no-input")


def test_restore_asks_first_and_a_no_changes_nothing(dirs, make_worker, monkeypatch):
    make_worker(name="Siti Aminah")
    archive = dirs / "lindung.tar"
    call_command("backup", "--output", str(archive))
    Worker.objects.update(name="Tetap")
    monkeypatch.setattr("builtins.input", lambda prompt: "tidak")
    with pytest.raises(CommandError, match="dibatalkan"):
        call_command("restore", str(archive))
    assert list(Worker.objects.values_list("name", flat=True)) == ["Tetap"]

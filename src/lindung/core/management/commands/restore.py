"""`lindung restore FILE`: replace the database and the uploaded files with a backup made by
`lindung backup` (lindung.core.backup). Stop `lindung serve` first."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lindung.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Memulihkan basis data dan berkas unggahan dari arsip 'lindung backup'. Isi basis "
        "data sekarang DIGANTI; hentikan 'lindung serve' lebih dahulu."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="arsip cadangan (.tar)")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="jangan meminta konfirmasi",
        )
        parser.add_argument(
            "--no-safety-backup",
            action="store_false",
            dest="safety_backup",
            help="jangan mencadangkan dulu basis data yang akan diganti",
        )
        parser.add_argument("--database", default="default", help="alias basis data Django")

    def handle(
        self,
        *args,
        file: Path,
        interactive: bool = True,
        safety_backup: bool = True,
        database: str = "default",
        **options,
    ):
        try:
            manifest = read_manifest(file)
            if interactive:
                answer = input(
                    f"Cadangan {file} dibuat {manifest['created_at']} ({manifest['vendor']}). "
                    "Seluruh isi basis data dan berkas unggahan sekarang akan DIGANTI. "
                    "Ketik 'ya' untuk melanjutkan: "
                )
                if answer.strip().lower() != "ya":
                    raise CommandError("Pemulihan dibatalkan; tidak ada yang diubah.")
            manifest, before, files = restore(
                source=file, using=database, safety_backup=safety_backup
            )
        except BackupError as e:
            raise CommandError(str(e)) from e
        if before is not None:
            self.stdout.write(f"Basis data sebelum pemulihan dicadangkan di {before.path}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Dipulihkan dari {file} (dibuat {manifest['created_at']}): basis data dan "
                f"{files} berkas unggahan. Jalankan 'lindung migrate' bila cadangan berasal dari "
                "versi Lindung yang lebih lama."
            )
        )

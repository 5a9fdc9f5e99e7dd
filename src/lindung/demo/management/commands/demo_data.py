"""`lindung demo-data`: the demo (regions, PASER/PPU programmes, workers, demo users).

The demo creates the superuser `admin` and six more accounts with a password printed in the
README. Loaded into a database that is in use, it would open that installation to anyone who
has read the README; so it refuses a database holding anything the demo did not create, unless
`--force` says that is really meant."""

from __future__ import annotations

import re
import time

from django.core.management.base import BaseCommand, CommandError

from lindung.accounts.models import User
from lindung.demo.data import DEMO_PASSWORD, USERS, demo_load
from lindung.programs.models import Programme

DEMO_PROGRAMME = re.compile(r"(PASER|PPU)-\d{4}")
SHOWN = 5  # names listed in the refusal


def foreign_data() -> list[str]:
    """What in this database the demo did not create, as Indonesian phrases ('pengguna: x, y');
    empty for an empty database or one holding only the demo."""
    demo_users = {username for username, *_rest in USERS}
    found = []
    users = list(
        User.objects.exclude(username__in=demo_users)
        .order_by("username")
        .values_list("username", flat=True)[: SHOWN + 1]
    )
    if users:
        found.append("pengguna: " + _listed(users))
    codes = [
        c
        for c in Programme.objects.order_by("code").values_list("code", flat=True)
        if not DEMO_PROGRAMME.fullmatch(c)
    ]
    if codes:
        found.append("program: " + _listed(codes))
    return found


def _listed(names: list[str]) -> str:
    return ", ".join(names[:SHOWN]) + (" …" if len(names) > SHOWN else "")


class Command(BaseCommand):
    help = "Memuat data demo (wilayah Kalimantan Timur, PASER-2026, PPU-2026, pekerja, pengguna)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="muat juga ke basis data yang sudah berisi data lain (membuat akun 'admin' "
            f"dengan kata sandi '{DEMO_PASSWORD}')",
        )

    def handle(self, *args, force: bool = False, **options):
        if (found := foreign_data()) and not force:
            raise CommandError(
                "Data demo tidak dimuat: basis data ini sudah berisi data yang bukan data demo ("
                + "; ".join(found)
                + "). Data demo membuat akun 'admin' (administrator sistem) "
                f"dan enam akun lain dengan kata sandi yang diumumkan ('{DEMO_PASSWORD}'), "
                "sehingga siapa pun dapat masuk ke instalasi ini. Gunakan basis data kosong "
                "untuk demo (mis. DATABASE_URL lain atau LINDUNG_DATA_DIR lain), atau jalankan "
                "dengan --force bila memang ingin memuatnya di sini."
            )
        start = time.perf_counter()
        s = demo_load()
        self.stdout.write(
            f"Data demo siap dalam {time.perf_counter() - start:.1f} detik: {s.regions} wilayah "
            f"baru, {s.workers} pekerja baru, {s.enrolments} kepesertaan baru."
        )
        self.stdout.write(f"\nLogin demo (kata sandi semua akun: {DEMO_PASSWORD}):")
        for username, role, region in s.users or []:
            self.stdout.write(f"  {username:<20} {role:<40} {region}")
        if force and found:
            self.stderr.write(
                self.style.WARNING(
                    f"Peringatan: akun demo dengan kata sandi '{DEMO_PASSWORD}' kini ada di basis "
                    "data yang juga berisi data lain. Ganti kata sandinya atau nonaktifkan akunnya."
                )
            )

import time

from django.core.management.base import BaseCommand

from lindung.core.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = ("Memuat data demo tahun anggaran berjalan (wilayah Kalimantan Timur, PASER-<tahun>, "
            "PPU-<tahun>, pekerja, tagihan, pengguna).")

    def handle(self, *args, **options):
        start = time.perf_counter()
        s = demo_load()
        self.stdout.write(
            f"Data demo siap dalam {time.perf_counter() - start:.1f} detik: {s.regions} wilayah "
            f"baru, {s.workers} pekerja baru, {s.enrolments} kepesertaan baru."
        )
        self.stdout.write(f"\nLogin demo (kata sandi semua akun: {DEMO_PASSWORD}):")
        for username, role, region in s.users or []:
            self.stdout.write(f"  {username:<20} {role:<40} {region}")

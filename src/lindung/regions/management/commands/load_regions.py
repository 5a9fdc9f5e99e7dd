import time

from django.core.management.base import BaseCommand

from lindung.regions.services import regions_load


class Command(BaseCommand):
    help = "Memuat kode wilayah Kemendagri (idn-area-data 4.0.1, ODbL) ke basis data."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default="", help="hanya wilayah di dalam kode ini, mis. 64")

    def handle(self, *args, prefix: str = "", **options):
        start = time.perf_counter()
        n = regions_load(prefix=prefix)
        self.stdout.write(f"{n} wilayah dimuat dalam {time.perf_counter() - start:.1f} detik.")

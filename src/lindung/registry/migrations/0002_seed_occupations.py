"""Seed the occupations named by Kabupaten Paser (Perbup 4/2022) and Penajam Paser Utara,
plus the village health workers of the seed articles (DOMAIN.md §5). Editable afterwards."""

import datetime as dt

from django.db import migrations

PASER = "Perbup Paser 4/2022"
PPU = "Program Kabupaten Penajam Paser Utara"
OCCUPATIONS = [
    ("imam", "Imam", PASER), ("marbot", "Marbot", PASER), ("guru-ngaji", "Guru ngaji", PASER),
    ("ketua-rt-rw", "Ketua RT/RW", PASER), ("relawan-damkar", "Relawan pemadam kebakaran", PASER),
    ("relawan-bencana", "Relawan bencana", PASER), ("nelayan", "Nelayan", PASER),
    ("petani", "Petani", PASER), ("pekebun", "Pekebun", PASER), ("pedagang", "Pedagang", PASER),
    ("pelaku-umkm", "Pelaku UMKM", PASER),
    ("buruh-tani", "Buruh tani", PPU), ("ojek", "Ojek", PPU),
    ("tukang-parkir", "Tukang parkir", PPU), ("buruh-pelabuhan", "Buruh pelabuhan", PPU),
    ("motoris", "Motoris speedboat/kelotok", PPU), ("sopir", "Sopir", PPU),
    ("penggali-kubur", "Penggali kubur", PPU), ("penjaga-warung", "Penjaga warung", PPU),
    ("perempuan-kepala-keluarga", "Perempuan kepala keluarga", PPU),
    ("nakes-desa", "Tenaga kesehatan desa", "Artikel sumber program"),
]


def seed(apps, schema_editor):
    Occupation = apps.get_model("registry", "Occupation")
    for code, name, source in OCCUPATIONS:
        Occupation.objects.get_or_create(
            code=code, defaults={"name": name, "source": source, "valid_from": dt.date(2022, 1, 1)}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

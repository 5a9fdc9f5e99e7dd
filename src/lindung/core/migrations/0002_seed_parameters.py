"""Dated rule parameters (DOMAIN.md §4, §6). Marked *(verify)* there, hence editable data."""

import datetime as dt

from django.db import migrations

PARAMETERS = [
    ("kpj_digits", "11", dt.date(2015, 7, 1), "Panjang nomor KPJ BPJS Ketenagakerjaan",
     "Praktik perangkat lunak publik (perlu verifikasi)"),
    ("penghasilan_bawaan", "1000000", dt.date(2015, 7, 1),
     "Penghasilan per bulan yang dilaporkan bila tidak diisi (dasar iuran JKK BPU)",
     "PP 44/2015 sebagaimana diubah"),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("core", "Parameter")
    for key, value, valid_from, description, source in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key, valid_from=valid_from,
            defaults={"value": value, "description": description, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

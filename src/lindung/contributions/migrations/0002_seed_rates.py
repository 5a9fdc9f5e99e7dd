"""Contribution rates of BPU participants (DOMAIN.md §6), as dated data an administrator can
correct in the admin. The usual Pemda package is JKK + JKM = Rp16.800 per person per month."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SOURCE = "PP 44/2015 sebagaimana diubah; Permenaker tentang iuran BPU"
SINCE = dt.date(2015, 7, 1)

# (component, percent, flat amount, minimum, maximum)
JKK = ("jkk", Decimal("1.00"), 0, 10_000, 207_000)  # 1 % of declared income, min Rp1 jt income
JKM = ("jkm", Decimal("0"), 6_800, None, None)
JHT = ("jht", Decimal("2.00"), 0, 20_000, None)

PACKAGES = [
    ("jkk-jkm", "JKK + JKM (paket Pemda)", True, [JKK, JKM]),
    ("jkk-jkm-jht", "JKK + JKM + JHT", False, [JKK, JKM, JHT]),
]


def seed(apps, schema_editor):
    Package = apps.get_model("contributions", "BenefitPackage")
    Rate = apps.get_model("contributions", "RateComponent")
    for code, name, is_default, components in PACKAGES:
        package, _ = Package.objects.get_or_create(
            code=code, defaults={"name": name, "is_default": is_default})
        for component, percent, flat, low, high in components:
            Rate.objects.get_or_create(
                package=package, component=component, valid_from=SINCE,
                defaults={"percent": percent, "flat_amount": flat, "amount_min": low,
                          "amount_max": high, "source": SOURCE},
            )


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

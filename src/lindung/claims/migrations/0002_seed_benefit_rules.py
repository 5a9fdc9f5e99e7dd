"""Benefit rules of DOMAIN.md §7, dated and editable in the admin (Aturan manfaat klaim).

The amounts are those of PP 82/2019 (amending PP 44/2015: JKM Rp42 jt, JKK death 48 × income,
scholarship for 2 children by level, JKK expiry 5 years instead of 2), in force from 2 December
2019, with the JKM waiting period of Permenaker 1/2025. An event before 2 December 2019 finds no
rule and is refused with a message asking the administrator to add the older rows.

`jkm_waiting_days` = 0 reads the waiting period as calendar months (`jkm_waiting_months`, the
regulation's wording); set it to 90 to read it as "fewer than 90 days since registration", as a
public front-end for these claims does (docs/claims.md).
"""

import datetime as dt

from django.db import migrations

PP_82_2019 = dt.date(2019, 12, 2)
SOURCE = "PP 82/2019 (perubahan PP 44/2015)"
SOURCE_BPU = "PP 82/2019; Permenaker 5/2021 (peserta BPU)"
SOURCE_JKM = "Permenaker 1/2025"

RULES = [
    ("jkm_lump_sum", 20_000_000, SOURCE),
    ("jkm_periodic", 12_000_000, SOURCE),
    ("jkm_funeral", 10_000_000, SOURCE),
    ("jkm_waiting_months", 3, SOURCE_JKM),
    ("jkm_waiting_days", 0, SOURCE_JKM),
    ("jkk_death_multiplier", 48, SOURCE),
    ("jkk_death_periodic", 12_000_000, SOURCE),
    ("jkk_death_funeral", 10_000_000, SOURCE),
    ("jkk_disability_multiplier", 56, SOURCE),
    ("jkk_stmb_full_months", 12, SOURCE_BPU),
    ("jkk_stmb_full_percent", 100, SOURCE_BPU),
    ("jkk_stmb_after_percent", 50, SOURCE_BPU),
    ("jkk_expiry_years", 5, SOURCE),
    ("scholarship_min_years", 3, SOURCE),
    ("scholarship_max_children", 2, SOURCE),
    ("scholarship_age_limit", 23, SOURCE),
    ("scholarship_tk_sd", 1_500_000, SOURCE),
    ("scholarship_tk_sd_years", 8, SOURCE),
    ("scholarship_smp", 2_000_000, SOURCE),
    ("scholarship_smp_years", 3, SOURCE),
    ("scholarship_sma", 3_000_000, SOURCE),
    ("scholarship_sma_years", 3, SOURCE),
    ("scholarship_pt", 12_000_000, SOURCE),
    ("scholarship_pt_years", 5, SOURCE),
]


def seed(apps, schema_editor):
    BenefitRule = apps.get_model("claims", "BenefitRule")
    for key, value, source in RULES:
        BenefitRule.objects.get_or_create(key=key, valid_from=PP_82_2019,
                                          defaults={"value": value, "source": source})


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

import datetime

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_seed_rates")]

    operations = [
        migrations.AddField(
            model_name="billline",
            name="cover_start",
            field=models.DateField(default=datetime.date(2000, 1, 1),
                                   help_text="Tanggal terdaftar di BPJS atau awal kepesertaan.",
                                   verbose_name="mulai terlindungi"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="billline",
            name="prev_paid",
            field=models.DateField(blank=True, null=True,
                                   help_text="Diperbarui saat tagihan bulan sebelumnya dilunasi.",
                                   verbose_name="bulan terakhir yang lunas sebelumnya"),
        ),
        migrations.AddIndex(
            model_name="billline",
            index=models.Index(fields=["bill", "prev_paid", "cover_start"],
                               name="billline_coverage"),
        ),
    ]

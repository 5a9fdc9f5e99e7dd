"""API tokens expire and may be read-only (issue 14). Tokens issued before this migration never
expired; they now expire 90 days after it, so scripts using them keep working meanwhile."""

import datetime as dt

from django.db import migrations, models

from lindung.core import clock


def expire_existing(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=clock.now() + dt.timedelta(days=90))


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apitoken",
            options={"ordering": ["-created_at", "-id"], "verbose_name": "token API",
                     "verbose_name_plural": "token API"},
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(
                default=False,
                help_text="Token hanya boleh membaca data (permintaan GET), tidak mengubahnya.",
                verbose_name="hanya baca"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="berlaku sampai"),
        ),
        migrations.RunPython(expire_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="berlaku sampai"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_rounds")]

    operations = [
        migrations.AddField(
            model_name="decisiondocument",
            name="render_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
        ),
        migrations.AddField(
            model_name="honour",
            name="render_queued_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="queued at"),
        ),
    ]

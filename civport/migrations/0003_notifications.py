from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("civport", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = []

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_reference_data")]

    operations = []

"""The local governments' port management offices as an agency, so a unit of theirs is known
as one (they take no part in the advanced-unit evaluation)."""

from django.db import migrations

CODE = "PORT_OFFICE"


def forwards(apps, schema_editor):
    apps.get_model("campaigns", "Agency").objects.update_or_create(
        code=CODE,
        defaults={
            "name": "地方政府口岸管理机构",
            "name_en": "Local government port management office",
        },
    )


def backwards(apps, schema_editor):
    agency = apps.get_model("campaigns", "Agency")
    unit = apps.get_model("campaigns", "Unit")
    if not unit.objects.filter(agency__code=CODE).exists():
        agency.objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0011_filing_publication")]

    operations = [migrations.RunPython(forwards, backwards)]

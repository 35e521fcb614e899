"""Tasks of the cross-cutting layer."""

from celery import shared_task
from django.apps import apps
from django.db import connection

# The notification e-mail task lives with the engine; importing it here registers it with every
# worker, whatever apps' task modules the worker loads.
from civport.notifications import notification_email_task  # noqa: F401


@shared_task(name="civport.healthcheck_roundtrip", soft_time_limit=30, time_limit=60)
def healthcheck_roundtrip():
    """Report which database the worker is connected to; writes nothing.

    The construction areas are looked up by name because civport sits below campaigns and never
    imports it.
    """
    area_model = apps.get_model("campaigns", "ConstructionArea")
    return {
        "vendor": connection.vendor,
        "database": str(connection.settings_dict["NAME"]),
        "construction_areas": area_model.objects.count(),
    }

"""Hooks that apps declare on their AppConfig, found through the app registry.

Dependencies point one way (awards → assessments → campaigns → civport), so a command in a lower
app cannot import the apps built on it; an app instead sets `AppConfig.<attribute>` to the dotted
path of a function (e.g. `national_user`) and the caller calls what it finds here.
"""

from django.apps import apps
from django.utils.module_loading import import_string


def app_hooks(attribute):
    """[(app label, function)] for every installed app declaring `attribute`, in INSTALLED_APPS
    order."""
    hooks = []
    for config in apps.get_app_configs():
        path = getattr(config, attribute, None)
        if path:
            hooks.append((config.label, import_string(path)))
    return hooks

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivportConfig(AppConfig):
    name = "civport"
    verbose_name = _("Portal")

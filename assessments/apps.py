from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")
    # Its part of the home page's to-do list (civport.todo).
    home_todo = "assessments.todo.assessments_todo"

    def ready(self):
        from assessments import dashboard_panels, dossiers, jobs
        from assessments.cycle_dossier import cycle_dossier
        from campaigns.models import Unit

        dossiers.register("campaigns.unit", cycle_dossier)
        # An annual cycle's subjects are units, categorised by the unit's category.
        dossiers.register_categories(Unit.Category.choices)
        dashboard_panels.register()
        jobs.register()

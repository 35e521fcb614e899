from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")
    # Its part of the home page's to-do list (civport.todo).
    home_todo = "awards.todo.awards_todo"
    # (task name, hour, minute, description) in Asia/Shanghai, installed by schedules_install.
    beat_schedules = (
        ("awards.nomination_deadline_reminders", 7, 30, "Award nominations due soon"),
        ("awards.review_deadline_reminders", 7, 40, "Award scoring due soon or overdue"),
        ("awards.recommendation_reminders", 7, 50, "Provincial recommendation lists not submitted"),
        ("awards.certificates_sweep", "*", "*/5", "Certificates and decisions stuck in pending"),
    )

    def ready(self):
        # Registers the tasks with Celery in every process: the services queue them by name.
        from assessments import dossiers
        from awards import tasks  # noqa: F401
        from awards.dossier import nomination_dossier
        from awards.models import Title
        from awards.selectors.labels import round_name_subquery

        dossiers.register("awards.nomination", nomination_dossier)
        dossiers.register_categories(Title.choices)
        dossiers.register_round_name(round_name_subquery)

        from awards.selectors.approvals import approval_subjects
        from campaigns import approvals

        approvals.register("awards.round", approval_subjects)

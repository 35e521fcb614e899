from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaign organisation")
    # Its part of the home page's to-do list (civport.todo).
    home_todo = "campaigns.todo.campaign_todo"
    # Whether a user sits in the national office, for civport.admin.is_national_staff (the admin's
    # rule, also asked by /healthz for its details).
    national_user = "campaigns.scope.is_national_user"
    # The user's scope, for the screens' bases in civport.viewbases (every app's lists).
    user_scope = "campaigns.scope.scope_for"
    # Whether the user holds an office role that must log in with two factors (civport.twofactor).
    two_factor_user = "campaigns.scope.holds_office_role"
    # (task name, hour, minute, description) in Asia/Shanghai, installed by schedules_install:
    # the reminders every morning before office hours.
    beat_schedules = (
        ("campaigns.filing_reminders", 7, 0, "Provincial filings unanswered for a week"),
        (
            "campaigns.consultation_reminders",
            7,
            10,
            "Consultations due within three days or overdue",
        ),
        ("campaigns.rectification_reminders", 7, 20, "Overdue rectification items"),
        (
            "campaigns.notice_reminders",
            7,
            25,
            "Notices not acknowledged, due within three days or overdue",
        ),
    )

    def ready(self):
        from campaigns import jobs, middleware

        middleware.connect()
        jobs.register()

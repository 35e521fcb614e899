from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivportConfig(AppConfig):
    name = "civport"
    verbose_name = _("Portal")
    # Installed by schedules_install (see CampaignsConfig): the e-mail sweeper every quarter hour,
    # the dormant accounts daily at 06:30, the audit log's sealer every minute, the
    # background jobs' sweeper every five minutes.
    beat_schedules = (
        ("civport.notification_email_sweep", "*", "*/15", "E-mails of notices never sent"),
        ("civport.dormant_accounts_sweep", 6, 30, "Accounts unused too long: notice, then disable"),
        # Every minute: writers never wait on the chain, so the sealer keeps up after them.
        ("civport.audit_seal", "*", "*", "Seal new audit entries in the SM3 hash chain"),
        ("civport.jobs_sweep", "*", "*/5", "Background jobs whose task was lost: queue again"),
    )

    def ready(self):
        # Registers the tasks with Celery in every process: notify queues its e-mail by name.
        from civport import audit, checks, sessions, tasks, twofactor  # noqa: F401

        sessions.connect()
        twofactor.connect()
        audit.connect()

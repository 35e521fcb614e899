"""Tasks of the cross-cutting layer: the notices' e-mails and their sweeper, the dormant accounts'
sweep, the audit log's sealer, the health check's round trip. The services queue them by name
(CivportConfig.ready imports this module in every process, so the names are registered wherever
a notice is written)."""

import smtplib

from celery import shared_task
from django.apps import apps
from django.db import connection

from civport.auditchain import audit_seal
from civport.dormant import dormant_accounts_sweep
from civport.notifications import EMAIL_TASK, notification_email_send, notification_emails_requeue


@shared_task(
    name=EMAIL_TASK,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def notification_email_task(notification_id):
    return notification_email_send(notification_id=notification_id)


@shared_task(
    name="civport.notification_email_sweep", acks_late=True, soft_time_limit=120, time_limit=180
)
def notification_email_sweep_task():
    return notification_emails_requeue()


@shared_task(
    name="civport.dormant_accounts_sweep", acks_late=True, soft_time_limit=300, time_limit=360
)
def dormant_accounts_sweep_task():
    """Daily: notice to the accounts soon unused too long, then disable them (civport.dormant).
    Running it twice the same day tells nobody twice and disables nobody twice."""
    result = dormant_accounts_sweep()
    return {"notified": result.notified, "disabled": result.disabled}


@shared_task(name="civport.audit_seal", acks_late=True, soft_time_limit=50, time_limit=55)
def audit_seal_task():
    """Every minute: seal the audit entries committed since the last run (civport.auditchain).
    A run that finds the previous one still sealing leaves the work to the next."""
    return audit_seal(max_batches=25)


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


# Queued on the queue its kind names (civport.jobs.job_kind); claims the job first, so a task
# delivered twice runs the work once.
@shared_task(name="civport.job_run", acks_late=True, soft_time_limit=1800, time_limit=1860)
def job_run_task(job_id, language):
    from django.utils import translation

    from civport.jobs import job_run

    with translation.override(language):
        return job_run(job_id)


@shared_task(name="civport.jobs_sweep", acks_late=True, soft_time_limit=60, time_limit=90)
def jobs_sweep_task():
    from civport.jobs import jobs_sweep

    return jobs_sweep()

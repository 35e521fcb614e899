"""Background jobs of the campaigns app."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone, translation
from redis.exceptions import RedisError

from campaigns.imports import import_records
from campaigns.services import filings, notices, work
from civport.imports import delete_stored, load_stored
from civport.notifications import local_today

logger = logging.getLogger(__name__)

JOB_KEY = "campaigns:import-job:{}"
USER_JOBS_KEY = "campaigns:import-jobs:{}"
JOB_SECONDS = 24 * 3600
RECENT_JOBS = 5


def import_job_set(job_id, **state):
    """Record a job's state where the import page can show it (the cache; a lost entry only
    hides a past job's summary, the records themselves are in the database)."""
    cache.set(JOB_KEY.format(job_id), state | {"id": job_id, "at": timezone.now()}, JOB_SECONDS)


def import_job_get(job_id):
    return cache.get(JOB_KEY.format(job_id))


def import_job_register(user_id, job_id):
    key = USER_JOBS_KEY.format(user_id)
    jobs = [job_id] + [j for j in cache.get(key, []) if j != job_id]
    cache.set(key, jobs[:RECENT_JOBS], JOB_SECONDS)


def import_jobs_for(user_id):
    """The user's recent background imports, newest first, from one cache round trip."""
    try:
        ids = cache.get(USER_JOBS_KEY.format(user_id), [])
        found = cache.get_many([JOB_KEY.format(job_id) for job_id in ids])
    except RedisError:
        # The page keeps working while Redis is down; only the past jobs' summaries are missing.
        return []
    return [found[JOB_KEY.format(j)] for j in ids if JOB_KEY.format(j) in found]


# Routed to the "imports" queue by CELERY_TASK_ROUTES ("*import*").
@shared_task(
    name="campaigns.records_import",
    acks_late=True,
    soft_time_limit=900,
    time_limit=960,
)
def records_import_task(job_id, kind, stored_name, user_id, language):
    """Import a file the user previewed and confirmed.

    Safe to run twice: an import is an upsert by code in one transaction, so a second run of a
    finished job finds its file gone (deleted after success) and stops, and a run interrupted
    mid-way left nothing behind."""
    state = import_job_get(job_id)
    if state and state.get("state") == "done":
        return state
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    with translation.override(language):
        try:
            data = load_stored(stored_name)
        except FileNotFoundError:
            logger.warning("import job %s: file %s is gone", job_id, stored_name)
            import_job_set(job_id, kind=kind, state="missing")
            return None
        if user is None:
            import_job_set(job_id, kind=kind, state="failed")
            return None
        result = import_records(kind=kind, data=data, filename=stored_name, actor=user)
        errors = result.file_errors + [
            f"{row.number}: {' '.join(row.messages)}" for row in result.errors[:50]
        ]
    import_job_set(
        job_id,
        kind=kind,
        state="done" if result.applied else "failed",
        counts=result.counts,
        errors=errors,
    )
    if result.applied:
        delete_stored(stored_name)
    return result.summary()


# --- daily reminders (django-celery-beat; installed by `manage.py schedules_install`) --------


def _reminder_day(today):
    return datetime.date.fromisoformat(today) if today else local_today()


def _remind(send, today):
    # Reminders are written in the portal's language; notify renders each notice again in its
    # recipient's language.
    with translation.override(settings.LANGUAGE_CODE):
        return send(today=_reminder_day(today))


# Safe to run twice a day or to be redelivered: notify creates at most one notice per user,
# reason and day, and e-mails each notice once.
@shared_task(name="campaigns.filing_reminders", acks_late=True, soft_time_limit=240, time_limit=300)
def filing_reminders_task(today=None):
    """Filings unanswered for FILING_ANSWER_DAYS days → the national office. `today`: an ISO
    date to run for another day than today (Asia/Shanghai)."""
    return _remind(filings.filing_reminders_send, today)


@shared_task(
    name="campaigns.consultation_reminders", acks_late=True, soft_time_limit=240, time_limit=300
)
def consultation_reminders_task(today=None):
    """Unanswered consultations due within three days or overdue → the answering office."""
    return _remind(filings.consultation_reminders_send, today)


@shared_task(
    name="campaigns.rectification_reminders", acks_late=True, soft_time_limit=240, time_limit=300
)
def rectification_reminders_task(today=None):
    """Overdue rectification items → the owner unit's contacts and the port officers."""
    return _remind(work.rectification_reminders_send, today)


@shared_task(name="campaigns.notice_reminders", acks_late=True, soft_time_limit=240, time_limit=300)
def notice_reminders_task(today=None):
    """Notices not acknowledged within three days of their date or overdue → the people of
    each recipient that has not acknowledged."""
    return _remind(notices.notice_reminders_send, today)

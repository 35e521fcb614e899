"""Background jobs of the campaigns app."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import translation

from campaigns.services import filings, notices, work
from civport.notifications import local_today

logger = logging.getLogger(__name__)

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

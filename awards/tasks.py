"""Celery tasks of the award round: certificate and decision PDFs, the stuck-work sweeper, and
the daily reminders (whom they reach and what they say: awards.reminders).

The PDF tasks go to the `pdf` queue (routed by name: "*certificate*", "*pdf*"). They take ids,
claim their row before rendering (a second delivery finds it claimed or done and does nothing),
and write no result: nothing waits for one, and a task that needs no result backend can be
queued while the result store is down too.
"""

import datetime

from celery import shared_task

from awards import reminders
from awards.services import honours
from awards.services.honours import MAX_RENDER_ATTEMPTS, RENDER_HARD_SECONDS, RENDER_SOFT_SECONDS
from civport.notifications import local_today

PDF_TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "ignore_result": True,
    "soft_time_limit": RENDER_SOFT_SECONDS,
    "time_limit": RENDER_HARD_SECONDS,
    "max_retries": MAX_RENDER_ATTEMPTS - 1,
}

# Celery logs what a task returns ("Task … succeeded in 0.01s: <value>"): the value says what
# happened in words, where a bare False read like a failure when a second delivery (or the demo,
# which renders at once) found the PDF done.
RENDERED = "rendered"
NOTHING_TO_DO = "nothing to do: rendered already or being rendered"
GAVE_UP = "failed for good: the row keeps the error, for the office to render again"


def _outcome(rendered):
    return RENDERED if rendered else NOTHING_TO_DO


def _retry_later(task, failure):
    """Try a failed render again after 30 s, 60 s, 120 s; after the last attempt the row stays
    failed with its error, for the office to render again from the admin."""
    if failure.attempts >= MAX_RENDER_ATTEMPTS:
        return GAVE_UP
    raise task.retry(countdown=30 * 2 ** (failure.attempts - 1), exc=failure.__cause__)


@shared_task(name=honours.CERTIFICATE_RENDER_TASK, **PDF_TASK_OPTIONS)
def certificate_render_task(self, honour_id):
    try:
        return _outcome(honours.certificate_render(honour_id=honour_id))
    except honours.RenderFailed as failure:
        return _retry_later(self, failure)


@shared_task(name=honours.DECISION_RENDER_TASK, **PDF_TASK_OPTIONS)
def decision_pdf_render_task(self, decision_id):
    try:
        return _outcome(honours.decision_render(decision_id=decision_id))
    except honours.RenderFailed as failure:
        return _retry_later(self, failure)


# On the pdf queue too ("*certificate*"): it only queues, and runs beside the renders it feeds.
@shared_task(
    name="awards.certificates_sweep",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def certificates_sweep_task():
    """Queue again the certificates and decisions left pending (the broker was down when they
    were asked for) or left rendering by a worker that died. Every five minutes on beat."""
    return honours.renders_sweep()


# --- daily reminders (django-celery-beat; installed by `manage.py schedules_install`) --------


def _remind(send, today):
    """Run `send` for `today` (an ISO date, or None for today in Asia/Shanghai). The notices'
    texts are callables that notify renders in each recipient's language."""
    day = datetime.date.fromisoformat(today) if today else local_today()
    return send(today=day)


# Safe to run twice a day or to be redelivered: notify creates at most one notice per user,
# reason and day, and e-mails each notice once.
@shared_task(
    name="awards.nomination_deadline_reminders",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def nomination_deadline_reminders_task(today=None):
    return _remind(reminders.nomination_deadline_reminders_send, today)


@shared_task(
    name="awards.review_deadline_reminders",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def review_deadline_reminders_task(today=None):
    return _remind(reminders.review_deadline_reminders_send, today)


@shared_task(
    name="awards.recommendation_reminders",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def recommendation_reminders_task(today=None):
    return _remind(reminders.recommendation_reminders_send, today)

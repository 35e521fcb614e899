"""The portal's one notification engine: in-portal notices plus e-mail, for every app.

    notify(*, users, key, title, body="", url="", today=None, email=True) -> int

For each active user, at most one notice per (user, key, day), `day` being the calendar day in
Asia/Shanghai (`today` overrides it; reminders pass the day they run for). `key` names the
reason, e.g. f"rectification-overdue:{item.pk}". The notice is an in-portal `Notification` row
and, when `email` is true and the user has an address, an e-mail sent by the
`civport.notification_email` task (civport.tasks) queued after the surrounding transaction commits. Returns how
many notices were created; a second call for the same reason on the same day creates none and
sends nothing, even when two processes call at the same moment (the insert skips rows the
unique constraint already holds).

`title` and `body` may be plain strings, lazy translations or callables taking no argument: a
lazy string or a callable is rendered in each recipient's language, so a notice written by a
request in English reaches a reader of Chinese in Chinese. `url` is a path inside the portal.

Callers are services (inside their transaction) and reminder tasks; notices are not audited
themselves, since the service that caused one records its own audit entry and the row keeps who,
what and when.
"""

import datetime
import logging
import smtplib

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from civport.audit import audit_record
from civport.models import Notification

logger = logging.getLogger(__name__)

NOTIFICATION_TIME_ZONE = "Asia/Shanghai"
TITLE_MAX = Notification._meta.get_field("title").max_length
KEY_MAX = Notification._meta.get_field("key").max_length
URL_MAX = Notification._meta.get_field("url").max_length
# The e-mail task (civport.tasks) is queued by name: the task module imports this one.
EMAIL_TASK = "civport.notification_email"


def local_today():
    """Today's date in Asia/Shanghai, the day a notice counts against."""
    from zoneinfo import ZoneInfo

    return timezone.localdate(timezone=ZoneInfo(NOTIFICATION_TIME_ZONE))


def recipient_language(user):
    """The language a user's notices and e-mails are written in.

    Users hold no language preference yet, so it is the portal's language; a per-user choice
    would be read here and nowhere else."""
    return getattr(user, "language", None) or settings.LANGUAGE_CODE


def _render(value, language):
    with translation.override(language):
        if callable(value):
            value = value()
        if isinstance(value, Promise):
            value = str(value)
        return str(value or "")


def _insert_ignoring_duplicates(rows):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: (id, user id) of the rows inserted.

    One statement for all recipients; a row the unique constraint already holds (from an
    earlier call, or a concurrent one that committed first) is skipped without an error, and a
    concurrent uncommitted insert of the same row makes this one wait for its outcome. Django's
    bulk_create(ignore_conflicts=True) cannot say which rows it inserted, and get_or_create
    would take a savepoint per user."""
    if not rows:
        return []
    columns = [
        "user_id",
        "key",
        "day",
        "title",
        "body",
        "url",
        "language",
        "created_at",
        "wants_email",
    ]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sql = (
        f"INSERT INTO {quote(Notification._meta.db_table)} "  # noqa: S608 (names are ours)
        f"({', '.join(quote(c) for c in columns)}) VALUES {placeholders} "
        f"ON CONFLICT DO NOTHING RETURNING {quote('id')}, {quote('user_id')}"
    )
    # Raw SQL skips the fields' conversions: adapt the date and time as the ORM would.
    adapt = {
        "day": connection.ops.adapt_datefield_value,
        "created_at": connection.ops.adapt_datetimefield_value,
    }
    params = []
    for row in rows:
        params += [adapt[c](row[c]) if c in adapt else row[c] for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def notify(*, users, key, title, body="", url="", today=None, email=True):
    """Create today's notice for each user that has none for `key` yet; e-mail it after commit.

    Returns the number of notices created."""
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"a notification key is 1 to {KEY_MAX} characters, got {key!r}")
    if len(url) > URL_MAX:
        raise ValueError(f"a notification URL is at most {URL_MAX} characters")
    day = today or local_today()
    now = timezone.now()
    recipients = {}
    for user in users:
        if user.is_active:
            recipients.setdefault(user.pk, user)
    rows = []
    for user in sorted(recipients.values(), key=lambda u: u.pk):
        language = recipient_language(user)
        rows.append(
            {
                "user_id": user.pk,
                "key": key,
                "day": day,
                "title": _render(title, language)[:TITLE_MAX],
                "body": _render(body, language),
                "url": url,
                "language": language,
                "created_at": now,
                "wants_email": bool(email and user.email),
            }
        )
    created = _insert_ignoring_duplicates(rows)
    wants_email = {row["user_id"]: row["wants_email"] for row in rows}
    for pk, user_id in created:
        if wants_email[user_id]:
            # robust: a broker that is down must not undo the notices already committed; the
            # row keeps wants_email with no emailed_at for a sweeper to find.
            transaction.on_commit(lambda pk=pk: _email_queue(pk), robust=True)
    return len(created)


# --- e-mail ---------------------------------------------------------------------------------


def notification_email_send(*, notification_id):
    """Send one notice by e-mail, at most once.

    The notice is claimed with a conditional update before sending, so a redelivered task
    (late acknowledgement after a worker died) finds it claimed and sends nothing. Should the
    mail server refuse, the claim is released so that the task's retry can send it."""
    notification = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, wants_email=True, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.email:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    language = notification.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"notification": notification, "site_url": _site_url()}
        subject = render_to_string("civport/notification_email_subject.txt", context)
        message = render_to_string("civport/notification_email.txt", context)
    try:
        send_mail(
            " ".join(subject.split()),
            message,
            settings.DEFAULT_FROM_EMAIL,
            [notification.user.email],
        )
    except (OSError, smtplib.SMTPException):
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


# An e-mail still unsent this long after its notice was written was never queued (the broker was
# down at commit) or its task was lost; the sweeper queues it again.
EMAIL_SWEEP_AFTER = datetime.timedelta(minutes=15)
EMAIL_SWEEP_BATCH = 1000


def notification_emails_requeue(*, now=None):
    """Queue again the e-mails of notices wanted but not sent for EMAIL_SWEEP_AFTER; returns how
    many. Safe to run at any time: the send claims each notice first, so an e-mail whose task
    was only slow goes out once all the same."""
    cutoff = (now or timezone.now()) - EMAIL_SWEEP_AFTER
    ids = list(
        Notification.objects.filter(
            wants_email=True, emailed_at__isnull=True, created_at__lt=cutoff, user__email__gt=""
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH]
    )
    for pk in ids:
        _email_queue(pk)
    return len(ids)


def _email_queue(notification_id):
    current_app.tasks[EMAIL_TASK].delay(notification_id)


def _site_url():
    """The portal's address for links in e-mails (the address printed on certificates too)."""
    return settings.CIVPORT_PUBLIC_URL


# --- reading --------------------------------------------------------------------------------


def notification_list_for(user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notification_mark_read(*, actor, notification_id):
    """Mark one of the actor's notices read; returns the notice, or None when it is not theirs.
    Marking it again changes nothing."""
    notification = Notification.objects.filter(pk=notification_id, user=actor).first()
    if notification is None:
        return None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(actor=actor, action="civport.notification.read", obj=notification)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor):
    """Mark all of the actor's unread notices read; returns how many there were."""
    count = Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        audit_record(actor=actor, action="civport.notification.read_all", changes={"count": count})
    return count

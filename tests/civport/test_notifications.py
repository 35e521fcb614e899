"""The notification engine: one notice per user, reason and day; e-mail sent once."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from civport.models import AuditEntry, Notification
from civport.notifications import (
    EMAIL_SWEEP_AFTER,
    local_today,
    notification_email_send,
    notification_emails_requeue,
    notify,
)
from tests.conftest import login, require_postgresql
from tests.queries import BASE

DAY = datetime.date(2026, 3, 2)


def _user(username, email=""):
    return get_user_model().objects.create_user(
        username=username, email=email, password="correct-horse-battery"
    )


@pytest.fixture
def reader(db):
    return _user("reader", "reader@example.org")


def test_notify_creates_one_notice_per_user_and_day(reader, django_capture_on_commit_callbacks):
    other = _user("other", "other@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(users=[reader, other, reader], key="filing:1", title="T", today=DAY)
        again = notify(users=[reader, other], key="filing:1", title="T", today=DAY)
    assert (first, again) == (2, 0)
    assert Notification.objects.filter(key="filing:1").count() == 2
    assert len(mail.outbox) == 2


def test_notify_again_the_next_day_creates_a_new_notice(reader):
    assert notify(users=[reader], key="k", title="T", today=DAY, email=False) == 1
    assert notify(users=[reader], key="k", title="T", today=DAY, email=False) == 0
    assert notify(users=[reader], key="k", title="T", today=DAY + datetime.timedelta(days=1)) == 1
    assert list(Notification.objects.order_by("day").values_list("day", flat=True)) == [
        DAY,
        DAY + datetime.timedelta(days=1),
    ]


def test_another_reason_on_the_same_day_is_another_notice(reader):
    assert notify(users=[reader], key="a", title="T", today=DAY, email=False) == 1
    assert notify(users=[reader], key="b", title="T", today=DAY, email=False) == 1


def test_the_database_refuses_a_second_notice_for_the_same_reason_and_day(reader):
    notify(users=[reader], key="k", title="T", today=DAY, email=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=reader, key="k", day=DAY, title="T", language="en")


def test_day_defaults_to_the_date_in_shanghai(reader):
    notify(users=[reader], key="k", title="T", email=False)
    assert Notification.objects.get().day == local_today()


def test_inactive_users_get_no_notice(reader):
    reader.is_active = False
    reader.save()
    assert notify(users=[reader], key="k", title="T", today=DAY) == 0


def test_concurrent_calls_from_two_connections_create_one_notice(transactional_db):
    require_postgresql("two connections writing at once")
    user = _user("racer", "racer@example.org")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(notify(users=[user], key="race", title="T", today=DAY))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(user=user, key="race").count() == 1
    # Tasks run eagerly after each commit: only the thread that created the notice sent mail.
    assert len(mail.outbox) == 1


def test_email_is_sent_once_even_when_the_task_runs_twice(
    reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[reader],
            key="k",
            title="Filing returned",
            body="See the comments",
            url="/filings/1/",
            today=DAY,
        )
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert "Filing returned" in message.subject
    assert "See the comments" in message.body
    assert "/filings/1/" in message.body


def test_no_email_is_queued_before_commit_or_when_not_asked(
    reader, django_capture_on_commit_callbacks
):
    without_address = _user("silent")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(users=[reader, without_address], key="k", title="T", today=DAY)
        notify(users=[reader], key="quiet", title="T", today=DAY, email=False)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_sweeper_sends_an_email_that_was_never_queued_once(
    reader, django_capture_on_commit_callbacks
):
    # The broker was down when the notice was written: its e-mail task never ran.
    with django_capture_on_commit_callbacks(execute=False):
        notify(users=[reader, _user("no-address")], key="k", title="Overdue", today=DAY)
    assert mail.outbox == []
    now = timezone.now()
    assert notification_emails_requeue(now=now) == 0  # too recent: its task may still come
    later = now + EMAIL_SWEEP_AFTER + datetime.timedelta(seconds=1)
    assert notification_emails_requeue(now=later) == 1  # the user with no address is skipped
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert notification_emails_requeue(now=later) == 0
    assert len(mail.outbox) == 1


def test_titles_are_rendered_in_the_recipients_language_not_the_callers(reader):
    with translation.override("en"):
        notify(
            users=[reader],
            key="k",
            title=lambda: f"in {translation.get_language()}",
            body=gettext_lazy("Ports"),
            today=DAY,
            email=False,
        )
    notification = Notification.objects.get()
    assert notification.title == "in zh-hans"
    assert notification.language == "zh-hans"
    with translation.override("zh-hans"):
        assert notification.body == str(gettext_lazy("Ports"))


def test_a_callable_title_is_rendered_per_recipient(reader):
    notify(users=[reader], key="k", title=lambda: "computed", today=DAY, email=False)
    assert Notification.objects.get().title == "computed"


# --- screens ----------------------------------------------------------------------------------


def _notices(user, n, *, start=0):
    for i in range(start, start + n):
        notify(users=[user], key=f"k{i}", title=f"Notice {i}", url=f"/x/{i}/", email=False)


def test_notification_list_query_count(client, reader, django_assert_num_queries):
    _notices(reader, 12)
    login(client, reader)
    # BASE + page count + page rows
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("civport:notification-list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="notifications"') == 1
    assert "Notice 11" in response.content.decode()


def test_notification_list_shows_only_ones_own(client, reader):
    other = _user("other")
    _notices(other, 1)
    login(client, reader)
    response = client.get(reverse("civport:notification-list"))
    assert "Notice 0" not in response.content.decode()


def test_unread_count_fragment(client, reader, django_assert_num_queries):
    _notices(reader, 12)
    Notification.objects.filter(key="k0").update(read_at=timezone.now())
    login(client, reader)
    # session + user + count
    with django_assert_num_queries(3):
        response = client.get(reverse("civport:notification-unread"), HTTP_HX_REQUEST="true")
    assert ">11<" in response.content.decode()


def test_pages_load_the_count_with_htmx_and_link_without_it(client, reader):
    login(client, reader)
    html = client.get(reverse("civport:notification-list")).content.decode()
    assert f'href="{reverse("civport:notification-list")}"' in html
    assert f'hx-get="{reverse("civport:notification-unread")}"' in html


def test_open_marks_read_and_goes_to_the_notice_url(client, reader):
    _notices(reader, 1)
    notification = Notification.objects.get()
    login(client, reader)
    response = client.post(
        reverse("civport:notification-read", args=[notification.pk]), {"open": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/x/0/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditEntry.objects.filter(action="civport.notification.read").count() == 1


def test_marking_another_users_notice_is_404(client, reader):
    other = _user("other")
    _notices(other, 1)
    login(client, reader)
    pk = Notification.objects.get().pk
    assert client.post(reverse("civport:notification-read", args=[pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read(client, reader):
    _notices(reader, 3)
    login(client, reader)
    response = client.post(reverse("civport:notification-read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_read_needs_post(client, reader):
    _notices(reader, 1)
    login(client, reader)
    pk = Notification.objects.get().pk
    assert client.get(reverse("civport:notification-read", args=[pk])).status_code == 405

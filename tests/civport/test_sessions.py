"""Sessions: the login log, the note of the previous login after logging in, the idle timeout
and the user's own list of open sessions."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from civport.models import LoginEvent
from civport.sessions import SEEN_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _log_in(client, password=PASSWORD, username="national"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _client(address):
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=f"Browser at {address}")


def test_logins_and_failures_are_logged_with_their_address(national_admin):
    client = _client("10.1.2.3")
    _log_in(client, "wrong-password")
    _log_in(client)
    failure, success = LoginEvent.objects.order_by("pk")
    assert (failure.username, failure.outcome, failure.ip_address, failure.user) == (
        "national",
        LoginEvent.Outcome.FAILURE,
        "10.1.2.3",
        None,
    )
    assert (success.user, success.outcome, success.ip_address) == (
        national_admin,
        LoginEvent.Outcome.SUCCESS,
        "10.1.2.3",
    )
    assert success.user_agent == "Browser at 10.1.2.3"
    assert success.session_key == client.session.session_key and success.ended_at is None


def test_the_lockout_is_logged(national_admin, settings):
    client = _client("10.1.2.4")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "wrong-password")
    assert LoginEvent.objects.filter(
        username="national", outcome=LoginEvent.Outcome.LOCKED_OUT, ip_address="10.1.2.4"
    ).exists()


def test_after_login_the_previous_login_and_the_failures_since_are_shown(
    national_admin, in_english
):
    first = _log_in(_client("10.1.2.3"), username="national")
    assert first.status_code == 302
    other = _client("10.9.9.9")
    _log_in(other, "wrong-password")
    _log_in(other, "still-wrong")
    client = _client("10.1.2.5")
    page = _log_in(client)
    home = client.get(page.url)
    text = home.content.decode()
    assert "Your previous login was at" in text and "from 10.1.2.3." in text
    assert "2 failed login attempts since." in text


def test_the_first_login_says_so(national_admin, in_english):
    client = _client("10.1.2.3")
    home = client.get(_log_in(client).url)
    assert "Welcome: this is your first login." in home.content.decode()


def test_logout_ends_the_session_on_the_server(national_admin):
    client = _client("10.1.2.3")
    _log_in(client)
    key = client.session.session_key
    client.post(reverse("logout"))
    event = LoginEvent.objects.get(outcome=LoginEvent.Outcome.SUCCESS)
    assert event.ended_at is not None and event.end == LoginEvent.End.LOGOUT
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def _age(client, seconds):
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_is_logged_out_with_a_message(national_admin, settings, in_english):
    settings.CIVPORT_IDLE_MINUTES = 30
    client = _client("10.1.2.3")
    _log_in(client)
    _age(client, 31 * 60)
    response = client.get(reverse("campaigns:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "after 30 minutes without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = LoginEvent.objects.get(outcome=LoginEvent.Outcome.SUCCESS)
    assert event.end == LoginEvent.End.IDLE


def test_activity_within_the_timeout_keeps_the_session(national_admin, settings):
    settings.CIVPORT_IDLE_MINUTES = 30
    client = _client("10.1.2.3")
    _log_in(client)
    _age(client, 29 * 60)
    assert client.get(reverse("campaigns:home")).status_code == 200
    # The request's time was noted, in the session and in the login log.
    assert time.time() - client.session[SEEN_KEY] < 5
    event = LoginEvent.objects.get(outcome=LoginEvent.Outcome.SUCCESS)
    assert event.last_seen_at > event.at


def test_a_page_view_within_the_minute_writes_nothing(national_admin, django_assert_num_queries):
    client = _client("10.1.2.3")
    _log_in(client)
    # session + user + scope (the navigation) + the list; the time seen is not written again
    # within the minute.
    with django_assert_num_queries(4):
        assert client.get(reverse("session_list")).status_code == 200


def test_the_user_sees_and_ends_another_session(national_admin, in_english):
    office, home = _client("10.1.2.3"), _client("10.7.7.7")
    _log_in(office)
    _log_in(home)
    page = office.get(reverse("session_list"))
    sessions = page.context["sessions"]
    assert [s.ip_address for s in sessions] == ["10.7.7.7", "10.1.2.3"]
    assert "This session" in page.content.decode()
    other = sessions[0]
    response = office.post(reverse("session_end", args=[other.pk]), follow=True)
    assert "The session was ended." in response.content.decode()
    other.refresh_from_db()
    assert other.end == LoginEvent.End.ENDED
    # The other browser is logged out at its next request.
    assert home.get(reverse("campaigns:home")).status_code == 302
    assert [s.ip_address for s in office.get(reverse("session_list")).context["sessions"]] == [
        "10.1.2.3"
    ]


def test_the_current_session_is_ended_by_logging_out(national_admin, in_english):
    client = _client("10.1.2.3")
    _log_in(client)
    own = LoginEvent.objects.get(outcome=LoginEvent.Outcome.SUCCESS)
    response = client.post(reverse("session_end", args=[own.pk]), follow=True)
    assert "To end this session, log out." in response.content.decode()
    own.refresh_from_db()
    assert own.ended_at is None


def test_another_users_session_is_not_found(national_admin, gd_officer):
    mine, theirs = _client("10.1.2.3"), _client("10.2.2.2")
    _log_in(mine)
    _log_in(theirs, username="gd_officer")
    event = LoginEvent.objects.get(user=gd_officer, outcome=LoginEvent.Outcome.SUCCESS)
    assert mine.post(reverse("session_end", args=[event.pk])).status_code == 404
    event.refresh_from_db()
    assert event.ended_at is None

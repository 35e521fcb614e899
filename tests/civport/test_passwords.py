"""The password rules: three of four character classes, not the user name, none of the last
five, and a new one at login once the latest is older than the configured age."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.middleware import SESSION_KEY
from civport.models import PasswordRecord
from civport.passwords import character_classes, password_changed_at, password_expired

pytestmark = pytest.mark.django_db


def _messages(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdefghij", 1), ("abcde12345", 2), ("Abcde12345", 3), ("Ab1-", 4), ("口岸abc123", 3)],
)
def test_character_classes_are_counted(password, classes):
    assert character_classes(password) == classes


def test_two_classes_are_refused_and_three_accepted(in_english):
    assert _messages("harbour-lights") == [
        "Your password must use at least 3 of these four: capital letters, small letters, "
        "digits and symbols."
    ]
    assert _messages("Harbour-lights") == []


def test_the_user_name_is_refused_inside_the_password(in_english):
    user = get_user_model()(username="gd_officer")
    assert "Your password must not contain your user name." in _messages("My-GD_Officer-9", user)
    assert _messages("My-Harbour-9", user) == []


def _user(password):
    """A user whose password was set once (create_user itself keeps no record)."""
    user = get_user_model().objects.create_user("sz_officer")
    user.set_password(password)
    user.save()
    return user


def test_none_of_the_last_five_passwords_again(in_english):
    user = _user("Harbour-lights-0")
    for n in range(1, 5):
        user.set_password(f"Harbour-lights-{n}")
        user.save()
    assert PasswordRecord.objects.filter(user=user).count() == 5
    assert _messages("Harbour-lights-0", user) == [
        "Your password must differ from your last 5 passwords."
    ]
    user.set_password("Harbour-lights-5")
    user.save()
    # Only five are kept: the oldest may come back.
    assert PasswordRecord.objects.filter(user=user).count() == 5
    assert _messages("Harbour-lights-0", user) == []
    assert _messages("Harbour-lights-1", user) != []


def test_the_age_counts_from_the_latest_change_or_the_account(settings):
    settings.CIVPORT_PASSWORD_MAX_AGE_DAYS = 90
    user = _user("Harbour-lights-0")
    now = timezone.now()
    assert password_changed_at(user) == PasswordRecord.objects.get(user=user).changed_at
    assert not password_expired(user, now=now + datetime.timedelta(days=89))
    assert password_expired(user, now=now + datetime.timedelta(days=91))
    PasswordRecord.objects.filter(user=user).delete()
    user.date_joined = now - datetime.timedelta(days=100)
    assert password_changed_at(user) == user.date_joined
    assert password_expired(user, now=now)
    settings.CIVPORT_PASSWORD_MAX_AGE_DAYS = 0
    assert not password_expired(user, now=now)


def test_an_old_password_must_be_changed_at_login(client, in_english, settings):
    settings.CIVPORT_PASSWORD_MAX_AGE_DAYS = 90
    user = _user("Harbour-lights-0")
    old = timezone.now() - datetime.timedelta(days=91)
    PasswordRecord.objects.filter(user=user).update(changed_at=old)
    response = client.post(
        reverse("login"), {"username": "sz_officer", "password": "Harbour-lights-0"}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "expired"
    home = client.get(reverse("campaigns:home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("password_change")
    assert "Your password is more than 90 days old." in home.content.decode()
    refused = client.post(
        reverse("password_change"),
        {
            "old_password": "Harbour-lights-0",
            "new_password1": "Harbour-lights-0",
            "new_password2": "Harbour-lights-0",
        },
    )
    assert refused.status_code == 200
    assert "Your password must differ from your last 5 passwords." in refused.content.decode()
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "Harbour-lights-0",
            "new_password1": "Quay-lanterns-7",
            "new_password2": "Quay-lanterns-7",
        },
    )
    assert changed.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("campaigns:home")).status_code == 200
    assert not password_expired(user)


def test_a_recent_password_logs_straight_in(client, settings):
    settings.CIVPORT_PASSWORD_MAX_AGE_DAYS = 90
    _user("Harbour-lights-0")
    client.post(reverse("login"), {"username": "sz_officer", "password": "Harbour-lights-0"})
    assert SESSION_KEY not in client.session
    assert client.get(reverse("campaigns:home")).status_code == 200


def test_the_demo_password_meets_the_rules(settings):
    from seeding.campaigns import ACCOUNTS, ADMIN_ACCOUNTS

    for username, *_rest in (*ACCOUNTS, *ADMIN_ACCOUNTS):
        user = get_user_model()(username=username)
        assert _messages(settings.CIVPORT_DEMO_PASSWORD, user) == [], username

"""The password rules (GB/T 22239-2019 level 3, 身份鉴别): length (Django's validator), three of the
four character classes, not the user name, none of the last few passwords, and a new one once the
latest is older than `CIVPORT_PASSWORD_MAX_AGE_DAYS`.

The validators are listed in `AUTH_PASSWORD_VALIDATORS`, so every place that sets a password
through a form or `validate_password` applies them: activation, the change page, a manager's reset.
`PasswordHistoryValidator.password_changed` keeps the hash of each new password; Django calls it
whenever a user is saved with a new password.
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from civport.models import PasswordRecord

CLASSES = (
    (str.isupper, "upper"),
    (str.islower, "lower"),
    (str.isdigit, "digit"),
)


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses (letters without
    case, such as Chinese characters, count as symbols)."""
    found = set()
    for char in password:
        for test, name in CLASSES:
            if test(char):
                found.add(name)
                break
        else:
            if not char.isspace():
                found.add("symbol")
    return len(found)


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must use at least %(count)d of these four: capital letters, small "
            "letters, digits and symbols."
        ) % {"count": self.min_classes}


class NotUserNameValidator:
    """The password neither is nor contains the user name."""

    def validate(self, password, user=None):
        name = (getattr(user, "username", "") or "").casefold()
        if name and name in password.casefold():
            raise ValidationError(
                _("Your password must not contain your user name."), code="password_has_username"
            )

    def get_help_text(self):
        return _("Your password must not contain your user name.")


class PasswordHistoryValidator:
    def __init__(self, count: int = 5):
        self.count = count

    def _recent(self, user):
        if user is None or user.pk is None:
            return []
        return list(
            PasswordRecord.objects.filter(user=user).values_list("password", flat=True)[
                : self.count
            ]
        )

    def validate(self, password, user=None):
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(
                ngettext(
                    "Your password must differ from your last password.",
                    "Your password must differ from your last %(count)d passwords.",
                    self.count,
                )
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Keep the new password's hash, and only as many as the rule compares."""
        if user is None or user.pk is None or not user.password:
            return
        PasswordRecord.objects.create(user=user, password=user.password)
        stale = PasswordRecord.objects.filter(user=user).values_list("pk", flat=True)[self.count :]
        PasswordRecord.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return ngettext(
            "Your password must differ from your last password.",
            "Your password must differ from your last %(count)d passwords.",
            self.count,
        ) % {"count": self.count}


def password_changed_at(user) -> datetime.datetime:
    """When the user's password was last set (their account's creation if never recorded)."""
    latest = PasswordRecord.objects.filter(user=user).values_list("changed_at", flat=True).first()
    return latest or user.date_joined


def password_expired(user, *, now=None) -> bool:
    days = settings.CIVPORT_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    now = now or timezone.now()
    return password_changed_at(user) < now - datetime.timedelta(days=days)

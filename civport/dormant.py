"""Dormant accounts (等保 2.0: 应及时删除或停用多余的、过期的账户): an account not used for
CIVPORT_DORMANT_DAYS is disabled, its holder having been told CIVPORT_DORMANT_NOTICE_DAYS before.

An account is last used at the latest of: its last login; its creation, when it never logged in;
its last re-enabling by an account manager (the audit entry of `REENABLE_ACTIONS`), so that a
re-enabled account gets a full period again instead of being disabled the next morning; and its
last disabling by this module, for an account active again by another way (the system
administrator's is_active box in the Django admin, which writes no audit entry): it is then
told again before it is disabled again.

`dormant_accounts_sweep` runs daily (civport.tasks) and is safe to run any number of times: the
notice is one per account and idle period (its key holds the moment the period started, so a
login or a re-enabling starts a new one), and an account is disabled once, by a conditional
update. Every account is treated the same, the three administrators' included.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from civport.audit import audit_record
from civport.models import AuditEntry, Notification
from civport.notifications import NOTIFICATION_TIME_ZONE, notify

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The audit actions that give a disabled account back to its holder (the account pages of
# campaigns write it; civport reads it by name as it never imports campaigns).
REENABLE_ACTIONS = ("campaigns.account.enabled",)
DISABLED_ACTION = "civport.account.dormant_disabled"
NOTICE_KEY_PREFIX = "account-dormant:"


class SweepResult(NamedTuple):
    notified: int
    disabled: int


def dormant_days() -> int:
    return int(settings.CIVPORT_DORMANT_DAYS)


def notice_days() -> int:
    return int(settings.CIVPORT_DORMANT_NOTICE_DAYS)


def _notice_key(since: datetime.datetime) -> str:
    return f"{NOTICE_KEY_PREFIX}{since.astimezone(datetime.UTC):%Y%m%dT%H%M%S}"


def _local_date(moment: datetime.datetime) -> datetime.date:
    from zoneinfo import ZoneInfo

    return timezone.localtime(moment, timezone=ZoneInfo(NOTIFICATION_TIME_ZONE)).date()


def _reenabled_at(user_ids: list[int]) -> dict[int, datetime.datetime]:
    if not user_ids:
        return {}
    content_type = ContentType.objects.get_for_model(get_user_model())
    rows = (
        AuditEntry.objects.filter(
            # A dormant account's disabling counts too: the candidates are active, so anyone
            # disabled here was enabled again since.
            action__in=(*REENABLE_ACTIONS, DISABLED_ACTION),
            content_type=content_type,
            object_id__in=[str(pk) for pk in user_ids],
        )
        .values("object_id")
        .annotate(last=Max("at"))
    )
    return {int(row["object_id"]): row["last"] for row in rows}


def last_used_at(user: User, reenabled_at: datetime.datetime | None = None) -> datetime.datetime:
    """When the account was last used, in the sense of this module."""
    moments = [user.last_login or user.date_joined]
    if reenabled_at is not None:
        moments.append(reenabled_at)
    return max(moments)


def _notice_title() -> str:
    return gettext("Your account will be disabled for lack of use")


def _notice_body(since: datetime.datetime, disable_on: datetime.date) -> str:
    return gettext(
        "You have not used the portal since %(since)s. Unless you log in before %(date)s, your "
        "account will be disabled, and only your account manager can enable it again."
    ) % {
        "since": formats.date_format(_local_date(since), "DATE_FORMAT"),
        "date": formats.date_format(disable_on, "DATE_FORMAT"),
    }


@transaction.atomic
def account_dormant_disable(
    *, actor: User | None, user: User, last_used: datetime.datetime
) -> bool:
    """Disable an account for lack of use; returns False when it was disabled already.

    The conditional update disables it once even when two sweeps run at the same moment. Django
    refuses an inactive account's login and sessions; its manager can enable it again."""
    updated = get_user_model().objects.filter(pk=user.pk, is_active=True).update(is_active=False)
    if not updated:
        return False
    user.is_active = False
    audit_record(
        actor=actor,
        action=DISABLED_ACTION,
        obj=user,
        changes={
            "is_active": [True, False],
            "last_used_at": last_used,
            "dormant_days": dormant_days(),
        },
    )
    return True


def dormant_accounts_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Tell the holders of accounts that will soon be dormant; disable those that are.

    An account is told once per idle period, CIVPORT_DORMANT_NOTICE_DAYS before its limit (or at
    the first sweep after, when the period had run out before it could be told); it is disabled
    once it has been unused CIVPORT_DORMANT_DAYS and told at least CIVPORT_DORMANT_NOTICE_DAYS
    days before (calendar days in Asia/Shanghai), so nobody is disabled without notice."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=dormant_days())
    warn_from = limit + datetime.timedelta(days=notice_days())
    today = _local_date(now)
    notice = datetime.timedelta(days=notice_days())
    candidates = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(last_login__lt=warn_from) | Q(last_login__isnull=True, date_joined__lt=warn_from))
        .order_by("pk")
    )
    reenabled = _reenabled_at([user.pk for user in candidates])
    told = {
        (row["user_id"], row["key"]): row["first"]
        for row in Notification.objects.filter(
            user__in=[user.pk for user in candidates], key__startswith=NOTICE_KEY_PREFIX
        )
        .values("user_id", "key")
        .annotate(first=Min("created_at"))
    }
    notified = disabled = 0
    for user in candidates:
        since = last_used_at(user, reenabled.get(user.pk))
        if since >= warn_from:
            continue
        key = _notice_key(since)
        told_at = told.get((user.pk, key))
        if told_at is None:
            disable_on = max(
                _local_date(since + datetime.timedelta(days=dormant_days())), today + notice
            )
            with transaction.atomic():
                notified += notify(
                    users=[user],
                    key=key,
                    title=_notice_title,
                    body=lambda since=since, disable_on=disable_on: _notice_body(since, disable_on),
                    today=today,
                )
        elif since < limit and _local_date(told_at) + notice <= today:
            disabled += account_dormant_disable(actor=None, user=user, last_used=since)
    return SweepResult(notified=notified, disabled=disabled)

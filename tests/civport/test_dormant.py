"""Dormant accounts: told first, disabled after CIVPORT_DORMANT_DAYS, once; re-enabled by their
manager with a full period again."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns.services import accounts
from civport.dormant import DISABLED_ACTION, NOTICE_KEY_PREFIX, dormant_accounts_sweep
from civport.models import AuditEntry, Notification
from civport.tasks import dormant_accounts_sweep_task

DAY = datetime.timedelta(days=1)


def _idle(user, days, *, logged_in=True):
    moment = timezone.now() - days * DAY
    if logged_in:
        user.last_login = moment
        user.date_joined = moment - 10 * DAY
    else:
        user.last_login = None
        user.date_joined = moment
    user.save(update_fields=["last_login", "date_joined"])
    return user


def _refresh(user):
    user.refresh_from_db()
    return user


def _notices(user):
    return Notification.objects.filter(user=user, key__startswith=NOTICE_KEY_PREFIX)


@pytest.fixture
def idle_officer(gd_officer):
    # 85 days: past the notice point (90 - 7 = 83), not yet past the limit.
    return _idle(gd_officer, 85)


def test_an_account_is_told_first_then_disabled_once_after_the_notice_days(idle_officer):
    now = timezone.now()
    assert dormant_accounts_sweep(now=now).notified == 1
    notice = _notices(idle_officer).get()
    with translation.override(settings.LANGUAGE_CODE):
        assert notice.title == gettext("Your account will be disabled for lack of use")
    assert _refresh(idle_officer).is_active

    # Past the limit, but told only 5 days ago: still active.
    assert dormant_accounts_sweep(now=now + 5 * DAY) == (0, 0)
    assert _refresh(idle_officer).is_active

    result = dormant_accounts_sweep(now=now + 7 * DAY)
    assert (result.notified, result.disabled) == (0, 1)
    assert not _refresh(idle_officer).is_active
    entry = AuditEntry.objects.get(action=DISABLED_ACTION)
    assert (entry.actor, entry.object_id) == (None, str(idle_officer.pk))
    assert entry.changes["dormant_days"] == 90

    # Idempotent: no second notice, no second disabling, no second audit entry.
    assert dormant_accounts_sweep(now=now + 8 * DAY) == (0, 0)
    assert _notices(idle_officer).count() == 1
    assert AuditEntry.objects.filter(action=DISABLED_ACTION).count() == 1


def test_the_daily_task_tells_once_however_often_it_runs(idle_officer):
    assert dormant_accounts_sweep_task.delay().get() == {"notified": 1, "disabled": 0}
    assert dormant_accounts_sweep_task.delay().get() == {"notified": 0, "disabled": 0}
    assert _notices(idle_officer).count() == 1


def test_an_account_long_idle_is_told_before_it_is_disabled(gd_officer, zj_officer):
    # Idle far past the limit when the sweep first sees them: a notice, never a disabling at once.
    _idle(gd_officer, 400)
    _idle(zj_officer, 200, logged_in=False)
    now = timezone.now()
    assert dormant_accounts_sweep(now=now) == (2, 0)
    assert dormant_accounts_sweep(now=now + 6 * DAY) == (0, 0)
    assert dormant_accounts_sweep(now=now + 7 * DAY) == (0, 2)
    assert not _refresh(gd_officer).is_active
    assert not _refresh(zj_officer).is_active


def test_recent_accounts_are_left_alone(gd_officer, zj_officer, port_officer):
    _idle(gd_officer, 10)
    _idle(zj_officer, 82)  # one day before the notice point
    _idle(port_officer, 30, logged_in=False)  # never logged in, created a month ago
    assert dormant_accounts_sweep() == (0, 0)
    assert not Notification.objects.exists()


def test_a_login_after_the_notice_starts_a_new_period(idle_officer):
    now = timezone.now()
    dormant_accounts_sweep(now=now)
    idle_officer.last_login = now
    idle_officer.save(update_fields=["last_login"])
    assert dormant_accounts_sweep(now=now + 30 * DAY) == (0, 0)
    assert _refresh(idle_officer).is_active
    # 90 - 7 days after that login: told again, for the new period.
    assert dormant_accounts_sweep(now=now + 84 * DAY).notified == 1
    assert _notices(idle_officer).count() == 2


def test_the_limit_follows_the_setting(gd_officer, settings):
    settings.CIVPORT_DORMANT_DAYS = 30
    settings.CIVPORT_DORMANT_NOTICE_DAYS = 3
    _idle(gd_officer, 28)
    now = timezone.now()
    assert dormant_accounts_sweep(now=now) == (1, 0)
    assert dormant_accounts_sweep(now=now + 3 * DAY) == (0, 1)

    settings.CIVPORT_DORMANT_DAYS = 365
    assert dormant_accounts_sweep(now=now + 3 * DAY) == (0, 0)


def test_administrators_and_staff_are_treated_the_same(db):
    admin = get_user_model().objects.create_user(username="sec_admin_1", is_staff=True)
    _idle(admin, 85)
    assert dormant_accounts_sweep().notified == 1


def test_a_manager_re_enables_the_account_and_its_clock_starts_again(idle_officer, national_admin):
    accounts.account_duty_set(
        actor=None, membership=national_admin.memberships.get(), manages_accounts=True
    )
    now = timezone.now()
    dormant_accounts_sweep(now=now)
    dormant_accounts_sweep(now=now + 7 * DAY)
    assert not _refresh(idle_officer).is_active

    accounts.account_enable(actor=national_admin, user=idle_officer)

    assert _refresh(idle_officer).is_active
    entry = AuditEntry.objects.get(action="campaigns.account.enabled")
    assert (entry.actor, entry.object_id) == (national_admin, str(idle_officer.pk))
    # last_login is still 92 days old, but the re-enabling counts as use: nothing the next days.
    assert dormant_accounts_sweep(now=now + 8 * DAY) == (0, 0)
    assert dormant_accounts_sweep(now=now + 60 * DAY) == (0, 0)
    assert _refresh(idle_officer).is_active
    # Unused again for the whole period after the re-enabling: told, then disabled again.
    # (the manager, who never logged in either, shares the fate)
    dormant_accounts_sweep(now=now + 91 * DAY)
    assert _notices(idle_officer).count() == 2
    dormant_accounts_sweep(now=now + 98 * DAY)
    assert not _refresh(idle_officer).is_active


def test_an_account_enabled_again_in_the_admin_is_told_before_it_is_disabled_again(idle_officer):
    now = timezone.now()
    dormant_accounts_sweep(now=now)
    dormant_accounts_sweep(now=now + 7 * DAY)
    # The admin's is_active box: no service, no audit entry of the re-enabling.
    get_user_model().objects.filter(pk=idle_officer.pk).update(is_active=True)

    assert dormant_accounts_sweep(now=now + 8 * DAY) == (0, 0)
    assert _refresh(idle_officer).is_active
    # Counted from its disabling: told once more, then disabled after the notice days.
    assert dormant_accounts_sweep(now=now + 91 * DAY) == (1, 0)
    assert dormant_accounts_sweep(now=now + 98 * DAY) == (0, 1)
    assert AuditEntry.objects.filter(action=DISABLED_ACTION).count() == 2

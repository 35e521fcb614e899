from django.contrib.auth import get_user_model

from campaigns.models import Membership
from campaigns.scope import scope_for
from civport.models import AuditEntry
from seeding import accounts


def test_demo_managers_get_the_duty_and_rerun_is_harmless(gd_officer, zj_officer):
    assert accounts.seed_demo(password="x", stats=None) == []
    accounts.seed_demo(password="x", stats=None)
    assert gd_officer.memberships.get().manages_accounts
    assert scope_for(gd_officer).manages_accounts
    assert not zj_officer.memberships.get().manages_accounts


def test_demo_fills_the_contact_directory_once(world, gd_officer):
    reviewer = get_user_model().objects.create_user(username="gd_reviewer1")
    accounts.seed_demo(password="x", stats=None)
    world.sz.authority.refresh_from_db()
    assert world.sz.authority.office_phone.startswith("0755-")
    assert world.sz.authority.office_email.endswith(".example.cn")
    world.sz.units[0].refresh_from_db()
    assert world.sz.units[0].office_address
    gd_officer.refresh_from_db()
    assert gd_officer.account_profile.phone.startswith("13")
    assert gd_officer.email
    assert reviewer.memberships.get().role == Membership.Role.REVIEWER
    audited = AuditEntry.objects.count()
    accounts.seed_demo(password="x", stats=None)
    assert AuditEntry.objects.count() == audited

from campaigns.scope import scope_for
from seeding import accounts


def test_demo_managers_get_the_duty_and_rerun_is_harmless(gd_officer, zj_officer):
    assert accounts.seed_demo(password="x", stats=None) == []
    accounts.seed_demo(password="x", stats=None)
    assert gd_officer.memberships.get().manages_accounts
    assert scope_for(gd_officer).manages_accounts
    assert not zj_officer.memberships.get().manages_accounts

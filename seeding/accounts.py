"""The demo's account managers (分级管理): Guangdong's provincial officer and the national office
hold the account-manager duty, so the demo shows the account pages. Safe to re-run."""

from campaigns.models import Membership
from campaigns.services.accounts import account_duty_set

# (username, role) of the demo accounts given the duty.
MANAGERS = (
    ("national", Membership.Role.NATIONAL_OFFICE),
    ("gd_officer", Membership.Role.PROVINCIAL_OFFICER),
)


def seed_demo(*, password, stats):
    """Give the demo managers their duty (the accounts and their password come from
    seeding.campaigns); returns no new account."""
    for username, role in MANAGERS:
        membership = Membership.objects.filter(user__username=username, role=role).first()
        if membership is not None:
            account_duty_set(actor=None, membership=membership, manages_accounts=True)
    return []

"""System checks of the portal (registered by CivportConfig.ready).

`demo_accounts_check` (tag security, with `check --deploy`): no shared or default account in
production (等保 2.0: 应重命名或删除默认账户，修改默认账户的默认口令; 应避免共享账户的存在). The
demo data (`seed_demo`) and the national-scale data (`seed_scale`) create accounts everyone knows
the password of; their user names are listed here because civport never imports seeding (a test
keeps this list equal to the accounts `seed_demo` creates).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.db.models import Q

# Every account seed_demo creates (seeding.campaigns, seeding.assessments, seeding.awards,
# seeding.accounts, seeding.groups, seeding.notices).
DEMO_USERNAMES = frozenset(
    {
        "national",
        "gd_officer",
        "zj_officer",
        "sz_officer",
        "nb_officer",
        "unit_contact",
        "sys_admin",
        "sec_admin",
        "audit_admin",
        *(f"gd_reviewer{n}" for n in range(1, 6)),
        *(f"zj_reviewer{n}" for n in range(1, 6)),
        *(f"national_reviewer{n}" for n in range(1, 4)),
    }
)
# The accounts of the national-scale data (seeding.scale_*) all start with this.
SYNTHETIC_USERNAME_PREFIX = "syn-"
SHOWN = 10


def demo_accounts_present():
    """The user names of demo or synthetic accounts in the database, sorted (at most SHOWN + 1).

    Raises DatabaseError when the database cannot be read."""
    query = Q(username__in=DEMO_USERNAMES) | Q(username__startswith=SYNTHETIC_USERNAME_PREFIX)
    return list(
        get_user_model()
        .objects.filter(query)
        .order_by("username")
        .values_list("username", flat=True)[: SHOWN + 1]
    )


@register(Tags.security, deploy=True)
def demo_accounts_check(app_configs=None, **kwargs):
    """Error in production when a demo account exists.

    A database that cannot be read (not reachable, not migrated yet: CI and a first deployment
    run `check --deploy` before `migrate`) has no demo account to report: the check passes, and
    runs again with the next `check --deploy`."""
    if settings.CIVPORT_ENV != "production":
        return []
    try:
        found = demo_accounts_present()
    except DatabaseError:
        return []
    if not found:
        return []
    names = ", ".join(found[:SHOWN]) + (", …" if len(found) > SHOWN else "")
    return [
        Error(
            f"Demo accounts exist in a production database: {names}.",
            hint=(
                "Their passwords are known (CIVPORT_DEMO_PASSWORD). Delete them, or load the "
                "production data into a database where seed_demo and seed_scale never ran."
            ),
            id="civport.E001",
        )
    ]

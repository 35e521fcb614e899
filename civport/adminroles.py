"""The three administrators (三员分立, GB/T 22239-2019 level 3): each a group holding exactly its
Django permissions, and no everyday account a superuser.

- 系统管理员 (system): user accounts and the periodic tasks; not the audit log, not roles.
- 安全管理员 (security): roles and memberships, the admin groups, lockouts and second factors;
  no business data.
- 审计管理员 (audit): reads the audit log and the login log, nothing else.

The national office's business work (rounds, decisions) stays with the national office role,
whose admin pages check that role (`civport.admin.is_national_staff`), not these permissions.
`manage.py admin_roles_install` makes the groups exactly so (run at deployment; the demo does it).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

SYSTEM = "系统管理员"
SECURITY = "安全管理员"
AUDIT = "审计管理员"

_BEAT_MODELS = (
    "periodictask",
    "crontabschedule",
    "intervalschedule",
    "clockedschedule",
    "solarschedule",
)

PERMISSIONS = {
    SYSTEM: (
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        *(
            f"django_celery_beat.{action}_{model}"
            for model in _BEAT_MODELS
            for action in ("add", "change", "delete", "view")
        ),
    ),
    SECURITY: (
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        "campaigns.add_membership",
        "campaigns.delete_membership",
        "campaigns.view_membership",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
    ),
    AUDIT: (
        "civport.view_auditentry",
        "civport.view_auditarchive",
        "civport.view_loginevent",
        "axes.view_accesslog",
    ),
}


def in_role(user, role: str) -> bool:
    """Whether the user holds one of the three roles (the groups are read once per request)."""
    if not user.is_authenticated:
        return False
    names = getattr(user, "_civport_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._civport_group_names = names
    return role in names


def held_admin_roles(user) -> list[str]:
    """The administrator roles the user holds, in the order system, security, audit. Only staff
    accounts can hold one, so anyone else costs no query."""
    if not user.is_authenticated or not user.is_staff:
        return []
    return [role for role in (SYSTEM, SECURITY, AUDIT) if in_role(user, role)]


@transaction.atomic
def admin_roles_install() -> dict[str, int]:
    """Create the three groups and give each exactly its permissions; returns how many each
    holds. A permission that does not exist is an error, not a silent gap."""
    counts = {}
    for name, wanted in PERMISSIONS.items():
        found = []
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise LookupError(f"no permission {dotted}")
            found.append(permission)
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(found)
        counts[name] = len(found)
    return counts

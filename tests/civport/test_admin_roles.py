"""The three administrators (三员分立): each group holds exactly its permissions, and each
administrator can do their own work in the admin and none of the others'."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from civport.adminroles import AUDIT, PERMISSIONS, SECURITY, SYSTEM, admin_roles_install
from civport.models import AuditEntry
from tests.queries import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(world):
    admin_roles_install()
    made = {}
    for username, group in (("sys_admin", SYSTEM), ("sec_admin", SECURITY), ("audit_admin", AUDIT)):
        user = get_user_model().objects.create_user(username, password="x", is_staff=True)
        user.groups.set([Group.objects.get(name=group)])
        made[group] = user
    return made


def test_each_group_holds_exactly_its_permissions(db):
    admin_roles_install()
    admin_roles_install()  # twice: nothing added or doubled
    for name, wanted in PERMISSIONS.items():
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }
        assert held == set(wanted)


# (page, what it is for) → who may open it
PAGES = {
    "admin:auth_user_changelist": {SYSTEM, SECURITY},
    "admin:auth_user_add": {SYSTEM},
    "admin:django_celery_beat_periodictask_changelist": {SYSTEM},
    "admin:campaigns_membership_changelist": {SECURITY},
    "admin:campaigns_membership_add": {SECURITY},
    "admin:axes_accessattempt_changelist": {SECURITY},
    "admin:otp_totp_totpdevice_changelist": {SECURITY},
    "admin:civport_auditentry_changelist": {AUDIT},
    "admin:civport_loginevent_changelist": {AUDIT},
    "admin:axes_accesslog_changelist": {AUDIT},
    # The national office's business pages: none of the three.
    "admin:awards_round_changelist": set(),
    "admin:campaigns_authority_changelist": set(),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [SYSTEM, SECURITY, AUDIT])
def test_each_administrator_opens_only_their_own_pages(client, admins, page, role):
    client.force_login(admins[role])
    status = client.get(reverse(page)).status_code
    assert status == (200 if role in PAGES[page] else 403), (role, page, status)


def test_the_national_office_runs_rounds_but_grants_no_roles(client, admins, national_admin):
    client.force_login(national_admin)
    assert client.get(reverse("admin:awards_round_changelist")).status_code == 200
    assert client.get(reverse("admin:campaigns_membership_add")).status_code == 403
    assert client.get(reverse("admin:civport_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_the_system_administrator_cannot_grant_groups_or_make_a_superuser(client, admins):
    target = get_user_model().objects.create_user("clerk", password="x")
    client.force_login(admins[SYSTEM])
    page = client.get(reverse("admin:auth_user_change", args=[target.pk]))
    readonly = set(page.context["adminform"].readonly_fields)
    assert {"groups", "is_superuser", "user_permissions", "is_staff"} <= readonly
    assert "email" not in readonly and "is_active" not in readonly


def test_the_security_administrator_grants_groups_but_edits_no_details(client, admins):
    target = get_user_model().objects.create_user("clerk", password="x")
    client.force_login(admins[SECURITY])
    page = client.get(reverse("admin:auth_user_change", args=[target.pk]))
    readonly = set(page.context["adminform"].readonly_fields)
    assert {"username", "email", "is_active", "is_superuser", "user_permissions"} <= readonly
    assert "groups" not in readonly


def test_the_audit_administrator_reads_the_log_and_changes_nothing(client, admins):
    entry = AuditEntry.objects.create(action="campaigns.test", object_repr="x")
    client.force_login(admins[AUDIT])
    assert (
        client.get(reverse("admin:civport_auditentry_change", args=[entry.pk])).status_code == 200
    )
    response = client.post(
        reverse("admin:civport_auditentry_change", args=[entry.pk]), {"action": "forged"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.action == "campaigns.test"


def test_each_administrator_is_named_by_role_on_the_home_page_not_as_without_one(
    client, admins, django_assert_num_queries
):
    for role, user in admins.items():
        client.force_login(user)
        # BASE + the roles (none) + the subjects to score + the user's groups
        with django_assert_num_queries(BASE + 3):
            html = client.get(reverse("campaigns:home")).content.decode()
        assert f'<span data-testid="role">{role}</span>' in html
        assert 'data-testid="admin-role"' in html
        assert 'data-testid="no-role"' not in html

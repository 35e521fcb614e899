"""The account pages: the manager's list (filters, exact queries), creating an account and handing
over its link, activation by the person, forced password change, disabled accounts, 404s."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.middleware import SESSION_KEY
from campaigns.models import AccountProfile, Membership
from campaigns.services import accounts
from civport.models import AuditEntry
from tests.queries import BASE

Role = Membership.Role


@pytest.fixture
def gd_manager(gd_officer):
    accounts.account_duty_set(
        actor=None, membership=gd_officer.memberships.get(), manages_accounts=True
    )
    return gd_officer


def _create(client, manager, world, **extra):
    client.force_login(manager)
    data = {
        "username": "gd_rev",
        "name": "评审专家甲",
        "role": Role.REVIEWER,
        "code": world.gd.code,
        "phone": "",
        "email": "",
    } | extra
    return client.post(reverse("campaigns:account-create"), data)


def test_nav_shows_accounts_to_managers_only(client, gd_manager, zj_officer):
    link = f'href="{reverse("campaigns:account-list")}"'
    client.force_login(gd_manager)
    assert link in client.get(reverse("campaigns:home")).text
    client.force_login(zj_officer)
    assert link not in client.get(reverse("campaigns:home")).text


@pytest.mark.parametrize("who", ["gd_officer", "port_officer", "unit_contact", "outsider"])
def test_pages_are_404_without_the_duty(client, persona, who):
    client.force_login(persona(who))
    assert client.get(reverse("campaigns:account-list")).status_code == 404
    assert client.get(reverse("campaigns:account-create")).status_code == 404
    assert client.get(reverse("campaigns:account-import")).status_code == 404


def test_other_provinces_accounts_are_404(client, gd_manager, nb_officer, zj_officer):
    client.force_login(gd_manager)
    for user in (nb_officer, zj_officer):
        assert client.get(reverse("campaigns:account-detail", args=[user.pk])).status_code == 404
        response = client.post(reverse("campaigns:account-disable", args=[user.pk]))
        assert response.status_code == 404
    role = nb_officer.memberships.get()
    assert client.post(reverse("campaigns:account-role-revoke", args=[role.pk])).status_code == 404
    nb_officer.refresh_from_db()
    assert nb_officer.is_active


def test_create_shows_the_link_once_and_the_person_activates(client, gd_manager, world):
    response = _create(client, gd_manager, world)
    user = get_user_model().objects.get(username="gd_rev")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:account-detail", args=[user.pk])
    page = client.get(response.url)
    links = page.context["links"]
    assert len(links) == 1 and not links[0]["emailed"]
    url = links[0]["url"]
    assert url in page.text
    # Shown once only.
    assert url not in client.get(response.url).text
    assert user.memberships.get().role == Role.REVIEWER

    client.logout()
    path = url[url.index("/accounts/activate/") :]
    assert client.get(path).status_code == 200
    bad = client.post(path, {"new_password1": "123", "new_password2": "123"})
    assert bad.status_code == 200 and bad.context["form"].errors
    done = client.post(
        path, {"new_password1": "Harbour-lights-2026", "new_password2": "Harbour-lights-2026"}
    )
    assert done.status_code == 302 and done.url == reverse("login")
    assert client.get(path).status_code == 410
    login = client.post(reverse("login"), {"username": "gd_rev", "password": "Harbour-lights-2026"})
    assert login.status_code == 302
    assert client.get(reverse("campaigns:home")).status_code == 200


def test_create_refuses_a_place_outside_the_area(client, gd_manager, world):
    response = _create(
        client, gd_manager, world, role=Role.UNIT_CONTACT, code=world.nb.units[0].code
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not get_user_model().objects.filter(username="gd_rev").exists()


def test_role_choices_stay_below_the_manager(client, gd_manager):
    client.force_login(gd_manager)
    form = client.get(reverse("campaigns:account-create")).context["form"]
    roles = [value for value, _label in form.fields["role"].choices]
    assert roles == [Role.PORT_OFFICER, Role.UNIT_CONTACT, Role.REVIEWER]


def test_forced_change_at_next_login(client, gd_manager, port_officer):
    accounts.account_password_reset(actor=gd_manager, user=port_officer)
    response = client.post(
        reverse("login"), {"username": "sz_officer", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == "reset"
    home = client.get(reverse("campaigns:home"))
    assert home.status_code == 302 and home.url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Harbour-lights-2026",
            "new_password2": "Harbour-lights-2026",
        },
    )
    assert changed.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get(reverse("campaigns:home")).status_code == 200
    profile = AccountProfile.objects.get(user=port_officer)
    assert not profile.must_change_password and profile.password_changed_at
    assert AuditEntry.objects.filter(action="campaigns.account.password_changed").exists()


def test_a_disabled_account_cannot_log_in(client, gd_manager, port_officer):
    client.force_login(gd_manager)
    response = client.post(reverse("campaigns:account-disable", args=[port_officer.pk]))
    assert response.status_code == 302
    client.logout()
    response = client.post(
        reverse("login"), {"username": "sz_officer", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_a_disabled_account_loses_its_session(client, gd_manager, port_officer):
    client.force_login(port_officer)
    accounts.account_disable(actor=gd_manager, user=port_officer)
    response = client.get(reverse("campaigns:home"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_grant_revoke_and_duty_from_the_detail_page(client, gd_manager, port_officer, world):
    client.force_login(gd_manager)
    detail = reverse("campaigns:account-detail", args=[port_officer.pk])
    client.post(
        reverse("campaigns:account-role-grant", args=[port_officer.pk]),
        {"role": Role.UNIT_CONTACT, "code": world.gz.units[1].code},
    )
    assert port_officer.memberships.filter(unit=world.gz.units[1]).exists()
    officer_role = port_officer.memberships.get(role=Role.PORT_OFFICER)
    client.post(
        reverse("campaigns:account-duty-set", args=[officer_role.pk]), {"manages_accounts": "1"}
    )
    officer_role.refresh_from_db()
    assert officer_role.manages_accounts
    contact_role = port_officer.memberships.get(role=Role.UNIT_CONTACT)
    client.post(reverse("campaigns:account-role-revoke", args=[contact_role.pk]))
    assert not port_officer.memberships.filter(role=Role.UNIT_CONTACT).exists()
    assert client.get(detail).status_code == 200


@pytest.fixture
def crowd(gd_manager, world):
    """A dozen accounts in Guangdong, each with a role, some disabled, some activated."""
    for i in range(12):
        unit = world.sz.units[i % 2] if i % 3 else world.gz.units[0]
        user = accounts.account_create(
            actor=None, username=f"c{i:02d}", name=f"联络员{i}", role=Role.UNIT_CONTACT, unit=unit
        ).user
        if i % 4 == 0:
            accounts.account_disable(actor=None, user=user)
        if i % 4 == 1:
            user.set_password("x")
            user.save()
    accounts.account_create(
        actor=None, username="c_rev", name="评审", role=Role.REVIEWER, authority=world.gd
    )
    return world


def test_list_queries(client, crowd, gd_manager, django_assert_num_queries, settings):
    settings.PAGE_SIZE = 50
    client.force_login(gd_manager)
    # BASE + count + page rows (with profiles) + their roles (with authority and unit)
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:account-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 13
    states = {a.username: a.state for a in response.context["page"].object_list}
    assert states["c00"] == "disabled"
    assert states["c01"] == "active"
    assert states["c02"] == "not_activated"


def test_list_filters(client, crowd, gd_manager, django_assert_num_queries):
    client.force_login(gd_manager)
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:account-list"), {"state": "disabled"})
    assert {a.username for a in response.context["page"].object_list} == {"c00", "c04", "c08"}
    response = client.get(reverse("campaigns:account-list"), {"role": Role.REVIEWER})
    assert [a.username for a in response.context["page"].object_list] == ["c_rev"]
    response = client.get(reverse("campaigns:account-list"), {"q": "联络员1"})
    assert {a.username for a in response.context["page"].object_list} == {"c01", "c10", "c11"}


def test_list_paginates(client, crowd, gd_manager, settings):
    settings.PAGE_SIZE = 5
    client.force_login(gd_manager)
    response = client.get(reverse("campaigns:account-list"), {"page": 3})
    assert len(response.context["page"].object_list) == 3


def test_detail_queries(client, crowd, gd_manager, django_assert_num_queries):
    user = get_user_model().objects.get(username="c01")
    client.force_login(gd_manager)
    # BASE + account (access, with profile) + its roles
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:account-detail", args=[user.pk]))
    assert response.status_code == 200

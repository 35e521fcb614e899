"""People are named by their name (姓名) in menus, lists and opinions; by their user name only
when they have none."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from campaigns.services.accounts import account_duty_set
from civport.people import display_name
from seeding import accounts
from tests.conftest import login


def person(**fields):
    return get_user_model()(username="gd_reviewer1", **fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"first_name": "李文博"}, "李文博"),  # the account form keeps the whole name here
        ({"first_name": "文博", "last_name": "李"}, "李文博"),  # family name first, no space
        ({"first_name": "Wenbo", "last_name": "Li"}, "Wenbo Li"),
        ({"last_name": "李"}, "李"),
        ({"first_name": "  "}, "gd_reviewer1"),
        ({}, "gd_reviewer1"),
    ],
)
def test_display_name_prefers_the_persons_name(fields, expected):
    assert display_name(person(**fields)) == expected


def test_display_name_of_nobody_is_empty():
    assert display_name(None) == ""


def test_menu_and_account_list_show_the_name_and_keep_the_user_name(
    client, gd_officer, port_officer
):
    get_user_model().objects.filter(pk=gd_officer.pk).update(first_name="陈志强")
    get_user_model().objects.filter(pk=port_officer.pk).update(first_name="林晓东")
    account_duty_set(actor=None, membership=gd_officer.memberships.get(), manages_accounts=True)
    login(client, gd_officer)
    html = client.get(reverse("campaigns:home")).content.decode()
    assert 'data-bs-toggle="dropdown" aria-expanded="false">陈志强</a>' in html
    html = client.get(reverse("campaigns:account-list")).content.decode()
    assert "林晓东" in html and port_officer.username in html


def test_demo_accounts_get_their_chinese_names_even_when_seeded_before(world, gd_officer):
    admin = get_user_model().objects.create_user(username="sys_admin", is_staff=True)
    accounts.seed_demo(password="x", stats=None)
    gd_officer.refresh_from_db()
    admin.refresh_from_db()
    assert (display_name(gd_officer), display_name(admin)) == ("陈志强", "高振宇")
    # An account seeded with its contact details but no name is named on the next run.
    get_user_model().objects.filter(pk=gd_officer.pk).update(first_name="")
    accounts.seed_demo(password="x", stats=None)
    gd_officer.refresh_from_db()
    assert gd_officer.first_name == "陈志强"
    assert gd_officer.account_profile.phone.startswith("13")

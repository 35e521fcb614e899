"""The contact directory (通讯录): the offices and people of one's area on one page, a person's own
telephone and e-mail masked outside their unit and authority, offices' details kept by whoever
manages them (audited), other provinces' offices 404, exact queries."""

import pytest
from django.urls import reverse

from campaigns import services as hierarchy_services
from campaigns.models import Membership
from campaigns.services import accounts
from campaigns.services import contacts as services
from civport.models import AuditEntry

Role = Membership.Role
BASE = 3  # session + user + scope
URL = reverse("campaigns:directory")

pytestmark = pytest.mark.django_db


def _account(world, username, *, role, phone, email, authority=None, unit=None, name=None):
    return accounts.account_create(
        actor=None,
        username=username,
        name=name or username,
        role=role,
        authority=authority,
        unit=unit,
        phone=phone,
        email=email,
    ).user


@pytest.fixture
def people(world):
    """A Shenzhen port officer and a Shenzhen unit contact with their own numbers, and a
    Ningbo contact in Zhejiang."""
    return {
        "sz": _account(
            world,
            "sz_staff",
            role=Role.PORT_OFFICER,
            authority=world.sz.authority,
            phone="13812341234",
            email="li.si@sz.example.cn",
        ),
        "sz_unit": _account(
            world,
            "sz_unit_staff",
            role=Role.UNIT_CONTACT,
            unit=world.sz.units[0],
            phone="13956785678",
            email="wang.wu@unit.example.cn",
        ),
        "nb": _account(
            world,
            "nb_staff",
            role=Role.UNIT_CONTACT,
            unit=world.nb.units[0],
            phone="13700001111",
            email="zhao@nb.example.cn",
        ),
    }


def _rows(response):
    return {p.username: p for p in response.context["page"].object_list}


def test_nav_links_the_directory(client, gd_officer, outsider):
    link = f'href="{URL}"'
    client.force_login(gd_officer)
    assert link in client.get(reverse("campaigns:home")).text
    client.force_login(outsider)
    assert link not in client.get(reverse("campaigns:home")).text
    assert client.get(URL).status_code == 404


def test_people_of_the_area_only(client, people, gd_officer, zj_officer):
    client.force_login(gd_officer)
    rows = _rows(client.get(URL))
    assert {"sz_staff", "sz_unit_staff", "gd_officer"} <= set(rows)
    assert "nb_staff" not in rows and "zj_officer" not in rows
    client.force_login(zj_officer)
    rows = _rows(client.get(URL))
    assert "nb_staff" in rows and "sz_staff" not in rows


def test_personal_numbers_masked_outside_own_unit_and_authority(
    client, people, gd_officer, port_officer, unit_contact
):
    # The province is above Shenzhen, not its own authority: masked.
    client.force_login(gd_officer)
    page = client.get(URL)
    rows = _rows(page)
    assert rows["sz_staff"].shown_phone == "138****1234"
    assert rows["sz_staff"].shown_email == "l***@sz.example.cn"
    assert "13812341234" not in page.text and "li.si@sz.example.cn" not in page.text
    # Shenzhen's own officers see their colleague and their units' contacts whole.
    client.force_login(port_officer)
    page = client.get(URL)
    rows = _rows(page)
    assert rows["sz_staff"].shown_phone == "13812341234"
    assert rows["sz_unit_staff"].shown_email == "wang.wu@unit.example.cn"
    assert "13812341234" in page.text
    # A unit's contact sees the people of their own unit whole.
    client.force_login(unit_contact)
    rows = _rows(client.get(URL))
    assert set(rows) == {"sz_unit_staff", "unit_contact"}
    assert rows["sz_unit_staff"].shown_phone == "13956785678"


def test_own_numbers_are_whole(client, people):
    client.force_login(people["sz"])
    assert _rows(client.get(URL))["sz_staff"].shown_phone == "13812341234"


def test_search_and_role_filter(client, people, gd_officer):
    client.force_login(gd_officer)
    rows = _rows(client.get(URL, {"q": "参与单位1"}))
    assert set(rows) == {"sz_unit_staff"}
    rows = _rows(client.get(URL, {"role": Role.PORT_OFFICER}))
    assert set(rows) == {"sz_staff"}
    # Searching by a hidden number finds nobody outside the area.
    assert not _rows(client.get(URL, {"q": "13700001111"}))


def test_office_numbers_are_whole_for_everyone_in_scope(client, world, gd_officer):
    services.authority_contact_update(
        actor=None,
        authority=world.sz.authority,
        office_phone="0755-83123456",
        office_address="深圳市福田区福华一路1号",
        office_email="office@sz.example.cn",
    )
    client.force_login(gd_officer)
    page = client.get(URL, {"tab": "authorities"})
    assert "0755-83123456" in page.text and "office@sz.example.cn" in page.text
    assert client.get(URL, {"tab": "authorities", "q": "福华"}).context["page"].paginator.count == 1


@pytest.fixture
def crowd(world):
    """Fourteen accounts in Guangdong with numbers and several roles each, and contact details on
    every office."""
    for i in range(14):
        user = _account(
            world,
            f"p{i:02d}",
            role=Role.UNIT_CONTACT,
            unit=world.sz.units[i % 2] if i % 3 else world.gz.units[0],
            phone=f"1380000{i:04d}",
            email=f"p{i}@example.cn",
        )
        if i % 2:
            accounts.account_role_grant(
                actor=None, user=user, role=Role.REVIEWER, authority=world.gd
            )
    for area in (world.sz, world.gz):
        for unit in area.units:
            services.unit_contact_update(
                actor=None,
                unit=unit,
                office_phone="020-1234567",
                office_address="广州",
                office_email="u@example.cn",
            )
    return world


def test_people_queries(client, crowd, gd_officer, django_assert_num_queries, settings):
    settings.PAGE_SIZE = 50
    client.force_login(gd_officer)
    # BASE + count + page rows (with profiles) + their roles in the area (with authority, unit
    # and the unit's authority)
    with django_assert_num_queries(BASE + 3):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15
    with django_assert_num_queries(BASE + 3):
        client.get(URL, {"q": "p0", "role": Role.REVIEWER})


@pytest.mark.parametrize("tab", ["authorities", "units"])
def test_office_queries(client, crowd, gd_officer, django_assert_num_queries, tab):
    client.force_login(gd_officer)
    # BASE + count + page rows (with the parent or owning authority)
    with django_assert_num_queries(BASE + 2):
        response = client.get(URL, {"tab": tab})
    assert response.context["page"].paginator.count == (3 if tab == "authorities" else 4)


def test_directory_paginates(client, crowd, gd_officer, settings):
    settings.PAGE_SIZE = 5
    client.force_login(gd_officer)
    response = client.get(URL, {"page": 3})
    assert len(response.context["page"].object_list) == 5


def test_officers_edit_their_own_office_audited(client, world, port_officer):
    client.force_login(port_officer)
    url = reverse("campaigns:authority-contact-edit", args=[world.sz.authority.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "office_phone": "0755-1234567",
            "office_address": "深圳市南山区",
            "office_email": "sz@example.cn",
        },
    )
    assert response.status_code == 302
    world.sz.authority.refresh_from_db()
    assert world.sz.authority.office_phone == "0755-1234567"
    entry = AuditEntry.objects.get(action="campaigns.authority.contact_updated")
    assert entry.actor == port_officer
    assert entry.changes["office_phone"] == ["", "0755-1234567"]
    detail = client.get(reverse("campaigns:authority-detail", args=[world.sz.authority.pk]))
    assert "0755-1234567" in detail.text and url in detail.text


def test_bad_e_mail_is_refused_on_its_field(client, world, port_officer):
    client.force_login(port_officer)
    url = reverse("campaigns:authority-contact-edit", args=[world.sz.authority.pk])
    response = client.post(url, {"office_email": "not-an-address"})
    assert response.status_code == 200
    assert "office_email" in response.context["form"].errors


def test_unit_contact_edits_own_units_office(client, world, unit_contact):
    client.force_login(unit_contact)
    unit = world.sz.units[0]
    response = client.post(
        reverse("campaigns:unit-contact-edit", args=[unit.pk]),
        {"office_phone": "0755-7654321", "office_address": "", "office_email": ""},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.office_phone == "0755-7654321"
    assert AuditEntry.objects.filter(action="campaigns.unit.contact_updated").count() == 1
    other = world.sz.units[1]
    assert client.get(reverse("campaigns:unit-contact-edit", args=[other.pk])).status_code == 404


def test_other_provinces_offices_and_the_level_above_are_404(
    client, world, gd_officer, port_officer
):
    client.force_login(gd_officer)
    for url in (
        reverse("campaigns:authority-contact-edit", args=[world.nb.authority.pk]),
        reverse("campaigns:authority-contact-edit", args=[world.zj.pk]),
        reverse("campaigns:unit-contact-edit", args=[world.nb.units[0].pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"office_phone": "1"}).status_code == 404
    # The province keeps Shenzhen's details; Shenzhen cannot change its province's.
    url = reverse("campaigns:authority-contact-edit", args=[world.sz.authority.pk])
    assert client.get(url).status_code == 200
    client.force_login(port_officer)
    gd_url = reverse("campaigns:authority-contact-edit", args=[world.gd.pk])
    assert client.get(gd_url).status_code == 404
    # Granting Shenzhen's officer Guangdong's role makes the same page open.
    hierarchy_services.membership_grant(
        actor=None, user=port_officer, role=Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    client.force_login(port_officer)
    assert client.get(gd_url).status_code == 200

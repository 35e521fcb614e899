"""The hierarchy screens through the role × page matrix, and the forms' writes."""

import re

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Authority, Person, Port, Unit
from civport.models import AuditEntry


def _object_urls(area):
    """Every detail and edit page of one port authority's area."""
    return [
        reverse("campaigns:authority-detail", args=[area.authority.pk]),
        reverse("campaigns:authority-edit", args=[area.authority.pk]),
        reverse("campaigns:authority-create", args=[area.authority.pk]),
        reverse("campaigns:port-detail", args=[area.port.pk]),
        reverse("campaigns:port-edit", args=[area.port.pk]),
        *(reverse("campaigns:unit-detail", args=[u.pk]) for u in area.units),
        *(reverse("campaigns:unit-edit", args=[u.pk]) for u in area.units),
        *(reverse("campaigns:person-detail", args=[p.pk]) for p in area.people),
        *(reverse("campaigns:person-edit", args=[p.pk]) for p in area.people),
    ]


def _statuses(client, user, urls):
    client.force_login(user)
    return {url: client.get(url).status_code for url in urls}


def test_gd_officer_gets_404_on_every_zhejiang_page(client, world, gd_officer):
    urls = [
        reverse("campaigns:authority-detail", args=[world.zj.pk]),
        reverse("campaigns:authority-edit", args=[world.zj.pk]),
        *_object_urls(world.nb),
    ]
    assert set(_statuses(client, gd_officer, urls).values()) == {404}
    # The same pages of the officer's own province open.
    own = _statuses(client, gd_officer, _object_urls(world.sz))
    assert set(own.values()) == {200}


def test_zj_officer_gets_404_on_every_guangdong_page(client, world, zj_officer):
    urls = [
        reverse("campaigns:authority-detail", args=[world.gd.pk]),
        *_object_urls(world.sz),
        *_object_urls(world.gz),
    ]
    assert set(_statuses(client, zj_officer, urls).values()) == {404}
    assert set(_statuses(client, zj_officer, _object_urls(world.nb)).values()) == {200}


def test_port_officer_gets_404_on_guangzhou_units(client, world, port_officer):
    urls = [reverse("campaigns:unit-detail", args=[u.pk]) for u in world.gz.units]
    urls += [reverse("campaigns:unit-edit", args=[u.pk]) for u in world.gz.units]
    assert set(_statuses(client, port_officer, urls).values()) == {404}
    own = [reverse("campaigns:unit-edit", args=[u.pk]) for u in world.sz.units]
    assert set(_statuses(client, port_officer, own).values()) == {200}


def test_port_officer_may_see_but_not_edit_own_authority(client, world, port_officer):
    statuses = _statuses(
        client,
        port_officer,
        [
            reverse("campaigns:authority-detail", args=[world.sz.authority.pk]),
            reverse("campaigns:authority-edit", args=[world.sz.authority.pk]),
            reverse("campaigns:authority-create", args=[world.sz.authority.pk]),
        ],
    )
    assert list(statuses.values()) == [200, 403, 200]


def test_unit_contact_sees_only_its_unit(client, world, unit_contact):
    client.force_login(unit_contact)
    units = client.get(reverse("campaigns:unit-list")).context["page"].object_list
    assert [u.pk for u in units] == [world.sz.units[0].pk]
    people = client.get(reverse("campaigns:person-list")).context["page"].object_list
    assert {p.unit_id for p in people} == {world.sz.units[0].pk}
    assert client.get(reverse("campaigns:port-list")).context["page"].paginator.count == 0

    own = client.get(reverse("campaigns:unit-detail", args=[world.sz.units[0].pk]))
    assert own.status_code == 200
    sibling = world.sz.units[1]
    assert client.get(reverse("campaigns:unit-detail", args=[sibling.pk])).status_code == 404
    assert (
        client.get(reverse("campaigns:authority-detail", args=[world.sz.authority.pk])).status_code
        == 404
    )
    # Visible but not editable: the unit itself is the port authority's to change.
    edit = client.get(reverse("campaigns:unit-edit", args=[world.sz.units[0].pk]))
    assert edit.status_code == 403
    assert b'data-testid="error-403"' in edit.content


def test_outsider_sees_nothing(client, world, outsider):
    client.force_login(outsider)
    home = client.get(reverse("campaigns:home"))
    assert b'data-testid="no-role"' in home.content
    for name in ("port-list", "unit-list", "person-list"):
        assert client.get(reverse(f"campaigns:{name}")).context["page"].paginator.count == 0
    statuses = _statuses(client, outsider, _object_urls(world.sz))
    assert set(statuses.values()) == {404}
    for name in ("port-create", "unit-create", "person-create"):
        assert client.get(reverse(f"campaigns:{name}")).status_code == 403


def test_404_page_is_friendly(client, world, outsider):
    client.force_login(outsider)
    response = client.get(reverse("campaigns:unit-detail", args=[world.nb.units[0].pk]))
    assert response.status_code == 404
    assert b'data-testid="error-404"' in response.content
    assert world.nb.units[0].name.encode() not in response.content


def test_lists_search_and_filter(client, world, national_admin):
    client.force_login(national_admin)
    response = client.get(reverse("campaigns:unit-list"), {"q": "宁波"})
    assert {u.pk for u in response.context["page"].object_list} == {u.pk for u in world.nb.units}
    response = client.get(reverse("campaigns:port-list"), {"subtype": "air"})
    assert [p.pk for p in response.context["page"].object_list] == [world.gz.port.pk]
    response = client.get(reverse("campaigns:person-list"), {"gender": "female"})
    assert {p.gender for p in response.context["page"].object_list} == {"female"}
    authority_page = reverse("campaigns:authority-detail", args=[world.national.pk])
    response = client.get(authority_page, {"tab": "children", "level": "port"})
    assert {a.code for a in response.context["page"].object_list} == {"GD-SZ", "GD-GZ", "ZJ-NB"}
    response = client.get(
        authority_page, {"tab": "units", "agency": world.sz.units[0].agency_id, "q": "深圳"}
    )
    assert [u.pk for u in response.context["page"].object_list] == [world.sz.units[0].pk]


def test_navigation_is_role_aware(client, world, national_admin, port_officer, unit_contact):
    import_url = reverse("campaigns:import-start").encode()
    admin_url = reverse("admin:index").encode()
    client.force_login(national_admin)
    page = client.get(reverse("campaigns:home")).content
    assert import_url in page
    assert admin_url in page
    client.force_login(port_officer)
    page = client.get(reverse("campaigns:home")).content
    assert import_url in page
    assert admin_url not in page
    client.force_login(unit_contact)
    page = client.get(reverse("campaigns:unit-list")).content
    assert import_url not in page
    assert admin_url not in page
    assert f'href="{reverse("campaigns:port-list")}"'.encode() not in page
    assert (
        f'href="{reverse("campaigns:unit-detail", args=[world.sz.units[0].pk])}"'.encode() in page
    )
    assert reverse("campaigns:export", args=["units", "xlsx"]).encode() not in page


# --- writes -----------------------------------------------------------------------------------


def _unit_data(unit, **changes):
    data = {
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "category": unit.category,
        "agency": unit.agency_id or "",
        "authority": unit.authority_id,
        "port": unit.port_id or "",
        "parent": unit.parent_id or "",
        "is_active": "on" if unit.is_active else "",
    }
    data.update(changes)
    return data


def test_unit_edit_changes_the_row_and_writes_an_audit_entry(client, world, port_officer):
    unit = world.sz.units[1]
    client.force_login(port_officer)
    url = reverse("campaigns:unit-edit", args=[unit.pk])
    response = client.post(url, _unit_data(unit, name="深圳湾边检站"))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:unit-detail", args=[unit.pk])
    unit.refresh_from_db()
    assert unit.name == "深圳湾边检站"
    entry = AuditEntry.objects.filter(action="campaigns.unit.updated").latest("at")
    assert entry.object_id == str(unit.pk)
    assert entry.actor == port_officer
    assert "name" in entry.changes


def test_invalid_post_names_the_field_and_changes_nothing(client, world, port_officer):
    unit = world.sz.units[1]
    client.force_login(port_officer)
    before = AuditEntry.objects.count()
    url = reverse("campaigns:unit-edit", args=[unit.pk])
    # A port of another province is not among the choices.
    response = client.post(url, _unit_data(unit, name="改名", port=world.nb.port.pk))
    assert response.status_code == 200
    assert "port" in response.context["form"].errors
    assert 'id="id_port-errors"' in response.content.decode()
    unit.refresh_from_db()
    assert unit.name != "改名"
    assert AuditEntry.objects.count() == before


def test_service_error_lands_on_the_field(client, world, port_officer):
    """A duplicate code is found by the service's validation and shown on the code field."""
    unit = world.sz.units[1]
    client.force_login(port_officer)
    url = reverse("campaigns:unit-edit", args=[unit.pk])
    response = client.post(url, _unit_data(unit, code=world.sz.units[0].code))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    unit.refresh_from_db()
    assert unit.code == "GD-SZ-U2"
    # The page header shows the stored name, not the rejected input.
    assert response.context["title"].endswith(unit.name)


def test_unit_edit_refuses_a_parent_outside_the_scope(client, world, port_officer):
    unit = world.sz.units[1]
    client.force_login(port_officer)
    url = reverse("campaigns:unit-edit", args=[unit.pk])
    response = client.post(url, _unit_data(unit, parent=world.gz.units[0].pk))
    assert "parent" in response.context["form"].errors


def _port_data(port, **changes):
    data = {
        "code": port.code,
        "name": port.name,
        "name_en": port.name_en,
        "port_type": port.port_type,
        "subtype": port.subtype,
        "port_class": port.port_class,
        "status": port.status,
        "opened_on": "",
        "authority": port.authority_id,
    }
    data.update(changes)
    return data


def test_port_edit_maps_seasonal_months_to_the_mask(client, world, port_officer):
    port = world.sz.port
    client.force_login(port_officer)
    url = reverse("campaigns:port-edit", args=[port.pk])
    response = client.post(url, _port_data(port, status="seasonal", months=["1", "2", "12"]))
    assert response.status_code == 302
    port.refresh_from_db()
    assert port.status == Port.Status.SEASONAL
    assert port.months == [1, 2, 12]
    form = client.get(url).context["form"]
    assert form.initial["months"] == [1, 2, 12]


def test_port_form_errors_name_their_fields(client, world, port_officer):
    port = world.sz.port
    client.force_login(port_officer)
    url = reverse("campaigns:port-edit", args=[port.pk])
    response = client.post(url, _port_data(port, port_type="land", subtype="air"))
    assert "subtype" in response.context["form"].errors
    response = client.post(url, _port_data(port, status="seasonal"))
    assert "months" in response.context["form"].errors
    port.refresh_from_db()
    assert port.status == Port.Status.OPEN


def test_port_create_offers_only_editable_authorities(client, world, port_officer):
    client.force_login(port_officer)
    form = client.get(reverse("campaigns:port-create")).context["form"]
    assert [pk for pk, _ in form.fields["authority"].choices if pk] == [world.sz.authority.pk]
    data = {
        "code": "GD-0099",
        "name": "蛇口港口岸",
        "port_type": "water",
        "subtype": "sea",
        "port_class": "first",
        "status": "open",
        "authority": world.sz.authority.pk,
    }
    response = client.post(reverse("campaigns:port-create"), data)
    port = Port.objects.get(code="GD-0099")
    assert response["Location"] == reverse("campaigns:port-detail", args=[port.pk])
    assert AuditEntry.objects.filter(action="campaigns.port.created", object_id=port.pk).exists()
    data.update(code="GD-0100", name="外省口岸", authority=world.gz.authority.pk)
    response = client.post(reverse("campaigns:port-create"), data)
    assert "authority" in response.context["form"].errors
    assert not Port.objects.filter(code="GD-0100").exists()


def test_authority_create_and_edit(client, world, port_officer, gd_officer):
    client.force_login(port_officer)
    url = reverse("campaigns:authority-create", args=[world.sz.authority.pk])
    response = client.post(
        url, {"code": "GD-SZ-FT", "name": "福田区口岸办", "level": "county", "is_active": "on"}
    )
    county = Authority.objects.get(code="GD-SZ-FT")
    assert response["Location"] == reverse("campaigns:authority-detail", args=[county.pk])
    assert county.path == "CN/GD/GD-SZ/GD-SZ-FT/"
    assert county.parent == world.sz.authority

    client.force_login(gd_officer)
    url = reverse("campaigns:authority-edit", args=[world.sz.authority.pk])
    response = client.post(url, {"name": "深圳市口岸办公室", "short_name": "深圳口岸办"})
    assert response.status_code == 302
    world.sz.authority.refresh_from_db()
    assert world.sz.authority.name == "深圳市口岸办公室"
    assert world.sz.authority.is_active is False
    assert AuditEntry.objects.filter(
        action="campaigns.authority.updated", object_id=world.sz.authority.pk
    ).exists()


def _person_data(person, **changes):
    data = {
        "code": person.code,
        "name": person.name,
        "gender": person.gender,
        "unit": person.unit_id,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_unit_contact_edits_people_of_its_own_unit_only(client, world, unit_contact):
    client.force_login(unit_contact)
    own = world.sz.people[0]
    assert own.unit == world.sz.units[0]
    url = reverse("campaigns:person-edit", args=[own.pk])
    form = client.get(url).context["form"]
    assert [pk for pk, _ in form.fields["unit"].choices if pk] == [world.sz.units[0].pk]
    response = client.post(url, _person_data(own, position="科长"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.position == "科长"

    # Moving the person to the sibling unit is not among the choices.
    response = client.post(url, _person_data(own, unit=world.sz.units[1].pk))
    assert "unit" in response.context["form"].errors
    own.refresh_from_db()
    assert own.unit == world.sz.units[0]

    other = world.sz.people[1]
    assert other.unit == world.sz.units[1]
    response = client.post(
        reverse("campaigns:person-edit", args=[other.pk]), _person_data(other, name="改名")
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "改名"


def test_unit_contact_adds_a_person_to_its_unit(client, world, unit_contact):
    client.force_login(unit_contact)
    response = client.post(
        reverse("campaigns:person-create"),
        {
            "code": "GD-SZ-P9",
            "name": "新职员",
            "gender": "female",
            "unit": world.sz.units[0].pk,
            "birth_on": "1990-05-01",
            "joined_work_on": "1989-01-01",
        },
    )
    assert "joined_work_on" in response.context["form"].errors
    assert not Person.objects.filter(code="GD-SZ-P9").exists()


@pytest.mark.parametrize("persona_name", ["national_admin", "gd_officer", "port_officer"])
def test_unit_create(client, world, persona, persona_name):
    client.force_login(persona(persona_name))
    response = client.post(
        reverse("campaigns:unit-create"),
        {
            "code": "GD-SZ-U9",
            "name": "深圳湾海事处",
            "category": "inspection",
            "authority": world.sz.authority.pk,
            "port": world.sz.port.pk,
            "is_active": "on",
        },
    )
    unit = Unit.objects.get(code="GD-SZ-U9")
    assert response["Location"] == reverse("campaigns:unit-detail", args=[unit.pk])


# --- unit choices at scale ---------------------------------------------------------------------

BIG = 250


@pytest.fixture
def big_province(world):
    """Guangdong gets one more port authority with 250 units."""
    zh = services.authority_create(
        actor=None, code="GD-ZH", name="珠海市口岸办", level=Authority.Level.PORT, parent=world.gd
    )
    for i in range(BIG):
        services.unit_create(
            actor=None, code=f"GD-ZH-U{i}", name=f"珠海参与单位{i}", category="other", authority=zh
        )
    return world


def _options(response, name):
    """The <option> elements of the select named `name`."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return select.group(0).count("<option")


def test_person_create_in_a_big_province_lists_one_authority(client, big_province, gd_officer):
    world = big_province
    client.force_login(gd_officer)
    url = reverse("campaigns:person-create")
    # Without a unit or authority, the officer chooses the authority first.
    response = client.get(url)
    assert b'data-testid="unit-owner-choice"' in response.content
    assert _options(response, "authority") < 50
    offered = {pk for pk, _ in response.context["form"].fields["authority"].choices if pk}
    zh = Authority.objects.get(code="GD-ZH")
    # The province itself owns no unit, so it is not offered.
    assert offered == {world.sz.authority.pk, world.gz.authority.pk, zh.pk}
    response = client.get(url, {"authority": zh.pk})
    assert _options(response, "unit") == BIG + 1  # the units of that authority, and the blank

    response = client.get(url, {"unit": world.sz.units[1].pk})
    assert _options(response, "unit") < 50
    assert response.context["form"].initial["unit"] == world.sz.units[1].pk
    response = client.get(url, {"authority": world.sz.authority.pk})
    assert _options(response, "unit") < 50

    data = {"code": "GD-SZ-P9", "name": "新职员", "gender": "female", "unit": world.sz.units[1].pk}
    response = client.post(f"{url}?unit={world.sz.units[1].pk}", data)
    person = Person.objects.get(code="GD-SZ-P9")
    assert response["Location"] == reverse("campaigns:person-detail", args=[person.pk])
    assert person.unit == world.sz.units[1]


def test_unit_edit_in_a_big_province_offers_parents_of_its_authority(
    client, big_province, gd_officer
):
    world = big_province
    unit = world.sz.units[1]
    client.force_login(gd_officer)
    url = reverse("campaigns:unit-edit", args=[unit.pk])
    response = client.get(url)
    assert _options(response, "parent") < 50
    parents = [pk for pk, _ in response.context["form"].fields["parent"].choices if pk]
    assert parents == [world.sz.units[0].pk]
    response = client.post(url, _unit_data(unit, parent=world.sz.units[0].pk))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.parent == world.sz.units[0]


def test_unit_create_offers_parents_only_once_the_authority_is_known(client, world, gd_officer):
    client.force_login(gd_officer)
    url = reverse("campaigns:unit-create")
    form = client.get(url).context["form"]
    assert [pk for pk, _ in form.fields["parent"].choices if pk] == []
    pointer = str(form.fields["parent"].help_text)  # to the parent unit's "Add sub-unit"

    parent = world.sz.units[0]
    form = client.get(url, {"parent": parent.pk}).context["form"]
    assert form.initial["parent"] == parent.pk
    assert form.initial["authority"] == world.sz.authority.pk
    assert {pk for pk, _ in form.fields["parent"].choices if pk} == {u.pk for u in world.sz.units}
    assert pointer and str(form.fields["parent"].help_text) != pointer

    form = client.get(url, {"authority": world.gz.authority.pk}).context["form"]
    assert {pk for pk, _ in form.fields["parent"].choices if pk} == {u.pk for u in world.gz.units}

    data = {
        "code": "GD-SZ-U9",
        "name": "深圳湾执勤队",
        "category": "inspection",
        "authority": world.sz.authority.pk,
        "parent": parent.pk,
        "is_active": "on",
    }
    response = client.post(f"{url}?parent={parent.pk}", data)
    assert response.status_code == 302
    assert Unit.objects.get(code="GD-SZ-U9").parent == parent


def test_person_edit_offers_its_authority_and_switches_to_another(client, world, gd_officer):
    person = world.sz.people[0]
    client.force_login(gd_officer)
    url = reverse("campaigns:person-edit", args=[person.pk])
    response = client.get(url)
    choices = {pk for pk, _ in response.context["form"].fields["unit"].choices if pk}
    assert choices == {u.pk for u in world.sz.units}
    assert b'data-testid="unit-owner-form"' in response.content

    # Another authority's units, with the current unit kept.
    response = client.get(url, {"authority": world.gz.authority.pk})
    choices = {pk for pk, _ in response.context["form"].fields["unit"].choices if pk}
    assert choices == {person.unit_id} | {u.pk for u in world.gz.units}
    target = world.gz.units[0]
    response = client.post(
        f"{url}?authority={world.gz.authority.pk}", _person_data(person, unit=target.pk)
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit == target


@pytest.mark.parametrize(
    ("name", "param", "outside", "inside"),
    [
        ("person-create", "unit", "nb_unit", "sz_unit"),
        ("person-create", "authority", "nb", "sz"),
        ("person-create", "authority", "zj", "sz"),
        ("unit-create", "parent", "nb_unit", "sz_unit"),
        ("unit-create", "authority", "nb", "sz"),
        ("unit-create", "authority", "bogus", "sz"),
        ("person-edit", "authority", "nb", "gz"),
    ],
)
def test_query_string_ids_outside_the_scope_give_404(
    client, world, gd_officer, name, param, outside, inside
):
    ids = {
        "nb_unit": world.nb.units[0].pk,
        "sz_unit": world.sz.units[0].pk,
        "nb": world.nb.authority.pk,
        "zj": world.zj.pk,
        "sz": world.sz.authority.pk,
        "gz": world.gz.authority.pk,
        "bogus": "x",
    }
    args = [world.sz.people[0].pk] if name == "person-edit" else []
    url = reverse(f"campaigns:{name}", args=args)
    client.force_login(gd_officer)
    assert client.get(url, {param: ids[outside]}).status_code == 404
    assert client.post(url + f"?{param}={ids[outside]}", {}).status_code == 404
    # The same request with an id of the officer's own province opens.
    assert client.get(url, {param: ids[inside]}).status_code == 200


# --- authentication pages ---------------------------------------------------------------------


def test_login_page_names_the_missing_field(client, db):
    response = client.post(reverse("login"), {"username": "someone", "password": ""})
    assert response.status_code == 200
    assert 'id="id_password-errors"' in response.content.decode()


def test_login_locks_out_after_repeated_failures(client, port_officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("login"), {"username": "sz_officer", "password": "wrong-password"}
        )
    assert b'data-testid="locked-out"' in response.content
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    notice = response.content.decode().split('data-testid="locked-out"')[1].split("</div>")[0]
    assert re.search(rf"(?<!\d){minutes}(?!\d)", notice)
    # Even the right password is refused while the lock lasts.
    response = client.post(
        reverse("login"), {"username": "sz_officer", "password": "correct-horse-battery"}
    )
    assert b'data-testid="locked-out"' in response.content
    assert "_auth_user_id" not in client.session


def test_password_change_pages(client, port_officer):
    client.force_login(port_officer)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Lighthouse-Harbour-2026",
            "new_password2": "Lighthouse-Harbour-2026",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert client.get(response["Location"]).status_code == 200


def test_unit_filter_selects_start_empty(client, world, port_officer):
    """An untouched filter form submitted as is keeps every row."""
    client.force_login(port_officer)
    form = client.get(reverse("campaigns:unit-list")).context["filterset"].form
    for name in ("category", "agency", "port"):
        assert form.fields[name].choices[0][0] == ""
    response = client.get(
        reverse("campaigns:unit-list"), {"q": "", "category": "", "agency": "", "port": ""}
    )
    assert response.context["page"].paginator.count == 2


def test_500_page_renders_without_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert 'lang="zh-CN"' in html
    assert 'href="/"' in html

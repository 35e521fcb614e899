"""Every list and detail page of the hierarchy runs a fixed number of queries.

Each test first adds 12 more rows of what the page lists (with the related rows it shows), so a
query per row would show up as a count of 12 or more above the stated number. Every request
pays three queries before the view runs: the session, the user and the user's scope (one UNION
over the guardian grants, cached for the rest of the request).
"""

import pytest
from django.urls import reverse

from campaigns import services
from campaigns.models import Agency, Authority, Port, Unit
from campaigns.views import hierarchy
from tests.queries import BASE, EXTRA


@pytest.fixture
def crowd(world):
    """Twelve more county authorities, ports, units (with agency, port and parent unit) and
    people in Shenzhen's area."""
    sz = world.sz
    customs = Agency.objects.get(code="CUSTOMS")
    for i in range(EXTRA):
        services.authority_create(
            actor=None,
            code=f"GD-SZ-C{i}",
            name=f"深圳县级口岸办{i}",
            level=Authority.Level.COUNTY,
            parent=sz.authority,
        )
        port = services.port_create(
            actor=None,
            code=f"GD-SZ-X{i}",
            name=f"深圳测试口岸{i}",
            port_type=Port.Type.WATER,
            subtype=Port.Subtype.SEA,
            authority=sz.authority,
        )
        unit = services.unit_create(
            actor=None,
            code=f"GD-SZ-XU{i}",
            name=f"深圳测试单位{i}",
            category=Unit.Category.INSPECTION,
            agency=customs,
            port=port,
            authority=sz.authority,
            parent=sz.units[0],
        )
        services.person_create(
            actor=None,
            code=f"GD-SZ-XP{i}-a",
            name=f"测试人员{i}",
            gender="female",
            unit=sz.units[0],
        )
        services.person_create(
            actor=None, code=f"GD-SZ-XP{i}-b", name=f"测试人员{i}乙", gender="male", unit=unit
        )
        services.port_create(
            actor=None,
            code=f"GD-SZ-Y{i}",
            name=f"深圳季节口岸{i}",
            port_type=Port.Type.LAND,
            subtype=Port.Subtype.ROAD,
            status=Port.Status.SEASONAL,
            seasonal_months=Port.months_to_mask([5, 6, 7]),
            authority=sz.authority,
        )
    return world


def _get(client, user, url, django_assert_num_queries, n):
    client.force_login(user)
    with django_assert_num_queries(n):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("tab", ["children", "ports", "people"])
def test_authority_page_tabs(client, crowd, port_officer, django_assert_num_queries, tab):
    url = reverse("campaigns:authority-detail", args=[crowd.sz.authority.pk])
    # BASE + authority (access) + header (leading group and the four tab counts, one query)
    # + breadcrumb ancestors above the parent + page count + page rows
    response = _get(client, port_officer, f"{url}?tab={tab}", django_assert_num_queries, BASE + 5)
    assert response.context["page"].paginator.count >= EXTRA


def test_authority_page_units_tab(client, crowd, port_officer, django_assert_num_queries):
    url = reverse("campaigns:authority-detail", args=[crowd.sz.authority.pk])
    # as the other tabs + the agency and port choices of the filter form
    response = _get(client, port_officer, f"{url}?tab=units", django_assert_num_queries, BASE + 7)
    assert response.context["page"].paginator.count > EXTRA


def test_authority_page_filtered_second_page(
    client, crowd, port_officer, django_assert_num_queries, settings
):
    settings.PAGE_SIZE = 5
    url = reverse("campaigns:authority-detail", args=[crowd.sz.authority.pk])
    response = _get(
        client,
        port_officer,
        f"{url}?tab=ports&status=seasonal&q=深圳&page=2",
        django_assert_num_queries,
        BASE + 5,
    )
    page = response.context["page"]
    assert page.number == 2
    assert page.paginator.count == EXTRA
    assert "status=seasonal" in response.context["querystring"]
    assert "page=" not in response.context["querystring"]
    # The filters survive in the page links.
    assert "status=seasonal" in response.content.decode().split('rel="next"')[1][:200]


def test_home_page(client, crowd, gd_officer, django_assert_num_queries):
    # BASE + the cards of the user's authority grants with their counts (one query)
    # + the user's roles + the to-do list: the subjects to score (one query, for anyone), the
    # provincial officer's rectifications to close, filings returned and recommendation lists
    # (one each) + the notices awaiting the user (one query)
    response = _get(
        client, gd_officer, reverse("campaigns:home"), django_assert_num_queries, BASE + 7
    )
    (card,) = response.context["authority_cards"]
    assert card.n_children == 2 + EXTRA  # Shenzhen, Guangzhou and the counties below Shenzhen
    assert card.n_ports == 2 + 2 * EXTRA
    assert card.n_units == 4 + EXTRA


def test_home_page_unit_contact(client, crowd, unit_contact, django_assert_num_queries):
    # BASE + the cards of the user's unit grants with their counts (one query)
    # + the user's roles + the to-do list: the subjects to score (one query, for anyone), the
    # unit's rectifications to answer, its consultations awaiting an answer, those answered
    # lately and its self-assessments due (one each) + the notices awaiting the user (one query)
    response = _get(
        client, unit_contact, reverse("campaigns:home"), django_assert_num_queries, BASE + 8
    )
    (card,) = response.context["unit_cards"]
    assert card.n_sub_units == EXTRA
    # people of the unit and of its sub-units
    assert card.n_people == 2 + 2 * EXTRA


def test_port_list(client, crowd, port_officer, django_assert_num_queries):
    # BASE + count + page rows
    response = _get(
        client, port_officer, reverse("campaigns:port-list"), django_assert_num_queries, BASE + 2
    )
    assert response.context["page"].paginator.count == 1 + 2 * EXTRA


def test_unit_list(client, crowd, port_officer, django_assert_num_queries):
    # BASE + agency choices + port choices + count + page rows
    response = _get(
        client, port_officer, reverse("campaigns:unit-list"), django_assert_num_queries, BASE + 4
    )
    assert response.context["page"].paginator.count == 2 + EXTRA


def test_person_list(client, crowd, port_officer, django_assert_num_queries):
    # BASE + count + page rows
    response = _get(
        client, port_officer, reverse("campaigns:person-list"), django_assert_num_queries, BASE + 2
    )
    assert response.context["page"].paginator.count == 3 + 2 * EXTRA


def test_person_list_national(client, crowd, national_admin, django_assert_num_queries):
    # The same page for the whole country costs the same.
    response = _get(
        client,
        national_admin,
        reverse("campaigns:person-list") + "?gender=female&unit=GD-SZ-U1",
        django_assert_num_queries,
        BASE + 2,
    )
    assert response.context["page"].paginator.count == EXTRA


def test_port_detail(client, crowd, port_officer, django_assert_num_queries):
    url = reverse("campaigns:port-detail", args=[crowd.sz.port.pk])
    # BASE + port (access) + breadcrumb ancestors + units count + units page
    _get(client, port_officer, url, django_assert_num_queries, BASE + 4)


def test_unit_detail(client, crowd, port_officer, django_assert_num_queries):
    url = reverse("campaigns:unit-detail", args=[crowd.sz.units[0].pk])
    # BASE + unit (access) + breadcrumb ancestors + sub-units + people count + people page
    response = _get(client, port_officer, url, django_assert_num_queries, BASE + 5)
    assert len(response.context["sub_units"]) == EXTRA
    assert response.context["page"].paginator.count == 2 + EXTRA


def test_unit_detail_for_unit_contact(client, crowd, unit_contact, django_assert_num_queries):
    url = reverse("campaigns:unit-detail", args=[crowd.sz.units[0].pk])
    response = _get(client, unit_contact, url, django_assert_num_queries, BASE + 5)
    assert len(response.context["sub_units"]) == EXTRA


def test_person_detail(client, crowd, port_officer, django_assert_num_queries):
    url = reverse("campaigns:person-detail", args=[crowd.sz.people[0].pk])
    # BASE + person with unit, port and authority (access) + breadcrumb ancestors
    _get(client, port_officer, url, django_assert_num_queries, BASE + 2)


@pytest.mark.parametrize(
    ("name", "target", "extra"),
    [
        # authority (access, with parent) + breadcrumb ancestors
        ("authority-edit", "sz_authority", 2),
        # parent authority (access) + breadcrumb ancestors
        ("authority-create", "sz_authority", 2),
        # port (access) + authority choices + breadcrumb ancestors
        ("port-edit", "sz_port", 3),
        # authority choices
        ("port-create", None, 1),
        # unit (access) + authority, port, parent unit (its authority's) and agency choices
        # + breadcrumbs
        ("unit-edit", "sz_unit", 6),
        # authority, port and agency choices (no authority chosen: no parent unit offered)
        ("unit-create", None, 3),
        # parent unit (access) + authority, port, parent unit and agency choices
        ("unit-create", "?parent=sz_unit", 5),
        # authority (scoped) + authority, port, parent unit and agency choices
        ("unit-create", "?authority=sz_authority", 5),
        # person (access) + unit choices + breadcrumbs + the authorities to switch to
        ("person-edit", "sz_person", 4),
        # editable units counted (few: all offered) + unit choices
        ("person-create", None, 2),
        # unit (access) + unit choices + the authorities to switch to
        ("person-create", "?unit=sz_unit", 3),
        # authority (scoped) + unit choices + the authorities to switch to
        ("person-create", "?authority=sz_authority", 3),
    ],
)
def test_form_pages(client, crowd, gd_officer, django_assert_num_queries, name, target, extra):
    targets = {
        "sz_authority": crowd.sz.authority,
        "sz_port": crowd.sz.port,
        "sz_unit": crowd.sz.units[0],
        "sz_person": crowd.sz.people[0],
    }
    if target and target.startswith("?"):
        param, key = target[1:].split("=")
        url = reverse(f"campaigns:{name}") + f"?{param}={targets[key].pk}"
    else:
        url = reverse(f"campaigns:{name}", args=[targets[target].pk] if target else [])
    _get(client, gd_officer, url, django_assert_num_queries, BASE + extra)


def test_person_create_asks_for_the_authority_first(
    client, crowd, gd_officer, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(hierarchy, "PERSON_UNIT_CHOICES_MAX", EXTRA)
    # BASE + editable units counted (more than the maximum) + the authorities to choose from
    response = _get(
        client,
        gd_officer,
        reverse("campaigns:person-create"),
        django_assert_num_queries,
        BASE + 2,
    )
    assert b'data-testid="unit-owner-choice"' in response.content

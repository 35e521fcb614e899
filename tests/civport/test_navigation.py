"""The main navigation: a few sections (dropdowns whose labels link to a landing page), the
entries each role gets, the current page highlighted, and no query of its own."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.conftest import login

BASE = 3  # session + user + the user's scope (one UNION over the grants, cached per request)

ORGANISATION, WORK, FILINGS, PUBLIC, ASSESSMENT = (
    "Organisation",
    "Campaign work",
    "Filings and consultations",
    "Public",
    "Assessment",
)


@pytest.fixture
def reviewer(world):
    """A member of a Guangdong review panel who holds no grant at any authority."""
    from django.contrib.auth import get_user_model

    from assessments.services import reviews as review_services
    from assessments.template import template_install

    user = get_user_model().objects.create_user(username="reviewer", password="x-horse-battery")
    review = review_services.review_create(
        actor=None,
        name="广东省评审",
        round_key="2025-2026",
        authority=world.gd,
        scheme=template_install(actor=None, authority=world.national),
        reviewers_per_subject=3,
        due_on=datetime.date(2026, 12, 31),
    )
    review_services.panel_member_add(actor=None, review=review, user=user)
    return user


def _menu(client, user, url=None):
    client.cookies["django_language"] = "en"
    login(client, user)
    response = client.get(url or reverse("campaigns:home"))
    assert response.status_code == 200
    nav, assessments = response.context["nav"], response.context["assessments_nav"]
    return response, [*nav["menu"], *assessments["menu"]], nav


def _sections(menu):
    """{section label: [entry URLs]} and the single links, in menu order."""
    sections = {e["label"]: [i["url"] for i in e["entries"]] for e in menu if e.get("entries")}
    singles = [e["url"] for e in menu if not e.get("entries")]
    return sections, singles


def r(name, *args):
    return reverse(name, args=args)


def test_national_office_sees_every_section(client, world, national_admin):
    response, menu, nav = _menu(client, national_admin)
    sections, singles = _sections(menu)
    assert singles == [r("campaigns:home"), r("campaigns:dashboard")]
    assert list(sections) == [ORGANISATION, WORK, FILINGS, PUBLIC, ASSESSMENT]
    assert sections[ORGANISATION] == [
        r("campaigns:authority-detail", world.national.pk),
        r("campaigns:port-list"),
        r("campaigns:unit-list"),
        r("campaigns:person-list"),
        r("campaigns:directory"),
        r("campaigns:import-start"),
    ]
    assert sections[WORK] == [
        r("campaigns:plan-list"),
        r("campaigns:activity-list"),
        r("campaigns:agreement-list"),
        r("campaigns:special-campaign-list"),
        r("campaigns:inspection-list"),
        r("campaigns:rectification-list"),
    ]
    assert sections[FILINGS] == [r("campaigns:filing-list"), r("campaigns:consultation-list")]
    assert sections[PUBLIC] == [r("campaigns:feedback-list"), r("campaigns:survey-list")]
    assert sections[ASSESSMENT] == [
        r("assessments:queue"),
        r("assessments:scheme-list"),
        r("assessments:review-list"),
        r("assessments:cycle-list"),
    ]
    # Staff get the admin beside the notifications, outside the sections.
    assert nav["admin"]["url"] == r("admin:index")
    assert f'href="{r("admin:index")}"' in response.content.decode()


def test_provincial_officer_files_and_sees_the_province(client, world, gd_officer):
    _response, menu, nav = _menu(client, gd_officer)
    sections, _singles = _sections(menu)
    assert list(sections) == [ORGANISATION, WORK, FILINGS, PUBLIC, ASSESSMENT]
    assert sections[ORGANISATION][0] == r("campaigns:authority-detail", world.gd.pk)
    assert r("campaigns:filing-list") in sections[FILINGS]
    assert len(sections[WORK]) == 6
    assert len(sections[ASSESSMENT]) == 4
    assert nav["admin"] is None


def test_port_officer_does_not_file(client, world, port_officer):
    _response, menu, _nav = _menu(client, port_officer)
    sections, _singles = _sections(menu)
    assert list(sections) == [ORGANISATION, WORK, FILINGS, PUBLIC, ASSESSMENT]
    assert sections[FILINGS] == [r("campaigns:consultation-list")]
    assert r("campaigns:import-start") in sections[ORGANISATION]
    assert sections[PUBLIC] == [r("campaigns:feedback-list"), r("campaigns:survey-list")]


def test_unit_contact_sees_their_unit_work_and_consultations(client, world, unit_contact):
    _response, menu, _nav = _menu(client, unit_contact)
    sections, singles = _sections(menu)
    assert singles == [r("campaigns:home"), r("campaigns:dashboard")]
    assert list(sections) == [ORGANISATION, WORK, FILINGS, ASSESSMENT]
    assert sections[ORGANISATION] == [
        r("campaigns:unit-detail", world.sz.units[0].pk),
        r("campaigns:unit-list"),
        r("campaigns:person-list"),
        r("campaigns:directory"),
    ]
    assert sections[WORK] == [r("campaigns:activity-list"), r("campaigns:rectification-list")]
    assert sections[FILINGS] == [r("campaigns:consultation-list")]
    assert sections[ASSESSMENT] == [r("assessments:queue"), r("assessments:cycle-list")]


@pytest.mark.parametrize("persona_name", ["reviewer", "outsider"])
def test_users_without_grants_get_home_and_their_scoring(client, world, persona, persona_name):
    _response, menu, nav = _menu(client, persona(persona_name))
    sections, singles = _sections(menu)
    assert singles == [r("campaigns:home")]
    assert sections == {ASSESSMENT: [r("assessments:queue")]}
    assert nav["admin"] is None


def test_section_label_is_a_link_and_the_current_page_is_marked(client, world, port_officer):
    units = r("campaigns:unit-list")
    response, menu, _nav = _menu(client, port_officer, units)
    organisation = next(e for e in menu if e["label"] == ORGANISATION)
    # Without JavaScript the label still leads to the section: its landing page.
    assert organisation["url"] == units
    assert organisation["active"]
    assert [e["label"] for e in menu if e["active"]] == [ORGANISATION]
    html = response.content.decode()
    assert f'<a class="dropdown-item active" href="{units}" aria-current="page">' in html
    # The menu opens with Bootstrap's keyboard-accessible dropdown button.
    toggles = re.findall(r'<button class="nav-link dropdown-toggle[^"]*"[^>]*>', html)
    assert len(toggles) == 6  # the five sections above and the awards section
    assert all('data-bs-toggle="dropdown"' in t and 'aria-expanded="false"' in t for t in toggles)
    assert "Show the pages of Organisation" in html


def test_other_sections_land_on_their_first_entry(client, world, port_officer):
    _response, menu, _nav = _menu(client, port_officer)
    work = next(e for e in menu if e["label"] == WORK)
    assert work["url"] == r("campaigns:plan-list")
    assert not work["active"]


def test_notifications_link_and_unread_badge_stay(client, world, port_officer):
    response, _entries, _nav = _menu(client, port_officer)
    html = response.content.decode()
    assert f'href="{r("civport:notification-list")}" data-testid="notifications-link"' in html
    assert f'hx-get="{r("civport:notification-unread")}"' in html


@pytest.mark.parametrize(("persona_name", "todo_queries"), [("gd_officer", 4), ("unit_contact", 5)])
def test_home_page_adds_no_query_for_the_menu(
    client, world, persona, persona_name, todo_queries, django_assert_num_queries
):
    login(client, persona(persona_name))
    # BASE + the cards of the user's grants with their counts (one query) + the user's roles
    # + the to-do list (the subjects to score and the role's items, one query each; see
    # tests/campaigns/test_home_todo.py) + the notices awaiting the user (one query), as before
    # the menu was grouped: both sections' entries come from the cached scope.
    with django_assert_num_queries(BASE + 3 + todo_queries):
        response = client.get(reverse("campaigns:home"))
    assert response.status_code == 200

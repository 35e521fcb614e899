"""The user guide: the reader's roles first and open, every role's guide there, in Chinese and
English, linked from every page's menu."""

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.queries import BASE

pytestmark = pytest.mark.django_db


def test_a_port_officer_reads_their_own_guide_first(
    client, port_officer, django_assert_num_queries
):
    login(client, port_officer)
    # BASE + the reader's roles
    with django_assert_num_queries(BASE + 1):
        response = client.get(reverse("campaigns:help"))
    guides = response.context["guides"]
    assert guides[0]["code"] == "port_officer"
    assert [g["code"] for g in guides if g["open"]] == ["port_officer"]
    assert len(guides) == 5
    html = response.content.decode()
    assert "待核实的共建活动" in html
    assert 'data-testid="help-link"' in html


def test_without_a_role_every_guide_is_open(client, outsider):
    login(client, outsider)
    guides = client.get(reverse("campaigns:help")).context["guides"]
    assert all(g["open"] and not g["mine"] for g in guides)


def test_the_guide_reads_in_english(client, port_officer, in_english):
    login(client, port_officer)
    html = client.get(reverse("campaigns:help")).content.decode()
    assert "Activities to verify" in html and "Subjects to score" in html


def test_every_page_links_the_guide(client, unit_contact):
    login(client, unit_contact)
    html = client.get(reverse("campaigns:home")).content.decode()
    assert f'href="{reverse("campaigns:help")}"' in html

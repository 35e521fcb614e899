"""Submitting a nomination again (an old tab, the back button) says where it stands instead of
asking to correct errors; the submission page shows each error once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination, Opinion
from tests.conftest import login

Status = Nomination.Status
PLEASE_CORRECT = "Please correct the errors below."


def submit_url(nomination):
    return reverse("awards:nomination-submit", args=[nomination.pk])


@pytest.fixture
def submitted(world, award_round, make_nomination, port_officer):
    """Shenzhen's first unit, submitted by the port with its opinion."""
    nomination = make_nomination(award_round, world.sz.units[0], status=Status.SUBMITTED)
    Opinion.objects.create(
        nomination=nomination,
        level=Opinion.Level.PORT,
        authority=nomination.authority,
        author=port_officer,
        text="同意推荐",
    )
    return nomination


def test_submitting_again_says_when_and_in_which_state(client, submitted, port_officer, in_english):
    login(client, port_officer)
    response = client.post(submit_url(submitted), {"opinion": "再次同意"})
    assert response.status_code == 200
    html = response.content.decode()
    when = timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f"This nomination was submitted on {when}; its status is now “submitted”, and it "
        "cannot be submitted again." in html
    )
    assert PLEASE_CORRECT not in html
    assert 'name="opinion"' not in html  # no form to send again
    assert reverse("awards:nomination-detail", args=[submitted.pk]) in html
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert list(Opinion.objects.values_list("text", flat=True)) == ["同意推荐"]


def test_submitting_again_without_an_opinion_also_says_the_state(
    client, submitted, port_officer, in_english
):
    login(client, port_officer)
    html = client.post(submit_url(submitted), {"opinion": ""}).content.decode()
    assert "its status is now “submitted”, and it cannot be submitted again." in html
    assert PLEASE_CORRECT not in html
    assert "This field is required." not in html


def test_a_later_state_is_named(client, submitted, port_officer, in_english):
    Nomination.objects.filter(pk=submitted.pk).update(status=Status.RECOMMENDED)
    login(client, port_officer)
    html = client.post(submit_url(submitted), {"opinion": "同意"}).content.decode()
    assert "its status is now “recommended”, and it cannot be submitted again." in html


def test_a_draft_withdrawn_before_submission_says_it_is_withdrawn(
    client, world, award_round, make_nomination, port_officer, in_english
):
    nomination = make_nomination(
        award_round, world.sz.units[0], status=Status.WITHDRAWN, submitted_at=None
    )
    login(client, port_officer)
    html = client.post(submit_url(nomination), {"opinion": "同意"}).content.decode()
    assert "This nomination is “withdrawn”; it cannot be submitted." in html
    assert PLEASE_CORRECT not in html


def test_the_refusal_is_said_to_the_one_who_may_submit_only(client, submitted, gd_officer):
    # The provincial officer sees the nomination but does not submit the port's nominations:
    # refused for that, before any state is shown.
    login(client, gd_officer)
    assert client.post(submit_url(submitted), {"opinion": "同意"}).status_code == 403


def test_a_missing_opinion_is_shown_once_under_its_field(
    client, world, award_round, make_nomination, port_officer, in_english
):
    draft = make_nomination(award_round, world.sz.units[0], status=Status.DRAFT)
    login(client, port_officer)
    response = client.post(submit_url(draft), {"opinion": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["form"].errors["opinion"] == ["This field is required."]
    assert html.count("This field is required.") == 1
    # The summary above the form points at the field without repeating its message.
    assert html.count(PLEASE_CORRECT) == 1
    assert 'href="#id_opinion"' in html

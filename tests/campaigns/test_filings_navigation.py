"""Navigation entries of the day-to-day work, from the user's scope alone."""

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from campaigns.context_processors import _navigation
from campaigns.tasks import rectification_reminders_task


def _urls(user, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = user
    # One query: the user's scope (the UNION over the grants); the entries add none.
    with django_assert_num_queries(1):
        items = _navigation(request)["items"]
    return {item["url"] for item in items}


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize(
    ("persona_name", "present", "absent"),
    [
        (
            "national_admin",
            ["filing-list", "consultation-list", "activity-list", "rectification-list"],
            [],
        ),
        ("gd_officer", ["filing-list", "consultation-list", "inspection-list"], []),
        ("port_officer", ["consultation-list", "plan-list", "feedback-list"], ["filing-list"]),
        (
            "unit_contact",
            ["activity-list", "rectification-list", "consultation-list"],
            ["filing-list", "plan-list", "inspection-list", "feedback-list"],
        ),
        ("outsider", [], ["filing-list", "consultation-list", "activity-list"]),
    ],
)
def test_work_entries_follow_the_role(
    persona, persona_name, present, absent, django_assert_num_queries
):
    urls = _urls(persona(persona_name), django_assert_num_queries)
    for name in present:
        url = _url(f"campaigns:{name}")
        if url is not None:  # a screen not installed yet is left out of the menu
            assert url in urls, name
    for name in absent:
        url = _url(f"campaigns:{name}")
        assert url is None or url not in urls, name


def test_rectification_reminders_task_runs_for_a_given_day(world):
    assert rectification_reminders_task.delay("2026-03-02").get() == 0

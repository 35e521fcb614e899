"""A reviewer opening the portal in the morning sees what to score without opening a menu: the
review, how many sheets are done, the overdue deadline in red, and a link that leads there."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Review
from assessments.services import reviews as review_services
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_finds_overdue_scoring_on_the_home_page(
    page, live_server, gd_review, gd_subjects, gd_reviewer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Review.objects.filter(pk=gd_review.pk).update(due_on=yesterday)
    log_in(page, live_server, "gd_reviewer")
    expect(page).to_have_url(re.compile(r"/$"))
    item = page.locator("[data-testid=todo-item]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(gd_review.name)
    expect(item).to_have_attribute("data-overdue", "true")
    link = item.locator("a")
    color = link.evaluate("a => getComputedStyle(a).color")
    red, green, blue = (int(c) for c in re.findall(r"\d+", color)[:3])
    assert red > 150 and green < 100 and blue < 100, color
    expect(page.locator("[data-testid=no-role]")).to_have_count(0)
    link.click()
    expect(page).to_have_url(re.compile(r"/scoring/$"))

"""The leading group in a real browser: Guangdong's officer reaches the province's leading
group from its authority page, records a meeting and the resolution it adopted; and reaches
the provinces' own rounds from the menu."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import LeadingGroupMeeting, LeadingGroupResolution
from campaigns.services import groups as group_services
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_records_its_groups_meeting_and_resolution(
    page, live_server, world, gd_officer
):
    group_services.leading_group_save(
        actor=None, authority=world.gd, name="广东省共建文明口岸活动领导小组"
    )
    log_in(page, live_server, "gd_officer")
    page.goto(f"{live_server.url}{reverse('campaigns:authority-detail', args=[world.gd.pk])}")
    page.click("[data-testid=leading-group-link]")
    expect(page.locator("h1")).to_contain_text("广东省共建文明口岸活动领导小组")
    page.get_by_role("link", name="会议", exact=True).click()
    page.click("[data-testid=add-meeting]")
    page.fill("#id_title", "2026年第一次全体会议")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_attendees", "组长、副组长及各成员单位代表")
    page.fill("#id_agenda", "审议年度工作要点")
    page.click("main form[method=post] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/leading-groups/meetings/\d+/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    form = page.locator("[data-testid=resolution-form]")
    form.locator("textarea[name=text]").fill("同意年度工作要点。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=resolution]")).to_contain_text("同意年度工作要点。")
    meeting = LeadingGroupMeeting.objects.get(title="2026年第一次全体会议")
    assert LeadingGroupResolution.objects.get(meeting=meeting).text == "同意年度工作要点。"

    # The province's own rounds are one click away in the awards section of the menu.
    page.goto(f"{live_server.url}/")
    section = page.locator("[data-testid=nav-section]", has_text="评比表彰")
    section.locator(".dropdown-toggle").click()
    section.get_by_role("link", name="省级评比").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('awards:province-round-list')}")
    expect(page.locator("h1")).to_contain_text("省级评比")

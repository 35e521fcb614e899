"""Notices in a real browser: the national office writes and publishes a notice to all
provinces asking for acknowledgement; Guangdong's officer finds it on the home page and
acknowledges it there."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Notice, NoticeReceipt
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_national_office_publishes_and_guangdong_acknowledges_from_home(
    page, new_context, live_server, world, national_admin, gd_officer
):
    due = timezone.localdate() + datetime.timedelta(days=10)
    log_in(page, live_server, "national")
    page.goto(f"{live_server.url}{reverse('campaigns:notice-create')}")
    page.fill("#id_title", "关于报送年度共建活动计划的通知")
    page.fill("#id_document_number", "署文明办〔2026〕3号")
    page.fill("#id_body", "各省级口岸管理机构：\n\n请于月底前报送年度计划。")
    page.check("input[name=audience][value=children]")
    page.check("#id_requires_acknowledgement")
    page.fill("#id_acknowledge_by", due.isoformat())
    page.click("main form[method=post] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/notices/\d+/$"))
    page.click("[data-testid=publish]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("[data-testid=receipt-counts]")).to_contain_text("2")
    notice = Notice.objects.get()
    assert notice.status == Notice.Status.PUBLISHED

    officer = new_context().new_page()
    log_in(officer, live_server, "gd_officer")
    officer.goto(f"{live_server.url}/")
    panel = officer.locator("[data-testid=notice-panel]")
    expect(panel).to_contain_text("关于报送年度共建活动计划的通知")
    panel.locator("[data-testid=acknowledge]").click()
    expect(officer.locator(".alert-success")).to_be_visible()
    expect(officer.locator("[data-testid=notice-panel]")).to_have_count(0)
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    assert receipt.acknowledged_by == gd_officer

    # The national office's table shows Guangdong's acknowledgement.
    page.reload()
    expect(page.locator("[data-testid=receipts]")).to_contain_text("gd_officer")

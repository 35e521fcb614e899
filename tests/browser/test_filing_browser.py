"""Filing is for the record, in a real browser: Guangdong's officer derives the province's
assessment standard from the national template and publishes it (in force at once, filed with
the national office); the national office opens the filing from the scheme and acknowledges it
with a comment, which the province then reads on its scheme."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Scheme
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_publishes_and_the_national_office_acknowledges(
    page, new_context, live_server, world, template, gd_officer, national_admin
):
    log_in(page, live_server, "gd_officer")
    page.goto(f"{live_server.url}{reverse('assessments:scheme-detail', args=[template.pk])}")
    page.click("form[action$='/derive/'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/schemes/\d+/$"))
    draft = Scheme.objects.get(authority=world.gd)
    page.click("form[action$='/publish/'] button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Scheme.Status.PUBLISHED  # in force without waiting for an answer
    expect(page.locator("[data-testid=filing]")).to_contain_text("自发布之日起施行")

    office = new_context().new_page()
    log_in(office, live_server, "national")
    office.goto(f"{live_server.url}{reverse('assessments:scheme-detail', args=[draft.pk])}")
    office.locator("[data-testid=filing] a.btn").click()
    expect(office).to_have_url(re.compile(r"/filings/\d+/$"))
    office.check("input[name=decision][value=acknowledge]")
    office.fill("textarea[name=comments]", "已备案。")
    office.click("form[action$='/answer/'] button[type=submit]")
    expect(office.locator(".alert-success")).to_be_visible()

    page.reload()
    expect(page.locator("[data-testid=filing-comments]")).to_contain_text("已备案。")

"""A port officer's day in a real browser: log in, find and edit a unit, stay in their area;
switch the language; get locked out after repeated wrong passwords."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from campaigns.models import Unit
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_port_officer_finds_and_edits_a_unit_and_cannot_open_another_province(
    page, live_server, world, port_officer
):
    log_in(page, live_server, "sz_officer")
    expect(page).to_have_url(re.compile(r"/$"))

    page.click("nav a[href='/units/']")
    page.fill("#id_q", "参与单位2")
    page.click("form.filters button[type=submit]")
    unit = world.sz.units[1]
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    # The filters stay in the address (htmx pushes it), so the result can be bookmarked.
    expect(page).to_have_url(re.compile(r"/units/\?q=%E5%8F%82"))
    page.click(f"table a[href='/units/{unit.pk}/']")
    expect(page.locator("[data-testid=unit-name]")).to_contain_text(unit.name)

    page.click(f"a[href='/units/{unit.pk}/edit/']")
    expect(page.locator("label[for=id_name]")).to_be_visible()
    page.fill("#id_name", "深圳湾口岸联检单位")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/units/{unit.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("深圳湾口岸联检单位")
    expect(page.locator("[data-testid=unit-name]")).to_contain_text("深圳湾口岸联检单位")
    assert Unit.objects.get(pk=unit.pk).name == "深圳湾口岸联检单位"

    response = page.goto(f"{live_server.url}/units/{world.nb.units[0].pk}/")
    assert response.status == 404
    expect(page.locator("[data-testid=error-404]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(world.nb.units[0].name)


def test_language_switch_turns_the_page_english_and_back(page, live_server, world, port_officer):
    log_in(page, live_server, "sz_officer")
    page.goto(f"{live_server.url}/units/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    switch = page.locator("[data-testid=language-switch]")
    expect(switch).to_have_text("English")

    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/units/$"))
    expect(page.locator("h1")).to_have_text("Participating units")
    expect(switch).to_have_text("中文")

    switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(switch).to_have_text("English")
    expect(page.locator("h1")).not_to_have_text("Participating units")


def test_repeated_wrong_passwords_lock_the_account(page, live_server, world, port_officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, live_server, "sz_officer", password="not-the-password")
        expect(page.locator("#id_username")).to_be_visible()
    log_in(page, live_server, "sz_officer", password="not-the-password")
    expect(page.locator("[data-testid=locked-out]")).to_be_visible()
    # The right password no longer opens the account.
    log_in(page, live_server, "sz_officer")
    expect(page.locator("[data-testid=locked-out]")).to_be_visible()

"""Printed from the browser, a list or a dossier drops the navigation, the filters and the
buttons, and keeps its content."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_printed_list_is_its_content(page, live_server, world, port_officer):
    log_in(page, live_server, port_officer.username)
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/$"))
    page.goto(f"{live_server.url}/units/")
    heading = page.locator("main h1").first
    expect(page.locator("nav.navbar")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(heading).to_be_visible()
    expect(page.locator("main table").first).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("nav.navbar")).to_be_visible()

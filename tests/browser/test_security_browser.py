"""Two factors and the idle warning in a real browser: the national office sets up an
authenticator from the user menu, keeps its recovery codes, logs out, and logs in again with a
code; an idle page warns before the timeout and "Stay logged in" keeps the session."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret, *, ahead=0):
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time() + ahead * 30
    return f"{totp.token():06d}"


def test_the_office_sets_up_two_factors_and_logs_in_with_a_code(page, live_server, national_admin):
    log_in(page, live_server, "national")
    expect(page.locator(".alert-info").first).to_contain_text("首次登录")
    page.locator("nav .dropdown-toggle", has_text="national").click()
    page.click("text=双因素认证")
    expect(page.locator("h1")).to_have_text("设置双因素认证")
    expect(page.locator("[data-testid=two-factor-qr]")).to_be_visible()
    secret = page.locator("[data-testid=two-factor-secret]").inner_text().strip()
    page.fill("#id_code", _code(secret))
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("恢复码")
    codes = page.locator("[data-testid=recovery-codes] li")
    expect(codes).to_have_count(10)
    page.click("text=我已保存，继续")
    expect(page).to_have_url(f"{live_server.url}/")

    page.locator("nav .dropdown-toggle", has_text="national").click()
    page.click("nav button:has-text('退出登录')")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, live_server, "national")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    expect(page.locator("h1")).to_have_text("输入验证码")
    # The note of the previous login comes with the first page after the password.
    expect(page.locator(".alert-info").first).to_contain_text("您上次于")
    page.fill("#id_code", _code(secret, ahead=1))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/")


def test_an_idle_page_warns_and_staying_keeps_the_session(
    page, live_server, national_admin, settings
):
    settings.CIVPORT_IDLE_MINUTES = 64 / 60  # the warning comes after four seconds
    log_in(page, live_server, "national")
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_contain_text("1 分钟后自动退出")
    page.click("#idle-stay")
    expect(warning).to_be_hidden(timeout=2_000)
    # The session lives on: a page still opens without a login.
    page.goto(f"{live_server.url}/notifications/")
    expect(page).to_have_url(f"{live_server.url}/notifications/")

"""The campaign's day-to-day work in a real browser: a unit contact logs an activity with a photo,
the port officer verifies it and opens a rectification item through an inspection visit, the
unit answers it and the officer closes it; a member of the public sends a complaint from the
port's page and follows it with the tracking code until the answer shows."""

import datetime
import re
import struct
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Activity, Feedback, Inspection, Rectification
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png():
    """A valid 8×8 PNG (civport.uploads checks files by content)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x20\x80\xc0" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _url(live_server, name, *args, query=""):
    return f"{live_server.url}{reverse(f'campaigns:{name}', args=args)}{query}"


def _submit(page, form):
    page.click(f"main {form} button[type=submit]")


def test_activity_verified_rectification_answered_and_closed(
    page, new_context, live_server, world, unit_contact, port_officer
):
    unit = world.sz.units[0]
    today = timezone.localdate()

    # The unit contact logs an activity with a photo.
    log_in(page, live_server, "unit_contact")
    page.goto(_url(live_server, "activity-create"))
    expect(page.locator("#id_unit")).to_have_value(str(unit.pk))
    page.fill("#id_occurred_on", today.isoformat())
    page.select_option("#id_form", Activity.Form.SYMPOSIUM)
    page.check("input[name=areas] >> nth=2")  # 服务建设
    page.fill("#id_title", "口岸营商环境企业座谈会")
    page.fill("#id_description", "邀请十家进出口企业座谈，现场解答通关政策问题。")
    page.fill("#id_participant_count", "24")
    page.set_input_files(
        "#id_uploads", {"name": "现场照片.png", "mimeType": "image/png", "buffer": _png()}
    )
    _submit(page, "form[enctype='multipart/form-data']")
    expect(page).to_have_url(re.compile(r"/activities/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("口岸营商环境企业座谈会")
    activity = Activity.objects.get(title="口岸营商环境企业座谈会")
    assert activity.status == Activity.Status.SUBMITTED
    assert activity.authority_id == world.sz.authority.pk
    expect(page.locator("main a", has_text="现场照片.png")).to_be_visible()

    # The port officer verifies it.
    officer = new_context().new_page()
    log_in(officer, live_server, "sz_officer")
    officer.goto(_url(live_server, "activity-detail", activity.pk))
    _submit(officer, f"form[action='{reverse('campaigns:activity-verify', args=[activity.pk])}']")
    expect(officer.locator(".alert-success")).to_be_visible()
    expect(officer.locator(".badge.text-bg-success")).to_be_visible()
    activity.refresh_from_db()
    assert activity.status == Activity.Status.VERIFIED

    # … records an inspection visit to the unit and a finding it must rectify.
    officer.goto(_url(live_server, "inspection-create"))
    officer.select_option("#id_authority", str(world.sz.authority.pk))
    officer.fill("#id_visited_on", today.isoformat())
    officer.fill("#id_inspectors", "深圳市口岸办：刘振华")
    officer.select_option("#id_ports", str(world.sz.port.pk))
    officer.select_option("#id_units", str(unit.pk))
    officer.fill("#id_summary", "实地查看旅检现场，查阅共建活动台账。")
    _submit(officer, "form")
    expect(officer).to_have_url(re.compile(r"/inspections/\d+/$"))
    inspection = Inspection.objects.get(inspectors="深圳市口岸办：刘振华")
    officer.fill("#id_text", "公示栏中的收费标准未及时更新。")
    officer.select_option("#id_owner_unit", str(unit.pk))
    officer.fill("#id_due_on", (today + datetime.timedelta(days=14)).isoformat())
    _submit(officer, "form:has(#id_text)")
    expect(officer.locator(".alert-success")).to_be_visible()
    item = Rectification.objects.get(inspection=inspection)
    assert (item.owner_unit_id, item.status) == (unit.pk, Rectification.Status.OPEN)
    officer.click("[data-testid=finding-table] a")
    expect(officer).to_have_url(re.compile(rf"/rectifications/{item.pk}/$"))

    # The unit contact answers it with a photo of the new notice board.
    page.goto(_url(live_server, "rectification-list"))
    page.click(f"main a[href='{reverse('campaigns:rectification-detail', args=[item.pk])}']")
    page.fill("#id_answer", "已按现行标准更新公示栏，并建立每月核对制度。")
    page.set_input_files(
        "#id_uploads", {"name": "整改后照片.png", "mimeType": "image/png", "buffer": _png()}
    )
    _submit(page, "form:has(input[value=answer])")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main a", has_text="整改后照片.png")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Rectification.Status.ANSWERED
    assert item.answered_by.username == "unit_contact"

    # The officer verifies the answer and closes the item.
    officer.reload()
    _submit(officer, f"form[action='{reverse('campaigns:rectification-close', args=[item.pk])}']")
    expect(officer.locator(".alert-success")).to_be_visible()
    item.refresh_from_db()
    assert item.status == Rectification.Status.CLOSED


def test_public_complaint_followed_with_its_tracking_code(
    page, new_context, live_server, world, port_officer
):
    port = world.sz.port
    text = "入境大厅的母婴室门锁坏了，无法使用。"

    # A member of the public, not logged in, sends a complaint from the port's page.
    page.goto(_url(live_server, "public-feedback", port.code))
    expect(page.locator("main")).to_contain_text(port.name)
    page.check("input[name=kind][value=complaint]")
    page.fill("#id_text", text)
    _submit(page, "form")
    expect(page).to_have_url(re.compile(r"/public/feedback/submitted/$"))
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)

    # … and looks it up by typing the code on the tracking page.
    page.goto(_url(live_server, "feedback-track"))
    page.fill("#id_code", code.lower())
    _submit(page, "form")
    expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("[data-testid=feedback-status]")).to_be_visible()
    expect(page.locator("[data-testid=feedback-answer]")).to_have_count(0)
    tracking_url = page.url

    # The port officer answers it in the office.
    item = Feedback.objects.get(port=port)
    officer = new_context().new_page()
    log_in(officer, live_server, "sz_officer")
    officer.goto(_url(live_server, "feedback-detail", item.pk))
    answer = "已于接报当天完成维修，并将母婴室纳入每日巡查范围。感谢您的反映。"
    officer.fill("#id_answer", answer)
    _submit(officer, f"form[action='{reverse('campaigns:feedback-answer', args=[item.pk])}']")
    expect(officer.locator(".alert-success")).to_be_visible()

    # The submitter's page now shows the answer; a guessed code finds nothing.
    page.goto(tracking_url)
    expect(page.locator("[data-testid=feedback-answer]")).to_contain_text(answer)
    item.refresh_from_db()
    assert item.status == Feedback.Status.ANSWERED
    response = page.goto(_url(live_server, "feedback-track", "ABCDEFGHJKMNPQRS"))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(text)

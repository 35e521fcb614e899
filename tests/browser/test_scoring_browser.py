"""A reviewer scores in a real browser: the autosave keeps a draft through a closed tab, the
sheet is submitted and locked; a reviewer who declares a conflict loses the subject (404)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assignment, Item, ScoreSheet
from assessments.services import reviews as review_services
from assessments.services.sheets import note_field, points_field
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _autosave_of(field, value):
    """A predicate for the autosave response whose request carried `field=value`."""

    def match(response):
        request = response.request
        return (
            request.method == "POST"
            and request.url.endswith("/autosave/")
            and f"{field}={value}" in (request.post_data or "")
        )

    return match


def _points(item):
    return f"{(item.max_points * Decimal('0.75')).quantize(Decimal('0.01')):f}"


def test_reviewer_closes_the_tab_mid_way_finds_the_draft_and_submits(
    page, context, live_server, gd_review, gd_subjects, gd_reviewer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    subject = Assignment.objects.filter(member__user=gd_reviewer).order_by("pk").first().subject
    items = list(Item.objects.filter(scheme=gd_review.scheme, kind=Item.Kind.STANDARD))
    first_half, second_half = items[:12], items[12:]
    score_url = f"{live_server.url}{reverse('assessments:score', args=[subject.pk])}"

    log_in(page, live_server, "gd_reviewer")
    page.goto(f"{live_server.url}{reverse('assessments:queue')}")
    page.click(f"table a[href='{reverse('assessments:score', args=[subject.pk])}']")
    expect(page.locator("[data-testid=subject-title]")).to_have_text(subject.title)

    last = first_half[-1]
    with page.expect_response(_autosave_of(points_field(last.pk), _points(last))) as saved:
        for item in first_half:
            page.fill(f"#id_{points_field(item.pk)}", _points(item))
        page.keyboard.press("Tab")  # leaving the field is the change that triggers the save
    assert saved.value.status == 200
    expect(page.locator("[data-testid=autosaved]")).to_be_visible()
    expect(page.locator("#id_revision")).to_have_value("1")
    page.close()  # the tab is closed with half the sheet typed

    page = context.new_page()
    page.goto(score_url)
    for item in first_half:
        expect(page.locator(f"#id_{points_field(item.pk)}")).to_have_value(_points(item))
    expect(page.locator(f"#id_{points_field(second_half[0].pk)}")).to_have_value("")

    last = second_half[-1]
    with page.expect_response(_autosave_of(points_field(last.pk), _points(last))):
        for item in second_half:
            page.fill(f"#id_{points_field(item.pk)}", _points(item))
        page.keyboard.press("Tab")
    expect(page.locator("[data-testid=running-total]")).to_have_text("75.00")

    # A last note, and Submit pressed before its autosave would fire: the button posts the
    # whole form and the pending autosave is dropped, so no "saved elsewhere" clash.
    page.fill(f"#id_{note_field(items[0].pk)}", "会议纪要齐全")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-sheet]")
    expect(page).to_have_url(re.compile(r"/assessments/scoring/$"))
    expect(page.locator(".alert-success")).to_contain_text("75.00")

    sheet = ScoreSheet.objects.get(subject=subject, reviewer=gd_reviewer)
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.total == Decimal("75.00")
    assert sheet.scores.count() == len(items)
    assert sheet.scores.get(item=items[0]).note == "会议纪要齐全"

    page.goto(score_url)
    expect(page.locator("[data-testid=read-only]")).to_be_visible()
    expect(page.locator(f"#id_{points_field(items[0].pk)}")).to_be_disabled()

    # The subject at the reviewer's own unit was never assigned: 404.
    response = page.goto(
        f"{live_server.url}{reverse('assessments:score', args=[gd_subjects[0].pk])}"
    )
    assert response.status == 404


def test_reviewer_who_declares_a_conflict_gets_404(page, live_server, gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = (
        Assignment.objects.select_related("subject")
        .filter(member__user__username="gd_r2")
        .order_by("pk")
        .first()
    )
    subject = assignment.subject
    score_path = reverse("assessments:score", args=[subject.pk])

    log_in(page, live_server, "gd_r2")
    page.goto(f"{live_server.url}{score_path}")
    page.click(f"a[href='{reverse('assessments:conflict-declare', args=[subject.pk])}']")
    page.fill("#id_reason", "本人曾在该单位挂职两年")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/assessments/scoring/$"))
    expect(page.locator(".alert-success")).to_contain_text(subject.title)
    expect(page.locator(f"a[href='{score_path}']")).to_have_count(0)

    response = page.goto(f"{live_server.url}{score_path}")
    assert response.status == 404
    expect(page.locator("[data-testid=error-404]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(subject.title)

"""The scoring form and the nomination dossier are completed with the keyboard alone: Tab from
the top of the page to each field, type or press Space, and Enter on the button that sends it.
No click, no programmatic fill."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assignment, Item, ScoreSheet
from assessments.services import reviews as review_services
from assessments.services.sheets import points_field
from awards.models import Nomination, VetoDeclaration
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 400

ACTIVE = """() => {
  const e = document.activeElement;
  return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value || "",
          checked: !!e.checked, testid: e.dataset ? (e.dataset.testid || "") : ""};
}"""


def tab_through(page, act):
    """Press Tab from the top of the page; on each focused element call `act(page, element)`,
    which acts with the keyboard and returns True once the form is sent."""
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        if act(page, page.evaluate(ACTIVE)):
            return
    raise AssertionError(f"the form was not sent within {MAX_TABS} presses of Tab")


def _log_in(page, live_server, username):
    log_in(page, live_server, username)
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/$"))


def test_a_reviewer_scores_a_sheet_with_the_keyboard(
    page, live_server, gd_review, gd_subjects, gd_reviewer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    subject = Assignment.objects.filter(member__user=gd_reviewer).order_by("pk").first().subject
    standard = {
        points_field(item.pk): f"{(item.max_points * Decimal('0.5')).quantize(Decimal('0.01')):f}"
        for item in Item.objects.filter(scheme=gd_review.scheme, kind=Item.Kind.STANDARD)
    }
    _log_in(page, live_server, gd_reviewer.username)
    page.goto(f"{live_server.url}{reverse('assessments:score', args=[subject.pk])}")
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit this sheet?"
    typed = set()

    def act(page, element):
        if element["name"] in standard and element["name"] not in typed:
            page.keyboard.type(standard[element["name"]])
            typed.add(element["name"])
        elif element["testid"] == "submit-sheet":
            assert typed == set(standard), "Submit was reached before every item"
            page.keyboard.press("Enter")
            return True
        return False

    tab_through(page, act)
    expect(page).to_have_url(re.compile(r"/assessments/scoring/$"))
    sheet = ScoreSheet.objects.get(subject=subject, reviewer=gd_reviewer)
    assert sheet.status == ScoreSheet.Status.SUBMITTED


def test_a_port_officer_completes_the_dossier_with_the_keyboard(
    page, live_server, world, award_round, make_nomination, port_officer
):
    draft = make_nomination(
        award_round, world.sz.units[0], status=Nomination.Status.DRAFT, summary=""
    )
    _log_in(page, live_server, port_officer.username)
    page.goto(f"{live_server.url}{reverse('awards:nomination-edit', args=[draft.pk])}")
    answered = set()

    def act(page, element):
        if element["name"] == "summary" and not element["value"]:
            page.keyboard.type("坚持共建文明口岸，服务水平显著提升。")
        elif element["type"] == "radio" and element["name"] not in answered:
            # Tab lands on the group's first choice, "does not apply": Space ticks it.
            page.keyboard.press("Space")
            answered.add(element["name"])
        elif element["tag"] == "BUTTON" and element["name"] == "" and answered:
            page.keyboard.press("Enter")  # Save
            return True
        return False

    tab_through(page, act)
    expect(page).to_have_url(re.compile(rf"/awards/nominations/{draft.pk}/$"))
    draft.refresh_from_db()
    assert draft.summary == "坚持共建文明口岸，服务水平显著提升。"
    declarations = VetoDeclaration.objects.filter(nomination=draft)
    assert declarations.count() == len(answered) > 0
    assert not declarations.filter(applies=True).exists()

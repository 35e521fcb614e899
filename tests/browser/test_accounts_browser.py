"""Accounts in a real browser: Guangdong's account manager creates a reviewer account from the
navigation and gets its one-time activation link; the new reviewer sets a password through it and
logs in; the province puts the reviewer on its review's panel and assigns a subject; the reviewer
opens the scoring page from the queue, scores every item and submits the sheet."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Item, PanelMember, ScoreSheet
from assessments.services.sheets import points_field
from campaigns.models import Membership
from campaigns.services import accounts
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Harbour-lights-2026"


def _open_from_menu(page, url):
    """Follow a link of the main menu, opening its section's dropdown first."""
    link = f"a[href='{url}']"
    section = page.locator("[data-testid=nav-section]", has=page.locator(link))
    section.locator("button.dropdown-toggle").first.click()
    section.locator(link).first.click()


def test_manager_creates_a_reviewer_who_activates_and_scores(
    page, new_context, live_server, world, gd_officer, gd_review, gd_subjects
):
    accounts.account_duty_set(
        actor=None, membership=gd_officer.memberships.get(), manages_accounts=True
    )
    log_in(page, live_server, "gd_officer")
    page.goto(f"{live_server.url}/")
    _open_from_menu(page, reverse("campaigns:account-list"))
    expect(page.locator("h1")).to_contain_text("账号和角色")
    page.click(f"a[href='{reverse('campaigns:account-create')}']")
    page.fill("#id_username", "gd_reviewer9")
    page.fill("#id_name", "陈评审")
    page.select_option("#id_role", Membership.Role.REVIEWER)
    page.fill("#id_code", world.gd.code)
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/\d+/$"))
    link = page.locator("[data-testid=account-link]").inner_text()
    assert "/accounts/activate/" in link
    expect(page.locator("h1")).to_contain_text("未激活")

    reviewer = new_context().new_page()
    reviewer.set_default_timeout(15_000)
    reviewer.goto(live_server.url + link[link.index("/accounts/activate/") :])
    reviewer.fill("#id_new_password1", PASSWORD)
    reviewer.fill("#id_new_password2", PASSWORD)
    reviewer.click("main form button[type=submit]")
    expect(reviewer).to_have_url(re.compile(r"/accounts/login/"))
    expect(reviewer.locator(".alert-success")).to_be_visible()
    log_in(reviewer, live_server, "gd_reviewer9", PASSWORD)
    expect(reviewer).to_have_url(f"{live_server.url}/")
    user = get_user_model().objects.get(username="gd_reviewer9")
    assert user.last_login is not None
    assert user.memberships.get().role == Membership.Role.REVIEWER

    # The manager's list now shows the account as active.
    page.goto(f"{live_server.url}{reverse('campaigns:account-list')}")
    row = page.locator("[data-testid=account-table] tr", has_text="gd_reviewer9")
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "active")

    # The province puts the new reviewer on its review's panel and assigns a Guangzhou unit.
    page.goto(f"{live_server.url}{reverse('assessments:review-panel', args=[gd_review.pk])}")
    form = page.locator("[data-testid=panel-add-form]")
    form.locator("#id_username").fill("gd_reviewer9")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("gd_reviewer9")
    expect(page.locator("[data-testid=panel]")).to_contain_text("陈评审")
    subject = gd_subjects[2]
    page.goto(f"{live_server.url}{reverse('assessments:subject-detail', args=[subject.pk])}")
    add = page.locator("[data-testid=assignment-add]")
    seat = PanelMember.objects.get(review=gd_review, user__username="gd_reviewer9")
    add.locator("select").select_option(str(seat.pk))
    add.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("gd_reviewer9")

    # The reviewer finds the subject in the queue, scores every item and submits.
    reviewer.goto(f"{live_server.url}{reverse('assessments:queue')}")
    reviewer.click(f"table a[href='{reverse('assessments:score', args=[subject.pk])}']")
    expect(reviewer.locator("[data-testid=subject-title]")).to_have_text(subject.title)
    items = list(Item.objects.filter(scheme=gd_review.scheme, kind=Item.Kind.STANDARD))
    for item in items:
        points = (item.max_points * Decimal("0.8")).quantize(Decimal("0.01"))
        reviewer.fill(f"#id_{points_field(item.pk)}", f"{points:f}")
    reviewer.once("dialog", lambda dialog: dialog.accept())
    reviewer.click("[data-testid=submit-sheet]")
    expect(reviewer).to_have_url(re.compile(r"/assessments/scoring/$"))
    expect(reviewer.locator(".alert-success")).to_contain_text("80.00")
    sheet = ScoreSheet.objects.get(subject=subject, reviewer=user)
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.total == Decimal("80.00")
    assert sheet.scores.count() == len(items)

"""Every page of every persona's menu, the public pages and a reviewer's scoring form meet WCAG 2.1
AA as axe-core checks it (no serious or critical violation), and read on a 375 px wide phone
without scrolling sideways (a wide table scrolls inside its own `.table-responsive` box)."""

import datetime
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from assessments.models import Assignment
from assessments.services import reviews as review_services
from awards.models import Honour, Nomination, Round
from awards.services.honours import honours_grant
from tests.awards.approvals_support import approve_as_decided
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSONAS = ("national_admin", "gd_officer", "port_officer", "unit_contact", "gd_reviewer")
BLOCKING = {"serious", "critical"}
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}
# Files, not pages: spreadsheets, templates and certificates are downloaded.
DOWNLOADS = (".xlsx", ".xls", ".csv", ".pdf", ".zip", ".docx", ".svg")


class Audit:
    """Visits pages and keeps what is wrong with them, one line each."""

    def __init__(self, live_server):
        self.live_server = live_server
        self.axe = Axe()
        self.visited = 0
        self.problems = []

    def visit(self, page, path):
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{self.live_server.url}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)
        page.wait_for_load_state("load")
        self.visited += 1
        results = self.axe.run(page).response
        for violation in results["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node["target"])
                self.problems.append(f"{path} {violation['id']} {target}{_colours(node)}")
        page.set_viewport_size(PHONE)
        # Charts redraw for the new width a moment after it changes.
        try:
            page.wait_for_function(FITS, arg=PHONE["width"], timeout=3_000)
        except PlaywrightTimeoutError:
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(WIDEST)
            self.problems.append(f"{path} scroll-width {width}px at 375px: {wide}")


def _colours(node):
    """For a contrast failure, the colours axe measured, to know what to darken."""
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and "contrastRatio" in data:
            return f" ({data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']})"
    return ""


FITS = "width => document.documentElement.scrollWidth <= width"

# The outermost elements that stick out on the right, to name them in a failure.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".table-responsive") && !el.matches(".table-responsive")) continue;
    const right = el.getBoundingClientRect().right;
    if (right > limit + 0.5 && !(el.parentElement && found.includes(el.parentElement))) {
      found.push(el);
    }
  }
  return found.slice(0, 3).map(el =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    " right=" + Math.round(el.getBoundingClientRect().right)
  ).join(", ");
}"""


def _menu_paths(page):
    hrefs = page.eval_on_selector_all(
        'nav a[href^="/"]', "links => links.map(a => a.getAttribute('href'))"
    )
    paths = []
    for href in hrefs:
        path = urlsplit(href).path
        if (
            path.startswith("/admin/")
            or "logout" in path
            or path.endswith(DOWNLOADS)
            or "download" in path
            or href in paths
        ):
            continue
        paths.append(href)
    return paths


@pytest.fixture
def decided_round(world, template, make_nomination):
    """A closed round with two honours, for the honours board and a certificate to verify."""
    round = Round.objects.create(
        code="2023-2024",
        name="2023—2024年度全国共建文明口岸评比",
        start_year=2023,
        end_year=2024,
        scheme=template,
        phase=Round.Phase.CLOSED,
        decided_on=datetime.date(2024, 12, 20),
        decision_number="署岸发〔2024〕30号",
    )
    make_nomination(round, world.sz.port, status=Nomination.Status.CANDIDATE)
    make_nomination(round, world.nb.units[1], status=Nomination.Status.CANDIDATE)
    approve_as_decided(round)
    honours_grant(actor=None, round=round)
    return round


def _new_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_every_page_passes_axe_and_fits_a_phone(
    browser,
    browser_context_args,
    live_server,
    persona,
    world,
    gd_review,
    gd_subjects,
    gd_reviewer,
    award_round,
    make_nomination,
    decided_round,
):
    review_services.assignment_auto(actor=None, review=gd_review)
    subject = Assignment.objects.filter(member__user=gd_reviewer).order_by("pk").first().subject
    make_nomination(award_round, world.sz.units[0], status=Nomination.Status.SUBMITTED)
    make_nomination(award_round, world.sz.people[0], status=Nomination.Status.DRAFT)
    honour = Honour.objects.filter(round=decided_round).order_by("pk").first()
    audit = Audit(live_server)

    context, page = _new_page(browser, browser_context_args)
    try:
        for path in (
            reverse("login"),
            reverse("awards:verify", args=[honour.code]),
            reverse("awards:honour-board"),
            reverse("campaigns:public-feedback"),
            reverse("campaigns:public-feedback", args=[world.sz.port.code]),
        ):
            audit.visit(page, path)
    finally:
        context.close()

    for name in PERSONAS:
        user = persona(name)
        context, page = _new_page(browser, browser_context_args)
        try:
            log_in(page, live_server, user.username)
            page.wait_for_url(f"{live_server.url}/")
            paths = _menu_paths(page)
            assert paths, f"{name} has no menu"
            for path in paths:
                audit.visit(page, path)
            if user == gd_reviewer:
                audit.visit(page, reverse("assessments:score", args=[subject.pk]))
        finally:
            context.close()

    assert not audit.problems, (
        f"{len(audit.problems)} problems on {audit.visited} pages:\n" + "\n".join(audit.problems)
    )

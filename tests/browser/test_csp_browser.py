"""Every persona's pages, the admin, the Chart.js dashboards and the htmx autosave work under the
portal's Content-Security-Policy: no violation reported and no JavaScript error."""

import os
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assignment, Item
from assessments.services import reviews as review_services
from assessments.services.sheets import points_field
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for a person to look at, when asked for (CIVPORT_SCREENSHOTS=/some/dir).
SCREENSHOTS = os.environ.get("CIVPORT_SCREENSHOTS", "")

# Recorded before any of the page's own scripts run, on every document the page opens.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


class Watcher:
    """Collects what a page reports: CSP violations, uncaught errors, console errors."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(LISTEN)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("console", self._console)
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.problems.append(f"{page.url}: {response.status} {response.url}")
            ),
        )

    def _console(self, message):
        if message.type != "error":
            return
        # Chromium asks pages without an icon (the admin's) for /favicon.ico; not a page's doing.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        self.problems.append(f"{self.page.url}: console: {message.text} {message.location}")

    def visit(self, url, shot=None):
        response = self.page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, (url, policy)
        self.page.wait_for_load_state("load")
        self.check()
        if SCREENSHOTS and shot:
            self.page.screenshot(path=os.path.join(SCREENSHOTS, f"{shot}.png"), full_page=True)

    def check(self):
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems += [f"{self.page.url}: CSP {v}" for v in violations]
        self.page.evaluate("window.__cspViolations = []")

    def menu_links(self, live_server):
        """Every link of the main menu (sections and their entries) on this portal."""
        hrefs = self.page.eval_on_selector_all(
            "[data-testid=main-menu] a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        links = []
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/") or href in links:
                continue
            links.append(href)
        return links


def _walk_menu(page, live_server, username, shot_prefix):
    watcher = Watcher(page)
    log_in(page, live_server, username)
    watcher.visit(f"{live_server.url}/", shot=f"{shot_prefix}-home")
    links = watcher.menu_links(live_server)
    assert links, f"{username} has no menu"
    for number, href in enumerate(links):
        watcher.visit(f"{live_server.url}{href}", shot=f"{shot_prefix}-{number:02d}")
    return watcher, links


@pytest.mark.parametrize("persona_name", ["gd_officer", "port_officer", "unit_contact"])
def test_each_persona_menu_runs_under_the_policy(persona_name, persona, page, live_server):
    user = persona(persona_name)

    watcher, links = _walk_menu(page, live_server, user.username, persona_name)

    assert reverse("campaigns:dashboard") in links
    assert watcher.problems == []


def test_national_office_menu_dashboards_and_admin_run_under_the_policy(
    national_admin, world, page, live_server
):
    watcher, _links = _walk_menu(page, live_server, national_admin.username, "national")
    # The dashboard draws its charts with Chart.js: a drawn chart shows its wrapper.
    watcher.visit(f"{live_server.url}{reverse('campaigns:dashboard')}", shot="national-dashboard")
    assert page.evaluate("typeof window.Chart") == "function"
    charts = page.locator("canvas[data-chart]")
    assert charts.count() > 0
    expect(charts.first).to_be_visible()
    assert page.evaluate("Object.keys(Chart.instances).length") == charts.count()

    admin = f"{live_server.url}{reverse('admin:index')}"
    watcher.visit(admin, shot="admin-index")
    unit = world.sz.units[0]
    watcher.visit(
        f"{live_server.url}{reverse('admin:campaigns_unit_change', args=[unit.pk])}",
        shot="admin-unit-change",
    )
    watcher.visit(f"{live_server.url}{reverse('admin:campaigns_unit_changelist')}")
    assert watcher.problems == []


def test_superuser_admin_pages_with_their_own_scripts_run_under_the_policy(
    admin_user, page, live_server
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    task = PeriodicTask.objects.create(name="sweep", task="awards.sweep", interval=interval)
    watcher = Watcher(page)
    log_in(page, live_server, admin_user.username, password="password")

    watcher.visit(f"{live_server.url}{reverse('admin:index')}")
    watcher.visit(
        f"{live_server.url}{reverse('admin:django_celery_beat_periodictask_change', args=[task.pk])}",
        shot="admin-periodic-task",
    )
    # The page's own script ran: it hides the crontab translation row.
    expect(page.locator(".field-crontab_translation")).to_be_hidden()
    watcher.visit(f"{live_server.url}{reverse('admin:auth_user_add')}")
    assert watcher.problems == []


def test_reviewer_menu_and_autosave_run_under_the_policy(
    page, live_server, gd_review, gd_subjects, gd_reviewer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    subject = Assignment.objects.filter(member__user=gd_reviewer).order_by("pk").first().subject
    item = Item.objects.filter(scheme=gd_review.scheme, kind=Item.Kind.STANDARD).first()

    watcher, _links = _walk_menu(page, live_server, "gd_reviewer", "reviewer")
    watcher.visit(
        f"{live_server.url}{reverse('assessments:score', args=[subject.pk])}", shot="reviewer-score"
    )
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as saved:
        page.fill(f"#id_{points_field(item.pk)}", "1")
        page.keyboard.press("Tab")
    assert saved.value.status == 200
    expect(page.locator("[data-testid=autosaved]")).to_be_visible()
    watcher.check()
    assert watcher.problems == []

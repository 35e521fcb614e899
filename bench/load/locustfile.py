"""Deadline day: reviewers autosaving, officers browsing, visitors on the public pages.

Started by `bench/load/run.py` (not meant to be run by hand): it reads the plan that run.py
wrote (`LOAD_PLAN`: accounts, subjects, pages) and writes, when the test stops, every request's
kind, time and outcome (`LOAD_SAMPLES`) and every acknowledged autosave (`LOAD_ACKS`). It
imports no Django: the portal runs in gunicorn, this process only sends requests.

The measured window starts `LOAD_SETTLE_SECONDS` after every user is in (logged in, and for a
reviewer the queue and the sheet opened) and lasts `LOAD_SECONDS`; then the test stops itself.
Logins verify a real password hash and may fall behind the spawning, so the window does not
start at a fixed time; the settling time lets the requests queued behind the last logins drain.

Request kinds (the `name` of each request): login_page, login, queue, score_page, autosave
(reviewers); dashboard, list (officers); public, verify, track (visitors).
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser

import gevent
from locust import HttpUser, between, constant_pacing, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = os.environ["LOAD_PASSWORD"]
AUTOSAVE_SECONDS = float(os.environ.get("LOAD_AUTOSAVE_SECONDS", "10"))
MEASURE_SECONDS = float(os.environ.get("LOAD_SECONDS", "180"))
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "60"))
USERS = sum(
    int(os.environ.get(f"LOAD_{kind}", "0")) for kind in ("REVIEWERS", "OFFICERS", "VISITORS")
)
# The tracking look-up is limited per address (30 per 10 minutes) and all load traffic comes
# from 127.0.0.1: the visitors share a budget below that limit, so two runs in one window stay
# under it too.
TRACK_BUDGET = int(os.environ.get("LOAD_TRACK_LOOKUPS", "10"))

SHEET_FIELD = re.compile(r"^(points|note|veto|veto_reason)_\d+$|^(comment|revision)$")
REVISION = re.compile(r'name="revision" value="(\d+)"')


class Recorder:
    """Every request's (kind, seconds since start, ms, ok, reason), the moment every user was
    in, and each sheet's acknowledged points."""

    def __init__(self):
        self.started = time.time()
        self.environment = None
        self.users_in = 0
        self.all_in_at = None
        self.ready_at = None
        self.stopped_at = None
        self.samples = []
        self.acks = {}
        self.pending = {}

    def request(self, name, response_time, exception):
        self.samples.append(
            (
                name,
                round(time.time() - self.started, 3),
                round(response_time, 2),
                exception is None,
                None if exception is None else str(exception)[:200],
            )
        )

    def user_in(self):
        """One more user has started; after the last one and the settling time, the measured
        window opens, and the test is stopped `MEASURE_SECONDS` later."""
        self.users_in += 1
        if self.users_in == USERS and self.all_in_at is None:
            self.all_in_at = time.time()
            gevent.spawn_later(SETTLE_SECONDS, self.open_window)
            gevent.spawn_later(SETTLE_SECONDS + MEASURE_SECONDS, self.environment.runner.quit)

    def open_window(self):
        self.ready_at = time.time()

    def send(self, username, subject, points):
        """An autosave is on its way: {item id: points} of the whole sheet it posts."""
        self.pending[(username, subject)] = points

    def ack(self, username, subject):
        """The autosave on its way was acknowledged: every item it posted is saved."""
        for item, value in self.pending.pop((username, subject)).items():
            self.acks[(username, subject, item)] = value

    def dump(self):
        self.stopped_at = self.stopped_at or time.time()
        samples = {
            "started_at": self.started,
            "all_in_at": self.all_in_at,
            "ready_at": self.ready_at,
            "stopped_at": self.stopped_at,
            "samples": self.samples,
        }
        with open(os.environ["LOAD_SAMPLES"], "w", encoding="utf-8") as f:
            json.dump(samples, f)
        # A save still on its way when the test stopped may have been stored without its
        # answer arriving: its points are kept beside the acknowledged ones.
        acks = [
            {
                "username": u,
                "subject": s,
                "item": i,
                "points": v,
                "unanswered": self.pending.get((u, s), {}).get(i),
            }
            for (u, s, i), v in sorted(self.acks.items())
        ]
        with open(os.environ["LOAD_ACKS"], "w", encoding="utf-8") as f:
            json.dump(acks, f)


RECORDER = Recorder()


@events.request.add_listener
def _on_request(name, response_time, exception, **_kwargs):
    RECORDER.request(name, response_time, exception)


@events.init.add_listener
def _on_init(environment, **_kwargs):
    RECORDER.environment = environment


@events.test_stop.add_listener
def _on_stop(**_kwargs):
    RECORDER.stopped_at = RECORDER.stopped_at or time.time()
    RECORDER.dump()


class FormFields(HTMLParser):
    """The fields a browser would post from the page's forms: inputs with their values (a
    checkbox only when checked) and textareas with their text."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self.maxima = {}
        self.kinds = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[name] = a.get("value") or "on"
            elif a.get("type") not in ("submit", "button"):
                self.fields[name] = a.get("value") or ""
                if "max" in a:
                    self.maxima[name] = float(a["max"])
                if "data-kind" in a:
                    self.kinds[name] = a["data-kind"]
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def parse_form(html):
    parser = FormFields()
    parser.feed(html)
    return parser


class PortalUser(HttpUser):
    abstract = True
    accounts = ()

    def on_start(self):
        cls = type(self)
        cls._next = getattr(cls, "_next", 0)
        self.account = self.accounts[cls._next % len(self.accounts)]
        cls._next += 1
        self.login(self.account["username"])
        self.started()

    def started(self):
        RECORDER.user_in()

    def login(self, username):
        url = PLAN["login_url"]
        page = self.client.get(url, name="login_page")
        token = parse_form(page.text).fields.get("csrfmiddlewaretoken", "")
        with self.client.post(
            url,
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or url in location:
                response.failure(f"{username}: login answered {response.status_code}")

    def get(self, url, kind, *, expect=200):
        with self.client.get(url, name=kind, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{url} answered {response.error or response.status_code}")
            elif expect == 200 and PLAN["login_url"] in response.url:
                response.failure(f"{url} went to the login page")
            else:
                response.success()
            return response


class Reviewer(PortalUser):
    """Opens the queue, then the sheet, and autosaves one changed item every 10 s (after a
    refused save, the sheet is opened again first)."""

    fixed_count = int(os.environ.get("LOAD_REVIEWERS", "300"))
    accounts = PLAN["reviewers"]
    wait_time = constant_pacing(AUTOSAVE_SECONDS)

    def started(self):
        self.open_sheet()
        RECORDER.user_in()

    def open_sheet(self):
        self.get(self.account["queue_url"], "queue")
        response = self.get(self.account["score_url"], "score_page")
        form = parse_form(response.text)
        self.fields = {k: v for k, v in form.fields.items() if SHEET_FIELD.match(k)}
        self.token = form.fields.get("csrfmiddlewaretoken", "")
        self.standard = sorted(
            (name, form.maxima[name])
            for name, kind in form.kinds.items()
            if kind == "standard" and name in form.maxima
        )

    @task
    def autosave(self):
        if not self.standard:
            self.open_sheet()
            if not self.standard:
                return
        name, maximum = random.choice(self.standard)
        value = f"{random.randint(0, int(maximum * 2)) / 2:g}"
        data = {**self.fields, name: value, "csrfmiddlewaretoken": self.token}
        username, subject = self.account["username"], self.account["subject"]
        RECORDER.send(
            username,
            subject,
            {int(k.split("_")[1]): v for k, v in data.items() if k.startswith("points_") and v},
        )
        with self.client.post(
            self.account["autosave_url"],
            data=data,
            headers={"HX-Request": "true", "X-CSRFToken": self.token},
            name="autosave",
            catch_response=True,
        ) as response:
            revision = REVISION.search(response.text or "")
            if response.status_code != 200 or 'data-testid="autosaved"' not in response.text:
                reason = response.error or response.status_code
                response.failure(f"autosave not saved ({reason})")
                self.standard = []  # reload the sheet before the next save
                return
            if revision is None:
                response.failure("autosave answered without the new revision")
                self.standard = []
                return
            response.success()
        self.fields[name] = value
        self.fields["revision"] = revision.group(1)
        RECORDER.ack(username, subject)


class Officer(PortalUser):
    """Browses lists and, now and then, the dashboard of their level."""

    fixed_count = int(os.environ.get("LOAD_OFFICERS", "60"))
    accounts = PLAN["officers"]
    wait_time = between(3, 10)

    @task(1)
    def dashboard(self):
        self.get(random.choice(self.account["pages"]["dashboard"]), "dashboard")

    @task(3)
    def browse(self):
        self.get(random.choice(self.account["pages"]["list"]), "list")


class Visitor(HttpUser):
    """An anonymous visitor on the public pages; a few look up a tracking code."""

    fixed_count = int(os.environ.get("LOAD_VISITORS", "20"))
    wait_time = between(3, 10)
    track_left = TRACK_BUDGET

    def on_start(self):
        RECORDER.user_in()

    def get(self, url, kind, *, expect=200):
        with self.client.get(url, name=kind, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{url} answered {response.status_code}")
            else:
                response.success()

    @task(6)
    def page(self):
        self.get(random.choice(PLAN["public"]["pages"]), "public")

    @task(1)
    def verify(self):
        public = PLAN["public"]
        self.get(random.choice(public["verify"]), "verify", expect=public["verify_status"])

    @task(1)
    def track(self):
        if Visitor.track_left <= 0:
            return self.page()
        Visitor.track_left -= 1
        self.get(PLAN["public"]["track"], "track", expect=404)

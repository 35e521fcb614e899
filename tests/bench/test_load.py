"""The load test's pieces that run without a load: the refusal of the embedded defaults, the
figures written as bench/results.json is, the accounts and plan it sets up, and the check that
every acknowledged autosave is in the database (no timing is asserted)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from assessments.models import Item, Score, ScoreSheet
from assessments.services.sheets import SheetInput, score_sheet_save
from bench import run as bench_runner
from bench.load import run as load_runner
from bench.load.setup import load_prepare

POSTGRES = "postgres://postgres@127.0.0.1:5432/civport_load"
REDIS = "redis://127.0.0.1:6379/9"


@pytest.mark.parametrize(
    ("database", "redis", "named"),
    [
        ("", REDIS, "DATABASE_URL"),
        ("sqlite:///db.sqlite3", REDIS, "DATABASE_URL"),
        (POSTGRES, "", "REDIS_URL"),
        (POSTGRES, "memory://", "REDIS_URL"),
    ],
)
def test_the_load_test_refuses_anything_but_postgresql_and_redis(database, redis, named):
    with pytest.raises(SystemExit) as refused:
        load_runner.check_services({"DATABASE_URL": database, "REDIS_URL": redis})
    assert named in str(refused.value) and "PostgreSQL and Redis only" in str(refused.value)


def test_the_load_test_takes_postgresql_and_redis():
    environ = {"DATABASE_URL": POSTGRES, "REDIS_URL": REDIS}
    assert load_runner.check_services(environ) == (POSTGRES, REDIS)


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert load_runner.percentile(values, 50) == 50
    assert load_runner.percentile(values, 95) == 95
    assert load_runner.percentile(values, 99) == 99
    assert load_runner.percentile([7.0], 99) == 7.0
    assert load_runner.percentile([], 95) == 0.0


def test_the_figures_cover_the_measured_window_and_are_written_as_the_bench_results(tmp_path):
    recorded = {
        "started_at": 1000.0,
        "ready_at": 1010.0,  # every user in 10 s after the start
        "stopped_at": 1030.0,  # 20 s measured
        "samples": [
            # logins happen during the ramp-up and count over the whole run
            ["login", 2.0, 400.0, True, None],
            ["login", 9.0, 600.0, True, None],
            # an autosave during the ramp-up is left out of the measured figures
            ["autosave", 5.0, 9000.0, True, None],
            *(["autosave", 10.0 + i / 10, float(i), True, None] for i in range(1, 101)),
            ["dashboard", 12.0, 150.0, False, "/dashboards/national/ answered 500"],
        ],
    }

    entries = load_runner.summarise(recorded)
    written = bench_runner.write_results(entries, tmp_path / "load.json")

    on_disk = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert on_disk == written
    assert all(set(e) == {"name", "value", "unit"} for e in on_disk)
    figures = {e["name"]: (e["value"], e["unit"]) for e in on_disk}
    assert figures["load.autosave.rps"] == (5.0, "rps")  # 100 in 20 s
    assert figures["load.autosave.p50_ms"] == (50.0, "ms")
    assert figures["load.autosave.p95_ms"] == (95.0, "ms")
    assert figures["load.autosave.p99_ms"] == (99.0, "ms")
    assert figures["load.login.rps"] == (0.067, "rps")  # 2 in the whole 30 s, rounded
    assert figures["load.login.p95_ms"] == (600.0, "ms")
    assert figures["load.dashboard.p50_ms"] == (150.0, "ms")
    assert figures["load.errors"] == (1.0, "requests")
    assert load_runner.failure_reasons(recorded) == [
        "1 × dashboard: /dashboards/national/ answered 500"
    ]


@pytest.fixture
def scale(db):
    call_command("seed_scale", units=40, people=60, stdout=io.StringIO())


def test_the_setup_gives_each_reviewer_a_draft_and_every_account_the_password(scale, client):
    plan = load_prepare(password="load-pass-1", reviewers=3, officers=6)

    assert len(plan["reviewers"]) == 3 and len(plan["officers"]) == 6
    for reviewer in plan["reviewers"]:
        sheet = ScoreSheet.objects.get(
            subject_id=reviewer["subject"], reviewer__username=reviewer["username"]
        )
        assert sheet.status == ScoreSheet.Status.DRAFT
    # Run again: the same drafts, no sheet reopened twice.
    assert load_prepare(password="load-pass-1", reviewers=3, officers=6) == plan
    for account in (plan["reviewers"][0], plan["officers"][0], plan["officers"][-1]):
        response = client.post(
            plan["login_url"], {"username": account["username"], "password": "load-pass-1"}
        )
        assert response.status_code == 302, account["username"]
        client.logout()
    reviewer = plan["reviewers"][0]
    client.post(plan["login_url"], {"username": reviewer["username"], "password": "load-pass-1"})
    assert client.get(reviewer["score_url"]).status_code == 200
    officer = plan["officers"][0]
    client.logout()
    client.post(plan["login_url"], {"username": officer["username"], "password": "load-pass-1"})
    assert client.get(officer["pages"]["dashboard"][0]).status_code == 200


def test_an_acknowledged_score_that_is_not_stored_is_counted_lost(scale):
    plan = load_prepare(password="load-pass-1", reviewers=2, officers=1)
    first, second = plan["reviewers"]
    sheet = ScoreSheet.objects.select_related("subject__review", "reviewer").get(
        subject_id=first["subject"], reviewer__username=first["username"]
    )
    items = list(
        Item.objects.filter(scheme=sheet.subject.review.scheme, kind=Item.Kind.STANDARD).order_by(
            "pk"
        )
    )
    stored = {s.item_id: s.points for s in Score.objects.filter(sheet=sheet)}
    points = {**stored, items[0].pk: Decimal("1.5")}
    score_sheet_save(
        actor=sheet.reviewer,
        subject=sheet.subject,
        data=SheetInput(points=points),
        revision=sheet.revision,
    )
    other = ScoreSheet.objects.get(
        subject_id=second["subject"], reviewer__username=second["username"]
    )
    other_score = Score.objects.filter(sheet=other).order_by("item_id").first()
    acks = [
        # saved and acknowledged: kept
        {"username": first["username"], "subject": first["subject"], "item": items[0].pk,
         "points": "1.5"},
        # another item of the same sheet still holds its old points: kept
        {"username": first["username"], "subject": first["subject"], "item": items[1].pk,
         "points": str(stored[items[1].pk])},
        # acknowledged as 0.5 but the database holds something else: lost
        {"username": first["username"], "subject": first["subject"], "item": items[2].pk,
         "points": str(stored[items[2].pk] + Decimal("0.5"))},
        # the other reviewer's sheet, checked by its own reviewer and subject
        {"username": second["username"], "subject": second["subject"],
         "item": other_score.item_id, "points": str(other_score.points)},
        # the same item acknowledged for a reviewer whose sheet it is not: lost
        {"username": second["username"], "subject": first["subject"], "item": items[0].pk,
         "points": "1.5"},
        # acknowledged as something else, then saved again as the stored points, that save
        # unanswered when the test stopped: kept
        {"username": first["username"], "subject": first["subject"], "item": items[3].pk,
         "points": str(stored[items[3].pk] + Decimal("1")),
         "unanswered": str(stored[items[3].pk])},
        # neither the acknowledged nor the unanswered points are stored: lost
        {"username": first["username"], "subject": first["subject"], "item": items[4].pk,
         "points": str(stored[items[4].pk] + Decimal("1")),
         "unanswered": str(stored[items[4].pk] + Decimal("0.5"))},
    ]  # fmt: skip

    lost = load_runner.autosaves_lost(acks)

    assert lost == sorted(
        [
            (first["username"], first["subject"], items[2].pk),
            (first["username"], first["subject"], items[4].pk),
            (second["username"], first["subject"], items[0].pk),
        ]
    )


def test_the_server_times_are_read_from_the_access_log():
    lines = [
        "POST /assessments/score/12/autosave/ 200 41250",
        "GET /assessments/score/12/ 200 98000",
        "POST /accounts/login/ 302 512000",
        "POST /assessments/score/13/autosave/ 200 1500",
        "a line of something else",
    ]
    assert load_runner.server_times(lines) == [41.25, 1.5]

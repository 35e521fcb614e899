"""The campaign's work in the scale data set: sized by the synthetic units (or as asked), spread
over a year, consistent with the hierarchy, unaudited, skipped when present and removed on
reset."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from bench import bench_work
from bench.common import BenchContext
from campaigns.models import (
    Activity,
    Authority,
    Commitment,
    Feedback,
    Finding,
    Inspection,
    Plan,
    Rectification,
    Unit,
)
from campaigns.scope import scope_for
from campaigns.selectors.public import feedback_get_by_code
from campaigns.selectors.work import activity_list_for
from civport.models import AuditEntry
from seeding import scale_work
from seeding.scale_campaigns import PREFIX, seed_scale

UNITS = 120
# Sized as 100,000 activities, 10,000 items and 20,000 feedback items are for 6,000 units.
ACTIVITIES, RECTIFICATIONS, FEEDBACK = 2000, 200, 400


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """A small data set built once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        audited = AuditEntry.objects.count()
        result = seed_scale(units=UNITS, people=200)
        yield result, audited
        transaction.set_rollback(True)


@pytest.fixture
def scale(built, db):
    return built


def _synthetic_activities():
    return Activity.objects.filter(unit__code__startswith=PREFIX)


def _synthetic_items():
    return Rectification.objects.filter(owner_unit__code__startswith=PREFIX)


def test_seed_scale_builds_the_work_sized_by_the_units(scale):
    result, _audited = scale
    assert not result.skipped
    assert result.counts["activities"] == _synthetic_activities().count() == ACTIVITIES
    assert result.counts["rectifications"] == _synthetic_items().count() == RECTIFICATIONS
    assert result.counts["feedback"] == FEEDBACK
    assert Feedback.objects.filter(tracking_hash__startswith=PREFIX).count() == FEEDBACK
    assert Inspection.objects.count() == RECTIFICATIONS // scale_work.FINDINGS_PER_INSPECTION
    assert Finding.objects.count() == RECTIFICATIONS
    assert {"activities", "rectifications", "feedback"} <= set(result.timings)
    # A plan for each synthetic port authority with synthetic units, and Shenzhen's.
    with_units = set(
        Unit.objects.filter(code__startswith=PREFIX).values_list("authority__code", flat=True)
    )
    planned = set(Plan.objects.values_list("authority__code", flat=True))
    assert planned == {c for c in with_units if c.startswith(PREFIX) or c == "GD-SZ"}
    assert "GD-SZ" in planned and len(planned) > 30
    assert not Plan.objects.filter(commitments__isnull=True).exists()
    per_plan = Commitment.objects.values("plan").annotate(n=Count("pk"))
    assert {row["n"] for row in per_plan} <= set(range(1, 10))


def test_activities_spread_over_a_year_in_their_units_authority(scale):
    today = timezone.localdate()
    activities = _synthetic_activities().select_related("unit")
    dates = activities.values_list("occurred_on", flat=True)
    assert min(dates) >= today - datetime.timedelta(days=365)
    assert max(dates) <= today
    assert len({d.month for d in dates}) == 12
    assert all(a.authority_id == a.unit.authority_id for a in activities)
    assert set(activities.values_list("form", flat=True)) == set(Activity.Form.values)
    assert set(activities.values_list("status", flat=True)) == set(Activity.Status.values)
    assert not activities.filter(status="more_requested", review_comment="").exists()
    per_activity = Activity.areas.through.objects.values("activity").annotate(n=Count("pk"))
    assert {row["n"] for row in per_activity} == {1, 2}
    assert per_activity.count() == ACTIVITIES
    for link in Activity.participant_units.through.objects.select_related("activity", "unit"):
        assert link.unit.authority_id == link.activity.authority_id
    assert activities.filter(created_at__lt=timezone.now() - datetime.timedelta(days=180)).exists()


def test_rectification_items_belong_to_their_inspections_area(scale):
    today = timezone.localdate()
    items = _synthetic_items().select_related("finding", "inspection__authority", "owner_unit")
    for item in items:
        assert item.finding.inspection_id == item.inspection_id
        assert item.owner_unit.authority.path.startswith(item.inspection.authority.path)
        assert item.due_on >= item.inspection.visited_on
        assert item.inspection.units.filter(pk=item.owner_unit_id).exists()
        if item.status in ("answered", "closed", "sent_back"):
            assert item.answer and item.answered_at
        if item.status == "sent_back":
            assert item.review_comment
    assert set(items.values_list("status", flat=True)) == set(Rectification.Status.values)
    overdue = items.filter(status__in=Rectification.PENDING, due_on__lt=today)
    assert overdue.exists()
    levels = set(Inspection.objects.values_list("authority__level", flat=True))
    assert levels == {Authority.Level.PORT, Authority.Level.PROVINCIAL}


def test_feedback_in_every_state_and_no_tracking_code_finds_it(scale):
    feedback = Feedback.objects.filter(tracking_hash__startswith=PREFIX)
    assert set(feedback.values_list("status", flat=True)) == set(Feedback.Status.values)
    assert not feedback.filter(status="answered", answer="").exists()
    created = feedback.values_list("created_at", flat=True)
    assert min(created) < timezone.now() - datetime.timedelta(days=300)
    assert max(created) <= timezone.now()
    assert feedback_get_by_code(f"{PREFIX}000000000001") is None


def test_synthetic_work_has_no_audit_entries(scale):
    _result, audited = scale
    actions = set(AuditEntry.objects.order_by("pk")[audited:].values_list("action", flat=True))
    # Only the hierarchy's services and the personas' grants are audited.
    assert not {a for a in actions if a.split(".")[1] in {"activity", "feedback", "finding"}}


def test_bench_port_officer_sees_its_port_authoritys_activities(scale):
    user = get_user_model().objects.get(username=scale_work.BENCH_PORT)
    authority = Authority.objects.get(code=scale_work.BENCH_PORT_AUTHORITY)
    assert scope_for(user).edit_paths == (authority.path,)
    mine = activity_list_for(user)
    assert mine.exists()
    assert set(mine.values_list("authority__code", flat=True)) == {authority.code}


def test_a_second_run_skips_and_reset_rebuilds_the_same_counts(scale):
    again = seed_scale(units=UNITS, people=200)
    assert again.skipped
    assert again.counts["activities"] == ACTIVITIES

    rebuilt = seed_scale(units=UNITS, people=200, reset=True)

    assert not rebuilt.skipped
    assert rebuilt.counts == {**scale[0].counts}
    assert Unit.objects.filter(code__startswith=PREFIX).count() == UNITS


def test_an_existing_data_set_gets_the_work_it_lacks_at_the_sizes_asked(scale):
    scale_work.delete_synthetic()
    assert scale_work.synthetic_counts() == {"activities": 0, "rectifications": 0, "feedback": 0}
    assert not Inspection.objects.exists() and not Plan.objects.exists()

    part = scale_work.seed_work(activities=50, rectifications=12, feedback=7)

    assert not part.skipped
    assert part.counts == {"activities": 50, "rectifications": 12, "feedback": 7}
    assert Inspection.objects.count() == 3
    assert scale_work.seed_work().skipped
    scale_work.delete_synthetic()
    # Through seed_scale: the units exist, so only the work is built, sized by them.
    result = seed_scale(units=UNITS, people=200)
    assert not result.skipped
    assert result.counts["activities"] == ACTIVITIES


def test_the_work_benchmark_measures_every_page_on_the_data_set(scale):
    ctx = BenchContext(repeat=1)

    bench_work.run(ctx)

    assert ctx.failures == []
    names = {r["name"] for r in ctx.results}
    for page in (
        "activity_list",
        "activity_list_port",
        "national_dashboard",
        "port_dashboard",
        "rectification_list_overdue",
    ):
        assert {f"pages.{page}.queries", f"pages.{page}.median_ms"} <= names

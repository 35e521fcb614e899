"""The activity summary behind the dashboards: kept by the activity services in every state,
area and year, equal to what the activities say (so every dashboard figure read from it equals
the figure counted from the activities), rebuilt by a command that changes nothing when it is
right, and never losing a count when two activities are logged at once."""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction

from campaigns import dashboards
from campaigns.models import Activity, ActivitySummary, Authority, ConstructionArea
from campaigns.services import summaries
from campaigns.services import work as services
from seeding import scale_work
from seeding.scale_campaigns import seed_scale
from tests.conftest import require_postgresql
from tests.polling import second_waits_for_first

YEAR = 2026
TODAY = datetime.date(YEAR, 12, 31)
YEARS = (YEAR - 2, YEAR - 1, YEAR)


def area(code):
    return ConstructionArea.objects.get(code=code)


def log(actor, authority, codes, *, unit=None, on=None, verified=False):
    return services.activity_create(
        actor=actor,
        authority=authority,
        unit=unit,
        occurred_on=on or datetime.date(YEAR, 3, 1),
        form=Activity.Form.TRAINING,
        areas=[area(code) for code in codes],
        title="活动",
        description="描述",
        verified=verified,
        today=TODAY,
    )


def update(actor, activity, codes, *, on):
    return services.activity_update(
        actor=actor,
        activity=activity,
        areas=[area(code) for code in codes],
        participant_units=[],
        occurred_on=on,
        today=TODAY,
    )


@pytest.fixture
def work(world, port_officer, gd_officer, nb_officer):
    """Activities of four authorities (two port authorities and a province of Guangdong, and
    Ningbo) over three years, in one to three areas, in every state and every way of getting
    there: submitted, verified, sent back, sent back and resubmitted (moved to another year and
    other areas on the way), logged as verified by the authority itself."""
    sz, gz, nb = world.sz, world.gz, world.nb
    codes = [a.code for a in ConstructionArea.objects.order_by("order")]
    authorities = [
        (sz.authority, port_officer, sz.units),
        (gz.authority, gd_officer, gz.units),
        (world.gd, gd_officer, [None]),
        (nb.authority, nb_officer, nb.units),
    ]
    for i in range(36):
        authority, officer, units = authorities[i % len(authorities)]
        unit = units[i % len(units)]
        year = YEARS[i % len(YEARS)]
        chosen = [codes[i % 9], codes[(i * 4) % 9], codes[(i * 7 + 2) % 9]][: 1 + i % 3]
        on = datetime.date(year, 1 + i % 12, 1 + i % 28)
        activity = log(officer, authority, chosen, unit=unit, on=on, verified=unit is None)
        if unit is None:
            continue
        outcome = i % 5
        if outcome == 1:
            services.activity_verify(actor=officer, activity=activity)
        elif outcome in (2, 3, 4):
            services.activity_request_more(actor=officer, activity=activity, comment="补充材料")
            if outcome >= 3:  # resubmitted in another year, in other areas
                moved = datetime.date(YEARS[(i + 1) % len(YEARS)], 6, 1 + i % 28)
                activity = update(officer, activity, [codes[(i + 5) % 9]], on=moved)
            if outcome == 4:
                services.activity_verify(actor=officer, activity=activity)
    # An activity still submitted, changed to another year and back, in other areas.
    activity = log(port_officer, sz.authority, ["safety"], unit=sz.units[0])
    update(port_officer, activity, ["service", "culture"], on=datetime.date(YEAR - 1, 5, 5))
    update(port_officer, activity, ["culture"], on=datetime.date(YEAR, 5, 5))
    return world


# --- the figures as the activities say them -----------------------------------------------------


def counted_from_activities():
    """{(authority id, year): (activities, verified, {area id: activities}, {area id:
    verified})} counted in Python from the activities, as the dashboards count: every activity
    but those sent back for more, an activity in two areas once in each."""
    counts = defaultdict(lambda: [0, 0, Counter(), Counter()])
    for activity in Activity.objects.prefetch_related("areas"):
        if activity.status == Activity.Status.MORE_REQUESTED:
            continue
        verified = activity.status == Activity.Status.VERIFIED
        entry = counts[(activity.authority_id, activity.occurred_on.year)]
        entry[0] += 1
        entry[1] += verified
        for a in activity.areas.all():
            entry[2][a.pk] += 1
            entry[3][a.pk] += verified
    return counts


def expected_below(path, year, counts):
    """The activities at or below `path` in `year`: (activities, verified, per area, per area
    verified)."""
    total = [0, 0, Counter(), Counter()]
    for authority in Authority.objects.filter(path__startswith=path):
        n, verified, per_area, per_area_verified = counts.get(
            (authority.pk, year), (0, 0, Counter(), Counter())
        )
        total[0] += n
        total[1] += verified
        total[2].update(per_area)
        total[3].update(per_area_verified)
    return total


def without_zeros(counter):
    return {k: v for k, v in counter.items() if v}


def test_every_dashboard_figure_from_the_summary_equals_the_count_of_the_activities(work):
    counts = counted_from_activities()
    assert set(Activity.objects.values_list("status", flat=True)) == set(Activity.Status.values)
    assert {year for _authority, year in counts} == set(YEARS)
    nodes = [work.national, work.gd, work.zj]
    seen = Counter()
    for year in YEARS:
        for node in nodes:
            data = dashboards.breakdown(node, year=year, today=TODAY)
            for row in data.rows:
                # The node's own row counts the node alone; the others all below them.
                if row.is_node:
                    n, verified, per_area, _v = counts.get(
                        (row.authority.pk, year), (0, 0, Counter(), Counter())
                    )
                else:
                    n, verified, per_area, _v = expected_below(row.authority.path, year, counts)
                assert (row.counts.activities, row.counts.activities_verified) == (n, verified)
                assert without_zeros(row.counts.by_area) == without_zeros(per_area)
                assert row.counts.area_counts == [per_area[a.pk] for a in data.areas]
                seen["rows"] += 1
                seen["activities"] += n
            n, verified, per_area, _v = expected_below(node.path, year, counts)
            assert (data.total.activities, data.total.activities_verified) == (n, verified)
            assert data.total.area_counts == [per_area[a.pk] for a in data.areas]
        for authority in (work.sz.authority, work.gz.authority, work.nb.authority):
            data = dashboards.port_dashboard(authority, year=year, today=TODAY)
            n, verified, per_area, per_area_verified = expected_below(authority.path, year, counts)
            assert (data.activities, data.activities_verified) == (n, verified)
            assert [(r.activities, r.verified) for r in data.area_rows] == [
                (per_area[a.pk], per_area_verified[a.pk]) for a in data.areas
            ]
            seen["port"] += n
    # Per year: GD and ZJ nationally; GD itself, Guangzhou and Shenzhen; Ningbo.
    assert seen["rows"] == 3 * (2 + 3 + 1) and seen["activities"] and seen["port"]


def test_the_summary_equals_the_one_rebuilt_from_the_activities(work):
    incremental = summaries.summary_rows()
    assert incremental == summaries.summary_from_activities()
    emptied = ActivitySummary.objects.count() - len(incremental)
    assert emptied  # rows left at zero by the activities that moved to another year or area
    result = summaries.activity_summary_rebuild()
    # Only those go.
    assert (result.created, result.corrected, result.removed) == (0, 0, emptied)
    assert summaries.summary_rows() == incremental
    again = summaries.activity_summary_rebuild()
    assert again.changed == 0 and again.rows == len(incremental)


def test_each_service_moves_the_count_with_the_activity(world, port_officer, unit_contact):
    sz = world.sz.authority
    safety, service = area("safety").pk, area("service").pk

    def row(year, area_id=None):
        found = ActivitySummary.objects.filter(authority=sz, year=year, area_id=area_id).first()
        return (found.submitted, found.verified, found.more_requested) if found else None

    activity = log(unit_contact, sz, ["safety", "service"], unit=world.sz.units[0])
    assert [row(YEAR), row(YEAR, safety), row(YEAR, service)] == [(1, 0, 0)] * 3
    services.activity_request_more(actor=port_officer, activity=activity, comment="补充")
    assert [row(YEAR), row(YEAR, safety), row(YEAR, service)] == [(0, 0, 1)] * 3
    update(unit_contact, activity, ["service"], on=datetime.date(YEAR - 1, 7, 1))
    assert [row(YEAR), row(YEAR, safety), row(YEAR, service)] == [(0, 0, 0)] * 3
    assert [row(YEAR - 1), row(YEAR - 1, service), row(YEAR - 1, safety)] == [
        (1, 0, 0),
        (1, 0, 0),
        None,
    ]
    services.activity_verify(actor=port_officer, activity=activity)
    assert [row(YEAR - 1), row(YEAR - 1, service)] == [(0, 1, 0)] * 2
    log(port_officer, sz, ["safety"], verified=True)
    assert [row(YEAR), row(YEAR, safety)] == [(0, 1, 0)] * 2


def test_a_refused_change_leaves_the_summary_as_it_was(world, port_officer, unit_contact):
    activity = log(unit_contact, world.sz.authority, ["safety"], unit=world.sz.units[0])
    services.activity_verify(actor=port_officer, activity=activity)
    before = summaries.summary_rows()
    with pytest.raises(ValidationError):
        services.activity_verify(actor=port_officer, activity=activity)
    with pytest.raises(ValidationError):
        update(unit_contact, activity, ["service"], on=datetime.date(YEAR, 1, 2))
    with pytest.raises(ValidationError):
        log(unit_contact, world.sz.authority, [], unit=world.sz.units[0])
    assert summaries.summary_rows() == before


def test_rebuild_repairs_a_wrong_summary_and_dry_run_writes_nothing(world, port_officer):
    log(port_officer, world.sz.authority, ["safety", "service"], verified=True)
    log(port_officer, world.nb.authority, ["culture"], verified=True)
    right = summaries.summary_rows()
    ActivitySummary.objects.filter(area__code="safety").delete()  # missing
    ActivitySummary.objects.filter(area__code="service").update(verified=7)  # wrong
    ActivitySummary.objects.create(authority=world.gz.authority, year=YEAR, verified=3)  # extra
    wrong = summaries.summary_rows()

    out = io.StringIO()
    call_command("activity_summary_rebuild", "--dry-run", stdout=out)
    assert summaries.summary_rows() == wrong
    assert out.getvalue().count("\n") == 1
    assert "1 created, 1 corrected, 1 removed" in out.getvalue()
    assert "dry run" in out.getvalue()

    out = io.StringIO()
    call_command("activity_summary_rebuild", stdout=out)
    assert summaries.summary_rows() == right
    assert "5 rows: 1 created, 1 corrected, 1 removed" in out.getvalue()

    out = io.StringIO()
    call_command("activity_summary_rebuild", stdout=out)
    assert "5 rows: 0 created, 0 corrected, 0 removed" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_change_outside_a_transaction_is_refused():
    contribution = summaries.contribution(
        authority_id=1,
        occurred_on=datetime.date(YEAR, 1, 1),
        status=Activity.Status.SUBMITTED,
        area_ids=[],
    )
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        summaries.summary_change(after=contribution)
    assert not ActivitySummary.objects.exists()


def test_the_scale_data_ends_with_the_summary_of_its_activities(db):
    with transaction.atomic():
        seed_scale(units=60, people=60)  # with a thousand activities, bulk-inserted
        assert Activity.objects.count() >= 1000
        assert summaries.summary_rows() == summaries.summary_from_activities()
        scale_work.delete_synthetic()
        assert summaries.summary_rows() == summaries.summary_from_activities()


# --- two at once --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rows_exist", [False, True], ids=["new-rows", "existing-rows"])
def test_two_activities_logged_at_once_both_count(world, port_officer, gd_officer, rows_exist):
    """The first officer's activity is written and counted but not committed when the second
    one's is: the second waits on the first's summary rows (the unique index when they are new,
    the row lock when they exist) and then adds to what the first committed."""
    require_postgresql("two connections writing the same summary rows at once")
    authority = world.sz.authority
    if rows_exist:
        log(port_officer, authority, ["safety"], unit=world.sz.units[0])
    raised = second_waits_for_first(
        lambda: log(port_officer, authority, ["safety"], unit=world.sz.units[0]),
        lambda: log(gd_officer, authority, ["safety"], unit=world.sz.units[1]),
        what="the second activity to wait",
    )
    assert raised == {"first": None, "second": None}
    expected = 3 if rows_exist else 2
    rows = ActivitySummary.objects.filter(authority=authority, year=YEAR)
    assert dict(rows.values_list("area__code", "submitted")) == {
        None: expected,
        "safety": expected,
    }
    assert summaries.summary_rows() == summaries.summary_from_activities()

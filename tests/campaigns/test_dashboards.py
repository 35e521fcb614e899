"""Dashboards: exact figures on a small data set, a fixed number of queries whatever the data
size, access by scope (404 across provinces and units), the assessment panel once a cycle is
published, and pages that load nothing from outside the portal.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from assessments.models import Cycle
from assessments.services import cycles
from assessments.services import reviews as review_services
from campaigns import dashboards
from campaigns import services as hierarchy_services
from campaigns.models import (
    Activity,
    Agency,
    ConstructionArea,
    Feedback,
    Filing,
    Plan,
    Rectification,
)
from campaigns.selectors.public import survey_satisfaction_for_port
from campaigns.selectors.work import plan_progress
from campaigns.services import filings as filing_services
from campaigns.services import public as public_services
from campaigns.services import work as services
from tests.assessments.fixtures import make_user, submit_sheet, template  # noqa: F401
from tests.conftest import login

BASE = 3  # session + user + scope
MANY = 12
TODAY = timezone.localdate()
YEAR = TODAY.year
# Activities may be logged on any day of the year: the services are told it is the year's end.
YEAR_END = datetime.date(YEAR, 12, 31)
PAST_DUE = TODAY - datetime.timedelta(days=1)
FUTURE_DUE = TODAY + datetime.timedelta(days=60)
VISITED = TODAY - datetime.timedelta(days=10)


def area(code):
    return ConstructionArea.objects.get(code=code)


def day(n):
    return datetime.date(YEAR, 1, 1) + datetime.timedelta(days=n)


def log(actor, authority, areas, *, unit=None, on=None, participants=(), verified=False):
    return services.activity_create(
        actor=actor,
        authority=authority,
        unit=unit,
        occurred_on=on or day(10),
        form=Activity.Form.TRAINING,
        areas=[area(code) for code in areas],
        title="活动",
        description="描述",
        participant_units=list(participants),
        verified=verified,
        today=YEAR_END,
    )


def rectification(actor, inspection, unit, due_on, text="问题"):
    _finding, item = services.finding_add(
        actor=actor, inspection=inspection, text=text, owner_unit=unit, due_on=due_on
    )
    return item


def feedback(port, status="received", actor=None):
    item, _code = public_services.feedback_submit(port=port, kind="suggestion", text="建议")
    if status == "in_progress":
        public_services.feedback_start(actor=actor, feedback=item)
    elif status == "answered":
        public_services.feedback_answer(actor=actor, feedback=item, answer="已处理")
    elif status == "closed":
        public_services.feedback_close(actor=actor, feedback=item, reason="重复")
    return item


def survey_with_answers(actor, port, scores):
    """An open survey of the port with one answer per score (one agency, one dimension)."""
    survey = public_services.survey_create(
        actor=actor,
        port=port,
        title="满意度调查",
        period_start=TODAY - datetime.timedelta(days=5),
        period_end=TODAY + datetime.timedelta(days=5),
        mode="open_link",
        groups=["企业"],
        dimensions=["服务态度"],
        agencies=[Agency.objects.get(code="CUSTOMS")],
    )
    public_services.survey_open(actor=actor, survey=survey)
    group = survey.groups.get()
    dimension = survey.dimensions.get()
    agency = survey.agencies.get()
    for score in scores:
        public_services.survey_answer_submit(
            survey=survey, group=group, scores={(agency.pk, dimension.pk): score}
        )
    return survey


@pytest.fixture
def small(world, national_admin, gd_officer, zj_officer, port_officer, nb_officer):
    """A small, exactly known year of campaign work (see each figure's test)."""
    sz, gz, nb = world.sz, world.gz, world.nb
    sz1, sz2 = sz.units
    # Filings: Guangdong filed two documents (one acknowledged); Zhejiang has a draft only.
    opinion = filing_services.filing_create(
        actor=gd_officer,
        authority=world.gd,
        kind="implementation_opinion",
        title="实施意见",
        text="正文",
    )
    filing_services.filing_submit(actor=gd_officer, filing=opinion)
    filing_services.filing_acknowledge(actor=national_admin, filing=opinion)
    method = filing_services.filing_create(
        actor=gd_officer,
        authority=world.gd,
        kind="evaluation_method",
        title="评比办法",
        text="正文",
    )
    filing_services.filing_submit(actor=gd_officer, filing=method)
    filing_services.filing_create(
        actor=zj_officer,
        authority=world.zj,
        kind="evaluation_method",
        title="评比办法",
        text="正文",
    )
    # Plans: Shenzhen's is published, Guangzhou's a draft, Ningbo's of last year.
    plan = services.plan_create(actor=port_officer, authority=sz.authority, year=YEAR, title="计划")
    for unit, code, target in ((sz1, "safety", 3), (sz2, "service", 1), (sz1, "service", 1)):
        services.commitment_add(
            actor=port_officer,
            plan=plan,
            area=area(code),
            unit=unit,
            goal="目标",
            owner_name="负责人",
            due_on=YEAR_END,
            target_activities=target,
        )
    services.plan_publish(actor=port_officer, plan=plan)
    services.plan_create(actor=gd_officer, authority=gz.authority, year=YEAR, title="广州计划")
    nb_plan = services.plan_create(
        actor=nb_officer, authority=nb.authority, year=YEAR - 1, title="宁波计划"
    )
    services.commitment_add(
        actor=nb_officer,
        plan=nb_plan,
        area=area("safety"),
        unit=nb.units[0],
        goal="目标",
        owner_name="负责人",
        due_on=datetime.date(YEAR - 1, 12, 31),
        target_activities=1,
    )
    services.plan_publish(actor=nb_officer, plan=nb_plan)
    # Activities. Shenzhen: four counted (two verified), one sent back, one of last year.
    log(port_officer, sz.authority, ["safety", "service"], unit=sz1, verified=True)
    log(port_officer, sz.authority, ["safety"], unit=sz1)
    sent_back = log(port_officer, sz.authority, ["culture"], unit=sz2)
    services.activity_request_more(actor=port_officer, activity=sent_back, comment="补充材料")
    log(port_officer, sz.authority, ["integrity"], verified=True)
    log(port_officer, sz.authority, ["service"], unit=sz2, participants=[sz1])
    log(port_officer, sz.authority, ["safety"], unit=sz1, on=datetime.date(YEAR - 1, 12, 31))
    # Guangzhou one, the province itself one, Ningbo one (verified).
    log(gd_officer, gz.authority, ["efficiency"], unit=gz.units[0])
    log(gd_officer, world.gd, ["coordination"])
    log(nb_officer, nb.authority, ["safety", "culture"], verified=True)
    # Rectification items: Shenzhen four not closed (two overdue) and one closed; Ningbo one.
    inspection = services.inspection_create(
        actor=gd_officer,
        authority=world.gd,
        visited_on=VISITED,
        inspectors="检查组",
        summary="巡访",
        ports=[sz.port],
        units=[sz1, sz2],
    )
    rectification(gd_officer, inspection, sz1, PAST_DUE)  # open, overdue
    rectification(gd_officer, inspection, sz1, FUTURE_DUE)  # open
    answered = rectification(gd_officer, inspection, sz2, PAST_DUE)
    services.rectification_answer(actor=None, item=answered, answer="已整改")  # not overdue
    sent = rectification(gd_officer, inspection, sz2, PAST_DUE)
    services.rectification_answer(actor=None, item=sent, answer="已整改")
    services.rectification_send_back(actor=gd_officer, item=sent, comment="不充分")  # overdue
    closed = rectification(gd_officer, inspection, sz1, FUTURE_DUE)
    services.rectification_answer(actor=None, item=closed, answer="已整改")
    services.rectification_close(actor=gd_officer, item=closed)
    nb_inspection = services.inspection_create(
        actor=nb_officer,
        authority=nb.authority,
        visited_on=VISITED,
        inspectors="组",
        summary="巡访",
        units=[nb.units[0]],
    )
    rectification(nb_officer, nb_inspection, nb.units[0], PAST_DUE)  # open, overdue
    # Feedback: Shenzhen four (two handled), Ningbo one (handled).
    for status in ("received", "in_progress", "answered", "closed"):
        feedback(sz.port, status, actor=port_officer)
    feedback(nb.port, "answered", actor=nb_officer)
    # Satisfaction: Shenzhen's two ports, 4 and 5 at the first, 3 at the second.
    second_port = hierarchy_services.port_create(
        actor=None,
        code="GD-0009",
        name="深圳蛇口港口岸",
        port_type="water",
        subtype="sea",
        authority=sz.authority,
    )
    survey_with_answers(port_officer, sz.port, [4, 5])
    survey_with_answers(port_officer, second_port, [3])
    return world


@pytest.fixture
def many(small, port_officer, gd_officer, nb_officer):
    """Twelve more rows of each kind in both provinces, to show that the queries stay put."""
    world = small
    sz1, sz2 = world.sz.units
    inspection = services.inspection_create(
        actor=gd_officer,
        authority=world.gd,
        visited_on=VISITED,
        inspectors="检查组",
        summary="巡访",
        units=[sz1, sz2],
    )
    for i in range(MANY):
        log(port_officer, world.sz.authority, ["safety", "culture"], unit=sz2, on=day(i))
        log(gd_officer, world.gz.authority, ["service"], unit=world.gz.units[1], on=day(i))
        log(nb_officer, world.nb.authority, ["efficiency"], on=day(i), verified=True)
        rectification(gd_officer, inspection, sz2 if i % 2 else sz1, PAST_DUE, text=f"问题{i}")
        feedback(world.sz.port)
        feedback(world.nb.port)
    plan = Plan.objects.get(authority=world.sz.authority, year=YEAR)
    services.plan_reopen(actor=port_officer, plan=plan)
    codes = [a.code for a in ConstructionArea.objects.order_by("order")]
    for i, code in enumerate(codes):
        if code in ("safety", "service"):
            continue
        services.commitment_add(
            actor=port_officer,
            plan=plan,
            area=area(code),
            unit=sz1 if i % 2 else sz2,
            goal="目标",
            owner_name="负责人",
            due_on=YEAR_END,
            target_activities=2,
        )
    services.plan_publish(actor=port_officer, plan=plan)
    for year in range(YEAR - MANY, YEAR):
        services.plan_create(
            actor=gd_officer, authority=world.gz.authority, year=year, title=f"{year}"
        )
    return world


def get(client, user, url, **params):
    login(client, user)
    response = client.get(url, params or {"year": YEAR})
    assert response.status_code == 200
    return response


def national_url():
    return reverse("campaigns:dashboard-national")


def province_url(authority):
    return reverse("campaigns:dashboard-province", args=[authority.pk])


def port_url(authority):
    return reverse("campaigns:dashboard-port", args=[authority.pk])


def unit_url(unit):
    return reverse("campaigns:dashboard-unit", args=[unit.pk])


def charts(response):
    match = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def figures(counts):
    return {
        "filed": counts.filings_filed,
        "acknowledged": counts.filings_acknowledged,
        "plans": counts.plans_published,
        "activities": counts.activities,
        "verified": counts.activities_verified,
        "open": counts.rectifications_open,
        "overdue": counts.rectifications_overdue,
        "received": counts.feedback_received,
        "handled": counts.feedback_handled,
    }


def by_area(counts):
    """The counts per area, by area code, leaving out the areas without any."""
    codes = dict(ConstructionArea.objects.values_list("pk", "code"))
    return {codes[pk]: n for pk, n in counts.by_area.items() if n}


# --- figures ------------------------------------------------------------------------------------


def test_national_dashboard_figures_per_province(client, small, national_admin):
    response = get(client, national_admin, national_url())
    data = response.context["data"]
    rows = {row.authority.code: row for row in data.rows}
    assert list(rows) == ["GD", "ZJ"]
    assert figures(rows["GD"].counts) == {
        "filed": 2,
        "acknowledged": 1,
        "plans": 1,
        "activities": 6,  # Shenzhen 4, Guangzhou 1, the province itself 1
        "verified": 2,
        "open": 4,
        "overdue": 2,
        "received": 4,
        "handled": 2,
    }
    assert by_area(rows["GD"].counts) == {
        "coordination": 1,
        "efficiency": 1,
        "service": 2,
        "safety": 2,
        "integrity": 1,
    }
    assert figures(rows["ZJ"].counts) == {
        "filed": 0,
        "acknowledged": 0,
        "plans": 0,
        "activities": 1,
        "verified": 1,
        "open": 1,
        "overdue": 1,
        "received": 1,
        "handled": 1,
    }
    assert by_area(rows["ZJ"].counts) == {"safety": 1, "culture": 1}
    assert figures(data.total) == {
        "filed": 2,
        "acknowledged": 1,
        "plans": 1,
        "activities": 7,
        "verified": 3,
        "open": 5,
        "overdue": 3,
        "received": 5,
        "handled": 3,
    }
    assert response.context["provinces_filed_all"] == 0


def test_national_charts_are_drawn_from_the_table_numbers(client, small, national_admin):
    response = get(client, national_admin, national_url())
    data = response.context["data"]
    drawn = charts(response)
    assert set(drawn) == {"chart-activities-by-area", "chart-rectifications", "chart-feedback"}
    stacked = drawn["chart-activities-by-area"]
    assert stacked["labels"] == ["广东省人民政府口岸办公室", "浙江省人民政府口岸办公室"]
    assert [d["label"] for d in stacked["datasets"]] == [a.name for a in data.areas]
    safety = next(d for d in stacked["datasets"] if d["label"] == "安全建设")
    assert safety["data"] == [2, 1]
    assert drawn["chart-rectifications"]["datasets"][1]["data"] == [2, 1]
    assert drawn["chart-feedback"]["datasets"][0]["data"] == [4, 1]
    html = response.content.decode()
    # The same numbers are in the page's tables, which remain without JavaScript.
    assert 'id="table-overview"' in html and 'id="table-areas"' in html
    assert 'aria-describedby="table-areas"' in html


def test_national_year_selects_the_year(client, small, national_admin):
    response = get(client, national_admin, national_url(), year=YEAR - 1)
    data = response.context["data"]
    gd = next(r for r in data.rows if r.authority.code == "GD")
    # Last year: one Shenzhen activity; Ningbo's plan; the rectification items open now.
    assert (gd.counts.activities, gd.counts.plans_published, gd.counts.feedback_received) == (
        1,
        0,
        0,
    )
    assert data.total.plans_published == 1
    assert data.total.rectifications_open == 5
    response = get(client, national_admin, national_url(), year="nonsense")
    assert response.context["year"] == YEAR


def test_provincial_dashboard_figures_per_port_authority(client, small, gd_officer):
    response = get(client, gd_officer, province_url(small.gd))
    data = response.context["data"]
    rows = {(row.authority.code, row.is_node): row for row in data.rows}
    assert list(rows) == [("GD", True), ("GD-GZ", False), ("GD-SZ", False)]
    sz = rows[("GD-SZ", False)].counts
    assert figures(sz) == {
        "filed": 0,
        "acknowledged": 0,
        "plans": 1,
        "activities": 4,
        "verified": 2,
        "open": 4,
        "overdue": 2,
        "received": 4,
        "handled": 2,
    }
    assert by_area(sz) == {"safety": 2, "service": 2, "integrity": 1}
    assert rows[("GD-GZ", False)].counts.activities == 1
    assert rows[("GD-GZ", False)].counts.plans_published == 0  # a draft
    itself = rows[("GD", True)].counts
    assert (itself.activities, itself.filings_filed, itself.filings_acknowledged) == (1, 2, 1)
    assert data.total.activities == 6
    assert (data.node_counts.filings_filed, data.node_counts.filings_acknowledged) == (2, 1)
    html = response.content.decode()
    assert port_url(small.sz.authority) in html
    assert 'data-testid="row-GD-itself"' in html


def test_port_dashboard_figures(client, small, port_officer):
    response = get(client, port_officer, port_url(small.sz.authority))
    data = response.context["data"]
    assert (data.activities, data.activities_verified) == (4, 2)
    rows = {row.area.code: row for row in data.area_rows}
    assert (rows["safety"].activities, rows["safety"].verified) == (2, 1)
    assert (rows["service"].activities, rows["service"].verified) == (2, 1)
    assert (rows["integrity"].activities, rows["integrity"].verified) == (1, 1)
    assert rows["culture"].activities == 0  # sent back for more
    # Plan: safety 3 planned, 2 logged; service 2 planned (one each), 2 logged (capped).
    assert (rows["safety"].target, rows["safety"].logged) == (3, 2)
    assert (rows["service"].target, rows["service"].logged) == (2, 2)
    assert (data.plan_target, data.plan_logged, data.plan_percent) == (5, 4, Decimal(80))
    totals = data.rectifications
    assert (totals.open, totals.answered, totals.sent_back, totals.overdue, totals.closed) == (
        2,
        1,
        1,
        2,
        1,
    )
    units = {row.name: row for row in data.rectification_units}
    sz1, sz2 = small.sz.units
    assert (units[sz1.name].open, units[sz1.name].overdue, units[sz1.name].closed) == (2, 1, 1)
    assert (units[sz2.name].answered, units[sz2.name].sent_back, units[sz2.name].overdue) == (
        1,
        1,
        1,
    )
    assert (data.feedback_received, data.feedback_handled) == (4, 2)
    ports = {row.port.code: row for row in data.ports}
    assert ports["GD-0001"].satisfaction == Decimal("90.0")  # (4 + 5) / (2 × 5)
    assert ports["GD-0009"].satisfaction == Decimal("60.0")
    for row in data.ports:
        assert row.satisfaction == survey_satisfaction_for_port(row.port, YEAR)
    assert data.satisfaction == Decimal("80.0")  # every rating: (4 + 5 + 3) / (3 × 5)
    assert data.panels == []
    drawn = charts(response)
    assert set(drawn) == {"chart-activity-radar", "chart-plan", "chart-rectifications"}
    radar = drawn["chart-activity-radar"]
    assert radar["type"] == "radar" and len(radar["labels"]) == 9
    assert radar["datasets"][0]["data"] == [r.activities for r in data.area_rows]
    assert drawn["chart-plan"]["datasets"][0]["data"] == [r.target for r in data.area_rows]


def test_port_dashboard_without_a_plan_says_so(client, small, nb_officer):
    response = get(client, nb_officer, port_url(small.nb.authority))
    data = response.context["data"]
    assert data.plan is None and data.plan_percent is None
    assert 'data-testid="no-plan"' in response.content.decode()
    assert "chart-plan" not in charts(response)


def test_unit_dashboard_figures(client, small, unit_contact):
    response = get(client, unit_contact, unit_url(small.sz.units[0]))
    data = response.context["data"]
    # Logged by the unit, or with it among the participants; not last year's.
    assert (data.activities, data.activities_verified) == (3, 1)
    rows = {row.area.code: row for row in data.area_rows}
    assert (rows["safety"].activities, rows["service"].activities) == (2, 2)
    assert (rows["safety"].target, rows["safety"].logged) == (3, 2)
    assert (rows["service"].target, rows["service"].logged) == (1, 1)
    assert (data.plan_target, data.plan_logged, data.plan_percent) == (4, 3, Decimal(75))
    assert data.rectification_counts == {
        "open": 2,
        "answered": 0,
        "sent_back": 0,
        "overdue": 1,
        "closed": 1,
    }
    assert [(i.due_on, i.is_overdue) for i in data.rectifications] == [
        (PAST_DUE, True),
        (FUTURE_DUE, False),
    ]
    html = response.content.decode()
    for item in data.rectifications:
        assert reverse("campaigns:rectification-detail", args=[item.pk]) in html


def test_unit_contact_sees_no_commitment_of_a_draft_plan(client, small, unit_contact, port_officer):
    plan = Plan.objects.get(authority=small.sz.authority, year=YEAR)
    services.plan_reopen(actor=port_officer, plan=plan)
    data = get(client, unit_contact, unit_url(small.sz.units[0])).context["data"]
    assert data.commitments == []
    # The port officer sees the draft's commitments on the same page.
    data = get(client, port_officer, unit_url(small.sz.units[0])).context["data"]
    assert len(data.commitments) == 2


# --- queries ------------------------------------------------------------------------------------


def test_national_dashboard_queries(client, many, national_admin, django_assert_num_queries):
    login(client, national_admin)
    # base + the national office + authorities below + areas + filings + plans + the activity
    # summary (in all and per area) + rectification items + feedback
    with django_assert_num_queries(BASE + 8):
        response = client.get(national_url(), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["data"].total.activities == 7 + 3 * MANY


def test_provincial_dashboard_queries(client, many, gd_officer, django_assert_num_queries):
    login(client, gd_officer)
    # base + the province + authorities below + areas + filings + plans + the activity
    # summary (in all and per area) + rectification items + feedback
    with django_assert_num_queries(BASE + 8):
        response = client.get(province_url(many.gd), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["data"].total.rectifications_open == 4 + MANY


def test_port_dashboard_queries(client, many, port_officer, django_assert_num_queries):
    login(client, port_officer)
    # base + the authority + areas + the activity summary (in all and per area) + plan + its
    # progress + rectification items per unit + ports + feedback per port + ratings per port
    # + the assessment panel
    with django_assert_num_queries(BASE + 10):
        response = client.get(port_url(many.sz.authority), {"year": YEAR})
    assert response.status_code == 200
    data = response.context["data"]
    assert len(data.commitments) == 10 and data.activities == 4 + MANY


def test_unit_dashboard_queries(client, many, unit_contact, django_assert_num_queries):
    login(client, unit_contact)
    # base + the unit + areas + activity totals + activities per area + rectification counts
    # + items not closed + commitments with progress + the assessment panel
    with django_assert_num_queries(BASE + 8):
        response = client.get(unit_url(many.sz.units[0]), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["data"].rectification_counts["overdue"] == 1 + MANY // 2


# --- access -------------------------------------------------------------------------------------


def test_provincial_officer_gets_404_for_another_province(client, small, zj_officer, gd_officer):
    login(client, zj_officer)
    assert client.get(province_url(small.gd)).status_code == 404
    assert client.get(port_url(small.sz.authority)).status_code == 404
    assert client.get(unit_url(small.sz.units[0])).status_code == 404
    assert client.get(national_url()).status_code == 404
    # Its own province opens, and the reason above was the scope.
    assert client.get(province_url(small.zj)).status_code == 200
    login(client, gd_officer)
    assert client.get(province_url(small.gd)).status_code == 200
    assert client.get(port_url(small.sz.authority)).status_code == 200


def test_national_office_opens_any_province(client, small, national_admin):
    login(client, national_admin)
    for province in (small.gd, small.zj):
        assert client.get(province_url(province)).status_code == 200
    response = client.get(national_url())
    assert province_url(small.gd) in response.content.decode()


def test_dashboard_kind_must_match_the_authority(client, small, national_admin):
    login(client, national_admin)
    assert client.get(province_url(small.sz.authority)).status_code == 404
    assert client.get(port_url(small.gd)).status_code == 404
    assert client.get(province_url(small.national)).status_code == 404


def test_unit_contact_sees_only_their_unit(client, small, unit_contact):
    login(client, unit_contact)
    assert client.get(unit_url(small.sz.units[0])).status_code == 200
    assert client.get(unit_url(small.sz.units[1])).status_code == 404
    assert client.get(unit_url(small.nb.units[0])).status_code == 404
    assert client.get(port_url(small.sz.authority)).status_code == 404
    assert client.get(province_url(small.gd)).status_code == 404


def test_port_officer_sees_own_area_only(client, small, port_officer):
    login(client, port_officer)
    assert client.get(port_url(small.gz.authority)).status_code == 404
    assert client.get(province_url(small.gd)).status_code == 404
    assert client.get(unit_url(small.sz.units[1])).status_code == 200
    assert client.get(unit_url(small.gz.units[0])).status_code == 404


@pytest.mark.parametrize(
    ("persona_name", "expected"),
    [
        ("national_admin", lambda w: national_url()),
        ("gd_officer", lambda w: province_url(w.gd)),
        ("port_officer", lambda w: port_url(w.sz.authority)),
        ("unit_contact", lambda w: unit_url(w.sz.units[0])),
        ("outsider", lambda w: reverse("campaigns:home")),
    ],
)
def test_my_dashboard_leads_to_the_users_own(client, world, persona, persona_name, expected):
    login(client, persona(persona_name))
    response = client.get(reverse("campaigns:dashboard"))
    assert response.status_code == 302
    assert response.url == expected(world)


def test_navigation_links_to_my_dashboard(client, world, port_officer):
    login(client, port_officer)
    html = client.get(reverse("campaigns:home")).content.decode()
    assert f'href="{reverse("campaigns:dashboard")}"' in html


# --- the assessment panel -------------------------------------------------------------------------


def _publish_gd_cycle(world, template, officer):  # noqa: F811 (the fixture's value)
    cycle = cycles.cycle_open(
        actor=officer,
        name=f"{YEAR}年度广东省共建文明口岸考核",
        year=YEAR,
        authority=world.gd,
        scheme=template,
        units=[*world.sz.units, *world.gz.units],
    )
    cycles.cycle_start_scoring(actor=officer, cycle=cycle)
    reviewer = make_user("dash_reviewer")
    member = review_services.panel_member_add(actor=None, review=cycle.review, user=reviewer)
    subjects = {s.unit_id: s for s in cycle.review.subjects.all()}
    fractions = {
        world.sz.units[0].pk: Decimal("0.8"),
        world.sz.units[1].pk: Decimal("0.6"),
        world.gz.units[0].pk: Decimal("0.5"),
    }
    for unit_id, fraction in fractions.items():
        review_services.assignment_add(actor=None, subject=subjects[unit_id], member=member)
        submit_sheet(reviewer, subjects[unit_id], fraction)
    return cycle


def test_assessment_panel_appears_once_a_cycle_is_published(
    client,
    small,
    template,  # noqa: F811
    gd_officer,
    port_officer,
    unit_contact,
    django_assert_num_queries,
):
    cycle = _publish_gd_cycle(small, template, gd_officer)
    response = get(client, port_officer, port_url(small.sz.authority))
    assert response.context["data"].panels == []
    assert 'data-testid="panel"' not in response.content.decode()

    cycles.cycle_publish(actor=gd_officer, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.PUBLISHED
    login(client, port_officer)
    with django_assert_num_queries(BASE + 10):  # as before: the panel is one query
        response = client.get(port_url(small.sz.authority), {"year": YEAR})
    data = response.context["data"]
    (panel,) = data.panels
    # Shenzhen's two units: 80% and 60% everywhere; Guangzhou's are not Shenzhen's.
    assert set(panel.values) == {a.code for a in data.areas}
    assert set(panel.values.values()) == {Decimal("70.00")}
    assert "2" in panel.caption and cycle.name in panel.caption
    assert [row.panel_values for row in data.area_rows] == [[Decimal("70.00")]] * 9
    html = response.content.decode()
    assert 'data-testid="panel"' in html
    drawn = charts(response)
    assert drawn["chart-panel-0"]["type"] == "radar"
    assert drawn["chart-panel-0"]["max"] == 100
    assert drawn["chart-panel-0"]["datasets"][0]["data"] == [70.0] * 9

    # A unit's own profile on its dashboard.
    data = get(client, unit_contact, unit_url(small.sz.units[0])).context["data"]
    assert set(data.panels[0].values.values()) == {Decimal("80.00")}
    # Ningbo was not assessed: no panel.
    assert dashboards.panels_for(authority=small.nb.authority) == []


def test_panel_registry_calls_every_provider(world):
    seen = []

    def provider(*, authority=None, unit=None):
        seen.append((authority, unit))
        if unit is None:
            return None
        return dashboards.AreaPanel(title="t", caption="c", values={"safety": Decimal(1)})

    dashboards.register_panel("zz_test", provider)
    try:
        assert [name for name, _p in dashboards.panels_for(authority=world.sz.authority)] == []
        names = [name for name, _p in dashboards.panels_for(unit=world.sz.units[0])]
        assert names == ["zz_test"]
        assert seen == [(world.sz.authority, None), (None, world.sz.units[0])]
    finally:
        dashboards._providers.pop("zz_test")


# --- nothing from outside -----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["national", "province", "port", "unit"])
def test_pages_reference_only_local_static_files(client, small, national_admin, page):
    url = {
        "national": national_url(),
        "province": province_url(small.gd),
        "port": port_url(small.sz.authority),
        "unit": unit_url(small.sz.units[0]),
    }[page]
    html = get(client, national_admin, url).content.decode()
    sources = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]*)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/") and not source.startswith("//"), source
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        # No inline script: a script either loads a local file or is the chart data (JSON).
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes
        if 'src="' in attributes:
            assert not body.strip()
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/civport/dashboards.js" in html
    assert " style=" not in html.split("<main", 1)[1]
    assert not re.search(r"https?://", "".join(body for _a, body in scripts))


def test_chart_library_and_drawing_script_are_served_from_static():
    library = finders.find("vendor/chartjs/chart.umd.min.js")
    assert library and finders.find("vendor/chartjs/LICENSE.md")
    with open(library, encoding="utf-8") as f:
        head = f.read(200)
    assert "Chart.js v4." in head
    with open(finders.find("civport/dashboards.js"), encoding="utf-8") as f:
        drawing = f.read()
    assert "dashboard-charts" in drawing and "http" not in drawing.replace("https://", "")


def test_filings_count_only_once_submitted(small):
    assert Filing.objects.filter(authority=small.zj).get().status == Filing.Status.DRAFT
    data = dashboards.breakdown(small.national, year=YEAR, today=TODAY)
    zj = next(r for r in data.rows if r.authority == small.zj)
    assert zj.counts.filings_filed == 0


def test_rectifications_and_feedback_match_their_models(small):
    data = dashboards.breakdown(small.national, year=YEAR, today=TODAY)
    assert data.total.rectifications_open == Rectification.objects.exclude(status="closed").count()
    assert data.total.feedback_received == Feedback.objects.count()


def test_progress_counts_as_the_plan_page_does(many, port_officer, unit_contact):
    """The dashboards' progress (two indexed counts) equals the plan page's (`plan_progress`),
    including an activity logged by the authority with a unit among the participants."""
    sz = many.sz
    log(port_officer, sz.authority, ["safety", "culture"], participants=sz.units, verified=True)
    log(port_officer, sz.authority, ["service"], unit=sz.units[1], participants=[sz.units[1]])
    plan = Plan.objects.get(authority=sz.authority, year=YEAR)
    expected = [(c.pk, c.logged, c.verified) for c in plan_progress(plan)]
    assert any(logged for _pk, logged, _v in expected)
    ours = dashboards.plan_commitments_with_progress(plan)
    assert [(c.pk, c.logged, c.verified) for c in ours] == expected
    for unit in sz.units:
        mine = dashboards.commitments_with_progress(port_officer, unit, YEAR)
        assert {(c.pk, c.logged, c.verified) for c in mine} == {
            row for row in expected if row[0] in {c.pk for c in mine}
        }
        assert {c.pk for c in mine} == {c.pk for c in plan.commitments.filter(unit=unit)}

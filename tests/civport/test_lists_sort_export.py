"""Every list page sorts by each of its columns in both directions at the query count of its own
query-count test (the order is the database's, never a query more), and exports its whole list
with the columns it shows, audited, at the same count (the rows' query stands in for the count).

Each list gets two rows or more in its user's scope, made through the services; the expected
counts are those of the lists' own tests, named beside each case.
"""

import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.services import reviews as review_services
from awards.models import Round
from campaigns.models import (
    Activity,
    Agency,
    Agreement,
    ConstructionArea,
    Feedback,
    Membership,
    Notice,
    Survey,
)
from campaigns.services import accounts as account_services
from campaigns.services import filings as filing_services
from campaigns.services import notices as notice_services
from campaigns.services import public as public_services
from campaigns.services import work as work_services
from civport.models import AuditEntry
from tests.assessments.test_cycles_services import open_gd_cycle
from tests.awards.province_rounds_support import gd_round, make_gd_scheme
from tests.campaigns.test_groups_services import meeting, save_group
from tests.conftest import login
from tests.queries import BASE

pytestmark = pytest.mark.django_db

PAST = datetime.date(2026, 3, 2)


def _areas():
    return list(ConstructionArea.objects.order_by("order"))


# --- the rows of each list ----------------------------------------------------------------------


def _cycles(get):
    world, template = get("world"), get("template")
    for year in (2025, 2026):
        open_gd_cycle(world, template, year=year)


def _reviews(get):
    world, template = get("world"), get("template")
    for i in range(2):
        review_services.review_create(
            actor=None,
            name=f"广东评审{i}",
            round_key=f"round-{i}",
            authority=world.gd,
            scheme=template,
            reviewers_per_subject=2,
            due_on=datetime.date(2026, 6, 30 - i),
        )


def _province_rounds(get):
    world = get("world")
    scheme = make_gd_scheme(world, get("template"))
    for year in (2022, 2024):
        gd_round(world, scheme, code=f"gd-{year}", start_year=year, end_year=year + 1)


def _recommendations(get):
    world, award_round, make_nomination = get("world"), get("award_round"), get("make_nomination")
    Round.objects.filter(pk=award_round.pk).update(phase=Round.Phase.PROVINCIAL_REVIEW)
    award_round.refresh_from_db()
    for nominee in (world.sz.units[0], world.gz.units[0], world.nb.units[0]):
        make_nomination(award_round, nominee)


def _nominations(get):
    world, award_round, make_nomination = get("world"), get("award_round"), get("make_nomination")
    for nominee in (world.sz.port, *world.sz.units, world.gz.people[0], world.nb.units[0]):
        make_nomination(award_round, nominee)


def _accounts(get):
    world = get("world")
    for i, unit in enumerate((world.sz.units[0], world.gz.units[1])):
        account_services.account_create(
            actor=None,
            username=f"contact{i}",
            name=f"联络员{i}",
            role=Membership.Role.UNIT_CONTACT,
            unit=unit,
        )


def _notices(get):
    world, national_admin = get("world"), get("national_admin")
    for i in range(3):
        notice = notice_services.notice_create(
            actor=national_admin,
            sender=world.national,
            title=f"全国通知{i}",
            body="正文",
            document_number=f"署文明办〔2026〕{i + 1}号",
            issued_on=datetime.date(2026, 3, 1 + i),
            audience=Notice.Audience.ALL_LEVELS,
            requires_acknowledgement=True,
            acknowledge_by=datetime.date(2027, 1, 1 + i),
        )
        notice_services.notice_publish(actor=national_admin, notice=notice)


def _meetings(get):
    world, gd_officer = get("world"), get("gd_officer")
    group = save_group(gd_officer, world.gd)
    for n in range(3):
        meeting(
            gd_officer,
            group,
            title=f"第{n + 1}次会议",
            held_on=timezone.localdate() - datetime.timedelta(days=n + 1),
        )
    return [world.gd.pk]


def _feedback(get):
    world = get("world")
    for n in range(3):
        public_services.feedback_submit(
            port=world.sz.port,
            kind=Feedback.Kind.COMPLAINT if n % 2 else Feedback.Kind.SUGGESTION,
            text=f"=建议{n}：增加自助通关通道",
            name=f"提交人{n}" if n else "",
        )
    public_services.feedback_submit(port=world.nb.port, kind=Feedback.Kind.SUGGESTION, text="宁波")


def _surveys(get):
    world, port_officer = get("world"), get("port_officer")
    today = timezone.localdate()
    for n in range(2):
        public_services.survey_create(
            actor=port_officer,
            port=world.sz.port,
            title=f"满意度调查{n}",
            period_start=today - datetime.timedelta(days=10 + n),
            period_end=today + datetime.timedelta(days=10),
            mode=Survey.Mode.OPEN_LINK,
            groups=["企业", "旅客"],
            dimensions=["服务态度", "通关效率"],
            agencies=list(Agency.objects.filter(code__in=("CUSTOMS", "IMMIGRATION"))),
        )


def _plans(get):
    world, port_officer = get("world"), get("port_officer")
    for year in (2025, 2026):
        work_services.plan_create(
            actor=port_officer, authority=world.sz.authority, year=year, title=f"{year}年计划"
        )


def _activities(get):
    world, port_officer = get("world"), get("port_officer")
    areas = _areas()
    for i, unit in enumerate(world.sz.units):
        work_services.activity_create(
            actor=port_officer,
            authority=world.sz.authority,
            unit=unit,
            occurred_on=PAST + datetime.timedelta(days=i),
            form=Activity.Form.TRAINING,
            areas=[areas[i], areas[i + 1]],
            title=f"活动{i}",
            description="描述",
            participant_units=list(world.sz.units),
            participant_count=20,
        )


def _agreements(get):
    world, port_officer = get("world"), get("port_officer")
    for i in range(2):
        work_services.agreement_create(
            actor=port_officer,
            authority=world.sz.authority,
            title=f"协议{i}",
            kind=Agreement.Kind.BUSINESS,
            parties=list(world.sz.units),
            signed_on=PAST + datetime.timedelta(days=i),
            terms="条款",
        )


def _special_campaigns(get):
    world, gd_officer = get("world"), get("gd_officer")
    areas = _areas()
    for i in range(2):
        work_services.special_campaign_create(
            actor=gd_officer,
            authority=world.gd,
            name=f"专项共建{i}",
            theme_area=areas[i],
            members=list(world.sz.units),
            starts_on=datetime.date(2026, 1, 1 + i),
            ends_on=datetime.date(2026, 12, 31),
            goals="目标",
        )


def _inspections(get):
    world, gd_officer = get("world"), get("gd_officer")
    for i in range(2):
        inspection = work_services.inspection_create(
            actor=gd_officer,
            authority=world.gd,
            visited_on=PAST + datetime.timedelta(days=i),
            inspectors=f"检查组{i}",
            summary="巡访",
            ports=[world.sz.port],
            units=list(world.sz.units),
        )
        for j, unit in enumerate(world.sz.units):
            work_services.finding_add(
                actor=gd_officer,
                inspection=inspection,
                text=f"<p>问题{i}{unit.code}</p>",
                owner_unit=unit,
                due_on=PAST + datetime.timedelta(days=10 * i + j),
            )


def _consultations(get):
    world, port_officer = get("world"), get("port_officer")
    for i, unit in enumerate(world.sz.units):
        filing_services.consultation_ask(
            actor=port_officer,
            unit=unit,
            title=f"称号{i}",
            reasons="连续三年考核达标",
            due_on=timezone.localdate() + datetime.timedelta(days=10 + i),
        )


def _nothing(get):
    """The world's ports, units and people."""


@dataclass
class Case:
    url_name: str
    user: str
    # The count of the list's own query-count test.
    queries: int
    build: Any
    # A column whose values differ from row to row: its two orders are each other's reverse.
    distinct: str


CASES = {
    # tests/assessments/test_cycles_views.py::test_cycle_list_queries
    "cycles": Case("assessments:cycle-list", "gd_officer", BASE + 2, _cycles, "year"),
    # tests/assessments/test_reviews_views.py::test_review_list_shows_progress_in_fixed_queries
    "reviews": Case("assessments:review-list", "gd_officer", BASE + 2, _reviews, "name"),
    # tests/awards/test_province_rounds_views.py (the list of rounds)
    "province rounds": Case(
        "awards:province-round-list", "gd_officer", BASE + 2, _province_rounds, "years"
    ),
    # tests/awards/test_recommendations_views.py::test_round_list_reads_a_fixed_number_of_queries
    "recommendations": Case(
        "awards:recommendation-list", "national_admin", BASE + 2, _recommendations, "province"
    ),
    # tests/awards/test_nominations_views.py::test_province_list_reads_a_fixed_number_of_queries
    "nominations": Case("awards:nomination-list", "gd_officer", BASE + 3, _nominations, "nominee"),
    # tests/campaigns/test_accounts_views.py::test_list_queries
    "accounts": Case("campaigns:account-list", "gd_manager", BASE + 3, _accounts, "username"),
    # tests/campaigns/test_hierarchy_queries.py::test_port_list, test_unit_list, test_person_list
    "ports": Case("campaigns:port-list", "gd_officer", BASE + 2, _nothing, "code"),
    "units": Case("campaigns:unit-list", "gd_officer", BASE + 4, _nothing, "code"),
    "people": Case("campaigns:person-list", "gd_officer", BASE + 2, _nothing, "code"),
    # tests/campaigns/test_notices_views.py::test_archive_query_count
    "notices": Case("campaigns:notice-list", "gd_officer", BASE + 3, _notices, "number"),
    # tests/campaigns/test_groups_views.py::test_meeting_list_query_count
    "meetings": Case("campaigns:meeting-list", "gd_officer", BASE + 3, _meetings, "title"),
    # tests/campaigns/test_public_feedback.py::test_feedback_list_query_count
    "feedback": Case("campaigns:feedback-list", "port_officer", BASE + 3, _feedback, "submitter"),
    # tests/campaigns/test_public_surveys.py (the survey list's query count)
    "surveys": Case("campaigns:survey-list", "port_officer", BASE + 2, _surveys, "period"),
    # tests/campaigns/test_work_views.py::test_plan_list_queries and the pages' tests below it
    "plans": Case("campaigns:plan-list", "port_officer", BASE + 2, _plans, "year"),
    "activities": Case("campaigns:activity-list", "port_officer", BASE + 5, _activities, "date"),
    "agreements": Case("campaigns:agreement-list", "port_officer", BASE + 3, _agreements, "title"),
    "special campaigns": Case(
        "campaigns:special-campaign-list", "gd_officer", BASE + 2, _special_campaigns, "name"
    ),
    "inspections": Case(
        "campaigns:inspection-list", "gd_officer", BASE + 2, _inspections, "visited_on"
    ),
    "rectifications": Case(
        "campaigns:rectification-list", "gd_officer", BASE + 3, _inspections, "due_on"
    ),
    # tests/campaigns/test_consultations_flow.py::test_list_query_count
    "consultations": Case(
        "campaigns:consultation-list", "port_officer", BASE + 2, _consultations, "title"
    ),
}


@pytest.fixture
def gd_manager(gd_officer):
    """The Guangdong officer with the duty of managing accounts."""
    account_services.account_duty_set(
        actor=None, membership=gd_officer.memberships.get(), manages_accounts=True
    )
    return gd_officer


def _sheet(response):
    assert response.status_code == 200, response
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.parametrize("name", CASES)
def test_the_list_sorts_and_exports_at_its_query_count(
    name, request, client, django_assert_num_queries
):
    case = CASES[name]
    get = request.getfixturevalue
    args = case.build(get) or []
    user = get(case.user)
    url = reverse(case.url_name, args=args)
    login(client, user)
    with django_assert_num_queries(case.queries):
        page = client.get(url)
    assert page.status_code == 200
    listing = page.context["listing"]
    total = page.context["page"].paginator.count
    assert total >= 2
    sortable = [key for key, column in listing.columns.items() if column.sorts]
    assert case.distinct in sortable
    for key in sortable:
        for sort in (key, f"-{key}"):
            with django_assert_num_queries(case.queries):
                response = client.get(url, {"sort": sort})
            assert response.status_code == 200
            assert response.context["listing"].sort == sort
            assert response.context["page"].paginator.count == total
            direction = "descending" if sort.startswith("-") else "ascending"
            assert f'aria-sort="{direction}"' in response.content.decode()

    # The export costs what the page costs: its rows' query instead of the count, the audit
    # entry instead of the page's rows.
    with django_assert_num_queries(case.queries):
        export = client.get(url, {"export": "xlsx"})
    rows = _sheet(export)
    assert rows[0] == [str(column.label) for column in listing.columns.values()]
    assert len(rows) == 1 + total
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in rows for cell in row)
    (entry,) = AuditEntry.objects.filter(action__endswith=".list_exported")
    assert entry.actor == user and entry.changes["rows"] == total

    index = list(listing.columns).index(case.distinct)
    ascending, descending = (
        [row[index] for row in _sheet(client.get(url, {"sort": sort, "export": "xlsx"}))[1:]]
        for sort in (case.distinct, f"-{case.distinct}")
    )
    assert len(set(ascending)) == total
    assert ascending == descending[::-1]

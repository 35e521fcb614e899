"""Each persona's home page is their to-do list: what waits for them, by when, and the link to
do it, overdue first and in red; their name and roles on top; a fixed number of queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Assignment, Review
from assessments.services import reviews as review_services
from awards.models import Nomination, Objection
from awards.services.rounds import round_preconditions
from campaigns import services
from campaigns.models import Activity, Consultation, Feedback, Membership
from civport.todo import Todo, todo_sorted
from tests.assessments.test_cycles_services import open_gd_cycle
from tests.awards.test_recommendations_services import gd_units  # noqa: F401 (a fixture)
from tests.conftest import login
from tests.queries import BASE

TODAY = datetime.date(2026, 6, 15)


def items(html):
    return re.findall(r'<li class="list-group-item[^"]*" data-testid="todo-item"[^>]*>', html)


def test_overdue_first_then_by_deadline_then_undated():
    undated = Todo(label="c", url="/c/", count=1)
    later = Todo(label="b", url="/b/", count=1, due_on=TODAY + datetime.timedelta(days=9))
    soon = Todo(label="a", url="/a/", count=1, due_on=TODAY + datetime.timedelta(days=1))
    overdue = Todo(label="d", url="/d/", count=1, due_on=TODAY - datetime.timedelta(days=3))
    assert todo_sorted([undated, later, soon, overdue], TODAY) == [overdue, soon, later, undated]
    assert overdue.is_overdue(TODAY) and not soon.is_overdue(TODAY)


@pytest.fixture
def reviewer_work(gd_review, gd_subjects, gd_reviewer):
    """gd_reviewer's subjects in the Guangdong review (one submitted), overdue since yesterday,
    and a second, closed review that asks for nothing."""
    review_services.assignment_auto(actor=None, review=gd_review)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Review.objects.filter(pk=gd_review.pk).update(due_on=yesterday)
    return Assignment.objects.filter(member__user=gd_reviewer).select_related("subject")


def test_reviewer_sees_subjects_to_score_by_review_overdue_in_red(
    client, world, reviewer_work, gd_reviewer, django_assert_num_queries
):
    services.membership_grant(
        actor=None, user=gd_reviewer, role=Membership.Role.REVIEWER, authority=world.gd
    )
    gd_reviewer.first_name = "李文博"
    gd_reviewer.save(update_fields=["first_name"])
    login(client, gd_reviewer)
    # BASE + the user's roles + the subjects to score, grouped by review (one query); a
    # reviewer has no grant, so neither cards nor notices are read.
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:home"))
    (item,) = response.context["todo"]
    total = reviewer_work.count()
    assert (item.total, item.done, item.count) == (total, 0, total)
    assert item.url == reverse("assessments:queue")
    html = response.content.decode()
    assert 'data-testid="no-role"' not in html
    who = html.split('data-testid="who"')[1].split("</p>")[0]
    with translation.override("zh-hans"):
        role = str(Membership.Role.REVIEWER.label)
    assert "李文博" in who and role in who
    (row,) = items(html)
    assert 'data-overdue="true"' in row and "border-danger" in row


def test_a_submitted_review_leaves_the_list(client, reviewer_work, gd_reviewer):
    Review.objects.filter(pk=reviewer_work[0].subject.review_id).update(phase=Review.Phase.CLOSED)
    login(client, gd_reviewer)
    response = client.get(reverse("campaigns:home"))
    assert response.context["todo"] == []
    assert 'data-testid="todo-empty"' in response.content.decode()


def test_port_officer_sees_activities_and_consultations_overdue_first(
    client, world, port_officer, award_round, make_nomination, django_assert_num_queries
):
    sz = world.sz
    today = timezone.localdate()
    make_nomination(award_round, sz.units[1], status=Nomination.Status.DRAFT)
    for i in range(2):
        Feedback.objects.create(
            port=sz.port, kind=Feedback.Kind.choices[0][0], text="意见", tracking_hash=f"h{i}"
        )
    for i in range(3):
        Activity.objects.create(
            authority=sz.authority,
            unit=sz.units[0],
            occurred_on=today,
            form=Activity.Form.VISIT,
            title=f"走访{i}",
            description="内容",
            status=Activity.Status.SUBMITTED,
        )
    for days in (-2, 5):
        Consultation.objects.create(
            unit=sz.units[0],
            authority=sz.authority,
            title=f"文明单位{days}",
            reasons="理由",
            due_on=today + datetime.timedelta(days=days),
            asked_by=port_officer,
        )
    login(client, port_officer)
    # BASE + the cards of the user's grants (one query) + the user's roles + the to-do list:
    # subjects to score, activities to verify, feedback to answer, consultations to answer,
    # draft nominations (one query each) + the notices awaiting the user
    with django_assert_num_queries(BASE + 8):
        response = client.get(reverse("campaigns:home"))
    todo = response.context["todo"]
    # overdue first, then by deadline (the round's nominations are due in 30 days), then the
    # undated in the apps' order
    assert [(t.url.split("?")[0], t.count) for t in todo] == [
        (reverse("campaigns:consultation-list"), 2),
        (reverse("awards:nomination-list"), 1),
        (reverse("campaigns:activity-list"), 3),
        (reverse("campaigns:feedback-list"), 2),
    ]
    assert todo[1].due_on == award_round.nominations_due_on
    assert todo[0].due_on == today - datetime.timedelta(days=2)
    html = response.content.decode()
    first, *others = items(html)
    assert 'data-overdue="true"' in first
    assert not any("data-overdue" in row for row in others)
    assert 'data-testid="role"' in html and 'data-testid="no-role"' not in html


@pytest.mark.parametrize(
    ("persona_name", "queries"),
    [
        # BASE + cards + roles + subjects to score + filings to acknowledge + rounds under
        # way with their open objections + notices
        ("national_admin", BASE + 6),
        # BASE + cards + roles + subjects to score + rectifications to close + filings
        # returned + recommendation lists + notices
        ("gd_officer", BASE + 7),
        # BASE + cards + roles + subjects to score + rectifications to answer + consultations
        # awaiting an answer + consultations answered lately + self-assessments due + notices
        ("unit_contact", BASE + 8),
        # BASE + roles + subjects to score: no grant (so no cards, no notices), no role
        ("outsider", BASE + 2),
    ],
)
def test_every_persona_reads_a_fixed_number_of_queries(
    client, world, persona, persona_name, queries, django_assert_num_queries
):
    user = persona(persona_name)
    login(client, user)
    with django_assert_num_queries(queries):
        response = client.get(reverse("campaigns:home"))
    assert response.status_code == 200
    html = response.content.decode()
    if persona_name == "outsider":
        assert 'data-testid="no-role"' in html
    else:
        assert 'data-testid="no-role"' not in html and 'data-testid="role"' in html


@pytest.mark.usefixtures("gd_units")
def test_provincial_officer_sees_the_recommendation_list_and_its_due_date(
    client, world, award_round, gd_officer, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + cards + roles + subjects to score + rectifications to close + filings returned
    # + recommendation lists (one query, the list page's own) + notices
    with django_assert_num_queries(BASE + 7):
        response = client.get(reverse("campaigns:home"))
    (item,) = response.context["todo"]
    assert item.url == reverse("awards:recommendation-detail", args=[award_round.pk, world.gd.pk])
    # four nominations on the table, none chosen yet, of the quotas of 2 for each of 4 titles
    assert (item.count, item.done, item.total) == (4, 0, 8)
    assert item.due_on == award_round.provincial_review_due_on
    assert award_round.name in response.content.decode()


def test_national_office_sees_each_round_phase_with_its_deadline_and_open_objections(
    client, world, award_round, make_nomination, national_admin, django_assert_num_queries
):
    nomination = make_nomination(award_round, world.sz.units[0])
    for i in range(2):
        Objection.objects.create(nomination=nomination, text=f"异议{i}", name="张三")
    login(client, national_admin)
    # BASE + cards + roles + subjects to score + filings to acknowledge + rounds under way
    # with their open objections (one query) + notices
    # + what keeps the nominating round from its next phase, the advance's own checks: the
    # provinces with submitted nominations, the reviews with their active panels, the provinces
    with django_assert_num_queries(BASE + 6 + 3):
        response = client.get(reverse("campaigns:home"))
    phase, objections = response.context["todo"]
    assert phase.due_on == award_round.nominations_due_on
    assert phase.notes == tuple(round_preconditions(award_round))
    assert any(award_round.nominations_due_on.isoformat() in note for note in phase.notes)
    assert 'data-testid="todo-notes"' in response.content.decode()
    assert phase.url == reverse("admin:awards_round_change", args=[award_round.pk])
    assert (objections.count, objections.detail) == (2, award_round.name)


def test_unit_contact_sees_the_self_assessment_due(
    client, world, template, gd_officer, unit_contact, django_assert_num_queries
):
    cycle = open_gd_cycle(world, template, actor=gd_officer)
    login(client, unit_contact)
    # BASE + cards + roles + subjects to score + rectifications to answer + consultations
    # awaiting an answer + consultations answered lately + self-assessments due (one query,
    # the cycle list's own) + notices
    with django_assert_num_queries(BASE + 8):
        response = client.get(reverse("campaigns:home"))
    (item,) = response.context["todo"]
    assert item.url == reverse("assessments:cycle-detail", args=[cycle.pk])
    assert (item.count, item.done, item.total) == (1, 0, 1)
    assert item.due_on == cycle.self_assessment_due_on


def test_unit_contact_sees_the_answers_to_recent_consultations(client, world, unit_contact):
    sz = world.sz
    now = timezone.now()
    for number, (days, status) in enumerate(((3, "agreed"), (20, "disagreed"), (None, "pending"))):
        Consultation.objects.create(
            unit=sz.units[0],
            authority=sz.authority,
            title=f"文明单位{days}",
            reasons="理由",
            due_on=timezone.localdate(),
            asked_by=unit_contact,
            status=status,
            answered_at=now - datetime.timedelta(days=days) if days else None,
            reference_year=2026 if days else None,
            reference_number=number if days else None,
            remarks="不符合条件" if status == "disagreed" else "",
        )
    login(client, unit_contact)
    todo = client.get(reverse("campaigns:home")).context["todo"]
    answered = [t for t in todo if t.url == reverse("campaigns:consultation-list")]
    assert [(t.label, t.count) for t in answered] == [("近两周已答复的征求意见", 1)]

"""The office's review screens: list, overview, phase, assignment, ranking, reviewers, one
subject's sheets and reopening.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from guardian.shortcuts import assign_perm

from assessments.models import (
    Assignment,
    Item,
    PanelMember,
    Review,
    ScoreSheet,
    SubjectUserObjectPermission,
    VetoCondition,
)
from assessments.services import reviews as review_services
from campaigns.scope import forget_scope
from civport.models import AuditEntry
from tests.assessments.fixtures import make_user, submit_sheet
from tests.conftest import login
from tests.queries import BASE, EXTRA

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def client_en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def attach(world, review, n, *, authority=None, category="advanced_unit", prefix="Subject"):
    """`n` subjects on fresh users as targets (any model can be a target), without a unit, so
    only a reviewer of the same port authority would be conflicted."""
    subjects = []
    for i in range(n):
        target = make_user(f"{prefix.lower()}-target-{review.pk}-{i:02d}")
        subjects.append(
            review_services.subject_attach(
                actor=None,
                review=review,
                target=target,
                title=f"{prefix} {i:02d}",
                category=category,
                authority=authority or (world.sz.authority if i % 2 else world.gz.authority),
            )
        )
    return subjects


def score_all(review, fraction=Decimal("0.8"), *, by=None):
    """Submit every assigned sheet; `by` maps a username to its own fraction."""
    by = by or {}
    for a in Assignment.objects.filter(subject__review=review).select_related(
        "member__user", "subject__review__scheme"
    ):
        submit_sheet(a.member.user, a.subject, by.get(a.member.user.username, fraction))


def add_panel(review, n, prefix="extra"):
    return [
        review_services.panel_member_add(
            actor=None, review=review, user=make_user(f"{prefix}{review.pk}-{i:02d}")
        )
        for i in range(n)
    ]


@pytest.fixture
def scored(world, gd_review):
    """Twelve subjects, three reviewers each, every sheet submitted at 80 %."""
    subjects = attach(world, gd_review, EXTRA)
    review_services.assignment_auto(actor=None, review=gd_review)
    score_all(gd_review)
    return subjects


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


# --- who may open what ------------------------------------------------------------------------


def office_urls(review, subject, sheet):
    return [
        url("review-detail", review.pk),
        url("review-ranking", review.pk),
        url("review-reviewers", review.pk),
        url("review-phase", review.pk),
        url("review-export-matrix", review.pk),
        url("review-export-ranking", review.pk),
        url("subject-detail", subject.pk),
        url("sheet-reopen", sheet.pk),
    ]


@pytest.fixture
def one_sheet(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    return submit_sheet(assignment.member.user, assignment.subject)


@pytest.mark.parametrize("persona_name", ["zj_officer", "nb_officer", "port_officer", "outsider"])
def test_other_provinces_and_lower_tiers_get_404(
    client, persona, gd_review, one_sheet, persona_name
):
    login(client, persona(persona_name))
    for page in office_urls(gd_review, one_sheet.subject, one_sheet):
        assert client.get(page).status_code == 404, page
    posts = [
        url("review-assign", gd_review.pk),
        url("assignment-add", one_sheet.subject.pk),
        url("assignment-remove", Assignment.objects.first().pk),
    ]
    for page in posts:
        assert client.post(page).status_code == 404, page
    assert client.post(url("review-phase", gd_review.pk), {"phase": "closed"}).status_code == 404
    assert ScoreSheet.objects.get(pk=one_sheet.pk).is_submitted


def test_a_reviewer_who_is_no_officer_gets_404_on_the_office_pages(
    client, gd_review, one_sheet, gd_reviewer
):
    login(client, gd_reviewer)
    for page in office_urls(gd_review, one_sheet.subject, one_sheet):
        assert client.get(page).status_code == 404, page
    # The list shows them nothing either.
    response = client.get(url("review-list"))
    assert response.status_code == 200
    assert response.context["page"].object_list == []


def test_the_officer_of_the_province_and_the_national_office_open_every_page(
    client, gd_review, one_sheet, gd_officer, national_admin
):
    for user in (gd_officer, national_admin):
        login(client, user)
        for page in office_urls(gd_review, one_sheet.subject, one_sheet):
            assert client.get(page).status_code == 200, page


def test_a_viewer_of_the_authority_sees_read_only_pages(
    client, world, gd_review, one_sheet, outsider
):
    assign_perm("campaigns.view_authority", outsider, world.gd)
    forget_scope(outsider)
    login(client, outsider)
    detail = client.get(url("review-detail", gd_review.pk))
    assert detail.status_code == 200
    assert not detail.context["can_manage"]
    assert url("review-assign", gd_review.pk).encode() not in detail.content
    subject_page = client.get(url("subject-detail", one_sheet.subject.pk))
    assert subject_page.status_code == 200
    assert subject_page.context["add_form"] is None
    assert url("sheet-reopen", one_sheet.pk).encode() not in subject_page.content
    # Seen but not run: the writes are refused.
    assert client.post(url("review-assign", gd_review.pk)).status_code == 403
    assert client.get(url("sheet-reopen", one_sheet.pk)).status_code == 403
    assert client.post(url("review-phase", gd_review.pk), {"phase": "closed"}).status_code == 403
    gd_review.refresh_from_db()
    assert gd_review.phase == Review.Phase.OPEN


# --- the list ---------------------------------------------------------------------------------


def test_review_list_shows_progress_in_fixed_queries(
    client, world, template, gd_officer, django_assert_num_queries
):
    for i in range(EXTRA):
        review = review_services.review_create(
            actor=None,
            name=f"广东评审{i:02d}",
            round_key=f"round-{i:02d}",
            authority=world.gd,
            scheme=template,
            reviewers_per_subject=2,
            due_on=datetime.date(2026, 6, 30),
        )
        add_panel(review, 2)
        attach(world, review, 2)
    review_services.assignment_auto(actor=None, review=review)
    review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    score_all(review)
    login(client, gd_officer)
    # BASE + count + the page of reviews with their counts as subqueries
    with django_assert_num_queries(BASE + 2):
        response = client.get(url("review-list"))
    rows = response.context["page"].object_list
    assert len(rows) == EXTRA
    newest = rows[0]
    assert newest.pk == review.pk
    assert (newest.n_subjects, newest.sheets_submitted, newest.sheets_expected) == (2, 4, 4)
    assert "4 / 4" in response.content.decode()


def test_review_list_leaves_out_other_provinces(client, world, gd_review, zj_officer):
    login(client, zj_officer)
    response = client.get(url("review-list"))
    assert response.context["page"].object_list == []


# --- the overview, phase and automatic assignment ---------------------------------------------


def test_review_detail_reads_a_fixed_number_of_queries(
    client, world, gd_review, gd_officer, django_assert_num_queries
):
    add_panel(gd_review, EXTRA)
    attach(world, gd_review, EXTRA)
    login(client, gd_officer)
    # BASE + review + progress counts + panel (members, assignments grouped, sheets grouped)
    # + subjects short of reviewers + their count
    with django_assert_num_queries(BASE + 7):
        response = client.get(url("review-detail", gd_review.pk))
    assert len(response.context["panel"]) == 5 + EXTRA
    assert response.context["short_count"] == EXTRA
    assert response.context["progress"]["expected"] == EXTRA * 3


def test_phase_change_asks_for_confirmation(client_en, gd_review, gd_officer):
    login(client_en, gd_officer)
    page = client_en.get(url("review-phase", gd_review.pk) + "?phase=closed")
    assert page.status_code == 200
    assert b"can no longer save or submit" in page.content
    refused = client_en.post(url("review-phase", gd_review.pk), {"phase": "closed"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirm"]
    gd_review.refresh_from_db()
    assert gd_review.phase == Review.Phase.OPEN


def test_phase_moves_from_preparing_to_open_to_closed(client, world, template, gd_officer):
    review = review_services.review_create(
        actor=None, name="广东评审", round_key="other", authority=world.gd, scheme=template
    )
    login(client, gd_officer)
    for phase in ("open", "closed"):
        response = client.post(url("review-phase", review.pk), {"phase": phase, "confirm": "on"})
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.phase == phase
        assert AuditEntry.objects.filter(action=f"assessments.review.{phase}").exists()


def test_phase_refuses_a_move_not_offered(client, world, template, gd_officer):
    review = review_services.review_create(
        actor=None, name="广东评审", round_key="other", authority=world.gd, scheme=template
    )
    login(client, gd_officer)
    response = client.post(url("review-phase", review.pk), {"phase": "closed", "confirm": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["phase"]
    review.refresh_from_db()
    assert review.phase == Review.Phase.PREPARING


def test_assign_automatically_reports_what_it_created(
    client_en, gd_review, gd_subjects, gd_officer
):
    login(client_en, gd_officer)
    response = client_en.post(url("review-assign", gd_review.pk))
    assert response.status_code == 302
    assert Assignment.objects.filter(subject__review=gd_review).count() == 12
    assert messages_of(response) == ["12 assignments were created."]
    client_en.get(response.url)  # shows (and so consumes) the message
    # Existing assignments are kept: a second run adds nothing.
    again = client_en.post(url("review-assign", gd_review.pk))
    assert messages_of(again) == ["0 assignments were created."]


def test_assign_automatically_names_the_subjects_short_of_reviewers(
    client_en, gd_review, gd_subjects, gd_officer, gd_reviewer
):
    # Two seats inactive: Shenzhen's first unit keeps only two eligible reviewers, since
    # gd_reviewer works there.
    PanelMember.objects.filter(user__username__in=["gd_r4", "gd_r5"]).update(is_active=False)
    login(client_en, gd_officer)
    response = client_en.post(url("review-assign", gd_review.pk))
    created, warning = messages_of(response)
    assert created == "11 assignments were created."
    assert warning == f"1 subject is still short of reviewers: “{gd_subjects[0].title}”."
    detail = client_en.get(url("review-detail", gd_review.pk))
    assert [s.pk for s in detail.context["short"]] == [gd_subjects[0].pk]


def test_assign_automatically_with_an_empty_panel_says_so(client_en, world, template, gd_officer):
    review = review_services.review_create(
        actor=None, name="广东评审", round_key="other", authority=world.gd, scheme=template
    )
    attach(world, review, 1)
    login(client_en, gd_officer)
    response = client_en.post(url("review-assign", review.pk))
    assert messages_of(response) == ["The review has no reviewers on its panel."]


# --- the ranking ------------------------------------------------------------------------------


def test_ranking_reads_a_fixed_number_of_queries(
    client, world, gd_review, scored, gd_officer, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + review + categories + provinces + subject count + the page of the ranking
    # + normalised scores (reviewers' statistics, overall, the page's sheets)
    # + the page's assignments and province names + overall
    with django_assert_num_queries(BASE + 11):
        response = client.get(url("review-ranking", gd_review.pk))
    rows = response.context["page"].object_list
    assert len(rows) == EXTRA
    assert {row["score"] for row in rows} == {Decimal("80.00")}
    assert {row["normalised"] for row in rows} == {Decimal("80.00")}
    assert {(row["assigned"], row["province"]) for row in rows} == {(3, world.gd.name)}
    assert response.context["overall"]["count"] == EXTRA * 3
    # Filtered by category and province: the same reads.
    filters = {"category": "advanced_unit", "province": world.gd.pk}
    with django_assert_num_queries(BASE + 11):
        response = client.get(url("review-ranking", gd_review.pk), filters)
    assert len(response.context["page"].object_list) == EXTRA


def test_ranking_pages_by_fifty(client, world, gd_review, gd_officer):
    attach(world, gd_review, 51)
    login(client, gd_officer)
    first = client.get(url("review-ranking", gd_review.pk))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.count == 51
    second = client.get(url("review-ranking", gd_review.pk) + "?page=2")
    assert len(second.context["page"].object_list) == 1


def test_ranking_filters_keep_each_subjects_rank_in_its_category(
    client, world, gd_review, gd_officer
):
    gd = attach(world, gd_review, 2)
    zj = attach(world, gd_review, 1, authority=world.nb.authority, prefix="Ningbo")
    other = attach(world, gd_review, 1, category="civilized_port", prefix="Port")
    review_services.assignment_auto(actor=None, review=gd_review)
    for subject, fraction in ((gd[0], "0.9"), (zj[0], "0.8"), (gd[1], "0.7"), (other[0], "0.6")):
        for a in Assignment.objects.filter(subject=subject).select_related("member__user"):
            submit_sheet(a.member.user, subject, Decimal(fraction))
    login(client, gd_officer)
    page = url("review-ranking", gd_review.pk)
    by_province = client.get(page, {"province": world.zj.pk})
    assert [(r["title"], r["rank"]) for r in by_province.context["page"].object_list] == [
        ("Ningbo 00", 2)
    ]
    assert by_province.context["page"].paginator.count == 1
    by_category = client.get(page, {"category": "civilized_port"})
    assert [(r["title"], r["rank"]) for r in by_category.context["page"].object_list] == [
        ("Port 00", 1)
    ]
    both = client.get(page, {"category": "advanced_unit", "province": world.gd.pk})
    assert [(r["title"], r["rank"]) for r in both.context["page"].object_list] == [
        ("Subject 00", 1),
        ("Subject 01", 3),
    ]
    # A province that is not among the choices filters nothing.
    assert client.get(page, {"province": "x"}).context["page"].paginator.count == 4


def test_ranking_shows_a_vetoed_subject_as_disqualified_and_a_disputed_one_flagged(
    client_en, gd_review, gd_subjects, gd_officer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    condition = VetoCondition.objects.filter(scheme=gd_review.scheme).first()
    vetoed, disputed = gd_subjects[1], gd_subjects[2]
    for a in Assignment.objects.filter(subject=vetoed).select_related("member__user")[:1]:
        submit_sheet(a.member.user, vetoed, vetoes={condition.pk: "处罚记录"})
    fractions = iter([Decimal("0.3"), Decimal("0.9"), Decimal("0.9")])
    for a in Assignment.objects.filter(subject=disputed).select_related("member__user"):
        submit_sheet(a.member.user, disputed, next(fractions))
    login(client_en, gd_officer)
    response = client_en.get(url("review-ranking", gd_review.pk))
    rows = {row["pk"]: row for row in response.context["page"].object_list}
    assert rows[vetoed.pk]["is_vetoed"] and rows[disputed.pk]["is_disputed"]
    html = response.content.decode()
    assert "disqualified (veto)" in html
    assert "disputed" in html
    assert url("subject-detail", vetoed.pk) in html


# --- the reviewers ----------------------------------------------------------------------------


@pytest.fixture
def severe(world, gd_review):
    """Twelve more reviewers; gd_r2 scores every subject at 40 %, the others at 90 %."""
    add_panel(gd_review, EXTRA)
    attach(world, gd_review, EXTRA)
    review_services.assignment_auto(actor=None, review=gd_review)
    score_all(gd_review, Decimal("0.9"), by={"gd_r2": Decimal("0.4")})


def test_reviewers_page_reads_a_fixed_number_of_queries(
    client, gd_review, severe, gd_officer, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + review + overall + panel (members, assignments grouped, sheets grouped)
    with django_assert_num_queries(BASE + 5):
        response = client.get(url("review-reviewers", gd_review.pk))
    assert len(response.context["members"]) == 5 + EXTRA


def test_reviewers_page_flags_a_reviewer_beyond_one_standard_deviation(
    client, gd_review, severe, gd_officer
):
    login(client, gd_officer)
    members = client.get(url("review-reviewers", gd_review.pk)).context["members"]
    harshest = members[0]
    assert harshest.user.username == "gd_r2"
    assert harshest.severity < 0 and harshest.is_outlier
    assert [m.user.username for m in members if m.is_outlier] == ["gd_r2"]
    assert all(m.completion == 100 for m in members if m.assigned)
    by_name = client.get(url("review-reviewers", gd_review.pk), {"sort": "name"})
    names = [m.user.username for m in by_name.context["members"]]
    assert names == sorted(names)


# --- one subject ------------------------------------------------------------------------------


@pytest.fixture
def crowded(world, gd_review, gd_subjects):
    """Shenzhen's second unit with twelve more reviewers assigned by hand: every sheet
    submitted, one with a veto; two declared conflicts."""
    subject = gd_subjects[1]
    members = add_panel(gd_review, EXTRA)
    for member in members:
        review_services.assignment_add(actor=None, subject=subject, member=member)
    condition = VetoCondition.objects.filter(scheme=gd_review.scheme).first()
    for i, member in enumerate(members):
        vetoes = {condition.pk: "近两年发生重大安全事故"} if i == 0 else None
        submit_sheet(member.user, subject, Decimal("0.7"), vetoes=vetoes)
    for username in ("gd_r2", "gd_r3"):
        seat = PanelMember.objects.get(review=gd_review, user__username=username)
        review_services.assignment_add(actor=None, subject=subject, member=seat)
        review_services.conflict_declare(actor=seat.user, subject=subject, reason="亲属在该单位")
    return subject


def test_subject_detail_reads_a_fixed_number_of_queries(
    client, crowded, gd_officer, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + subject + review (access) + assignments + sheets + their veto marks + conflicts
    # + items + points + the panel seats to add
    with django_assert_num_queries(BASE + 9):
        response = client.get(url("subject-detail", crowded.pk))
    columns = response.context["columns"]
    assert len(columns) == EXTRA
    assert all(c["sheet"].is_submitted for c in columns)
    assert len(response.context["conflicts"]) == 2
    items = Item.objects.filter(scheme=crowded.review.scheme).count()
    assert len(response.context["matrix"]) == items


def test_subject_detail_shows_points_vetoes_and_conflicts(client, crowded, gd_officer):
    login(client, gd_officer)
    response = client.get(url("subject-detail", crowded.pk))
    html = response.content.decode()
    assert "近两年发生重大安全事故" in html
    assert "亲属在该单位" in html
    item = Item.objects.filter(scheme=crowded.review.scheme, kind="standard").first()
    row = next(r for r in response.context["matrix"] if r["item"].pk == item.pk)
    expected = (item.max_points * Decimal("0.7")).quantize(Decimal("0.01"))
    assert [cell["points"] for cell in row["cells"]] == [expected] * EXTRA


def test_manual_add_assigns_and_grants_the_permission(client, gd_review, gd_subjects, gd_officer):
    subject = gd_subjects[2]
    seat = PanelMember.objects.get(review=gd_review, user__username="gd_r2")
    login(client, gd_officer)
    response = client.post(url("assignment-add", subject.pk), {"member": seat.pk})
    assert response.status_code == 302
    assert Assignment.objects.filter(subject=subject, member=seat, source="manual").exists()
    assert SubjectUserObjectPermission.objects.filter(
        user=seat.user, content_object=subject
    ).exists()


def test_manual_add_refuses_a_conflict_with_the_services_message(
    client, gd_review, gd_subjects, gd_officer, gd_reviewer
):
    own_unit = gd_subjects[0]  # gd_reviewer works at Shenzhen's first unit
    seat = PanelMember.objects.get(review=gd_review, user=gd_reviewer)
    with pytest.raises(review_services.ValidationError) as refused:
        review_services.assignment_add(actor=None, subject=own_unit, member=seat)
    login(client, gd_officer)
    page = client.get(url("subject-detail", own_unit.pk))
    # The seat is on offer, labelled with the conflict, so the refusal is no surprise.
    label = dict(page.context["add_form"].fields["member"].choices)[seat.pk]
    assert review_services.conflict_reason(seat, own_unit) in label
    response = client.post(url("assignment-add", own_unit.pk), {"member": seat.pk})
    assert response.status_code == 302
    assert messages_of(response) == refused.value.messages
    assert not Assignment.objects.filter(subject=own_unit, member=seat).exists()


def test_manual_add_refuses_a_seat_of_another_review(
    client, world, template, gd_review, gd_subjects, gd_officer
):
    other = review_services.review_create(
        actor=None, name="另一评审", round_key="other", authority=world.gd, scheme=template
    )
    stranger = add_panel(other, 1)[0]
    login(client, gd_officer)
    response = client.post(url("assignment-add", gd_subjects[2].pk), {"member": stranger.pk})
    assert response.status_code == 302
    assert not Assignment.objects.filter(member=stranger).exists()


def test_remove_an_assignment_withdraws_it_and_its_permission(
    client, gd_review, gd_subjects, gd_officer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.filter(subject=gd_subjects[3]).select_related("member").first()
    login(client, gd_officer)
    response = client.post(url("assignment-remove", assignment.pk))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert not SubjectUserObjectPermission.objects.filter(
        user_id=assignment.member.user_id, content_object=gd_subjects[3]
    ).exists()


def test_remove_refuses_an_assignment_with_a_submitted_sheet(
    client_en, gd_review, one_sheet, gd_officer
):
    assignment = Assignment.objects.get(subject=one_sheet.subject, member__user=one_sheet.reviewer)
    login(client_en, gd_officer)
    response = client_en.post(url("assignment-remove", assignment.pk))
    assert "reopen it first" in messages_of(response)[0]
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# --- reopening --------------------------------------------------------------------------------


def test_reopen_needs_a_reason(client, one_sheet, gd_officer):
    login(client, gd_officer)
    page = client.get(url("sheet-reopen", one_sheet.pk))
    assert page.status_code == 200
    response = client.post(url("sheet-reopen", one_sheet.pk), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    one_sheet.refresh_from_db()
    assert one_sheet.is_submitted
    assert not AuditEntry.objects.filter(action="assessments.sheet.reopened").exists()


def test_reopen_with_a_reason_returns_the_sheet_and_records_it(client, one_sheet, gd_officer):
    login(client, gd_officer)
    response = client.post(url("sheet-reopen", one_sheet.pk), {"reason": "第3项评分依据不足"})
    assert response.status_code == 302
    assert response.url == url("subject-detail", one_sheet.subject_id)
    one_sheet.refresh_from_db()
    assert one_sheet.status == ScoreSheet.Status.DRAFT and one_sheet.total is None
    entry = AuditEntry.objects.get(action="assessments.sheet.reopened")
    assert entry.actor == gd_officer
    assert entry.changes["reason"] == "第3项评分依据不足"


def test_reopening_a_draft_is_refused(client, gd_review, gd_subjects, gd_officer):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    sheet = submit_sheet(assignment.member.user, assignment.subject)
    login(client, gd_officer)
    client.post(url("sheet-reopen", sheet.pk), {"reason": "一"})
    response = client.post(url("sheet-reopen", sheet.pk), {"reason": "二"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert AuditEntry.objects.filter(action="assessments.sheet.reopened").count() == 1

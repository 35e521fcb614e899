"""The office creates a review and manages its panel: adding reviewers by username with where
they work, changing that, deactivating, reactivating and removing them.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from guardian.shortcuts import assign_perm

from assessments.models import Assignment, PanelMember, Review, ScoreSheet
from assessments.services import reviews as review_services
from assessments.services import schemes as scheme_services
from assessments.views import reviews as review_views
from campaigns.scope import forget_scope
from campaigns.services import accounts as account_services
from civport.models import AuditEntry
from tests.assessments.fixtures import ROUND, make_user, submit_sheet
from tests.conftest import login

BASE = 3  # session + user + scope
MEMBERS = 12


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def client_en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def province_scheme(template, authority):
    """A province's own version of the template, published (so in force and filed)."""
    draft = scheme_services.scheme_derive(actor=None, template=template, authority=authority)
    return scheme_services.scheme_publish(actor=None, scheme=draft)


def review_data(world, scheme, **extra):
    return {
        "name": "2027年度广东省评审",
        "round_key": "2027-2028",
        "authority": world.gd.pk,
        "scheme": scheme.pk,
        "reviewers_per_subject": 3,
        "due_on": "2027-12-31",
        **extra,
    }


def fill_panel(review, n=MEMBERS):
    return [
        review_services.panel_member_add(
            actor=None, review=review, user=make_user(f"panel{review.pk}-{i:02d}")
        )
        for i in range(n)
    ]


# --- creating a review ------------------------------------------------------------------------


def test_review_list_offers_a_new_review_to_provincial_officers_only(
    client_en, gd_review, gd_officer, persona
):
    login(client_en, gd_officer)
    assert url("review-create") in client_en.get(url("review-list")).content.decode()
    login(client_en, persona("port_officer"))
    assert url("review-create") not in client_en.get(url("review-list")).content.decode()
    assert client_en.get(url("review-create")).status_code == 404


def test_create_page_query_count(client_en, world, template, gd_officer, django_assert_num_queries):
    zj = province_scheme(template, world.zj)
    gd = [province_scheme(template, world.gd)]
    for _ in range(10):
        draft = scheme_services.scheme_new_version(actor=None, scheme=gd[-1])
        gd.append(scheme_services.scheme_publish(actor=None, scheme=draft))
    login(client_en, gd_officer)
    # BASE + authorities the officer runs reviews for + published schemes they may use
    with django_assert_num_queries(BASE + 2):
        response = client_en.get(url("review-create"))
    offered = {pk for pk, _label in response.context["form"].fields["scheme"].choices if pk}
    assert offered == {template.pk, *(s.pk for s in gd)}
    assert zj.pk not in offered
    authorities = {pk for pk, _label in response.context["form"].fields["authority"].choices}
    assert authorities == {"", world.gd.pk}


def test_create_review_goes_to_its_panel(client_en, world, template, gd_officer):
    gd_scheme = province_scheme(template, world.gd)
    login(client_en, gd_officer)
    response = client_en.post(url("review-create"), review_data(world, gd_scheme))
    review = Review.objects.get(round_key="2027-2028")
    assert response.status_code == 302
    assert response["Location"] == url("review-panel", review.pk)
    assert (review.authority, review.scheme, review.reviewers_per_subject) == (
        world.gd,
        gd_scheme,
        3,
    )
    assert review.phase == Review.Phase.PREPARING
    assert AuditEntry.objects.filter(action="assessments.review.created", actor=gd_officer).exists()


def test_create_refuses_a_draft_scheme(client_en, world, template, gd_officer):
    draft = scheme_services.scheme_derive(actor=None, template=template, authority=world.gd)
    login(client_en, gd_officer)
    response = client_en.post(url("review-create"), review_data(world, draft))
    assert response.status_code == 200
    assert response.context["form"].errors["scheme"]
    assert not Review.objects.filter(round_key="2027-2028").exists()
    # The service refuses it too, naming the field.
    with pytest.raises(ValidationError) as caught:
        review_services.review_create(
            actor=None, name="x", round_key="2027-2028", authority=world.gd, scheme=draft
        )
    assert "scheme" in caught.value.message_dict


def test_create_refuses_another_provinces_scheme(client_en, world, template, gd_officer):
    zj_scheme = province_scheme(template, world.zj)
    login(client_en, gd_officer)
    response = client_en.post(url("review-create"), review_data(world, zj_scheme))
    assert response.context["form"].errors["scheme"]
    assert not Review.objects.filter(round_key="2027-2028").exists()


def test_a_national_review_takes_national_templates_only(
    client_en, world, template, national_admin
):
    gd_scheme = province_scheme(template, world.gd)
    login(client_en, national_admin)
    data = review_data(world, gd_scheme, authority=world.national.pk)
    response = client_en.post(url("review-create"), data)
    assert "belongs to another authority" in str(response.context["form"].errors["scheme"])
    assert not Review.objects.filter(round_key="2027-2028").exists()
    response = client_en.post(url("review-create"), {**data, "scheme": template.pk})
    assert response.status_code == 302
    assert Review.objects.get(round_key="2027-2028").authority == world.national


def test_create_refuses_a_second_review_of_the_round(client_en, world, gd_review, gd_officer):
    login(client_en, gd_officer)
    response = client_en.post(
        url("review-create"), review_data(world, gd_review.scheme, round_key=ROUND)
    )
    errors = response.context["form"].errors
    assert "has a review for the round 2025-2026 already" in str(errors["round_key"])
    assert Review.objects.filter(round_key=ROUND).count() == 1


def test_create_refuses_too_many_reviewers_per_subject(client_en, world, template, gd_officer):
    login(client_en, gd_officer)
    response = client_en.post(
        url("review-create"), review_data(world, template, reviewers_per_subject=10)
    )
    assert response.context["form"].errors["reviewers_per_subject"]
    assert not Review.objects.filter(round_key="2027-2028").exists()


def test_zj_officer_cannot_create_a_review_for_guangdong(client_en, world, template, zj_officer):
    login(client_en, zj_officer)
    response = client_en.post(url("review-create"), review_data(world, template))
    assert response.context["form"].errors["authority"]
    assert not Review.objects.filter(round_key="2027-2028").exists()


# --- the panel page ---------------------------------------------------------------------------


def test_panel_page_query_count(
    client_en, world, gd_review, gd_subjects, gd_officer, django_assert_num_queries
):
    fill_panel(gd_review)
    review_services.assignment_auto(actor=None, review=gd_review)
    login(client_en, gd_officer)
    # BASE + the review + panel members, their assignment counts, their submitted sheets
    # + the authorities and the number of units on offer + the units
    with django_assert_num_queries(BASE + 1 + 3 + 2 + 1):
        response = client_en.get(url("review-panel", gd_review.pk))
    assert response.status_code == 200
    assert len(response.context["members"]) == MEMBERS + 5
    assert response.context["owner_form"] is None
    page = response.content.decode()
    assert url("panel-member-edit", PanelMember.objects.get(user__username="gd_r2").pk) in page


def test_a_viewer_of_the_authority_sees_the_panel_read_only(
    client, world, gd_review, outsider, django_assert_num_queries
):
    fill_panel(gd_review)
    assign_perm("campaigns.view_authority", outsider, world.gd)
    forget_scope(outsider)
    login(client, outsider)
    # BASE + the review + panel members, their assignment counts, their submitted sheets
    with django_assert_num_queries(BASE + 1 + 3):
        response = client.get(url("review-panel", gd_review.pk))
    assert response.status_code == 200
    assert response.context["form"] is None
    member = gd_review.panel.get(user__username="gd_r5")
    assert url("panel-member-remove", member.pk).encode() not in response.content
    # Seen but not run: the writes are refused.
    make_user("new_reviewer")
    assert (
        client.post(url("review-panel", gd_review.pk), {"username": "new_reviewer"}).status_code
        == 403
    )
    assert client.get(url("panel-member-edit", member.pk)).status_code == 403
    assert client.post(url("panel-member-active", member.pk), {"is_active": "0"}).status_code == 403
    assert client.post(url("panel-member-remove", member.pk)).status_code == 403
    assert PanelMember.objects.get(pk=member.pk).is_active


def test_many_units_are_listed_one_authority_at_a_time(
    client_en, world, gd_review, gd_officer, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(review_views, "PANEL_UNIT_CHOICES_MAX", 3)
    fill_panel(gd_review)
    login(client_en, gd_officer)
    response = client_en.get(url("review-panel", gd_review.pk))
    assert response.context["form"].fields["unit"].choices == [("", "---------")]
    assert response.context["owner_form"] is not None
    sz = world.sz.authority
    # BASE + the review + the chosen authority + three panel reads + authorities + the units
    # of the chosen authority + the authorities to choose from
    with django_assert_num_queries(BASE + 1 + 1 + 3 + 1 + 1 + 1):
        response = client_en.get(url("review-panel", gd_review.pk), {"owner": sz.pk})
    offered = {pk for pk, _label in response.context["form"].fields["unit"].choices if pk}
    assert offered == {u.pk for u in world.sz.units}
    # Any unit of the review is accepted on POST, whatever is listed.
    gz_unit = world.gz.units[0]
    reviewer = make_user("new_reviewer")
    client_en.post(
        url("review-panel", gd_review.pk) + f"?owner={sz.pk}",
        {"username": "new_reviewer", "unit": gz_unit.pk},
    )
    assert PanelMember.objects.get(review=gd_review, user=reviewer).unit == gz_unit


def test_add_a_reviewer_by_username_with_where_they_work(client_en, world, gd_review, gd_officer):
    reviewer = make_user("new_reviewer")
    login(client_en, gd_officer)
    response = client_en.post(
        url("review-panel", gd_review.pk),
        {
            "username": "new_reviewer",
            "unit": world.gz.units[1].pk,
            "authority": world.gz.authority.pk,
        },
    )
    assert response.status_code == 302
    member = PanelMember.objects.get(review=gd_review, user=reviewer)
    assert (member.unit, member.authority, member.is_active) == (
        world.gz.units[1],
        world.gz.authority,
        True,
    )
    entry = AuditEntry.objects.get(action="assessments.panel.member_added", actor=gd_officer)
    assert entry.object_id == str(member.pk)


def test_adding_while_open_is_allowed(client_en, world, gd_review, gd_officer):
    assert gd_review.phase == Review.Phase.OPEN
    make_user("late_reviewer")
    login(client_en, gd_officer)
    client_en.post(url("review-panel", gd_review.pk), {"username": "late_reviewer"})
    assert gd_review.panel.filter(user__username="late_reviewer").exists()


@pytest.mark.parametrize("username", ["nobody", "sleeping"])
def test_add_refuses_an_unknown_or_deactivated_username(
    client_en, world, gd_review, gd_officer, username
):
    sleeping = make_user("sleeping")
    sleeping.is_active = False
    sleeping.save()
    login(client_en, gd_officer)
    before = gd_review.panel.count()
    response = client_en.post(url("review-panel", gd_review.pk), {"username": username})
    assert response.status_code == 200
    error = str(response.context["form"].errors["username"])
    assert f"No active account has the username “{username}”" in error
    assert gd_review.panel.count() == before


def test_the_panel_points_to_the_account_pages_not_to_the_system_administrator(
    client_en, world, gd_review, gd_officer
):
    login(client_en, gd_officer)
    page = client_en.get(url("review-panel", gd_review.pk)).content.decode()
    assert "system administrator" not in page
    assert reverse("campaigns:account-create") not in page  # not an account manager yet
    assert "from their office's account manager" in page
    response = client_en.post(url("review-panel", gd_review.pk), {"username": "nobody"})
    assert (
        "created by their office's account manager"
        in response.context["form"].errors["username"][0]
    )
    account_services.account_duty_set(
        actor=None, membership=gd_officer.memberships.get(), manages_accounts=True
    )
    page = client_en.get(url("review-panel", gd_review.pk)).content.decode()
    assert f'href="{reverse("campaigns:account-create")}"' in page


def test_add_refuses_someone_on_the_panel_already(client_en, world, gd_review, gd_officer):
    login(client_en, gd_officer)
    response = client_en.post(url("review-panel", gd_review.pk), {"username": "gd_reviewer"})
    assert "gd_reviewer is on the panel already" in str(response.context["form"].errors)


def test_add_refuses_a_unit_or_authority_outside_the_review(
    client_en, world, gd_review, gd_officer
):
    make_user("new_reviewer")
    login(client_en, gd_officer)
    for data in (
        {"unit": world.nb.units[0].pk},
        {"authority": world.nb.authority.pk},
        {"authority": world.gd.pk},
    ):
        response = client_en.post(
            url("review-panel", gd_review.pk), {"username": "new_reviewer", **data}
        )
        assert response.context["form"].errors, data
    assert not gd_review.panel.filter(user__username="new_reviewer").exists()


def test_add_refuses_a_unit_of_another_authority_than_the_one_given(
    client_en, world, gd_review, gd_officer
):
    make_user("new_reviewer")
    login(client_en, gd_officer)
    response = client_en.post(
        url("review-panel", gd_review.pk),
        {
            "username": "new_reviewer",
            "unit": world.sz.units[0].pk,
            "authority": world.gz.authority.pk,
        },
    )
    assert "does not belong to" in str(response.context["form"].errors["unit"])
    assert not gd_review.panel.filter(user__username="new_reviewer").exists()


# --- where a reviewer works -------------------------------------------------------------------


def test_member_edit_page_query_count(
    client_en, world, gd_review, gd_officer, django_assert_num_queries
):
    fill_panel(gd_review)
    member = gd_review.panel.get(user__username="gd_reviewer")
    login(client_en, gd_officer)
    # BASE + the seat (with user, unit, review) + its review through the access helper
    # + the authorities and the number of units on offer + the units
    with django_assert_num_queries(BASE + 2 + 2 + 1):
        response = client_en.get(url("panel-member-edit", member.pk))
    assert response.context["form"].initial["unit"] == world.sz.units[0].pk


def test_changing_where_a_reviewer_works_is_saved(client_en, world, gd_review, gd_officer):
    member = gd_review.panel.get(user__username="gd_r2")
    login(client_en, gd_officer)
    response = client_en.post(
        url("panel-member-edit", member.pk), {"authority": world.gz.authority.pk}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.authority == world.gz.authority
    assert AuditEntry.objects.filter(action="assessments.panel.member_changed").exists()


def test_a_change_making_an_assignment_a_conflict_is_refused(
    client_en, world, gd_review, gd_subjects, gd_officer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    member = (
        gd_review.panel.filter(assignments__subject__authority=world.gz.authority)
        .exclude(user__username="gd_reviewer")
        .first()
    )
    titles = sorted(
        Assignment.objects.filter(member=member, subject__authority=world.gz.authority).values_list(
            "subject__title", flat=True
        )
    )
    login(client_en, gd_officer)
    response = client_en.post(
        url("panel-member-edit", member.pk), {"authority": world.gz.authority.pk}
    )
    assert response.status_code == 200
    error = str(response.context["form"].non_field_errors())
    assert "conflict of interest" in error
    for title in titles:
        assert f"“{title}”" in error
    member.refresh_from_db()
    assert member.authority is None


# --- deactivating and removing ----------------------------------------------------------------


def test_a_deactivated_reviewer_loses_scoring_and_keeps_sheets(
    client, world, gd_review, gd_subjects, gd_officer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    assignments = list(
        Assignment.objects.filter(member__user__username="gd_r2").select_related(
            "subject__review__scheme", "member__user"
        )
    )
    reviewer = assignments[0].member.user
    submitted = submit_sheet(reviewer, assignments[0].subject)
    later = assignments[1].subject
    login(client, reviewer)
    assert client.get(url("score", later.pk)).status_code == 200

    login(client, gd_officer)
    member = assignments[0].member
    response = client.post(url("panel-member-active", member.pk), {"is_active": "0"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert AuditEntry.objects.filter(action="assessments.panel.member_deactivated").exists()

    login(client, reviewer)
    assert client.get(url("score", later.pk)).status_code == 404
    assert ScoreSheet.objects.get(pk=submitted.pk).is_submitted

    # No new assignments for an inactive seat.
    extra = review_services.subject_attach(
        actor=None,
        review=gd_review,
        target=make_user("extra-target"),
        title="Extra",
        authority=world.gz.authority,
    )
    review_services.assignment_auto(actor=None, review=gd_review)
    assert not Assignment.objects.filter(subject=extra, member=member).exists()

    login(client, gd_officer)
    client.post(url("panel-member-active", member.pk), {"is_active": "1"})
    assert AuditEntry.objects.filter(action="assessments.panel.member_reactivated").exists()
    login(client, reviewer)
    assert client.get(url("score", later.pk)).status_code == 200


def test_removal_is_refused_while_the_reviewer_has_assignments(
    client_en, world, gd_review, gd_subjects, gd_officer
):
    review_services.assignment_auto(actor=None, review=gd_review)
    member = gd_review.panel.filter(assignments__isnull=False).distinct().first()
    n = member.assignments.count()
    login(client_en, gd_officer)
    response = client_en.post(url("panel-member-remove", member.pk))
    assert response.status_code == 302
    assert PanelMember.objects.filter(pk=member.pk).exists()
    (text,) = messages_of(response)
    assert f"has {n} assignment" in text and "withdraw" in text


def test_a_reviewer_without_assignments_is_removed(client_en, world, gd_review, gd_officer):
    member = gd_review.panel.get(user__username="gd_r5")
    login(client_en, gd_officer)
    client_en.post(url("panel-member-remove", member.pk))
    assert not PanelMember.objects.filter(pk=member.pk).exists()
    assert AuditEntry.objects.filter(action="assessments.panel.member_removed").exists()


# --- who may ----------------------------------------------------------------------------------


def panel_pages(review):
    member = review.panel.get(user__username="gd_r5")
    gets = [url("review-panel", review.pk), url("panel-member-edit", member.pk)]
    posts = [
        (url("review-panel", review.pk), {"username": "gd_r5"}),
        (url("panel-member-edit", member.pk), {}),
        (url("panel-member-active", member.pk), {"is_active": "0"}),
        (url("panel-member-remove", member.pk), {}),
    ]
    return member, gets, posts


@pytest.mark.parametrize("who", ["zj_officer", "gd_reviewer", "port_officer", "outsider"])
def test_other_provinces_reviewers_and_lower_tiers_get_404_on_the_panel(
    client, world, gd_review, persona, gd_reviewer, who
):
    user = gd_reviewer if who == "gd_reviewer" else persona(who)
    member, gets, posts = panel_pages(gd_review)
    login(client, user)
    for page in gets:
        assert client.get(page).status_code == 404, page
    for page, data in posts:
        assert client.post(page, data).status_code == 404, page
    member.refresh_from_db()
    assert member.is_active


def test_the_404_is_for_the_stated_reason(client, world, gd_review, gd_officer):
    """The same pages open for Guangdong's own officer."""
    _member, gets, _posts = panel_pages(gd_review)
    login(client, gd_officer)
    for page in gets:
        assert client.get(page).status_code == 200, page


def test_removal_is_refused_after_a_declared_conflict(
    client_en, world, gd_review, gd_subjects, gd_officer
):
    member = gd_review.panel.get(user__username="gd_r5")
    review_services.conflict_declare(
        actor=member.user, subject=gd_subjects[0], reason="曾在该单位任职"
    )
    login(client_en, gd_officer)
    response = client_en.post(url("panel-member-remove", member.pk))
    assert "deactivate the reviewer instead" in messages_of(response)[0]
    assert PanelMember.objects.filter(pk=member.pk).exists()


def test_a_deactivated_reviewer_cannot_be_assigned_by_hand(world, gd_review, gd_subjects):
    member = gd_review.panel.get(user__username="gd_r5")
    member = review_services.panel_member_set_active(actor=None, member=member, is_active=False)
    with pytest.raises(ValidationError, match="gd_r5 is deactivated"):
        review_services.assignment_add(actor=None, subject=gd_subjects[2], member=member)
    assert not Assignment.objects.filter(member=member).exists()

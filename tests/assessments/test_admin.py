"""The national office's admin for assessments: every model's changelist and change page
render; nothing is added, changed or deleted around the services; the actions call them."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from assessments.models import (
    Assignment,
    Conflict,
    Cycle,
    Evidence,
    Indicator,
    Item,
    PanelMember,
    Review,
    Scheme,
    SchemeArea,
    Score,
    ScoreSheet,
    SelfAssessment,
    Subject,
    SubjectGroupObjectPermission,
    SubjectUserObjectPermission,
    VetoCondition,
    VetoMark,
)
from assessments.services import reviews as review_services
from assessments.services import schemes as services
from civport.models import AuditEntry
from tests.assessments.fixtures import submit_sheet
from tests.conftest import login

MODELS = [
    Scheme,
    SchemeArea,
    Indicator,
    Item,
    VetoCondition,
    Review,
    PanelMember,
    Subject,
    Assignment,
    Conflict,
    ScoreSheet,
    Score,
    VetoMark,
    Cycle,
    SelfAssessment,
    Evidence,
    SubjectUserObjectPermission,
    SubjectGroupObjectPermission,
]


@pytest.fixture
def superuser(world, settings):
    return get_user_model().objects.create_superuser(
        username="root", password="correct-horse-battery"
    )


@pytest.fixture
def admin_client(client, superuser, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return login(client, superuser)


@pytest.fixture
def everything(world, template, gd_review, gd_subjects, gd_reviewer):
    """One or more rows of every assessments model."""
    review_services.assignment_auto(actor=None, review=gd_review)
    assignment = Assignment.objects.select_related("member__user", "subject").first()
    veto = template.vetoes.first()
    sheet = submit_sheet(
        assignment.member.user, assignment.subject, vetoes={veto.pk: "去年发生安全事故"}
    )
    other = (
        Assignment.objects.exclude(member=assignment.member)
        .select_related("member__user", "subject")
        .first()
    )
    review_services.conflict_declare(
        actor=other.member.user, subject=other.subject, reason="曾在该单位任职"
    )
    cycle_review = review_services.review_create(
        actor=None,
        name="2026年度考核",
        round_key="cycle-2026",
        authority=world.gd,
        scheme=template,
        reviewers_per_subject=1,
    )
    cycle = Cycle.objects.create(name="2026年度广东考核", year=2026, review=cycle_review)
    subject = review_services.subject_attach(
        actor=None,
        review=cycle_review,
        target=world.sz.units[1],
        title="深圳单位2",
        authority=world.sz.authority,
        unit=world.sz.units[1],
    )
    item = template.items.first()
    own = SelfAssessment.objects.create(
        subject=subject, item=item, points=Decimal("3"), max_points=item.max_points
    )
    Evidence.objects.create(
        self_assessment=own,
        file="evidence/2026/01/abc.pdf",
        original_name="会议纪要.pdf",
        content_type="application/pdf",
        size=1234,
        uploaded_by=gd_reviewer,
    )
    group = Group.objects.create(name="reviewers")
    SubjectGroupObjectPermission.objects.create(
        group=group,
        permission=Permission.objects.get(codename="score_subject"),
        content_object=subject,
    )
    return {"sheet": sheet, "cycle": cycle}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_page_render(admin_client, everything, model):
    name = model._meta.model_name
    response = admin_client.get(reverse(f"admin:assessments_{name}_changelist"))
    assert response.status_code == 200
    obj = model.objects.order_by("pk").first()
    assert obj is not None
    response = admin_client.get(reverse(f"admin:assessments_{name}_change", args=[obj.pk]))
    assert response.status_code == 200
    # read-only: no add page, nothing saved by a post
    assert admin_client.get(reverse(f"admin:assessments_{name}_add")).status_code == 403


@pytest.mark.parametrize("model", [Scheme, Review, ScoreSheet, Subject], ids=lambda m: m.__name__)
def test_search_and_filters_work(admin_client, everything, model):
    url = reverse(f"admin:assessments_{model._meta.model_name}_changelist")
    assert admin_client.get(url, {"q": "广东"}).status_code == 200


def test_sheet_page_shows_scores_inline(admin_client, everything):
    sheet = everything["sheet"]
    response = admin_client.get(reverse("admin:assessments_scoresheet_change", args=[sheet.pk]))
    body = response.content.decode()
    assert "去年发生安全事故" in body
    assert body.count("1.1") >= 1


def test_change_page_is_read_only(admin_client, template):
    url = reverse("admin:assessments_scheme_change", args=[template.pk])
    response = admin_client.post(url, {"name": "改名", "family": template.family})
    assert response.status_code == 403
    template.refresh_from_db()
    assert template.name != "改名"


def test_publish_action_calls_the_service(admin_client, template, national_admin):
    draft = services.scheme_new_version(actor=national_admin, scheme=template)
    response = admin_client.post(
        reverse("admin:assessments_scheme_changelist"),
        {"action": "publish", "_selected_action": [draft.pk, template.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.is_published
    assert AuditEntry.objects.filter(
        action="assessments.scheme.published", object_id=str(draft.pk)
    ).exists()
    body = response.content.decode()
    assert "1 versions published." in body
    assert "published and frozen" in body  # the template was refused, by name


def test_publish_action_leaves_a_provinces_version_to_the_province(
    admin_client, world, template, gd_officer
):
    # a province's version is published (and so filed) by the province, in the portal
    scheme = services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)
    admin_client.post(
        reverse("admin:assessments_scheme_changelist"),
        {"action": "publish", "_selected_action": [scheme.pk]},
    )
    scheme.refresh_from_db()
    assert (scheme.status, scheme.filing_version) == ("draft", None)


def test_new_version_action(admin_client, template):
    admin_client.post(
        reverse("admin:assessments_scheme_changelist"),
        {"action": "new_version", "_selected_action": [template.pk]},
    )
    assert Scheme.objects.filter(family=template.family, version=2, status="draft").exists()


def test_review_phase_actions(admin_client, gd_review):
    url = reverse("admin:assessments_review_changelist")
    admin_client.post(url, {"action": "close", "_selected_action": [gd_review.pk]})
    gd_review.refresh_from_db()
    assert gd_review.phase == Review.Phase.CLOSED
    admin_client.post(url, {"action": "open_for_scoring", "_selected_action": [gd_review.pk]})
    gd_review.refresh_from_db()
    assert gd_review.phase == Review.Phase.OPEN
    assert AuditEntry.objects.filter(action="assessments.review.closed").count() == 1


def test_national_staff_see_it_provinces_do_not(client, national_admin, gd_officer, template):
    url = reverse("admin:assessments_scheme_changelist")
    assert login(client, national_admin).get(url).status_code == 200
    gd_officer.is_staff = True
    gd_officer.save()
    assert login(client, gd_officer).get(url).status_code == 403


def test_score_changelist_query_count_is_fixed(admin_client, everything, django_assert_num_queries):
    # warm the content types and the session
    url = reverse("admin:assessments_score_changelist")
    admin_client.get(url)
    assert Score.objects.count() >= 10
    # session + user + the page of scores (items, sheets, subjects, reviewers joined) + the
    # filtered count; no query per row
    with django_assert_num_queries(4):
        response = admin_client.get(url)
    assert response.status_code == 200

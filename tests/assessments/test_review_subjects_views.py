"""A review made in the portal takes the units of its area as subjects, so it can be used to
the end: units added, reviewers assigned, sheets scored. A round's review of nominations does
not take units; another province gets a 404."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Review, Subject
from assessments.services import reviews as review_services
from tests.conftest import login


@pytest.fixture
def gd_own_review(world, template):
    return review_services.review_create(
        actor=None,
        name="2026年度广东省考核",
        round_key="gd-2026",
        authority=world.gd,
        scheme=template,
        reviewers_per_subject=1,
        due_on=datetime.date(2026, 12, 31),
    )


def test_the_officer_adds_units_and_the_review_can_be_assigned(
    client, world, gd_own_review, gd_officer
):
    login(client, gd_officer)
    detail = client.get(reverse("assessments:review-detail", args=[gd_own_review.pk]))
    assert b'data-testid="add-units"' in detail.content
    url = reverse("assessments:review-subjects-add", args=[gd_own_review.pk])
    page = client.get(url)
    assert page.status_code == 200
    offered = set(page.context["form"].fields["units"].queryset)
    assert offered == {*world.sz.units, *world.gz.units}
    response = client.post(url, {"units": [world.sz.units[1].pk, world.gz.units[0].pk]})
    assert response.status_code == 302
    assert set(
        Subject.objects.filter(review=gd_own_review).values_list("object_id", flat=True)
    ) == {world.sz.units[1].pk, world.gz.units[0].pk}
    # The review runs to the end: a reviewer on the panel gets every subject.
    from tests.assessments.fixtures import make_user

    review_services.panel_member_add(actor=None, review=gd_own_review, user=make_user("r1"))
    created, short = review_services.assignment_auto(actor=None, review=gd_own_review)
    assert len(created) == 2 and not short


def test_units_outside_the_area_are_refused(client, world, gd_own_review, gd_officer):
    login(client, gd_officer)
    url = reverse("assessments:review-subjects-add", args=[gd_own_review.pk])
    response = client.post(url, {"units": [world.nb.units[0].pk]})
    assert response.status_code == 200
    assert not Subject.objects.filter(review=gd_own_review).exists()


def test_another_province_and_a_rounds_review_get_a_404(
    client, world, template, gd_own_review, zj_officer, gd_officer
):
    login(client, zj_officer)
    url = reverse("assessments:review-subjects-add", args=[gd_own_review.pk])
    assert client.get(url).status_code == 404
    round_review = review_services.review_create(
        actor=None,
        name="评比",
        round_key="award-2025-2026",
        authority=world.gd,
        scheme=template,
        reviewers_per_subject=1,
    )
    review_services.subject_attach(
        actor=None,
        review=round_review,
        target=world.sz.port,
        title="口岸",
        authority=world.sz.authority,
    )
    login(client, gd_officer)
    url = reverse("assessments:review-subjects-add", args=[round_review.pk])
    assert client.get(url).status_code == 404
    detail = client.get(reverse("assessments:review-detail", args=[round_review.pk]))
    assert b'data-testid="add-units"' not in detail.content
    assert Review.objects.filter(pk=round_review.pk).exists()

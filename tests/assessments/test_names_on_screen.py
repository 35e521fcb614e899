"""Reviews and subjects are shown by their names, never by the codes that key them: a review's
round (`award-2025-2026`, `cycle-2025`) as the round's or cycle's name, a subject's category
(`advanced_unit`) as the title's name."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Assignment, Cycle
from assessments.selectors import review_list_for
from assessments.services import reviews as review_services
from awards.models import Round
from tests.conftest import login


def make_review(world, template, round_key, name):
    return review_services.review_create(
        actor=None,
        name=name,
        round_key=round_key,
        authority=world.gd,
        scheme=template,
        reviewers_per_subject=1,
        due_on=datetime.date(2026, 6, 30),
    )


@pytest.fixture
def named_reviews(world, template):
    Round.objects.create(
        code="2031-2032",
        name="2031—2032年度全国共建文明口岸评比",
        start_year=2031,
        end_year=2032,
        scheme=template,
    )
    award = make_review(world, template, "award-2031-2032", "广东省初评")
    cycle_review = make_review(world, template, "cycle-2031", "广东年度考核评审")
    Cycle.objects.create(name="2031年度文明口岸考核", year=2031, review=cycle_review)
    other = make_review(world, template, "2031-spring", "春季评审")
    return award, cycle_review, other


def test_a_review_carries_the_name_of_its_round(named_reviews, gd_officer):
    award, cycle_review, other = named_reviews
    names = {r.pk: r.round_name for r in review_list_for(gd_officer)}
    assert names[award.pk] == "2031—2032年度全国共建文明口岸评比"
    assert names[cycle_review.pk] == "2031年度文明口岸考核"
    assert names[other.pk] == "2031-spring"  # a key no app names stays as typed


def test_review_list_and_panel_page_show_round_names_not_keys(client, named_reviews, gd_officer):
    award, _, _ = named_reviews
    login(client, gd_officer)
    html = client.get(reverse("assessments:review-list")).content.decode()
    assert "2031—2032年度全国共建文明口岸评比" in html and "2031年度文明口岸考核" in html
    assert "award-2031-2032" not in html and "cycle-2031" not in html
    html = client.get(reverse("assessments:review-panel", args=[award.pk])).content.decode()
    assert "2031—2032年度全国共建文明口岸评比" in html
    assert "award-2031-2032" not in html


def test_scoring_page_names_the_subjects_category(client, gd_review, gd_subjects, gd_reviewer):
    review_services.assignment_auto(actor=None, review=gd_review)
    subject = Assignment.objects.filter(member__user=gd_reviewer).first().subject
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:score", args=[subject.pk]))
    subtitle = response.content.decode().split('data-testid="subject-title"')[1][:600]
    assert "advanced_unit" not in subtitle
    assert "全国共建文明口岸先进单位" in subtitle

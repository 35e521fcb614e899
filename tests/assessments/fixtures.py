"""Fixtures for assessments: the starting template, a Guangdong review with a five-seat panel,
and subjects attached to the world's units (any model can be a subject's target).

tests/conftest.py loads this module as a plugin, so browser and dashboard tests use them too.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from assessments.models import Item, Review
from assessments.services import reviews as review_services
from assessments.services.sheets import SheetInput, score_sheet_save
from assessments.template import template_install

ROUND = "2025-2026"


def make_user(username):
    return get_user_model().objects.create_user(username=username, password="correct-horse-battery")


@pytest.fixture
def template(world):
    return template_install(actor=None, authority=world.national)


@pytest.fixture
def gd_reviewer(world):
    """A Guangdong reviewer who works at Shenzhen's first unit (so conflicted with it)."""
    return make_user("gd_reviewer")


@pytest.fixture
def gd_review(world, template, gd_reviewer):
    review = review_services.review_create(
        actor=None,
        name="2025—2026年度广东省评审",
        round_key=ROUND,
        authority=world.gd,
        scheme=template,
        reviewers_per_subject=3,
        due_on=datetime.date(2026, 12, 31),
    )
    review_services.panel_member_add(
        actor=None, review=review, user=gd_reviewer, unit=world.sz.units[0]
    )
    for i in range(2, 6):
        review_services.panel_member_add(actor=None, review=review, user=make_user(f"gd_r{i}"))
    return review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)


@pytest.fixture
def gd_subjects(world, gd_review):
    """One subject per Guangdong unit: Shenzhen's two and Guangzhou's two."""
    units = [*world.sz.units, *world.gz.units]
    return [
        review_services.subject_attach(
            actor=None,
            review=gd_review,
            target=unit,
            title=unit.name,
            category="advanced_unit",
            authority=unit.authority,
            unit=unit,
        )
        for unit in units
    ]


def full_input(scheme, fraction=Decimal("0.8"), vetoes=None):
    """Points for every standard item at `fraction` of its maximum."""
    points = {
        item.pk: (item.max_points * fraction).quantize(Decimal("0.01"))
        for item in Item.objects.filter(scheme=scheme, kind=Item.Kind.STANDARD)
    }
    return SheetInput(points=points, vetoes=vetoes or {})


def submit_sheet(user, subject, fraction=Decimal("0.8"), vetoes=None):
    return score_sheet_save(
        actor=user,
        subject=subject,
        data=full_input(subject.review.scheme, fraction, vetoes),
        revision=None,
        submit=True,
    )

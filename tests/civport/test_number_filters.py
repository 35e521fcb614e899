"""Scores and percentages read the same whatever the database returns: two decimals for a score,
a whole number for a percentage, a dash when there is none."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from civport.templatetags.civport_tags import percent, score


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("72.5100000000000"), "72.51"),  # an average as SQLite returns it
        (Decimal("72.51"), "72.51"),
        (72.51, "72.51"),
        (72.505, "72.51"),  # half up, from the float's shortest text
        (Decimal("80"), "80.00"),
        (80, "80.00"),
        ("66.666", "66.67"),
        (Decimal("0"), "0.00"),
        (Decimal("-1.005"), "-1.01"),
        (None, "—"),
        ("", "—"),
        ("not a number", "—"),
        (float("nan"), "—"),
    ],
)
def test_score_has_two_decimals_whatever_its_type(value, expected):
    assert score(value) == expected


def test_score_takes_other_places():
    assert score(Decimal("72.5149"), 1) == "72.5"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(67, "67%"), (Decimal("66.5"), "67%"), (12.4, "12%"), (0, "0%"), (None, "—")],
)
def test_percent_is_a_whole_number(value, expected):
    assert percent(value) == expected


def test_percent_takes_places():
    assert percent(Decimal("66.666"), 1) == "66.7%"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_filters_in_a_template_in_each_language(language):
    template = Template("{% load civport_tags %}{{ a|score }} {{ b|percent }} {{ c|score }}")
    with translation.override(language):
        html = template.render(Context({"a": Decimal("1234.5"), "b": 99.5, "c": None}))
    assert html == "1234.50 100% —"

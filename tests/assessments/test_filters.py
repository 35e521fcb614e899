"""The assessments' FilterSets: the queue ignores its filters when one is invalid, the ranking
gets keyword arguments, and neither renders with a query."""

import pytest
from django.db.models import Value
from django.http import QueryDict

from assessments.filters import QueueFilter, RankingFilter
from assessments.models import Assignment


def _queue(query):
    return QueueFilter(
        QueryDict(query) if query else None,
        queryset=Assignment.objects.annotate(sheet_status=Value("draft")),
        province_choices=[(3, "广东省")],
        category_choices=[("port", "Port")],
    )


@pytest.mark.django_db
def test_queue_filter_narrows_by_every_valid_filter():
    filterset = _queue("status=draft&q=x&province=3")
    where = str(filterset.qs.query).split("WHERE", 1)[1]
    assert "province_id" in where and "title" in where
    assert filterset.is_filtered


@pytest.mark.django_db
def test_queue_filter_with_one_invalid_value_filters_nothing():
    filterset = _queue("q=x&province=99")
    assert not filterset.qs.query.where
    assert "province" in filterset.form.errors
    assert filterset.is_filtered


@pytest.mark.django_db
def test_queue_filter_renders_its_choices_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = str(_queue(None).form)
    assert "广东省" in html and 'class="form-select"' in html
    assert not _queue("page=2").is_filtered


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"category": "", "province": None}),
        ("category=port&province=3", {"category": "port", "province": 3}),
        ("category=port&province=99", {"category": "", "province": None}),
    ],
)
def test_ranking_filter_gives_the_rankings_keyword_arguments(query, expected):
    filterset = RankingFilter(
        QueryDict(query) if query else None, categories=["port"], provinces=[(3, "广东省")]
    )
    assert filterset.ranking_filters() == expected

"""The work lists' FilterSets: their fields render with the portal's classes and without a
query, and an invalid value is ignored (and marked) rather than failing the page."""

import datetime

import pytest
from django.http import QueryDict

from campaigns.filters import ActivityFilter, ConsultationFilter, RectificationFilter
from campaigns.models import Activity, Consultation, Rectification


@pytest.mark.django_db
def test_activity_filter_renders_without_a_query(django_assert_num_queries):
    filterset = ActivityFilter(
        None, queryset=Activity.objects.all(), areas=[(1, "A")], authorities=[(2, "GD")]
    )
    with django_assert_num_queries(0):
        html = str(filterset.form)
    assert 'name="area" class="form-select"' in html
    assert 'type="search"' in html
    assert ">---------</option>" in html


@pytest.mark.django_db
def test_activity_filter_ignores_an_invalid_value_and_keeps_the_others():
    data = QueryDict("area=x&date_from=2024-01-02")
    filterset = ActivityFilter(
        data, queryset=Activity.objects.all(), areas=[(1, "A")], authorities=[]
    )
    sql = str(filterset.qs.query)
    assert "occurred_on" in sql
    assert "constructionarea_id" not in sql
    assert "area" in filterset.form.errors


@pytest.mark.django_db
def test_rectification_filter_overdue_is_a_checkbox_counted_on_today():
    today = datetime.date(2024, 5, 1)
    filterset = RectificationFilter(
        QueryDict("overdue=on"),
        queryset=Rectification.objects.all(),
        authorities=[(2, "GD")],
        today=today,
    )
    assert 'type="checkbox" name="overdue"' in str(filterset.form["overdue"])
    assert "2024-05-01" in str(filterset.qs.query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"), [("", ""), ("status=pending", "pending"), ("status=bogus", "")]
)
def test_consultation_filter_knows_its_status_tab(query, status):
    filterset = ConsultationFilter(QueryDict(query) or None, queryset=Consultation.objects.all())
    assert filterset.status_value == status
    assert bool(filterset.qs.query.where) == bool(status)

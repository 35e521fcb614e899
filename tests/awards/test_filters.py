"""The awards' FilterSets: nominations narrowed by the valid filters only, the province filter
only for those who see several provinces, and the board's filters looked up in lists read
once."""

from types import SimpleNamespace

import pytest
from django.http import QueryDict

from awards.filters import HonourBoardFilter, NominationFilter
from awards.models import Nomination


def _nominations(query, provinces=None):
    return NominationFilter(
        QueryDict(query) if query else None,
        queryset=Nomination.objects.all(),
        rounds=[(1, "2025")],
        provinces=provinces,
    )


@pytest.mark.django_db
def test_nomination_filter_keeps_the_valid_filters_and_marks_the_others():
    filterset = _nominations("q=港&round=x&status=draft", provinces=[(5, "广东省")])
    assert filterset.nomination_filters() == {"q": "港", "status": "draft"}
    assert filterset.is_filtered
    assert filterset.form["round"].field.widget.attrs["aria-invalid"] == "true"
    assert "round_id" not in str(filterset.qs.query).split("WHERE", 1)[1]


def test_nomination_filter_leaves_out_the_province_for_one_province():
    assert "province" not in _nominations(None).form.fields
    assert "province" in _nominations(None, provinces=[(5, "广东省")]).form.fields
    assert not _nominations("page=2").is_filtered


def test_honour_board_filter_looks_its_filters_up_in_the_lists_read():
    rounds = [SimpleNamespace(pk=1, years_label="2024–2025")]
    provinces = [SimpleNamespace(pk=5, short_name="广东", name="广东省")]
    filterset = HonourBoardFilter(
        QueryDict("round=1&province=5&q=李"), rounds=rounds, provinces=provinces
    )
    assert filterset.board_filters() == {
        "round": rounds[0],
        "title": "",
        "province": provinces[0],
        "query": "李",
    }
    unknown = HonourBoardFilter(QueryDict("round=9"), rounds=rounds, provinces=provinces)
    assert unknown.board_filters() == {}

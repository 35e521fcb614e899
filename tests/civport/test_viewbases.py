"""The screens' shared bases: the scope through the app hook, the list page's context and the
one-shot transition helper."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from campaigns.models import Authority
from campaigns.scope import scope_for
from civport.viewbases import (
    ScopedListView,
    paginate_list,
    transition,
    transition_response,
    user_scope,
)


def _request(path="/", user=None, **params):
    request = RequestFactory().get(path, params)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = user
    return request


def _messages(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


@pytest.mark.django_db
def test_user_scope_is_the_campaigns_scope(gd_officer):
    assert user_scope(gd_officer) is scope_for(gd_officer)


@pytest.mark.django_db
def test_paginate_list_reads_the_page_and_keeps_the_filters(world):
    request = _request(q="GD", page="1", tab="ports")
    context = paginate_list(request, Authority.objects.order_by("path"), per_page=2)
    assert isinstance(context["page"].object_list, list)
    assert len(context["page"].object_list) == 2
    assert context["querystring"] == "q=GD&tab=ports"
    assert context["is_filtered"] is True


def test_paginate_list_counts_neither_page_nor_tab_as_a_filter():
    request = _request(page="2", tab="people", q="")
    assert paginate_list(request, [1, 2, 3])["is_filtered"] is False


def test_transition_reports_success():
    request = _request()
    done = []
    assert transition(request, lambda: done.append(1), "Published.") is True
    assert done == [1]
    assert _messages(request) == [("success", "Published.")]


def test_transition_turns_a_refusal_into_error_messages():
    def refuse():
        raise ValidationError(["Not yet.", "Nor later."])

    request = _request()
    assert transition(request, refuse, "Published.") is False
    assert _messages(request) == [("error", "Not yet."), ("error", "Nor later.")]


def test_transition_response_redirects_either_way():
    def refuse():
        raise ValidationError("No.")

    request = _request()
    response = transition_response(request, refuse, "Done.", "/back/")
    assert response.status_code == 302
    assert response.url == "/back/"
    assert _messages(request) == [("error", "No.")]


@pytest.mark.django_db
def test_scoped_list_view_gives_the_list_context(world, gd_officer, django_assert_num_queries):
    seen = {}

    class AuthorityList(ScopedListView):
        template_name = "civport/_filters.html"
        per_page = 2

        def get_queryset(self):
            return Authority.objects.order_by("path")

        def get_context_data(self, **context):
            seen.update(context, scope=self.scope)
            return super().get_context_data(**context)

    request = _request(user=gd_officer, page="2")
    # The scope's grants, the count for the paginator, the page's rows.
    with django_assert_num_queries(3):
        response = AuthorityList.as_view()(request)
    assert response.status_code == 200
    assert "filterset" not in seen
    assert seen["scope"] is scope_for(gd_officer)
    assert [a.code for a in seen["page"].object_list] == ["GD-GZ", "GD-SZ"]
    assert seen["is_filtered"] is False

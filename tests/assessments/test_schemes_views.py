"""Scheme screens: list with the filing overview, a version's page, weights, transitions, and
who may do what (404 out of scope, 403 visible but not editable), with exact query counts.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Scheme
from assessments.services import schemes as services
from campaigns import services as campaign_services
from campaigns.models import Authority, Membership
from civport.models import AuditEntry
from tests.conftest import _user, login

BASE = 3  # session + user + scope
EXTRA = 12


def url(name, scheme):
    return reverse(f"assessments:{name}", args=[scheme.pk])


@pytest.fixture
def gd_draft(world, template, gd_officer):
    return services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)


@pytest.fixture
def provinces(world, template, national_admin):
    """Twelve more provinces, each with a derived version in one of the filing states (and a
    few with none), plus more national template versions."""
    created = []
    for i in range(EXTRA):
        province = campaign_services.authority_create(
            actor=None,
            code=f"P{i:02d}",
            name=f"测试省{i}口岸办",
            level=Authority.Level.PROVINCIAL,
            parent=world.national,
        )
        created.append(province)
        if i % 4 == 3:
            continue  # not derived at all
        scheme = services.scheme_derive(actor=None, template=template, authority=province)
        if i % 4 in (1, 2):
            services.scheme_file_submit(actor=None, scheme=scheme)
        if i % 4 == 2:
            services.scheme_file_return(actor=None, scheme=scheme, comment="请修改")
    return created


@pytest.fixture
def acknowledged(world, template, gd_draft, zj_officer):
    services.scheme_file_submit(actor=None, scheme=gd_draft)
    services.scheme_file_acknowledge(actor=None, scheme=gd_draft)
    zj = services.scheme_derive(actor=zj_officer, template=template, authority=world.zj)
    services.scheme_file_submit(actor=zj_officer, scheme=zj)
    return gd_draft


# --- the list -------------------------------------------------------------------------------


def test_list_for_the_national_office_has_the_overview(
    client, national_admin, provinces, acknowledged, django_assert_num_queries
):
    login(client, national_admin)
    # BASE + the visible schemes + the overview (one row per province with subqueries)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("assessments:scheme-list"))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert len(overview) == 2 + EXTRA  # GD, ZJ and the twelve
    states = {row.code: row.state for row in overview}
    assert states["GD"] == "acknowledged"
    assert states["ZJ"] == "submitted"
    assert [states[f"P{i:02d}"] for i in range(4)] == [
        "not_filed",
        "submitted",
        "returned",
        "not_filed",
    ]
    assert response.context["overview_counts"] == {
        "submitted": 1 + 3,
        "acknowledged": 1,
        "returned": 3,
        "not_filed": 6,
    }
    gd = next(row for row in overview if row.code == "GD")
    assert gd.acknowledged_id == acknowledged.pk
    templates = response.context["templates"]
    assert [s.family for s in templates] == ["national-template"]
    assert len(response.context["versions"]) == 2 + 9


def test_list_for_a_province_shows_templates_and_its_own(
    client, gd_officer, provinces, gd_draft, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + the visible schemes; no overview
    with django_assert_num_queries(BASE + 1):
        response = client.get(reverse("assessments:scheme-list"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["versions"]] == [gd_draft.pk]
    assert "overview" not in response.context
    assert "测试省" not in response.content.decode()


def test_list_is_empty_for_an_outsider(client, outsider, template):
    login(client, outsider)
    response = client.get(reverse("assessments:scheme-list"))
    assert response.status_code == 200
    assert response.context["templates"] == []


# --- one version ----------------------------------------------------------------------------


def test_template_page_shows_the_tree_and_its_provinces(
    client, national_admin, template, provinces, django_assert_num_queries
):
    login(client, national_admin)
    # BASE + scheme + areas + indicators + items + versions + derivatives + vetoes
    with django_assert_num_queries(BASE + 7):
        response = client.get(url("scheme-detail", template))
    assert response.status_code == 200
    tree = response.context["tree"]
    assert [a.area.code for a in tree][:2] == ["coordination", "efficiency"]
    assert sum(a.share for a in tree) == Decimal("100.00")
    assert len(response.context["bonus"]) == 2
    assert response.context["standard_count"] == 27
    assert len(response.context["derivatives"]) == 9
    actions = response.context["actions"]
    assert actions["new_version"] and not actions["edit"] and not actions["derive"]
    body = response.content.decode()
    assert "6.1" in body and "发生重大安全责任事故" in body


def test_derived_page_shows_filing_and_the_template(
    client, gd_officer, gd_draft, template, django_assert_num_queries
):
    services.scheme_file_submit(actor=gd_officer, scheme=gd_draft)
    services.scheme_file_return(actor=None, scheme=gd_draft, comment="安全建设权重偏低")
    login(client, gd_officer)
    # BASE + scheme + areas + indicators + items + versions + vetoes
    with django_assert_num_queries(BASE + 6):
        response = client.get(url("scheme-detail", gd_draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert "安全建设权重偏低" in body
    assert url("scheme-detail", template) in body
    actions = response.context["actions"]
    assert actions["edit"] and actions["file"]
    assert not (actions["answer"] or actions["publish"] or actions["new_version"])


def test_province_sees_derive_on_the_template(client, gd_officer, template):
    login(client, gd_officer)
    response = client.get(url("scheme-detail", template))
    assert response.status_code == 200
    assert response.context["actions"]["derive"]
    assert not response.context["actions"]["edit"]
    assert not response.context["actions"]["new_version"]


def test_other_province_gets_404_everywhere(client, zj_officer, gd_draft):
    login(client, zj_officer)
    for name in (
        "scheme-detail",
        "scheme-export",
        "scheme-weights",
        "scheme-import",
        "scheme-return",
    ):
        assert client.get(url(name, gd_draft)).status_code == 404, name
    for name in ("scheme-file", "scheme-new-version", "scheme-publish", "scheme-acknowledge"):
        assert client.post(url(name, gd_draft)).status_code == 404, name
    gd_draft.refresh_from_db()
    assert gd_draft.filing == "not_filed"


def test_province_may_see_but_not_edit_the_national_template(client, gd_officer, template):
    login(client, gd_officer)
    assert client.get(url("scheme-detail", template)).status_code == 200
    assert client.get(url("scheme-export", template)).status_code == 200
    assert client.get(url("scheme-weights", template)).status_code == 403
    assert client.get(url("scheme-import", template)).status_code == 403
    assert client.post(url("scheme-new-version", template)).status_code == 403
    assert client.post(url("scheme-publish", template)).status_code == 403
    # the grant was the reason: a national office grant on the same user opens it
    campaign_services.membership_grant(
        actor=None,
        user=gd_officer,
        role=Membership.Role.NATIONAL_OFFICE,
        authority=template.authority,
    )
    client.force_login(gd_officer)
    assert client.post(url("scheme-new-version", template)).status_code == 302


def test_a_draft_national_template_is_hidden_from_provinces(client, gd_officer, template):
    draft = services.scheme_new_version(actor=None, scheme=template)
    login(client, gd_officer)
    assert client.get(url("scheme-detail", draft)).status_code == 404


# --- weights --------------------------------------------------------------------------------


def test_weights_page_shows_the_tolerance(client, gd_officer, gd_draft, django_assert_num_queries):
    login(client, gd_officer)
    # BASE + scheme + areas + standard items + template areas + template items
    with django_assert_num_queries(BASE + 5):
        response = client.get(url("scheme-weights", gd_draft))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="tolerance"' in body
    assert "11.20" in body and "16.80" in body


def test_weights_outside_tolerance_name_the_area(client, gd_officer, gd_draft):
    login(client, gd_officer)
    form = client.get(url("scheme-weights", gd_draft)).context["form"]
    data = {name: form[name].initial for name in form.fields}
    data["area_safety"] = "30"
    response = client.post(url("scheme-weights", gd_draft), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["area_safety"]
    assert "安全建设" in errors["area_safety"][0]
    assert gd_draft.areas.get(area__code="safety").weight == Decimal("14")


def test_weights_are_saved(client, gd_officer, gd_draft):
    login(client, gd_officer)
    form = client.get(url("scheme-weights", gd_draft)).context["form"]
    data = {name: form[name].initial for name in form.fields}
    data["area_safety"] = "16"
    item = gd_draft.items.get(code="6.1")
    data[f"item_{item.pk}"] = "1.1"
    response = client.post(url("scheme-weights", gd_draft), data)
    assert response.status_code == 302
    assert gd_draft.areas.get(area__code="safety").weight == Decimal("16")
    item.refresh_from_db()
    assert item.weight == Decimal("1.1")


@pytest.mark.usefixtures("in_english")
def test_weights_of_a_published_version_redirect_with_a_message(client, national_admin, template):
    login(client, national_admin)
    response = client.get(url("scheme-weights", template), follow=True)
    assert response.redirect_chain[-1][0] == url("scheme-detail", template)
    assert "frozen" in response.content.decode()


# --- transitions ----------------------------------------------------------------------------


def test_province_derives_files_national_returns_then_acknowledges(
    client, gd_officer, national_admin, template, world
):
    login(client, gd_officer)
    response = client.post(url("scheme-derive", template))
    draft = Scheme.objects.get(authority=world.gd)
    assert response.url == url("scheme-detail", draft)
    assert client.post(url("scheme-file", draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.filing == "submitted"
    # the province cannot answer its own filing
    assert client.post(url("scheme-acknowledge", draft)).status_code == 403

    login(client, national_admin)
    response = client.post(url("scheme-return", draft), {"comment": ""})
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    response = client.post(url("scheme-return", draft), {"comment": "请补充加分项依据"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.filing, draft.filing_comment) == ("returned", "请补充加分项依据")

    login(client, gd_officer)
    assert client.post(url("scheme-file", draft)).status_code == 302
    login(client, national_admin)
    client.post(url("scheme-acknowledge", draft), {"comment": "同意"})
    draft.refresh_from_db()
    assert (draft.filing, draft.status, draft.filing_comment) == (
        "acknowledged",
        "published",
        "同意",
    )


def test_national_office_answers_but_does_not_change_a_provinces_version(
    client, national_admin, gd_draft
):
    login(client, national_admin)
    response = client.get(url("scheme-detail", gd_draft))
    assert not any(response.context["actions"].values())
    assert client.post(url("scheme-file", gd_draft)).status_code == 403
    assert client.get(url("scheme-weights", gd_draft)).status_code == 403
    assert client.get(url("scheme-import", gd_draft)).status_code == 403
    gd_draft.refresh_from_db()
    assert gd_draft.filing == "not_filed"


@pytest.mark.usefixtures("in_english")
def test_national_office_versions_and_publishes(client, national_admin, template):
    login(client, national_admin)
    response = client.post(url("scheme-new-version", template))
    draft = Scheme.objects.get(family=template.family, version=2)
    assert response.url == url("scheme-detail", draft)
    response = client.post(url("scheme-new-version", template), follow=True)
    assert "draft version of this scheme exists" in response.content.decode()
    client.post(url("scheme-publish", draft))
    draft.refresh_from_db()
    assert draft.is_published
    assert AuditEntry.objects.filter(action="assessments.scheme.published").count() == 2


def test_publish_refusal_is_shown(client, national_admin, template):
    draft = services.scheme_new_version(actor=None, scheme=template)
    draft.items.filter(indicator__scheme_area__area__code="culture").delete()
    login(client, national_admin)
    response = client.post(url("scheme-publish", draft), follow=True)
    assert "文化建设" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_derive_refused_for_a_port_officer(client, port_officer, template):
    login(client, port_officer)
    assert client.post(url("scheme-derive", template)).status_code == 403


def test_derive_with_two_provinces_needs_a_choice(client, world, template):
    officer = _user("two_provinces")
    for province in (world.gd, world.zj):
        campaign_services.membership_grant(
            actor=None, user=officer, role=Membership.Role.PROVINCIAL_OFFICER, authority=province
        )
    login(client, officer)
    client.post(url("scheme-derive", template))
    assert not Scheme.objects.filter(derived_from=template).exists()
    client.post(url("scheme-derive", template), {"authority": world.zj.pk})
    assert Scheme.objects.get(derived_from=template).authority == world.zj

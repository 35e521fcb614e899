"""Scheme screens: list with the filing overview, a version's page, weights, transitions (a
province's publication is its filing, answered on the filing's page), and who may do what (404
out of scope, 403 visible but not editable), with exact query counts.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Scheme
from assessments.services import schemes as services
from campaigns import services as campaign_services
from campaigns.models import Authority, Filing, Membership
from campaigns.services import filings as filing_services
from civport.models import AuditEntry
from tests.conftest import _user, login

BASE = 3  # session + user + scope
EXTRA = 12


def url(name, scheme):
    return reverse(f"assessments:{name}", args=[scheme.pk])


@pytest.fixture
def gd_draft(world, template, gd_officer):
    return services.scheme_derive(actor=gd_officer, template=template, authority=world.gd)


def filing_of(scheme):
    return reverse("campaigns:filing-detail", args=[scheme.filing_version.filing_id])


@pytest.fixture
def provinces(world, template, national_admin):
    """Twelve more provinces, each with a derived version: a draft (not filed), published
    (filed, awaiting an answer), published and commented on, or none at all."""
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
            scheme = services.scheme_publish(actor=None, scheme=scheme)
        if i % 4 == 2:
            filing_services.filing_return(
                actor=national_admin, filing=scheme.filing_version.filing, comments="请修改"
            )
    return created


@pytest.fixture
def acknowledged(world, template, gd_draft, gd_officer, zj_officer, national_admin):
    gd = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing_services.filing_acknowledge(actor=national_admin, filing=gd.filing_version.filing)
    zj = services.scheme_derive(actor=zj_officer, template=template, authority=world.zj)
    services.scheme_publish(actor=zj_officer, scheme=zj)
    return gd


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
    assert states["ZJ"] == "pending"
    assert [states[f"P{i:02d}"] for i in range(4)] == [
        "not_filed",
        "pending",
        "returned",
        "not_filed",
    ]
    assert response.context["overview_counts"] == {
        "pending": 1 + 3,
        "acknowledged": 1,
        "returned": 3,
        "not_filed": 6,
    }
    gd = next(row for row in overview if row.code == "GD")
    assert gd.in_force_id == acknowledged.pk
    assert gd.in_force_filing_id == acknowledged.filing_version.filing_id
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
    client, gd_officer, gd_draft, template, national_admin, django_assert_num_queries
):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    filing_services.filing_return(
        actor=national_admin, filing=scheme.filing_version.filing, comments="安全建设权重偏低"
    )
    login(client, gd_officer)
    # BASE + scheme (with its filing version and filing) + areas + indicators + items +
    # versions + vetoes + the tolerance warnings (template areas, template items, the
    # version's area weights, its item weights)
    with django_assert_num_queries(BASE + 10):
        response = client.get(url("scheme-detail", scheme))
    assert response.status_code == 200
    body = response.content.decode()
    assert "安全建设权重偏低" in body
    assert url("scheme-detail", template) in body
    assert filing_of(scheme) in body
    actions = response.context["actions"]
    assert actions["new_version"]
    assert not (actions["answer"] or actions["publish"] or actions["edit"])


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
    ):
        assert client.get(url(name, gd_draft)).status_code == 404, name
    for name in ("scheme-new-version", "scheme-publish"):
        assert client.post(url(name, gd_draft)).status_code == 404, name
    gd_draft.refresh_from_db()
    assert (gd_draft.status, gd_draft.filing_version) == ("draft", None)


def test_other_province_gets_404_on_the_published_version_and_its_filing(
    client, zj_officer, gd_officer, gd_draft
):
    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    login(client, zj_officer)
    assert client.get(url("scheme-detail", scheme)).status_code == 404
    assert client.post(url("scheme-new-version", scheme)).status_code == 404
    assert client.get(filing_of(scheme)).status_code == 404
    answer = reverse("campaigns:filing-answer", args=[scheme.filing_version.filing_id])
    assert client.post(answer, {"decision": "acknowledge"}).status_code == 404
    scheme.refresh_from_db()
    assert scheme.filing_version.outcome == "pending"


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


@pytest.mark.usefixtures("in_english")
def test_weights_outside_tolerance_are_saved_with_a_warning_naming_the_area(
    client, gd_officer, gd_draft
):
    login(client, gd_officer)
    form = client.get(url("scheme-weights", gd_draft)).context["form"]
    data = {name: form[name].initial for name in form.fields}
    data["area_safety"] = "30"
    response = client.post(url("scheme-weights", gd_draft), data, follow=True)
    assert response.redirect_chain[-1][0] == url("scheme-detail", gd_draft)
    assert gd_draft.areas.get(area__code="safety").weight == Decimal("30")
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "安全建设" in warnings[0] and "outside" in warnings[0]
    # and the draft's page says it before publication, with the publish button still there
    body = response.content.decode()
    assert 'data-testid="weight-warnings"' in body
    assert response.context["actions"]["publish"]


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


def test_province_publishes_national_comments_province_publishes_a_new_version(
    client, gd_officer, national_admin, template, world
):
    login(client, gd_officer)
    response = client.post(url("scheme-derive", template))
    draft = Scheme.objects.get(authority=world.gd)
    assert response.url == url("scheme-detail", draft)
    assert client.post(url("scheme-publish", draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.filing_version.outcome == "pending"
    answer = reverse("campaigns:filing-answer", args=[draft.filing_version.filing_id])
    # the province cannot answer its own filing
    assert client.post(answer, {"decision": "acknowledge"}).status_code == 403

    login(client, national_admin)
    response = client.get(url("scheme-detail", draft))
    assert response.context["actions"]["answer"]
    assert filing_of(draft) in response.content.decode()
    response = client.post(answer, {"decision": "return", "comments": ""})
    assert response.status_code == 400
    response = client.post(answer, {"decision": "return", "comments": "请补充加分项依据"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.filing_version.outcome == "returned"
    assert draft.status == "published"  # still in force

    login(client, gd_officer)
    assert "请补充加分项依据" in client.get(url("scheme-detail", draft)).content.decode()
    response = client.post(url("scheme-new-version", draft))
    second = Scheme.objects.get(authority=world.gd, version=2)
    assert response.url == url("scheme-detail", second)
    assert client.post(url("scheme-publish", second)).status_code == 302
    second.refresh_from_db()
    assert (second.filing_version.number, second.filing_version.outcome) == (2, "pending")
    assert Filing.objects.filter(authority=world.gd).count() == 1

    login(client, national_admin)
    assert client.post(answer, {"decision": "acknowledge", "comments": "同意"}).status_code == 302
    second.refresh_from_db()
    assert (second.filing_version.outcome, second.filing_version.comments) == (
        "acknowledged",
        "同意",
    )


@pytest.mark.usefixtures("in_english")
def test_the_tolerance_warning_is_shown_to_both_sides(client, gd_officer, national_admin, gd_draft):
    services.scheme_weights_update(
        actor=gd_officer, scheme=gd_draft, area_weights={"safety": Decimal("30")}
    )
    login(client, gd_officer)
    response = client.post(url("scheme-publish", gd_draft), follow=True)
    gd_draft.refresh_from_db()
    assert gd_draft.status == "published"  # a warning, not a refusal
    messages = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert any(level == "warning" and "安全建设" in text for level, text in messages)
    assert any(level == "success" and "in force" in text for level, text in messages)

    login(client, national_admin)
    body = client.get(filing_of(gd_draft)).content.decode()
    assert 'data-testid="filing-warnings"' in body
    assert "安全建设" in body and "16.80" in body
    body = client.get(url("scheme-detail", gd_draft)).content.decode()
    assert 'data-testid="weight-warnings"' in body


def test_national_office_answers_but_does_not_change_a_provinces_version(
    client, national_admin, gd_draft
):
    login(client, national_admin)
    response = client.get(url("scheme-detail", gd_draft))
    assert not any(response.context["actions"].values())
    assert client.post(url("scheme-publish", gd_draft)).status_code == 403
    assert client.get(url("scheme-weights", gd_draft)).status_code == 403
    assert client.get(url("scheme-import", gd_draft)).status_code == 403
    gd_draft.refresh_from_db()
    assert (gd_draft.status, gd_draft.filing_version) == ("draft", None)


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


# --- the filing grid reads the publication ---------------------------------------------------


def test_the_filing_grid_shows_the_standard_from_the_schemes_publication(
    client, world, gd_officer, national_admin, gd_draft, django_assert_num_queries
):
    login(client, gd_officer)
    # no hand-written assessment standard: the grid offers no "Start" for it
    create = reverse("campaigns:filing-create", args=[world.gd.pk, "assessment_standard"])
    assert client.get(create).status_code == 404
    assert create not in client.get(reverse("campaigns:filing-list")).content.decode()

    scheme = services.scheme_publish(actor=gd_officer, scheme=gd_draft)
    login(client, national_admin)
    # BASE + provinces + filings (the grid's two queries, unchanged)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:filing-list"))
    row = next(r for r in response.context["rows"] if r["province"].pk == world.gd.pk)
    cell = dict(row["cells"])["assessment_standard"]
    assert cell == Filing.objects.get() == scheme.filing_version.filing
    assert cell.status == Filing.Status.SUBMITTED
    assert filing_of(scheme) in response.content.decode()
    detail = client.get(filing_of(scheme))
    assert 'data-testid="filing-from-publication"' in detail.content.decode()
    assert url("scheme-detail", scheme) in detail.content.decode()
    assert not detail.context["can_edit"] and detail.context["can_answer"]

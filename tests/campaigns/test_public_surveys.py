"""Satisfaction surveys: building one, answering through the open link or a single-use
invitation, the results per agency × dimension and group, and the port's yearly satisfaction."""

import csv
import datetime
import io
import ipaddress
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.access import access_survey
from campaigns.forms.public import score_field_name
from campaigns.models import Agency, Survey, SurveyInvitation, SurveyRating, SurveyResponse
from campaigns.selectors.public import survey_results, survey_satisfaction_for_port
from campaigns.services import public as services
from civport.models import AuditEntry
from tests.conftest import login
from tests.queries import BASE, EXTRA


def _address():
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


@pytest.fixture
def public():
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=_address())


def _agencies(*codes):
    return list(Agency.objects.filter(code__in=codes).order_by("code"))


def _survey(world, actor, *, mode=Survey.Mode.OPEN_LINK, port=None, open_=True, **kwargs):
    today = timezone.localdate()
    survey = services.survey_create(
        actor=actor,
        port=port or world.sz.port,
        title=kwargs.pop("title", "2026年口岸服务满意度调查"),
        period_start=today - datetime.timedelta(days=10),
        period_end=today + datetime.timedelta(days=10),
        mode=mode,
        groups=kwargs.pop("groups", ["企业", "旅客"]),
        dimensions=kwargs.pop("dimensions", ["服务态度", "通关效率"]),
        agencies=kwargs.pop("agencies", _agencies("CUSTOMS", "IMMIGRATION")),
        **kwargs,
    )
    if open_:
        services.survey_open(actor=actor, survey=survey)
        survey.refresh_from_db()
    return survey


def _parts(survey):
    groups = list(survey.groups.order_by("order"))
    dims = list(survey.dimensions.order_by("order"))
    agencies = list(survey.agencies.order_by("code"))
    return groups, dims, agencies


def _answer(survey, group, grid, invitation=None, comment=""):
    """grid: {(agency, dimension): score}."""
    return services.survey_answer_submit(
        survey=survey,
        group=group,
        scores={(a.pk, d.pk): s for (a, d), s in grid.items()},
        comment=comment,
        invitation=invitation,
    )


def _post_answer(client, url, data):
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {**data, "csrfmiddlewaretoken": page.cookies["csrftoken"].value})


# --- building ---------------------------------------------------------------------------------


def test_port_officer_builds_a_survey(client, world, port_officer):
    login(client, port_officer)
    form = client.get(reverse("campaigns:survey-create"))
    assert form.status_code == 200
    # The six usual dimensions are offered to start from.
    assert len(form.context["form"].initial["dimensions"].splitlines()) == 6
    customs, immigration, maritime = _agencies("CUSTOMS", "IMMIGRATION", "MARITIME")
    response = client.post(
        reverse("campaigns:survey-create"),
        {
            "port": world.sz.port.pk,
            "title": "深圳湾口岸满意度调查",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "mode": "invitation",
            "groups": "企业\n旅客\n企业\n",
            "dimensions": "服务态度\n效率\n收费\n公开\n协作\n廉洁",
            "agencies": [customs.pk, immigration.pk, maritime.pk],
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    groups, dims, agencies = _parts(survey)
    assert [g.name for g in groups] == ["企业", "旅客"]
    assert len(dims) == 6
    assert agencies == [customs, immigration, maritime]
    assert survey.status == "draft" and survey.mode == "invitation"
    assert len(survey.public_code) >= 16
    assert AuditEntry.objects.filter(action="campaigns.survey.created").count() == 1
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and detail.context["can_manage"]


def test_survey_form_errors_name_their_fields(client, world, port_officer):
    login(client, port_officer)
    response = client.post(
        reverse("campaigns:survey-create"),
        {
            "port": world.nb.port.pk,  # not a port the officer handles
            "title": "",
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
            "mode": "open_link",
            "groups": "<b></b>",
            "dimensions": "服务态度",
            "agencies": [],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"port", "title", "period_end", "agencies"} <= set(errors)
    assert not Survey.objects.exists()


def test_service_refuses_a_survey_without_groups(world, port_officer):
    with pytest.raises(ValidationError) as caught:
        _survey(world, port_officer, groups=["<i></i>", " "])
    assert "groups" in caught.value.error_dict
    assert not Survey.objects.exists()


def test_only_a_draft_is_edited_and_opened(client, world, port_officer):
    survey = _survey(world, port_officer, open_=False)
    login(client, port_officer)
    customs = _agencies("CUSTOMS")
    response = client.post(
        reverse("campaigns:survey-edit", args=[survey.pk]),
        {
            "title": "新标题",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "mode": "open_link",
            "groups": "旅客",
            "dimensions": "服务态度\n收费",
            "agencies": [customs[0].pk],
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == "新标题" and survey.port == world.sz.port
    assert [g.name for g in _parts(survey)[0]] == ["旅客"]
    assert client.post(reverse("campaigns:survey-open", args=[survey.pk])).status_code == 302
    survey.refresh_from_db()
    assert survey.status == "open"
    edit = client.get(reverse("campaigns:survey-edit", args=[survey.pk]))
    assert edit.status_code == 302
    with pytest.raises(ValidationError):
        services.survey_update(
            actor=port_officer,
            survey=survey,
            title="x",
            period_start=survey.period_start,
            period_end=survey.period_end,
            mode=survey.mode,
            groups=["a"],
            dimensions=["b"],
            agencies=customs,
        )


# --- answering: open link ---------------------------------------------------------------------


def test_public_answer_through_the_open_link(world, port_officer, public):
    survey = _survey(world, port_officer)
    groups, dims, agencies = _parts(survey)
    url = reverse("campaigns:survey-answer", args=[survey.public_code])
    data = {
        "group": groups[1].pk,
        score_field_name(agencies[0], dims[0]): "5",
        score_field_name(agencies[0], dims[1]): "4",
        score_field_name(agencies[1], dims[0]): "",  # not rated
        "comment": "<script>x()</script>通关很快",
    }
    response = _post_answer(public, url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:survey-answered")
    answer = SurveyResponse.objects.get()
    assert answer.group == groups[1] and answer.invitation is None
    assert answer.comment == "通关很快"
    assert sorted(answer.ratings.values_list("score", flat=True)) == [4, 5]
    # Open links take repeat answers.
    assert _post_answer(public, url, data).status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_an_answer_with_no_rating_names_the_problem(world, port_officer, public):
    survey = _survey(world, port_officer)
    groups, _d, _a = _parts(survey)
    url = reverse("campaigns:survey-answer", args=[survey.public_code])
    response = _post_answer(public, url, {"group": groups[0].pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    response = _post_answer(public, url, {"group": 999999})
    assert response.context["form"].errors["group"]
    assert not SurveyResponse.objects.exists()


def test_a_score_off_the_scale_is_refused(world, port_officer, public):
    survey = _survey(world, port_officer)
    groups, dims, agencies = _parts(survey)
    url = reverse("campaigns:survey-answer", args=[survey.public_code])
    name = score_field_name(agencies[0], dims[0])
    response = _post_answer(public, url, {"group": groups[0].pk, name: "9"})
    assert response.context["form"].errors[name]
    assert not SurveyResponse.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        answer = SurveyResponse.objects.create(survey=survey, group=groups[0])
        SurveyRating.objects.create(response=answer, agency=agencies[0], dimension=dims[0], score=6)


def test_draft_closed_or_out_of_period_surveys_take_no_answers(world, port_officer, public):
    draft = _survey(world, port_officer, open_=False)
    page = public.get(reverse("campaigns:survey-answer", args=[draft.public_code]))
    assert page.status_code == 200 and page.context["refusal"] and page.context["form"] is None
    closed = _survey(world, port_officer)
    services.survey_close(actor=port_officer, survey=closed)
    groups, dims, agencies = _parts(closed)
    with pytest.raises(ValidationError):
        _answer(closed, groups[0], {(agencies[0], dims[0]): 3})
    later = closed.period_end + datetime.timedelta(days=1)
    survey = _survey(world, port_officer)
    groups, dims, agencies = _parts(survey)
    with pytest.raises(ValidationError):
        services.survey_answer_submit(
            survey=survey,
            group=groups[0],
            scores={(agencies[0].pk, dims[0].pk): 3},
            today=later,
        )
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("code", ["nope", "A" * 22, "x" * 80])
def test_an_unknown_link_is_404(world, port_officer, public, code):
    _survey(world, port_officer)
    assert public.get(reverse("campaigns:survey-answer", args=[code])).status_code == 404


def test_answers_are_rate_limited(world, port_officer, public, settings):
    settings.CIVPORT_RATE_LIMITS = {"survey": (1, 3600)}
    survey = _survey(world, port_officer)
    groups, dims, agencies = _parts(survey)
    url = reverse("campaigns:survey-answer", args=[survey.public_code])
    data = {"group": groups[0].pk, score_field_name(agencies[0], dims[0]): "4"}
    assert _post_answer(public, url, data).status_code == 302
    limited = _post_answer(public, url, data)
    assert limited.status_code == 429 and limited.context["limited"]
    assert SurveyResponse.objects.count() == 1


# --- answering: invitations -------------------------------------------------------------------


def test_an_invitation_answers_once(client, world, port_officer, public, settings):
    public.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    login(client, port_officer)
    response = client.post(reverse("campaigns:survey-invitations", args=[survey.pk]), {"count": 3})
    assert response.status_code == 302
    invitations = list(SurveyInvitation.objects.filter(survey=survey))
    assert len(invitations) == 3
    assert len({i.code for i in invitations}) == 3
    # The survey's own link does not take answers: only the invitations do.
    assert (
        public.get(reverse("campaigns:survey-answer", args=[survey.public_code])).status_code == 404
    )
    groups, dims, agencies = _parts(survey)
    url = reverse("campaigns:survey-answer", args=[invitations[0].code])
    data = {"group": groups[0].pk, score_field_name(agencies[0], dims[0]): "5"}
    page = public.get(url)
    token = page.cookies["csrftoken"].value
    assert public.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302
    second = public.post(url, {**data, "csrfmiddlewaretoken": token})
    assert second.status_code == 409
    assert "already been used" in second.context["refusal"]
    assert SurveyResponse.objects.count() == 1
    again = public.get(url)
    assert again.context["refusal"] and again.context["form"] is None
    invitations[0].refresh_from_db()
    assert invitations[0].used_at is not None
    # Another invitation still answers.
    other = reverse("campaigns:survey-answer", args=[invitations[1].code])
    assert _post_answer(public, other, data).status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_the_database_refuses_a_second_answer_for_one_invitation(world, port_officer):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    (invitation,) = services.survey_invitations_create(actor=port_officer, survey=survey, count=1)
    groups, dims, agencies = _parts(survey)
    _answer(survey, groups[0], {(agencies[0], dims[0]): 4}, invitation=invitation)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, group=groups[0], invitation=invitation)
    # The service says so in words.
    with pytest.raises(ValidationError) as caught:
        _answer(survey, groups[0], {(agencies[0], dims[0]): 4}, invitation=invitation)
    assert caught.value.code == "refused"
    assert SurveyResponse.objects.count() == 1


def test_an_invitation_survey_needs_an_invitation(world, port_officer):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    groups, dims, agencies = _parts(survey)
    with pytest.raises(ValidationError):
        _answer(survey, groups[0], {(agencies[0], dims[0]): 4})
    open_survey = _survey(world, port_officer)
    with pytest.raises(ValidationError):
        services.survey_invitations_create(actor=port_officer, survey=open_survey, count=2)


def test_invitation_links_download(client, world, port_officer):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    invitations = services.survey_invitations_create(actor=port_officer, survey=survey, count=4)
    login(client, port_officer)
    response = client.get(reverse("campaigns:survey-invitations-export", args=[survey.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    codes = {row[0].lstrip("'") for row in rows[1:]}
    assert codes == {i.code for i in invitations}
    assert all(row[1].endswith(f"/public/surveys/{row[0].lstrip(chr(39))}/") for row in rows[1:])
    assert not any(row[0][:1] in "=+-@" for row in rows[1:])


def test_invitation_count_is_bounded(client, world, port_officer):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    login(client, port_officer)
    response = client.post(
        reverse("campaigns:survey-invitations", args=[survey.pk]), {"count": 5000}, follow=True
    )
    assert not SurveyInvitation.objects.exists()
    assert any("1000" in str(m) for m in response.context["messages"])


# --- results ----------------------------------------------------------------------------------


@pytest.fixture
def answered(world, port_officer):
    """A survey with known answers.

    customs × attitude: enterprises 5, 4; travellers 3  → mean 4.00 (3 ratings)
    customs × efficiency: enterprises 2; travellers 4, 5 → mean 3.67 (3)
    immigration × attitude: travellers 1 → 1.00 (1)
    immigration × efficiency: nobody
    """
    survey = _survey(world, port_officer)
    (ent, trav), (att, eff), (customs, immig) = _parts(survey)
    _answer(survey, ent, {(customs, att): 5, (customs, eff): 2})
    _answer(survey, ent, {(customs, att): 4})
    _answer(survey, trav, {(customs, att): 3, (customs, eff): 4, (immig, att): 1})
    _answer(survey, trav, {(customs, eff): 5})
    return survey


def _cells(table):
    return [[(c.mean, c.count) for c in row["cells"]] for row in table.rows]


def test_results_per_agency_dimension_and_group(answered):
    results = survey_results(answered)
    assert results.respondents == 4
    overall = results.overall
    assert _cells(overall) == [
        [(Decimal("4.00"), 3), (Decimal("3.67"), 3)],
        [(Decimal("1.00"), 1), (None, 0)],
    ]
    # Row totals: customs 23/6, immigration 1/1; column totals: attitude 13/4, efficiency 11/3.
    assert [(r["all"].mean, r["all"].count) for r in overall.rows] == [
        (Decimal("3.83"), 6),
        (Decimal("1.00"), 1),
    ]
    assert [(c.mean, c.count) for c in overall.columns] == [
        (Decimal("3.25"), 4),
        (Decimal("3.67"), 3),
    ]
    assert (overall.all.mean, overall.all.count) == (Decimal("3.43"), 7)
    ent, trav = results.by_group
    assert (ent.respondents, trav.respondents) == (2, 2)
    assert _cells(ent) == [[(Decimal("4.50"), 2), (Decimal("2.00"), 1)], [(None, 0), (None, 0)]]
    assert _cells(trav) == [
        [(Decimal("3.00"), 1), (Decimal("4.50"), 2)],
        [(Decimal("1.00"), 1), (None, 0)],
    ]


def test_satisfaction_for_port(answered, world):
    year = timezone.localdate().year
    # 24 points over 7 ratings of at most 5: 24 / 35 = 68.57…%
    assert survey_satisfaction_for_port(world.sz.port, year) == Decimal("68.6")
    assert survey_satisfaction_for_port(world.sz.port, year - 1) is None
    assert survey_satisfaction_for_port(world.nb.port, year) is None


def test_results_page_query_count(client, world, port_officer, django_assert_num_queries):
    survey = _survey(
        world,
        port_officer,
        groups=["企业", "旅客", "船代"],
        dimensions=["服务态度", "效率", "收费", "公开", "协作", "廉洁"],
        agencies=_agencies("CUSTOMS", "IMMIGRATION", "MARITIME"),
    )
    groups, dims, agencies = _parts(survey)
    for n in range(EXTRA):
        grid = {
            (a, d): 1 + (n + i + j) % 5 for i, a in enumerate(agencies) for j, d in enumerate(dims)
        }
        _answer(survey, groups[n % 3], grid)
    login(client, port_officer)
    # BASE + survey with port and authority (access) + breadcrumb ancestors + groups
    # + dimensions + agencies + ratings grouped by group × agency × dimension + answers per group
    with django_assert_num_queries(BASE + 7):
        response = client.get(reverse("campaigns:survey-results", args=[survey.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.respondents == EXTRA
    assert results.overall.all.count == EXTRA * 18


# --- office pages: query counts and access ----------------------------------------------------


def test_survey_list_query_count(client, world, port_officer, django_assert_num_queries):
    for n in range(EXTRA):
        survey = _survey(world, port_officer, title=f"调查{n}")
        groups, dims, agencies = _parts(survey)
        _answer(survey, groups[0], {(agencies[0], dims[0]): 4})
    _survey(world, None, port=world.nb.port)
    login(client, port_officer)
    # BASE + count + page rows (with port and the answer counts)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("campaigns:survey-list"))
    assert response.context["page"].paginator.count == EXTRA
    assert all(s.n_responses == 1 for s in response.context["page"].object_list)
    assert response.context["can_add"]


def test_survey_detail_query_count(client, world, port_officer, django_assert_num_queries):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    services.survey_invitations_create(actor=port_officer, survey=survey, count=EXTRA)
    login(client, port_officer)
    # BASE + survey (access) + breadcrumb ancestors + groups + dimensions + agencies
    # + invitation counts + answer count
    with django_assert_num_queries(BASE + 7):
        response = client.get(reverse("campaigns:survey-detail", args=[survey.pk]))
    assert response.context["invitations"] == {"total": EXTRA, "used": 0}


@pytest.mark.parametrize(
    ("persona_name", "sees", "manages"),
    [
        ("national_admin", True, False),
        ("gd_officer", True, False),
        ("zj_officer", False, False),
        ("port_officer", True, True),
        ("nb_officer", False, False),
        ("unit_contact", False, False),
        ("outsider", False, False),
    ],
)
def test_survey_access_matrix(world, port_officer, persona, persona_name, sees, manages):
    survey = _survey(world, port_officer)
    user = persona(persona_name)
    if sees:
        assert access_survey(user, survey.pk) == survey
    else:
        with pytest.raises(Http404):
            access_survey(user, survey.pk)
    if manages:
        assert access_survey(user, survey.pk, edit=True) == survey
    elif sees:
        with pytest.raises(PermissionDenied):
            access_survey(user, survey.pk, edit=True)


def test_cross_province_survey_pages_are_404(client, world, port_officer, zj_officer):
    survey = _survey(world, port_officer, mode=Survey.Mode.INVITATION)
    login(client, zj_officer)
    for name in ("survey-detail", "survey-results", "survey-edit", "survey-invitations-export"):
        assert client.get(reverse(f"campaigns:{name}", args=[survey.pk])).status_code == 404
    for name in ("survey-open", "survey-close", "survey-invitations"):
        url = reverse(f"campaigns:{name}", args=[survey.pk])
        assert client.post(url, {"count": 2}).status_code == 404
    assert client.get(reverse("campaigns:survey-list")).context["page"].paginator.count == 0
    assert client.get(reverse("campaigns:survey-create")).status_code == 403
    assert not SurveyInvitation.objects.exists()


def test_provincial_officer_reads_results_but_cannot_close(client, world, port_officer, gd_officer):
    survey = _survey(world, port_officer)
    login(client, gd_officer)
    assert client.get(reverse("campaigns:survey-results", args=[survey.pk])).status_code == 200
    assert client.post(reverse("campaigns:survey-close", args=[survey.pk])).status_code == 403
    survey.refresh_from_db()
    assert survey.status == "open"
    assert client.get(reverse("campaigns:survey-create")).status_code == 403


def test_public_answer_page_query_count(world, port_officer, public, django_assert_num_queries):
    survey = _survey(
        world,
        port_officer,
        dimensions=[f"维度{n}" for n in range(EXTRA)],
        agencies=_agencies("CUSTOMS", "IMMIGRATION", "MARITIME", "RAILWAY"),
    )
    url = reverse("campaigns:survey-answer", args=[survey.public_code])
    # survey by its link code + groups + dimensions + agencies (anonymous: no session)
    with django_assert_num_queries(4):
        response = public.get(url)
    assert len(response.context["form"].grid) == 4
    assert len(response.context["form"].grid[0]["cells"]) == EXTRA

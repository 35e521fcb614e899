"""The public notice page and the objection form, without login.

Rate limits count per address in the shared cache; every test sends from its own random
address, so counters never carry over between tests."""

import datetime
import ipaddress
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from awards.models import Nomination, Objection, Round, Title
from awards.services.notice import objection_resolve
from civport.models import AuditEntry
from civport.notifications import local_today
from tests.awards.test_notice_services import (  # noqa: F401 (fixtures)
    TEXT,
    candidates_fixture,
    file,
    notice_round_fixture,
)

NOTICE = reverse("awards:notice")
FORM = reverse("awards:objection-create")


def _address():
    return str(ipaddress.IPv6Address(uuid.uuid4().int))


@pytest.fixture
def public(request, settings):
    """An anonymous browser with its own network address, CSRF checks on; in English when the
    test asks for `in_english`."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=_address())
    if "in_english" in request.fixturenames:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _shown(response):
    """The pks of the candidates the notice page lists."""
    return [
        candidate.pk
        for group in response.context["groups"]
        for province in group.provinces
        for candidate in province.candidates
    ]


def _post(client, data):
    """Fetch the form first, as a browser does, and send its CSRF token back."""
    page = client.get(FORM)
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    return client.post(FORM, {**data, "csrfmiddlewaretoken": token})


def _data(nomination, **fields):
    return {
        "nomination": nomination.pk,
        "text": TEXT,
        "name": "张三",
        "phone": "+86 138-0000-0000",
        "email": "",
        "organisation": "",
    } | fields


# --- the notice -------------------------------------------------------------------------------


def test_the_notice_lists_the_candidates_by_title_and_province(
    public, candidates, notice_round, world, django_assert_num_queries
):
    # No session or user for an anonymous visitor: the round on notice = 1
    # + its candidates with their province, in one query = 1
    with django_assert_num_queries(2):
        response = public.get(NOTICE)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.title for group in groups] == [
        Title.CIVILIZED_PORT,
        Title.ADVANCED_UNIT,
        Title.ADVANCED_INDIVIDUAL,
    ]
    assert [p.name for p in groups[1].provinces] == [world.gd.name, world.zj.name]
    assert [len(p.candidates) for p in groups[1].provinces] == [4, 2]
    assert sum(group.count for group in groups) == len(candidates)
    text = response.content.decode()
    person = world.sz.people[0]
    assert person.name in text and world.sz.units[0].name in text
    assert str(Title.ADVANCED_INDIVIDUAL.label) in text
    assert response.context["is_open"] is True
    assert FORM in text


def test_the_notice_shows_its_period_in_working_days(public, candidates, notice_round, in_english):
    text = public.get(NOTICE).content.decode()
    start = notice_round.notice_starts_on.isoformat()
    end = notice_round.notice_ends_on.isoformat()
    assert f"Notice period: {start} to {end} (5 working days)" in text


def test_the_notice_publishes_nothing_but_the_public_columns(
    public, candidates, notice_round, world
):
    Nomination.objects.filter(pk=candidates[0].pk).update(
        deeds="内部材料：不宜公开的详细事迹" * 20,
        nominee_detail="身份证号 440300199001011234",
        withdrawn_reason="",
    )
    response = public.get(NOTICE)
    text = response.content.decode()
    assert "内部材料" not in text
    assert "440300199001011234" not in text
    shown = {
        candidate.pk: candidate
        for group in response.context["groups"]
        for province in group.provinces
        for candidate in province.candidates
    }
    assert set(vars(shown[candidates[0].pk])) == {"pk", "name", "unit", "summary"}


def test_only_candidates_are_listed(public, candidates, notice_round, make_nomination, world):
    submitted = make_nomination(notice_round, world.gd, status=Nomination.Status.SUBMITTED)
    Nomination.objects.filter(pk=candidates[0].pk).update(status=Nomination.Status.REJECTED)
    shown = _shown(public.get(NOTICE))
    assert sorted(shown) == sorted(c.pk for c in candidates[1:])
    assert submitted.pk not in shown


def test_an_upheld_objection_takes_the_candidate_off_the_notice(public, candidates, national_admin):
    target = candidates[0]
    assert target.nominee_name in public.get(NOTICE).content.decode()
    objection = file(target)
    objection_resolve(actor=national_admin, objection=objection, uphold=True, resolution="属实")
    response = public.get(NOTICE)
    assert target.pk not in _shown(response)
    # A port is named nowhere else on the page.
    assert target.nominee_name not in response.content.decode()


def test_without_a_notice_the_page_says_so(public, award_round, in_english):
    response = public.get(NOTICE)
    assert response.status_code == 200
    assert "No public notice of award candidates is open now." in response.content.decode()


def test_after_the_notice_period_the_list_stays_without_the_form(
    public, candidates, notice_round, in_english
):
    today = local_today()
    Round.objects.filter(pk=notice_round.pk).update(
        notice_starts_on=today - datetime.timedelta(days=9),
        notice_ends_on=today - datetime.timedelta(days=2),
    )
    response = public.get(NOTICE)
    text = response.content.decode()
    assert candidates[0].nominee_name in text
    assert "objections are no longer taken" in text
    assert FORM not in text


# --- the objection form -----------------------------------------------------------------------


def test_an_objection_is_filed_and_confirmed(public, candidates, in_english):
    response = _post(public, _data(candidates[2], organisation="某公司"))
    assert response.status_code == 302
    assert response["Location"] == reverse("awards:objection-filed")
    page = public.get(response["Location"])
    assert "The national office examines every objection" in page.content.decode()
    objection = Objection.objects.get()
    assert objection.nomination == candidates[2]
    assert (objection.name, objection.phone, objection.organisation) == (
        "张三",
        "+86 138-0000-0000",
        "某公司",
    )
    assert (
        AuditEntry.objects.get(action="awards.objection.filed").ip_address
        == (public.defaults["REMOTE_ADDR"])
    )


def test_the_form_needs_the_csrf_token(public, candidates):
    assert public.post(FORM, _data(candidates[0])).status_code == 403
    assert not Objection.objects.exists()


@pytest.mark.parametrize("field", ["name", "phone"])
def test_missing_contact_is_an_error_on_its_field(public, candidates, field, in_english):
    response = _post(public, _data(candidates[0], **{field: ""}))
    assert response.status_code == 200
    assert response.context["form"].errors == {field: ["This field is required."]}
    # What was typed is still there.
    assert TEXT in response.content.decode()
    assert not Objection.objects.exists()


def test_a_telephone_number_is_digits_spaces_plus_and_dashes(public, candidates, in_english):
    response = _post(public, _data(candidates[0], phone="电话 0755"))
    assert list(response.context["form"].errors) == ["phone"]
    assert response.context["form"].errors["phone"][0].startswith("Enter a telephone number")
    assert not Objection.objects.exists()


def test_a_candidate_not_on_the_notice_is_an_error(
    public, candidates, notice_round, make_nomination, world, in_english
):
    submitted = make_nomination(notice_round, world.gd, status=Nomination.Status.SUBMITTED)
    response = _post(public, _data(submitted))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["nomination"]
    assert "Select a valid choice" in response.context["form"].errors["nomination"][0]
    # The choice offers the candidates, and only them.
    offered = {
        choice.value
        for choice, _label in response.context["form"].fields["nomination"].choices
        if choice
    }
    assert offered == {c.pk for c in candidates}
    assert not Objection.objects.exists()


def test_the_form_can_start_with_a_candidate_chosen(public, candidates):
    response = public.get(FORM, {"candidate": candidates[5].pk})
    assert response.context["form"]["nomination"].value() == str(candidates[5].pk)


def test_the_form_page_runs_a_fixed_number_of_queries(
    public, candidates, django_assert_num_queries
):
    # No session or user for an anonymous visitor: the round on notice = 1
    # + the candidates of the select, with their province = 1
    with django_assert_num_queries(2):
        assert public.get(FORM).status_code == 200


def test_objections_are_rate_limited_per_address(public, candidates, settings, in_english):
    settings.CIVPORT_RATE_LIMITS = {"objection": (2, 3600)}
    assert _post(public, _data(candidates[0])).status_code == 302
    assert _post(public, _data(candidates[1])).status_code == 302
    limited = _post(public, _data(candidates[2], text="第三条异议：事迹材料与实际情况不符。"))
    assert limited.status_code == 429
    assert "try again in 60 minutes" in limited.context["limited"]
    assert 'data-testid="rate-limited"' in limited.content.decode()
    assert "第三条异议" in limited.content.decode()
    assert Objection.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR=_address())
    assert other.post(FORM, _data(candidates[2])).status_code == 302


@pytest.mark.parametrize(("starts", "ends"), [(3, 9), (-9, -1)])
def test_outside_the_notice_the_form_refuses(
    public, candidates, notice_round, in_english, starts, ends
):
    today = local_today()
    Round.objects.filter(pk=notice_round.pk).update(
        notice_starts_on=today + datetime.timedelta(days=starts),
        notice_ends_on=today + datetime.timedelta(days=ends),
    )
    page = public.get(FORM)
    assert page.status_code == 200
    assert "form" not in page.context
    assert 'data-testid="objection-refused"' in page.content.decode()
    token = page.cookies["csrftoken"].value
    refused = public.post(FORM, {**_data(candidates[0]), "csrfmiddlewaretoken": token})
    assert refused.status_code == 409
    assert "objection" in refused.context["refusal"]
    assert not Objection.objects.exists()


def test_without_a_notice_the_form_refuses(public, award_round, in_english):
    page = public.get(FORM)
    assert page.context["refusal"] == "No public notice is open now, so no objection can be filed."


def test_objections_behind_the_proxy_are_limited_per_visitor(candidates, settings):
    settings.CIVPORT_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.CIVPORT_RATE_LIMITS = {"objection": (1, 3600)}
    first, second = (Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=_address()) for _ in "ab")
    assert first.post(FORM, _data(candidates[0])).status_code == 302
    assert second.post(FORM, _data(candidates[1])).status_code == 302
    assert first.post(FORM, _data(candidates[2])).status_code == 429
    assert Objection.objects.count() == 2

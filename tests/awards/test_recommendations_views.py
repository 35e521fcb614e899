"""The recommendation screens: the officer's rounds, a province's ranking with its list, the
confirmation step; who may open them (a 404 across provinces), the plain-form workflow, and
their queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination, Opinion, Recommendation, Round, Title
from awards.services.recommendations import CHINA
from campaigns import services as campaign_services
from campaigns.models import Membership
from tests.awards.test_recommendations_services import in_provincial_review, put_up, score
from tests.conftest import login
from tests.queries import BASE

UNIT = Title.ADVANCED_UNIT
PERSON = Title.ADVANCED_INDIVIDUAL


def detail_url(round, province):
    return reverse("awards:recommendation-detail", args=[round.pk, province.pk])


def submit_url(round, province):
    return reverse("awards:recommendation-submit", args=[round.pk, province.pk])


@pytest.fixture
def gd_table(world, award_round, make_nomination):
    """Guangdong in provincial review with twelve nominations: four units scored 90 to 60, six
    people (the first vetoed, the last not scored yet), two ports; one sheet each."""
    in_provincial_review(award_round)
    units = [make_nomination(award_round, u) for u in (*world.sz.units, *world.gz.units)]
    people = [make_nomination(award_round, p) for p in (*world.sz.people, *world.gz.people)]
    ports = [make_nomination(award_round, p) for p in (world.sz.port, world.gz.port)]
    subjects = put_up(award_round, world.gd, [*units, *people, *ports])
    for nomination, fraction in zip(units, ("0.9", "0.8", "0.7", "0.6"), strict=True):
        score(subjects[nomination.pk], fraction, sheets=1)
    score(subjects[people[0].pk], "0.95", veto=True, sheets=1)
    for nomination in (*people[1:5], *ports):
        score(subjects[nomination.pk], "0.75", sheets=1)
    return {"units": units, "people": people, "ports": ports}


def form_data(choices, opinion="", action="save"):
    """The page's form: {nomination: place or None} ticked; `action` is the button."""
    data = {"opinion": opinion, "action": action}
    for nomination, place in choices.items():
        data[f"chosen_{nomination.pk}"] = "on"
        data[f"position_{nomination.pk}"] = "" if place is None else str(place)
    return data


# --- the list of rounds -----------------------------------------------------------------------


def test_round_list_reads_a_fixed_number_of_queries(
    client, world, award_round, make_nomination, national_admin, django_assert_num_queries
):
    for year in range(2000, 2024, 2):
        earlier = Round.objects.create(
            code=f"{year}-{year + 1}",
            name=f"{year}—{year + 1}年度评比",
            start_year=year,
            end_year=year + 1,
            scheme=award_round.scheme,
            phase=Round.Phase.CLOSED,
        )
        make_nomination(earlier, world.sz.units[0], status=Nomination.Status.AWARDED)
        make_nomination(earlier, world.nb.port, status=Nomination.Status.NOT_RECOMMENDED)
    # The current round is still nominating: not listed yet.
    make_nomination(award_round, world.gz.units[0])
    login(client, national_admin)
    # BASE + the count of rows + the page of rows (counts, quota and the list as subqueries)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("awards:recommendation-list"))
    rows = response.context["page"].object_list
    assert len(rows) == 24
    assert {(r["province_id"], r["nominations"]) for r in rows} == {
        (world.gd.pk, 1),
        (world.zj.pk, 1),
    }
    assert rows[0]["round_name"] == "2022—2023年度评比"


def test_round_list_shows_only_the_officers_province_with_its_status(
    client, world, gd_table, award_round, gd_officer, make_nomination, in_english
):
    make_nomination(award_round, world.nb.units[0])
    login(client, gd_officer)
    response = client.get(reverse("awards:recommendation-list"))
    rows = response.context["page"].object_list
    assert [(r["province_id"], r["nominations"], r["quota"]) for r in rows] == [
        (world.gd.pk, 12, 8)
    ]
    assert rows[0]["list_status"] is None
    assert "not started" in response.content.decode()
    client.post(detail_url(award_round, world.gd), form_data({gd_table["units"][0]: 1}))
    rows = client.get(reverse("awards:recommendation-list")).context["page"].object_list
    assert (rows[0]["list_status"], rows[0]["chosen"]) == ("draft", 1)


def test_round_list_is_empty_for_those_who_manage_no_province(
    client, gd_table, port_officer, outsider
):
    for user in (port_officer, outsider):
        login(client, user)
        response = client.get(reverse("awards:recommendation-list"))
        assert response.status_code == 200
        assert response.context["page"].object_list == []


# --- who may open a province's list -----------------------------------------------------------


def test_another_provinces_officer_gets_404_until_granted(
    client, world, gd_table, award_round, zj_officer
):
    login(client, zj_officer)
    assert client.get(detail_url(award_round, world.gd)).status_code == 404
    assert client.post(detail_url(award_round, world.gd), form_data({})).status_code == 404
    assert client.get(submit_url(award_round, world.gd)).status_code == 404
    # Refused because Guangdong is not theirs: with the role granted, the page opens.
    campaign_services.membership_grant(
        actor=None, user=zj_officer, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    assert client.get(detail_url(award_round, world.gd)).status_code == 200


@pytest.mark.parametrize("persona_name", ["port_officer", "unit_contact", "outsider"])
def test_those_below_or_outside_the_province_get_404(
    client, world, gd_table, award_round, persona, persona_name
):
    login(client, persona(persona_name))
    assert client.get(detail_url(award_round, world.gd)).status_code == 404


def test_missing_round_province_or_a_round_not_in_review_is_404(
    client, world, award_round, gd_officer
):
    login(client, gd_officer)
    # The round is still nominating.
    assert client.get(detail_url(award_round, world.gd)).status_code == 404
    in_provincial_review(award_round)
    assert client.get(detail_url(award_round, world.gd)).status_code == 200
    for args in (
        (award_round.pk, 999999),
        (999999, world.gd.pk),
        (award_round.pk, world.sz.authority.pk),
    ):
        url = reverse("awards:recommendation-detail", args=args)
        assert client.get(url).status_code == 404


def test_national_office_reads_any_province_list_without_changing_it(
    client, world, gd_table, award_round, national_admin, in_english
):
    login(client, national_admin)
    response = client.get(detail_url(award_round, world.gd))
    assert response.status_code == 200
    page = response.content.decode()
    assert "only its provincial officer can change it" in page
    assert 'name="chosen_' not in page and "Save draft" not in page
    assert client.post(detail_url(award_round, world.gd), form_data({})).status_code == 403
    assert client.get(submit_url(award_round, world.gd)).status_code == 403
    assert not Recommendation.objects.exists()


# --- the page ---------------------------------------------------------------------------------


def test_detail_reads_a_fixed_number_of_queries(
    client, world, gd_table, award_round, gd_officer, django_assert_num_queries, in_english
):
    login(client, gd_officer)
    # BASE + round + province + the list header + the province's review + its subjects of
    # nominations + the ranking (one aggregate) + the quotas + the nominations
    with django_assert_num_queries(BASE + 8):
        response = client.get(detail_url(award_round, world.gd))
    tables = {t["section"].title: t for t in response.context["tables"]}
    assert sum(len(t["rows"]) for t in tables.values()) == 12
    units = [line["ranked"] for line in tables[UNIT]["rows"]]
    assert [r.nomination for r in units] == gd_table["units"]
    assert [r.rank for r in units] == [1, 2, 3, 4]
    people = [line["ranked"] for line in tables[PERSON]["rows"]]
    assert people[-1].nomination == gd_table["people"][0] and people[-1].is_vetoed
    unscored = next(r for r in people if r.nomination == gd_table["people"][5])
    assert (unscored.is_scored, unscored.sheets_submitted) == (False, 0)
    page = response.content.decode()
    assert "0 of 2 places chosen" in page
    assert "disqualified (veto)" in page and "not scored yet" in page
    # A saved draft and the national office's reading cost the same.
    client.post(detail_url(award_round, world.gd), form_data({gd_table["units"][0]: 1}, "同意"))
    with django_assert_num_queries(BASE + 8):
        response = client.get(detail_url(award_round, world.gd))
    assert "1 of 2 places chosen" in response.content.decode()


def test_saving_a_draft_orders_by_the_places_entered(
    client, world, gd_table, award_round, gd_officer, in_english
):
    u = gd_table["units"]
    login(client, gd_officer)
    # Places decide the order; a ticked one without a place follows; a place without a tick
    # chooses nothing.
    data = form_data({u[2]: 1, u[0]: 2, gd_table["people"][1]: None}, "同意推荐")
    data[f"position_{u[3].pk}"] = "1"
    response = client.post(detail_url(award_round, world.gd), data)
    assert response.status_code == 302
    assert response["Location"] == detail_url(award_round, world.gd)
    placed = dict(
        Nomination.objects.filter(recommended_position__isnull=False).values_list(
            "pk", "recommended_position"
        )
    )
    assert placed == {u[2].pk: 1, u[0].pk: 2, gd_table["people"][1].pk: 1}
    assert Recommendation.objects.get().opinion == "同意推荐"
    page = client.get(detail_url(award_round, world.gd)).content.decode()
    assert "The draft list is saved." in page
    assert "2 of 2 places chosen" in page


def test_over_quota_is_refused_on_the_page_with_nothing_saved(
    client, world, gd_table, award_round, gd_officer, in_english
):
    u = gd_table["units"]
    login(client, gd_officer)
    response = client.post(
        detail_url(award_round, world.gd), form_data({u[0]: 1, u[1]: 2, u[2]: 3}, "意见")
    )
    assert response.status_code == 200
    tables = {t["section"].title: t for t in response.context["tables"]}
    assert tables[UNIT]["errors"] == [
        "“National advanced unit”: 3 chosen, but the quota of 广东省人民政府口岸办公室 is 2."
    ]
    assert "The list was not saved:" in response.content.decode()
    assert not Nomination.objects.filter(recommended_position__isnull=False).exists()


def test_a_vetoed_or_unscored_choice_is_named_on_the_page(
    client, world, gd_table, award_round, gd_officer, in_english
):
    vetoed, unscored = gd_table["people"][0], gd_table["people"][5]
    login(client, gd_officer)
    response = client.post(detail_url(award_round, world.gd), form_data({vetoed: 1, unscored: 2}))
    errors = {t["section"].title: t["errors"] for t in response.context["tables"]}[PERSON]
    assert errors == [
        f"{vetoed.nominee_name} is disqualified by a veto in the provincial review and cannot "
        "be recommended.",
        f"{unscored.nominee_name} has no submitted score sheet yet and cannot be recommended.",
    ]


def test_a_bad_place_is_a_form_error(client, world, gd_table, award_round, gd_officer):
    u = gd_table["units"][0]
    login(client, gd_officer)
    response = client.post(detail_url(award_round, world.gd), form_data({u: 0}))
    assert response.status_code == 200
    assert f"position_{u.pk}" in response.context["form"].errors
    assert not Recommendation.objects.exists()


# --- submitting -------------------------------------------------------------------------------


def test_submit_goes_through_a_confirmation_and_locks_the_page(
    client, world, gd_table, award_round, gd_officer, django_assert_num_queries, in_english
):
    u = gd_table["units"]
    login(client, gd_officer)
    response = client.post(
        detail_url(award_round, world.gd),
        form_data({u[1]: 1, u[0]: 2}, "经评审，同意推荐", "submit"),
    )
    assert response["Location"] == submit_url(award_round, world.gd)
    assert Recommendation.objects.get().status == Recommendation.Status.DRAFT
    # BASE + round + province + the list header + the province's ranking (review, subjects,
    # ranking, quotas, nominations)
    with django_assert_num_queries(BASE + 8):
        page = client.get(submit_url(award_round, world.gd))
    text = page.content.decode()
    assert "Submit the recommendation list of 广东省人民政府口岸办公室" in text
    assert text.index(u[1].nominee_name) < text.index(u[0].nominee_name)
    assert "经评审，同意推荐" in text
    assert "10 other nominations of the province will be marked not recommended." in text

    refused = client.post(submit_url(award_round, world.gd), {})
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirm"] == ["Tick the box to confirm the submission."]
    assert Recommendation.objects.get().status == Recommendation.Status.DRAFT

    done = client.post(submit_url(award_round, world.gd), {"confirm": "on"})
    assert done["Location"] == detail_url(award_round, world.gd)
    statuses = dict(Nomination.objects.values_list("pk", "status"))
    assert statuses[u[0].pk] == statuses[u[1].pk] == Nomination.Status.RECOMMENDED
    assert list(statuses.values()).count(Nomination.Status.NOT_RECOMMENDED) == 10
    assert Opinion.objects.filter(level=Opinion.Level.PROVINCE).count() == 2

    locked = client.get(detail_url(award_round, world.gd)).content.decode()
    assert "The recommendation list of 广东省人民政府口岸办公室 is submitted." in locked
    assert "Submitted by gd_officer on" in locked
    assert 'name="chosen_' not in locked and "Save draft" not in locked
    # A stale page posted again is refused; the confirmation page sends back to the list.
    again = client.post(detail_url(award_round, world.gd), form_data({u[2]: 1}, "改"))
    assert "the list is locked" in again.content.decode()
    back = client.get(submit_url(award_round, world.gd), follow=True)
    assert "The list is submitted and locked." in back.content.decode()
    assert Nomination.objects.get(pk=u[2].pk).status == Nomination.Status.NOT_RECOMMENDED


def test_submit_without_an_opinion_is_refused_on_the_confirmation(
    client, world, gd_table, award_round, gd_officer, in_english
):
    login(client, gd_officer)
    client.post(detail_url(award_round, world.gd), form_data({gd_table["units"][0]: 1}))
    response = client.post(submit_url(award_round, world.gd), {"confirm": "on"})
    assert response.status_code == 200
    assert response.context["refusals"] == [
        "Write the province's opinion before submitting the list."
    ]
    assert Recommendation.objects.get().status == Recommendation.Status.DRAFT


def test_after_the_deadline_the_page_is_read_only(
    client, world, gd_table, award_round, gd_officer, in_english
):
    yesterday = timezone.localdate(timezone=CHINA) - datetime.timedelta(days=1)
    in_provincial_review(award_round, provincial_review_due_on=yesterday)
    login(client, gd_officer)
    page = client.get(detail_url(award_round, world.gd)).content.decode()
    assert "The deadline of the provincial review has passed." in page
    assert "Save draft" not in page
    response = client.post(detail_url(award_round, world.gd), form_data({gd_table["units"][0]: 1}))
    assert "the list can no longer be changed" in response.content.decode()

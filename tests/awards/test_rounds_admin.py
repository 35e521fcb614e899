"""The round in the admin: the pages render for the national office with a fixed number of
queries, saves and imports go through the services, the phases advance (or refuse with their
reasons) from the change page and the changelist, and the office decides on the national
ranking and from the nominations' list."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import ScoreSheet
from assessments.services import reviews as review_services
from awards.models import CalendarDay, Nomination, Opinion, Quota, Recommendation, Round, Title
from awards.services.rounds import round_reviews_ensure
from campaigns import services as campaign_services
from campaigns.models import Authority, Membership
from civport.models import AuditEntry
from tests.assessments.fixtures import submit_sheet
from tests.awards.rounds_support import (
    close_nominations,
    days,
    national_review,
    review_of,
    seat_panel,
    set_phase,
    submit_list,
)
from tests.conftest import login

Status = Nomination.Status
Phase = Round.Phase


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client, national_admin, in_english):
    return login(client, national_admin)


def url(name, *args):
    return reverse(f"admin:awards_{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_provincial_staff_cannot_use_the_round_admin(client, gd_officer, award_round, world):
    gd_officer.is_staff = True
    gd_officer.save(update_fields=["is_staff"])
    login(client, gd_officer)
    for address in (
        url("round_changelist"),
        url("round_progress", award_round.pk),
        url("round_ranking", award_round.pk),
        url("round_advance", award_round.pk),
        url("nomination_changelist"),
        url("calendarday_changelist"),
    ):
        assert client.get(address).status_code == 403, address
    # The same staff account with the national office's role gets in: refused for the role.
    campaign_services.membership_grant(
        actor=None, user=gd_officer, role=Membership.Role.NATIONAL_OFFICE, authority=world.national
    )
    assert client.get(url("round_progress", award_round.pk)).status_code == 200


def test_an_unknown_round_is_a_404(admin_client, award_round):
    assert admin_client.get(url("round_progress", award_round.pk + 99)).status_code == 404
    assert admin_client.get(url("round_ranking", award_round.pk + 99)).status_code == 404


# --- the round's list and form -----------------------------------------------------------------


def test_round_changelist_queries_do_not_grow(
    admin_client, award_round, template, world, make_nomination, django_assert_num_queries
):
    for year in range(2001, 2024, 2):
        Round.objects.create(
            code=f"{year}-{year + 1}",
            name=f"{year}—{year + 1}年度",
            start_year=year,
            end_year=year + 1,
            scheme=template,
            phase=Phase.CLOSED,
        )
    for unit in (*world.sz.units, *world.gz.units, *world.nb.units):
        make_nomination(award_round, unit)
    # 1 session + 1 user + 1 scope (national staff check) + 2 the paginator's counts
    # (filtered and total, on the rounds alone) + 2 the user's model permissions (user and
    # group, read once while the page renders) + 1 the rounds with
    # their scheme, nomination counts by status and quota sums = 8, for 13 rounds as for 1.
    with django_assert_num_queries(8):
        response = admin_client.get(url("round_changelist"))
    assert response.status_code == 200
    row = next(r for r in response.context["cl"].result_list if r.pk == award_round.pk)
    assert (row.n_quota, row.n_submitted, row.n_drafts) == (12, 6, 0)
    assert len(response.context["cl"].result_list) == 13


def test_round_change_page_shows_the_next_phase_and_what_is_missing(admin_client, award_round):
    response = admin_client.get(url("round_change", award_round.pk))
    assert response.status_code == 200
    assert response.context["next_phase"] == "provincial review"
    assert response.context["reasons"] == [
        f"Nominations are open until {award_round.nominations_due_on.isoformat()}; the "
        "provincial review can start the day after.",
        "No nomination has been submitted.",
    ]
    content = response.content.decode()
    assert "Advance to provincial review" in content
    assert url("round_advance", award_round.pk) in content
    # Fields the phase has closed are shown, not edited.
    form = response.context["adminform"].form
    assert "code" not in form.fields and "nominations_due_on" in form.fields


def test_round_change_page_queries_do_not_grow(
    admin_client, award_round, world, django_assert_num_queries
):
    for i in range(4):
        province = campaign_services.authority_create(
            actor=None,
            code=f"P{i:02d}",
            name=f"第{i}省口岸办",
            level=Authority.Level.PROVINCIAL,
            parent=world.national,
        )
        Quota.objects.bulk_create(
            Quota(round=award_round, province=province, title=title, quota=1)
            for title in Title.values
        )
    # The content type of rounds, cached for the process after its first use (the page's
    # links to the history).
    ContentType.objects.get_for_model(Round)
    # 1 session + 1 user + 1 scope (national staff check) + 2 the round (read for the phase
    # panel, then by the change view) + 1 the preconditions of its next phase (provinces with
    # submitted nominations: none yet) + 1 the quota rows with their province + 2 the
    # provinces for the rows' selects (counted, then read once for every row) + 2 the user's
    # model permissions (user and group, read once while the page renders) = 11, for 24
    # quotas as for 8.
    with django_assert_num_queries(11):
        response = admin_client.get(url("round_change", award_round.pk))
    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 24


def round_post(template, **changes):
    data = {
        "code": "2027-2028",
        "name": "2027—2028年度评比",
        "start_year": "2027",
        "end_year": "2028",
        "scheme": str(template.pk),
        "nominations_due_on": days(30).isoformat(),
        "provincial_review_due_on": days(60).isoformat(),
        "national_review_due_on": days(90).isoformat(),
        "reviewers_per_nomination": "5",
        "notice_working_days": "5",
        "issuing_office": "国家口岸管理办公室",
        "decision_number": "",
        "quotas-TOTAL_FORMS": "0",
        "quotas-INITIAL_FORMS": "0",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
    }
    return data | changes


def test_admin_add_round_with_quotas_goes_through_the_services(
    admin_client, template, world, national_admin
):
    data = round_post(
        template,
        **{
            "quotas-TOTAL_FORMS": "2",
            "quotas-0-province": str(world.gd.pk),
            "quotas-0-title": "advanced_unit",
            "quotas-0-quota": "4",
            "quotas-1-province": str(world.zj.pk),
            "quotas-1-title": "civilized_port",
            "quotas-1-quota": "1",
        },
    )
    response = admin_client.post(url("round_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    round = Round.objects.get(code="2027-2028")
    assert round.phase == Phase.DRAFT
    assert {(q.province_id, q.title, q.quota) for q in Quota.objects.filter(round=round)} == {
        (world.gd.pk, "advanced_unit", 4),
        (world.zj.pk, "civilized_port", 1),
    }
    assert AuditEntry.objects.get(action="awards.round.created").actor == national_admin
    assert AuditEntry.objects.filter(action="awards.quota.set").count() == 2


def test_admin_round_form_shows_the_services_errors_on_the_fields(admin_client, template):
    data = round_post(template, end_year="2030", provincial_review_due_on=days(10).isoformat())
    response = admin_client.post(url("round_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "end_year": [
            "A round covers two consecutive years, such as 2025—2026; the last year is 2028."
        ],
        "provincial_review_due_on": ["The provincial review must be due after the nominations."],
    }
    assert not Round.objects.exists()


def test_admin_change_round_and_quotas(admin_client, award_round, world):
    quotas = list(Quota.objects.filter(round=award_round).order_by("province__path", "title"))
    data = {
        "name": award_round.name,
        "nominations_due_on": days(40).isoformat(),
        "provincial_review_due_on": days(60).isoformat(),
        "national_review_due_on": days(90).isoformat(),
        "notice_working_days": "7",
        "issuing_office": award_round.issuing_office,
        "decision_number": "",
        "quotas-TOTAL_FORMS": str(len(quotas)),
        "quotas-INITIAL_FORMS": str(len(quotas)),
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
    }
    for i, quota in enumerate(quotas):
        data |= {
            f"quotas-{i}-id": str(quota.pk),
            f"quotas-{i}-round": str(award_round.pk),
            f"quotas-{i}-province": str(quota.province_id),
            f"quotas-{i}-title": quota.title,
            f"quotas-{i}-quota": str(quota.quota),
        }
    data["quotas-0-quota"] = "6"
    data["quotas-7-DELETE"] = "on"
    response = admin_client.post(url("round_change", award_round.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    award_round.refresh_from_db()
    assert (award_round.nominations_due_on, award_round.notice_working_days) == (days(40), 7)
    assert Quota.objects.get(pk=quotas[0].pk).quota == 6
    assert not Quota.objects.filter(pk=quotas[7].pk).exists()
    assert AuditEntry.objects.filter(action="awards.round.updated").count() == 1
    assert AuditEntry.objects.filter(action="awards.quota.set").count() == 1
    assert AuditEntry.objects.filter(action="awards.quota.deleted").count() == 1


def test_admin_saving_a_due_date_in_the_past_warns(admin_client, award_round):
    data = {
        "name": award_round.name,
        "nominations_due_on": days(-2).isoformat(),
        "provincial_review_due_on": days(60).isoformat(),
        "national_review_due_on": days(90).isoformat(),
        "notice_working_days": "7",
        "issuing_office": award_round.issuing_office,
        "decision_number": "",
        "quotas-TOTAL_FORMS": "0",
        "quotas-INITIAL_FORMS": "0",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url("round_change", award_round.pk), data)
    assert response.status_code == 302
    assert f"Nominations due on ({days(-2).isoformat()}) is in the past." in messages_of(response)
    award_round.refresh_from_db()
    assert award_round.nominations_due_on == days(-2)


def test_admin_moving_a_quota_to_another_title(admin_client, award_round, world):
    quota = Quota.objects.get(round=award_round, province=world.zj, title="advanced_organizer")
    Quota.objects.filter(round=award_round).exclude(pk=quota.pk).delete()
    data = {
        "name": award_round.name,
        "nominations_due_on": award_round.nominations_due_on.isoformat(),
        "provincial_review_due_on": award_round.provincial_review_due_on.isoformat(),
        "national_review_due_on": award_round.national_review_due_on.isoformat(),
        "notice_working_days": "5",
        "issuing_office": award_round.issuing_office,
        "decision_number": "",
        "quotas-TOTAL_FORMS": "1",
        "quotas-INITIAL_FORMS": "1",
        "quotas-MIN_NUM_FORMS": "0",
        "quotas-MAX_NUM_FORMS": "1000",
        "quotas-0-id": str(quota.pk),
        "quotas-0-round": str(award_round.pk),
        "quotas-0-province": str(world.zj.pk),
        "quotas-0-title": "civilized_port",
        "quotas-0-quota": "3",
    }
    response = admin_client.post(url("round_change", award_round.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Quota.objects.filter(round=award_round).values_list("title", "quota")) == [
        ("civilized_port", 3)
    ]


def test_quotas_are_read_only_once_the_provinces_choose(admin_client, award_round):
    set_phase(award_round, Phase.PROVINCIAL_REVIEW)
    response = admin_client.get(url("round_change", award_round.pk))
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_change_permission and not inline.has_add_permission
    assert "Import quotas" not in response.content.decode()


# --- advancing -------------------------------------------------------------------------------


def test_advance_page_lists_the_reasons_and_posting_refuses(admin_client, award_round):
    response = admin_client.get(url("round_advance", award_round.pk))
    assert response.status_code == 200
    assert "No nomination has been submitted." in response.content.decode()
    assert "Yes, advance to" not in response.content.decode()
    response = admin_client.post(url("round_advance", award_round.pk))
    assert response.status_code == 302
    assert messages_of(response) == [
        f"{award_round.name}: Nominations are open until "
        f"{award_round.nominations_due_on.isoformat()}; the provincial review can start the "
        "day after.",
        f"{award_round.name}: No nomination has been submitted.",
    ]
    assert Round.objects.get(pk=award_round.pk).phase == Phase.NOMINATING


def test_advance_from_the_change_page(admin_client, award_round, world, make_nomination):
    make_nomination(award_round, world.sz.units[1])
    close_nominations(award_round)
    seat_panel(review_of(award_round, world.gd), 3, "gd")
    response = admin_client.get(url("round_advance", award_round.pk))
    assert "Yes, advance to provincial review" in response.content.decode()
    response = admin_client.post(url("round_advance", award_round.pk))
    assert response.status_code == 302
    assert response["Location"] == url("round_change", award_round.pk)
    assert messages_of(response) == [f"{award_round.name} is now in its provincial review phase."]
    assert Round.objects.get(pk=award_round.pk).phase == Phase.PROVINCIAL_REVIEW


def test_advance_action_on_the_changelist(admin_client, award_round, world, make_nomination):
    response = admin_client.post(
        url("round_changelist"),
        {"action": "advance", "_selected_action": [award_round.pk]},
        follow=True,
    )
    assert f"{award_round.name}: No nomination has been submitted." in messages_of(response)
    make_nomination(award_round, world.sz.units[1])
    close_nominations(award_round)
    seat_panel(review_of(award_round, world.gd), 3, "gd")
    response = admin_client.post(
        url("round_changelist"), {"action": "advance", "_selected_action": [award_round.pk]}
    )
    assert messages_of(response) == [f"{award_round.name} is now in its provincial review phase."]
    assert Round.objects.get(pk=award_round.pk).phase == Phase.PROVINCIAL_REVIEW


# --- progress ----------------------------------------------------------------------------------


@pytest.fixture
def many_provinces(world, award_round, make_nomination, gd_officer):
    """Twelve more provinces, each with quotas, an organizer nomination and its review; a
    Guangdong list submitted."""
    made = []
    for i in range(12):
        province = campaign_services.authority_create(
            actor=None,
            code=f"P{i:02d}",
            name=f"第{i}省口岸办",
            level=Authority.Level.PROVINCIAL,
            parent=world.national,
        )
        Quota.objects.bulk_create(
            Quota(round=award_round, province=province, title=title, quota=1)
            for title in Title.values
        )
        make_nomination(award_round, province)
        made.append(province)
    round_reviews_ensure(actor=None, round=award_round)
    make_nomination(award_round, world.sz.units[0])
    make_nomination(award_round, world.sz.units[1], status=Status.DRAFT)
    submit_list(award_round, world.gd, gd_officer)
    return made


def test_progress_page_queries_do_not_grow(
    admin_client, award_round, many_provinces, world, django_assert_num_queries
):
    # 1 session + 1 user + 1 scope (national staff check) + 1 the round + 5 the progress
    # (provinces, quotas, nomination counts by province, title and status, the reviews with
    # their assignment and sheet counts, the recommendation lists with who submitted them) + 2
    # the user's model permissions (user and group, read once while the page renders) = 11,
    # for 14 provinces as for 2.
    with django_assert_num_queries(11):
        response = admin_client.get(url("round_progress", award_round.pk))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert len(progress.provinces) == 14
    gd = next(row for row in progress.provinces if row.province == world.gd)
    unit_cell = gd.cells[Title.values.index("advanced_unit")]
    assert (unit_cell.quota, unit_cell.submitted, unit_cell.drafts) == (2, 1, 1)
    assert gd.recommendation.status == Recommendation.Status.SUBMITTED
    assert "submitted by gd_officer" in response.content.decode()


def test_progress_counts_the_review_completion(admin_client, award_round, world, make_nomination):
    nominations = [make_nomination(award_round, unit) for unit in world.gz.units]
    close_nominations(award_round)
    reviewers = seat_panel(review_of(award_round, world.gd), 3, "gd")
    from awards.services.rounds import round_advance

    round_advance(actor=None, round=award_round)
    review = review_of(award_round, world.gd)
    subject = review.subjects.get(object_id=nominations[0].pk)
    submit_sheet(reviewers[0], subject)
    response = admin_client.get(url("round_progress", award_round.pk))
    gd = next(row for row in response.context["progress"].provinces if row.province == world.gd)
    assert (gd.review.sheets, gd.review.assigned, gd.review.percent) == (1, 6, 17)


# --- the national ranking and the decisions ------------------------------------------------


@pytest.fixture
def national(award_round, world, make_nomination):
    """National review open with twelve recommended nominations scored by three reviewers."""
    set_phase(award_round, Phase.NATIONAL_REVIEW, nominations_due_on=days(-30))
    review = national_review(award_round, world)
    reviewers = seat_panel(review, 3, "cn")
    nominees = [*world.sz.units, *world.gz.units, *world.nb.units]
    nominees += [*world.sz.people, *world.gz.people, world.nb.people[0]]
    nominations = [
        make_nomination(award_round, nominee, status=Status.RECOMMENDED, recommended_position=None)
        for nominee in nominees
    ]
    for nomination in nominations:
        review_services.subject_attach(
            actor=None,
            review=review,
            target=nomination,
            title=nomination.nominee_name,
            category=nomination.title,
            authority=nomination.authority,
            unit=nomination.unit,
        )
    review_services.assignment_auto(actor=None, review=review)
    review = review_services.review_set_phase(actor=None, review=review, phase="open")
    from decimal import Decimal

    for i, subject in enumerate(review.subjects.order_by("pk")):
        for reviewer in reviewers:
            submit_sheet(reviewer, subject, Decimal("0.5") + Decimal(i) / 40)
    return nominations


def test_ranking_page_queries_do_not_grow(
    admin_client, award_round, national, django_assert_num_queries
):
    address = url("round_ranking", award_round.pk) + "?title=advanced_individual"
    # 1 session + 1 user + 1 scope (national staff check) + 1 the round + 1 the national
    # office + 1 its review + 1 counts by title and status + 1 the ranking's row count + 1 the
    # page of ranked rows + 2 the page's details (assignments, province names) + 2 the page's
    # nominations (subjects' targets, nominations with their province) + 2 the user's model
    # permissions (user and group, read once while the page renders) = 15, for 7 rows as for 1.
    with django_assert_num_queries(15):
        response = admin_client.get(address)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 7
    assert [row["rank"] for row in rows] == list(range(1, 8))
    assert rows[0]["nomination"] == national[-1]  # scored highest
    assert all(row["decidable"] and row["sheets_submitted"] == 3 for row in rows)
    tab = next(t for t in response.context["tabs"] if t["title"] == "advanced_individual")
    assert tab["counts"] == {"undecided": 7, "candidates": 0, "rejected": 0}
    content = response.content.decode()
    assert f'value="approve:{national[-1].pk}"' in content


def test_ranking_page_shows_one_title(admin_client, award_round, national):
    # By default the first title with nominations: no port is nominated, units are.
    response = admin_client.get(url("round_ranking", award_round.pk))
    assert len(response.context["rows"]) == 6
    assert response.context["current_title"] == "National advanced unit"
    response = admin_client.get(url("round_ranking", award_round.pk) + "?title=civilized_port")
    assert response.context["rows"] == []
    assert "No nomination of this title is in the national review." in response.content.decode()
    assert admin_client.get(url("round_ranking", award_round.pk) + "?title=x").status_code == 404


def test_decide_one_from_the_ranking(admin_client, award_round, national, national_admin):
    target = national[0]
    back = url("round_ranking", award_round.pk) + "?title=advanced_unit"
    response = admin_client.post(
        url("round_decide", award_round.pk),
        {"decide": f"approve:{target.pk}", "next": back, "opinion": ""},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert messages_of(response) == ["1 nomination approved as a candidate."]
    target.refresh_from_db()
    assert target.status == Status.CANDIDATE
    opinion = Opinion.objects.get(nomination=target, level="national")
    assert (opinion.text, opinion.author) == ("Agreed.", national_admin)


def test_decide_ticked_nominations_from_the_ranking(admin_client, award_round, national):
    chosen = national[:3]
    response = admin_client.post(
        url("round_decide", award_round.pk),
        {
            "nominations": [n.pk for n in chosen],
            "bulk": "reject",
            "opinion": "名额所限",
            "next": "https://elsewhere.example/",
        },
    )
    assert response["Location"] == url("round_ranking", award_round.pk)
    assert messages_of(response) == ["3 nominations not selected."]
    assert set(Nomination.objects.filter(status=Status.REJECTED).values_list("pk", flat=True)) == {
        n.pk for n in chosen
    }
    assert set(Opinion.objects.values_list("text", flat=True)) == {"名额所限"}


def test_decide_refused_outside_the_national_review(admin_client, award_round, national):
    set_phase(award_round, Phase.PUBLIC_NOTICE)
    response = admin_client.post(
        url("round_decide", award_round.pk), {"decide": f"approve:{national[0].pk}"}
    )
    assert messages_of(response) == [
        "Decisions are made during the national review; the round is in its public notice phase."
    ]
    assert Nomination.objects.get(pk=national[0].pk).status == Status.RECOMMENDED
    page = admin_client.get(url("round_ranking", award_round.pk))
    assert not page.context["deciding"]
    assert "approve:" not in page.content.decode()


def test_decide_with_nothing_ticked(admin_client, award_round, national):
    response = admin_client.post(url("round_decide", award_round.pk), {"bulk": "approve"})
    assert messages_of(response) == ["Select the nominations to decide first."]


def _withdraw_sheets(nomination, keep):
    """Remove all but `keep` of the nomination's submitted national sheets."""
    sheets = ScoreSheet.objects.filter(
        subject__object_id=nomination.pk, status=ScoreSheet.Status.SUBMITTED
    ).order_by("pk")
    ScoreSheet.objects.filter(pk__in=[s.pk for s in sheets[keep:]]).delete()


def test_approving_with_sheets_missing_asks_first(admin_client, award_round, national):
    target, complete = national[0], national[1]
    _withdraw_sheets(target, keep=0)
    back = url("round_ranking", award_round.pk) + "?title=advanced_unit"
    data = {"nominations": [target.pk, complete.pk], "bulk": "approve", "opinion": "同意。"}

    response = admin_client.post(url("round_decide", award_round.pk), {**data, "next": back})

    assert response.status_code == 200
    assert [(s.nomination, s.submitted, s.needed) for s in response.context["shortfalls"]] == [
        (target, 0, 3)
    ]
    content = response.content.decode()
    assert "0 of 3" in content and target.nominee_name in content
    assert complete.nominee_name not in content.split('id="sheets-short"')[1].split("</table>")[0]
    assert set(response.context["fields"]) == {
        ("nominations", str(target.pk)),
        ("nominations", str(complete.pk)),
        ("bulk", "approve"),
        ("opinion", "同意。"),
        ("next", back),
    }
    assert not Nomination.objects.filter(status=Status.CANDIDATE).exists()

    confirmed = admin_client.post(
        url("round_decide", award_round.pk), {**data, "next": back, "confirmed": "1"}
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == back
    assert set(Nomination.objects.filter(status=Status.CANDIDATE)) == {target, complete}


def test_rejecting_or_approving_complete_sheets_asks_nothing(admin_client, award_round, national):
    _withdraw_sheets(national[0], keep=2)
    response = admin_client.post(
        url("round_decide", award_round.pk), {"decide": f"reject:{national[0].pk}"}
    )
    assert response.status_code == 302
    response = admin_client.post(
        url("round_decide", award_round.pk), {"decide": f"approve:{national[1].pk}"}
    )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=national[1].pk).status == Status.CANDIDATE


def test_the_approve_action_asks_when_sheets_are_missing(admin_client, award_round, national):
    _withdraw_sheets(national[0], keep=1)
    data = {"action": "approve_as_candidate", "_selected_action": [national[0].pk]}

    response = admin_client.post(url("nomination_changelist"), data)

    assert response.status_code == 200
    assert "1 of 3" in response.content.decode()
    assert Nomination.objects.get(pk=national[0].pk).status == Status.RECOMMENDED
    response = admin_client.post(url("nomination_changelist"), {**data, "confirmed": "1"})
    assert messages_of(response) == ["1 nomination approved as a candidate."]
    assert Nomination.objects.get(pk=national[0].pk).status == Status.CANDIDATE


# --- nominations' list -------------------------------------------------------------------------


def test_nomination_changelist_queries_do_not_grow(
    admin_client, award_round, national, django_assert_num_queries
):
    # 1 session + 1 user + 1 scope (national staff check) + 1 the round filter's choices + 1
    # the province filter's choices + 2 the paginator's counts (filtered and total) + 2 the
    # user's model permissions (user and group, read once while the page renders) + 1 the rows
    # with their round and province = 10, for 13 nominations as for 1.
    with django_assert_num_queries(10):
        response = admin_client.get(url("nomination_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 13


def test_nomination_actions_decide(admin_client, award_round, national):
    response = admin_client.post(
        url("nomination_changelist"),
        {"action": "approve_as_candidate", "_selected_action": [n.pk for n in national[:2]]},
        follow=True,
    )
    assert messages_of(response) == ["2 nominations approved as candidates."]
    response = admin_client.post(
        url("nomination_changelist"),
        {"action": "reject", "_selected_action": [national[2].pk]},
    )
    assert messages_of(response) == ["1 nomination not selected."]
    statuses = [Nomination.objects.get(pk=n.pk).status for n in national[:3]]
    assert statuses == [Status.CANDIDATE, Status.CANDIDATE, Status.REJECTED]


def test_nomination_actions_refused_outside_the_national_review(
    admin_client, award_round, national
):
    set_phase(award_round, Phase.PUBLIC_NOTICE)
    response = admin_client.post(
        url("nomination_changelist"),
        {"action": "approve_as_candidate", "_selected_action": [national[0].pk]},
    )
    assert messages_of(response) == [
        "1 nomination cannot be decided; nothing was changed.",
        f"{national[0]}: Decisions are made during the national review; the round is in its "
        "public notice phase.",
    ]
    assert Nomination.objects.get(pk=national[0].pk).status == Status.RECOMMENDED


def test_nomination_change_page_is_read_only(admin_client, award_round, national):
    response = admin_client.get(url("nomination_change", national[0].pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


# --- quota import through the admin ------------------------------------------------------------


def upload(rows, name="quotas.csv"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def test_quota_import_previews_then_applies(admin_client, award_round, world):
    rows = [["省份", "称号", "名额"], ["GD", "全国文明口岸", "5"], ["ZJ", "先进单位", "3"]]
    response = admin_client.post(url("round_quota_import", award_round.pk), {"file": upload(rows)})
    assert response.status_code == 200
    assert response.context["counts"]["update"] == 2
    assert (
        Quota.objects.get(round=award_round, province=world.gd, title="civilized_port").quota == 2
    )
    token = response.context["token"]
    response = admin_client.post(
        url("round_quota_import_confirm", award_round.pk), {"token": token}, follow=True
    )
    assert response.redirect_chain == [(url("round_change", award_round.pk), 302)]
    assert messages_of(response) == ["Quotas imported: 0 new, 2 changed, 0 unchanged."]
    assert (
        Quota.objects.get(round=award_round, province=world.gd, title="civilized_port").quota == 5
    )
    # The token is used up.
    response = admin_client.post(
        url("round_quota_import_confirm", award_round.pk), {"token": token}
    )
    assert messages_of(response) == ["This file has already been imported or has expired."]


def test_quota_import_shows_the_bad_rows(admin_client, award_round):
    rows = [["省份", "称号", "名额"], ["GD", "全国文明口岸", "5"], ["XZ", "先进单位", "x"]]
    response = admin_client.post(url("round_quota_import", award_round.pk), {"file": upload(rows)})
    assert "token" not in response.context
    content = response.content.decode()
    assert "1 row has errors. Nothing was saved" in content
    assert "省份: “XZ” is not a province." in content
    assert "名额: “x” is not a whole number from 0 to 999." in content
    assert not AuditEntry.objects.filter(action="awards.quota.set").exists()


def test_quota_sheet_downloads(admin_client, award_round):
    response = admin_client.get(url("round_quota_sheet", award_round.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="civport-quotas-2025-2026.xlsx"'
    assert response.content[:2] == b"PK"


# --- the holiday calendar ----------------------------------------------------------------------


def test_calendar_changelist_queries_do_not_grow(
    admin_client, national_admin, django_assert_num_queries
):
    import datetime

    for day in range(1, 9):
        CalendarDay.objects.create(day=datetime.date(2025, 10, day), kind="holiday", name="国庆节")
    for day in (datetime.date(2025, 9, 28), datetime.date(2025, 10, 11), datetime.date(2026, 1, 4)):
        CalendarDay.objects.create(day=day, kind="workday")
    CalendarDay.objects.create(day=datetime.date(2026, 1, 1), kind="holiday", name="元旦")
    # 1 session + 1 user + 1 scope (national staff check) + 1 the year filter's years + 2 the
    # paginator's counts (filtered and total) + 2 the user's model permissions (user and
    # group, read once while the page renders) + 1 the rows + 2 the date hierarchy (first and
    # last day, the years) = 11, for 12 days as for 1.
    with django_assert_num_queries(11):
        response = admin_client.get(url("calendarday_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 12
    response = admin_client.get(url("calendarday_changelist") + "?year=2026&kind=workday")
    assert [d.day for d in response.context["cl"].result_list] == [datetime.date(2026, 1, 4)]


def test_calendar_admin_saves_through_the_service(admin_client, national_admin):
    response = admin_client.post(
        url("calendarday_add"), {"day": "2026-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="awards.calendar_day.set").actor == national_admin
    response = admin_client.post(
        url("calendarday_add"), {"day": "2026-09-30", "kind": "workday", "name": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "kind": [
            "2026-09-30 is a weekday, a working day already; a make-up working day is a "
            "Saturday or a Sunday."
        ]
    }
    entry = CalendarDay.objects.get()
    response = admin_client.post(url("calendarday_delete", entry.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action="awards.calendar_day.deleted").exists()


def test_a_decided_round_links_its_documents(admin_client, award_round):
    set_phase(award_round, Phase.DECIDED)
    response = admin_client.get(url("round_change", award_round.pk))
    assert response.context["next_phase"] == "closed"
    assert response.context["reasons"] == [
        "1 of 1 documents is not rendered yet.",
        "The round has no commendation decision: its honours were not granted.",
    ]
    documents = reverse("admin:awards_round_documents", kwargs={"round_pk": award_round.pk})
    assert documents in response.content.decode()

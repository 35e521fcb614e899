"""The reviewer's screens: queue, scoring page (plain form and htmx autosave), conflicts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import dossiers
from assessments.forms.scoring import ScoreSheetForm
from assessments.models import Assignment, Item, Review, Score, ScoreSheet, VetoCondition
from assessments.services import reviews as review_services
from assessments.services.sheets import note_field, points_field, veto_field, veto_reason_field
from tests.assessments.fixtures import submit_sheet
from tests.conftest import login
from tests.queries import BASE

# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def client_en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def assigned(gd_review, gd_subjects):
    """Automatic assignment of the four Guangdong subjects (three reviewers each)."""
    review_services.assignment_auto(actor=None, review=gd_review)
    return gd_subjects


@pytest.fixture
def subject(assigned, gd_reviewer):
    """A subject assigned to gd_reviewer."""
    return Assignment.objects.filter(member__user=gd_reviewer).first().subject


@pytest.fixture
def crowd(world, gd_review, gd_subjects, gd_reviewer):
    """Sixteen subjects (the four units, the people and ports of both provinces), all assigned
    to gd_reviewer except the one at the reviewer's own unit; two of them submitted."""
    subjects = list(gd_subjects)
    for area in (world.sz, world.gz, world.nb):
        targets = [(p, "advanced_individual") for p in area.people] + [(area.port, "port")]
        for target, category in targets:
            subjects.append(
                review_services.subject_attach(
                    actor=None,
                    review=gd_review,
                    target=target,
                    title=f"候选对象 {target.name}",
                    category=category,
                    authority=area.authority,
                )
            )
    member = gd_review.panel.get(user=gd_reviewer)
    for s in subjects[1:]:
        review_services.assignment_add(actor=None, subject=s, member=member)
    submit_sheet(gd_reviewer, subjects[1], Decimal("0.9"))
    submit_sheet(gd_reviewer, subjects[2], Decimal("0.5"))
    return subjects


def score_url(subject):
    return reverse("assessments:score", args=[subject.pk])


def autosave_url(subject):
    return reverse("assessments:score-autosave", args=[subject.pk])


def items_of(subject):
    return list(Item.objects.filter(scheme=subject.review.scheme))


def post_data(subject, revision=0, fraction=Decimal("0.5"), action="save", **extra):
    """A complete sheet as the browser posts it: every standard item at `fraction`."""
    data = {"revision": str(revision), "action": action, "comment": ""}
    for item in items_of(subject):
        value = (item.max_points * fraction).quantize(Decimal("0.01"))
        data[points_field(item.pk)] = str(value) if item.kind == Item.Kind.STANDARD else ""
        data[note_field(item.pk)] = ""
    data.update(extra)
    return data


def item(subject, code):
    return Item.objects.get(scheme=subject.review.scheme, code=code)


def sheet_of(user, subject):
    return ScoreSheet.objects.filter(reviewer=user, subject=subject).first()


def summary(response):
    html = response.content.decode()
    match = re.search(r'data-testid="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


# --- queue ------------------------------------------------------------------------------------


def test_queue_shows_each_assignment_with_status_and_total_in_fixed_queries(
    client, crowd, gd_reviewer, django_assert_num_queries
):
    login(client, gd_reviewer)
    # BASE + province choices + progress counts + page count + page rows
    with django_assert_num_queries(BASE + 4):
        response = client.get(reverse("assessments:queue"))
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert len(rows) == 15
    progress = response.context["progress"]
    assert (progress["total"], progress["submitted"], progress["not_started"]) == (15, 2, 13)
    html = response.content.decode()
    assert score_url(crowd[1]) in html
    assert score_url(crowd[0]) not in html  # the reviewer's own unit is never assigned
    submitted = sheet_of(gd_reviewer, crowd[1])
    assert str(submitted.total) in html


def test_queue_pages_keep_the_filters(client, crowd, gd_reviewer, settings):
    settings.PAGE_SIZE = 5
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:queue"), {"status": "not_started", "page": 2})
    page = response.context["page"]
    assert page.number == 2 and page.paginator.count == 13
    assert "status=not_started" in response.context["querystring"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, 2),
        ({"status": "draft"}, 0),
        ({"status": "not_started"}, 13),
        ({"q": "宁波"}, 4),  # Ningbo's three people and its port
        ({"due": "2026-12-31"}, 15),
        ({"due": "2026-12-30"}, 0),
    ],
)
def test_queue_filters(client, crowd, gd_reviewer, params, expected):
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:queue"), params)
    assert response.context["page"].paginator.count == expected


def test_queue_filters_by_province(client, world, crowd, gd_reviewer):
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:queue"))
    choices = dict(response.context["form"].fields["province"].choices)
    assert set(choices) == {"", world.gd.pk, world.zj.pk}
    response = client.get(reverse("assessments:queue"), {"province": world.zj.pk})
    assert response.context["page"].paginator.count == 4
    # A province that is not among the choices is a form error, not a 500.
    response = client.get(reverse("assessments:queue"), {"province": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_queue_shows_a_draft_as_draft(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    client.post(score_url(subject), post_data(subject, fraction=Decimal("0.3")))
    response = client.get(reverse("assessments:queue"), {"status": "draft"})
    assert [row.subject for row in response.context["page"].object_list] == [subject]


def test_empty_queue_says_there_is_nothing_to_score(client, world, outsider):
    login(client, outsider)
    response = client.get(reverse("assessments:queue"))
    assert response.status_code == 200
    assert b'data-testid="queue-empty"' in response.content


# --- the scoring page -------------------------------------------------------------------------


def test_scoring_page_reads_a_fixed_number_of_queries(
    client, subject, gd_reviewer, django_assert_num_queries
):
    veto = VetoCondition.objects.filter(scheme=subject.review.scheme).first()
    login(client, gd_reviewer)
    client.post(
        score_url(subject),
        post_data(
            subject,
            **{veto_field(veto.pk): "on", veto_reason_field(veto.pk): "事故通报"},
        ),
    )
    assert Score.objects.filter(sheet__subject=subject).count() == 27
    # The dossier registry reads the subject's content type once per process; warm it so the
    # count does not depend on which test ran first.
    ContentType.objects.get_for_id(subject.content_type_id)
    # BASE + subject (access) + items with their indicators and areas + veto conditions
    # + the sheet + its scores + its veto marks (prefetched) + the satisfaction surveys of the
    # unit's port (the scheme has a questionnaire item)
    with django_assert_num_queries(BASE + 7):
        response = client.get(score_url(subject))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="number"') == 29  # 27 standard + 2 bonus items
    assert "事故通报" in html
    assert 'hx-post="' + autosave_url(subject) in html
    assert response.context["running_total"] == Decimal("50.00")


def test_scoring_page_groups_items_by_area_and_shows_their_rules(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    response = client.get(score_url(subject))
    areas = response.context["areas"]
    assert len(areas) == 9
    assert sum(len(i["rows"]) for a in areas for i in a["indicators"]) == 27
    assert [row["item"].code for row in response.context["bonus_rows"]] == ["B1", "B2"]
    first = item(subject, "1.1")
    html = response.content.decode()
    assert f'for="id_{points_field(first.pk)}"' in html
    assert f'max="{first.max_points:f}"' in html and 'step="0.01"' in html and 'min="0"' in html
    assert first.deduction_rule in html
    assert subject.title in html  # the dossier beside the form
    # "Save draft" comes before "Submit": Enter in a number field presses the first button.
    assert html.index('data-testid="save-draft"') < html.index('data-testid="submit-sheet"')


def test_save_draft_redirects_and_keeps_every_entry(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    one = item(subject, "1.1")
    data = post_data(subject, **{note_field(one.pk): "会议纪要齐全", "comment": "整体较好"})
    response = client_en.post(score_url(subject), data)
    assert response.status_code == 302 and response.url == score_url(subject)
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.revision == 1
    assert sheet.comment == "整体较好"
    assert Score.objects.get(sheet=sheet, item=one).note == "会议纪要齐全"
    response = client_en.get(response.url)
    assert b"Draft saved at" in response.content
    assert response.context["form"].initial[points_field(one.pk)] == "2.00"
    assert response.context["form"].initial["revision"] == 1


def test_enter_in_a_field_posts_no_button_and_saves_a_draft(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    data = post_data(subject)
    del data["action"]
    response = client.post(score_url(subject), data)
    assert response.status_code == 302
    assert sheet_of(gd_reviewer, subject).status == ScoreSheet.Status.DRAFT


def test_submit_confirmed_by_script_submits_and_locks(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    response = client.post(
        score_url(subject), post_data(subject, action="submit", confirmed="1", revision=0)
    )
    assert response.status_code == 302 and response.url == reverse("assessments:queue")
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.status == ScoreSheet.Status.SUBMITTED and sheet.total == Decimal("50.00")

    response = client.get(score_url(subject))
    html = response.content.decode()
    assert 'data-testid="read-only"' in html and 'data-testid="submitted-total"' in html
    assert "50.00" in html
    assert "hx-post" not in html and 'data-testid="submit-sheet"' not in html
    one = item(subject, "1.1")
    assert re.search(rf'name="{points_field(one.pk)}"[^>]*disabled', html)

    # A stale page posting again changes nothing.
    response = client.post(score_url(subject), post_data(subject, fraction=Decimal("1")))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.total == Decimal("50.00") and sheet.revision == 1
    response = client.post(autosave_url(subject), post_data(subject, revision=1))
    assert b'data-testid="autosave-errors"' in response.content
    assert Score.objects.get(sheet=sheet, item=one).points == Decimal("2.00")


def test_submit_without_script_asks_on_a_second_step(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    response = client.post(score_url(subject), post_data(subject, action="submit"))
    assert response.status_code == 302 and response.url.endswith("?confirm=1#confirm")
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.status == ScoreSheet.Status.DRAFT  # saved, not submitted yet

    response = client.get(response.url)
    assert b'data-testid="confirm-submit"' in response.content
    assert response.context["missing"] == []
    response = client.post(
        score_url(subject), {"action": "confirm_submit", "revision": str(sheet.revision)}
    )
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUBMITTED and sheet.total == Decimal("50.00")


def test_confirmation_step_refuses_missing_items_by_code(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    one = item(subject, "1.1")
    data = post_data(subject, action="submit", **{points_field(one.pk): ""})
    response = client_en.post(score_url(subject), data)
    response = client_en.get(response.url)
    assert response.context["missing"] == ["1.1"]
    assert "1.1" in response.content.decode().split('data-testid="confirm-submit"')[1][:800]
    response = client_en.post(score_url(subject), {"action": "confirm_submit", "revision": "1"})
    assert response.status_code == 200
    assert "Item 1.1 has no points yet." in summary(response)
    assert sheet_of(gd_reviewer, subject).status == ScoreSheet.Status.DRAFT


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("1.1", "4.5", "Item 1.1: at most 4.00 points."),
        ("2.1", "-1", "Item 2.1: points cannot be negative."),
        ("3.1", "abc", "Item 3.1: enter a number"),
        ("1.2", "1.005", "Item 1.2: use at most two decimal places."),
    ],
)
def test_bad_points_are_refused_naming_the_item_and_nothing_is_saved(
    client_en, subject, gd_reviewer, code, value, message
):
    login(client_en, gd_reviewer)
    bad = item(subject, code)
    note = item(subject, "9.1")
    data = post_data(subject, **{points_field(bad.pk): value, note_field(note.pk): "已核"})
    response = client_en.post(score_url(subject), data)
    assert response.status_code == 200
    assert message in summary(response)
    form = response.context["form"]
    assert message in " ".join(form.errors[points_field(bad.pk)])
    html = response.content.decode()
    # What was typed is shown again, the wrong entry too.
    assert f'value="{value}"' in html and 'value="已核"' in html
    assert f'id="id_{points_field(bad.pk)}-errors"' in html
    assert re.search(rf'name="{points_field(bad.pk)}"[^>]*autofocus', html)
    assert sheet_of(gd_reviewer, subject) is None


def test_veto_without_reason_is_refused_naming_the_condition(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    veto = VetoCondition.objects.get(scheme=subject.review.scheme, code="V2")
    data = post_data(subject, **{veto_field(veto.pk): "on", veto_reason_field(veto.pk): "  "})
    response = client_en.post(score_url(subject), data)
    assert response.status_code == 200
    assert "Veto condition V2: give the reason." in summary(response)
    assert response.context["form"].errors[veto_reason_field(veto.pk)]
    assert sheet_of(gd_reviewer, subject) is None

    data[veto_reason_field(veto.pk)] = "2025年发生重大违纪案件"
    client_en.post(score_url(subject), data)
    assert sheet_of(gd_reviewer, subject).vetoes.get().reason == "2025年发生重大违纪案件"


def test_submit_with_items_missing_names_each_and_keeps_the_draft_unsaved(
    client_en, subject, gd_reviewer
):
    login(client_en, gd_reviewer)
    a, b = item(subject, "4.2"), item(subject, "7.3")
    data = post_data(
        subject, action="submit", confirmed="1", **{points_field(a.pk): "", points_field(b.pk): ""}
    )
    response = client_en.post(score_url(subject), data)
    assert response.status_code == 200
    text = summary(response)
    assert "Item 4.2 has no points yet." in text and "Item 7.3 has no points yet." in text
    assert sheet_of(gd_reviewer, subject) is None


def test_a_second_tab_with_an_older_revision_is_told_to_reload(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    client_en.post(score_url(subject), post_data(subject, revision=0, fraction=Decimal("0.6")))
    response = client_en.post(score_url(subject), post_data(subject, revision=0))
    assert response.status_code == 200
    assert "saved elsewhere" in summary(response) and "Reload" in summary(response)
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.revision == 1
    assert Score.objects.get(sheet=sheet, item=item(subject, "1.1")).points == Decimal("2.40")


# --- autosave ---------------------------------------------------------------------------------


def test_autosave_saves_the_draft_and_returns_time_total_and_revision(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    one = item(subject, "1.1")
    data = {"revision": "0", points_field(one.pk): "4", note_field(one.pk): "好"}
    response = client.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="autosaved"' in html
    assert re.search(r"\d\d:\d\d:\d\d", html)
    assert re.search(
        r'<input type="hidden" name="revision" value="1" id="id_revision" hx-swap-oob', html
    )
    assert 'id="running-total"' in html and "hx-swap-oob" in html
    expected = (Decimal("4") * one.coefficient).quantize(Decimal("0.01"))
    assert f">{expected}</output>" in html
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.revision == 1 and sheet.status == ScoreSheet.Status.DRAFT
    assert Score.objects.get(sheet=sheet).note == "好"

    data["revision"] = "1"
    data[points_field(one.pk)] = "3"
    response = client.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    assert 'value="2"' in response.content.decode()
    assert Score.objects.get(sheet=sheet).points == Decimal("3")


def test_autosave_returns_errors_and_saves_nothing(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    one = item(subject, "1.1")
    data = {"revision": "0", points_field(one.pk): "9"}
    response = client_en.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="autosave-errors"' in html and "Item 1.1: at most 4.00 points." in html
    assert f'href="#id_{points_field(one.pk)}"' in html
    assert "hx-swap-oob" not in html  # the revision stays as it was
    assert sheet_of(gd_reviewer, subject) is None


def test_autosave_from_a_stale_tab_says_to_reload(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    client_en.post(score_url(subject), post_data(subject))
    data = {"revision": "0", points_field(item(subject, "1.1").pk): "1"}
    response = client_en.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "saved elsewhere" in html
    assert f'href="{score_url(subject)}"' in html  # the reload button
    assert Score.objects.get(sheet__subject=subject, item__code="1.1").points == Decimal("2.00")


def test_autosave_of_a_stored_draft_reads_a_fixed_number_of_queries(
    client, subject, gd_reviewer, django_assert_num_queries
):
    # Every reviewer's open sheet autosaves every few seconds on a deadline day: each query
    # here is paid thousands of times a minute.
    login(client, gd_reviewer)
    client.post(score_url(subject), post_data(subject))
    data = post_data(subject)
    data["revision"] = str(sheet_of(gd_reviewer, subject).revision)
    data[points_field(item(subject, "1.1").pk)] = "3"
    # session + user + subject (access) + items + veto conditions, then in the service's
    # transaction: begin + assignment + the sheet, locked + the review with its scheme + items
    # + veto conditions + the stored scores + delete the dropped scores + upsert the scores
    # + delete the dropped veto marks + update the sheet + the audit entry + commit
    with django_assert_num_queries(18):
        response = client.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    assert 'data-testid="autosaved"' in response.content.decode()
    assert Score.objects.get(sheet__subject=subject, item__code="1.1").points == Decimal("3")


def test_autosave_locks_only_its_own_sheet_row(client, subject, gd_reviewer):
    # Locking a read that joins the subject and the review (as the sheet's default ordering
    # does) locks the one review row too, and every reviewer's autosave then waits for the
    # others' (PostgreSQL's FOR UPDATE locks a row of every table in the query).
    login(client, gd_reviewer)
    client.post(score_url(subject), post_data(subject))
    data = post_data(subject, revision=sheet_of(gd_reviewer, subject).revision)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(autosave_url(subject), data, headers={"HX-Request": "true"})
    assert 'data-testid="autosaved"' in response.content.decode()
    sheet_reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "assessments_scoresheet"' in q["sql"]
    ]
    assert sheet_reads
    for sql in sheet_reads:
        assert "JOIN" not in sql, sql
    if connection.features.has_select_for_update:
        assert any(sql.endswith("FOR UPDATE") for sql in sheet_reads)


def test_autosave_answers_get_with_405(client, subject, gd_reviewer):
    login(client, gd_reviewer)
    assert client.get(autosave_url(subject)).status_code == 405


# --- a review that is not open ----------------------------------------------------------------


def test_closed_review_shows_the_sheet_read_only_and_refuses_saves(
    client_en, subject, gd_reviewer, gd_review
):
    login(client_en, gd_reviewer)
    client_en.post(score_url(subject), post_data(subject))
    review_services.review_set_phase(actor=None, review=gd_review, phase=Review.Phase.CLOSED)

    response = client_en.get(score_url(subject))
    html = response.content.decode()
    assert b"closed" in response.content
    assert 'data-testid="read-only"' in html and "hx-post" not in html
    assert 'data-testid="save-draft"' not in html

    response = client_en.post(
        score_url(subject), post_data(subject, revision=1, fraction=Decimal("1"))
    )
    assert response.status_code == 302
    assert b"closed" in client_en.get(response.url).content
    response = client_en.post(autosave_url(subject), post_data(subject, revision=1))
    assert "closed" in response.content.decode()
    sheet = sheet_of(gd_reviewer, subject)
    assert sheet.revision == 1 and sheet.status == ScoreSheet.Status.DRAFT
    assert Score.objects.get(sheet=sheet, item__code="1.1").points == Decimal("2.00")


def test_a_review_closing_while_the_page_is_open_keeps_what_was_typed(
    client_en, subject, gd_reviewer, gd_review
):
    login(client_en, gd_reviewer)
    assert client_en.get(score_url(subject)).status_code == 200
    review_services.review_set_phase(actor=None, review=gd_review, phase=Review.Phase.CLOSED)
    response = client_en.post(score_url(subject), post_data(subject))
    assert response.status_code == 302  # the page knows the review is closed now
    assert sheet_of(gd_reviewer, subject) is None


# --- who may score ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona_name", ["outsider", "zj_officer", "gd_officer", "national_admin"])
def test_anyone_not_assigned_gets_404(client, subject, persona, persona_name):
    login(client, persona(persona_name))
    assert client.get(score_url(subject)).status_code == 404
    assert client.post(score_url(subject), post_data(subject)).status_code == 404
    assert client.post(autosave_url(subject), post_data(subject)).status_code == 404
    conflict = reverse("assessments:conflict-declare", args=[subject.pk])
    assert client.get(conflict).status_code == 404
    assert not ScoreSheet.objects.exists()


def test_a_panel_member_not_assigned_to_the_subject_gets_404(client, assigned, gd_review):
    member = gd_review.panel.exclude(
        pk__in=Assignment.objects.filter(subject=assigned[1]).values("member")
    ).first()
    login(client, member.user)
    assert client.get(score_url(assigned[1])).status_code == 404


def test_the_reviewer_of_the_subjects_own_unit_gets_404(client, assigned, gd_reviewer):
    login(client, gd_reviewer)
    assert client.get(score_url(assigned[0])).status_code == 404


def test_an_unknown_subject_gets_404(client, assigned, gd_reviewer):
    login(client, gd_reviewer)
    assert client.get(reverse("assessments:score", args=[999999])).status_code == 404


# --- conflicts --------------------------------------------------------------------------------


def test_declaring_a_conflict_needs_a_reason(client_en, subject, gd_reviewer):
    login(client_en, gd_reviewer)
    url = reverse("assessments:conflict-declare", args=[subject.pk])
    assert client_en.get(url).status_code == 200
    response = client_en.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert Assignment.objects.filter(subject=subject, member__user=gd_reviewer).exists()


def test_declaring_a_conflict_withdraws_the_assignment_and_the_page_is_404(
    client, subject, gd_reviewer
):
    login(client, gd_reviewer)
    client.post(score_url(subject), post_data(subject))  # a draft, which goes with it
    url = reverse("assessments:conflict-declare", args=[subject.pk])
    response = client.post(url, {"reason": "曾在该单位挂职"})
    assert response.status_code == 302 and response.url == reverse("assessments:queue")
    assert subject.conflicts.get().reason == "曾在该单位挂职"
    assert sheet_of(gd_reviewer, subject) is None
    assert client.get(score_url(subject)).status_code == 404
    assert client.get(url).status_code == 404
    queue = client.get(reverse("assessments:queue"))
    assert subject not in [row.subject for row in queue.context["page"].object_list]


def test_a_conflict_after_submitting_is_refused_with_the_reason(client_en, subject, gd_reviewer):
    submit_sheet(gd_reviewer, subject)
    login(client_en, gd_reviewer)
    url = reverse("assessments:conflict-declare", args=[subject.pk])
    response = client_en.post(url, {"reason": "曾在该单位挂职"})
    assert response.status_code == 200
    assert "reopen it first" in response.content.decode()
    assert not subject.conflicts.exists()


def test_a_new_reviewer_sees_the_due_date_and_overdue(client, subject, gd_reviewer, gd_review):
    Review.objects.filter(pk=gd_review.pk).update(due_on=datetime.date(2020, 1, 1))
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:queue"))
    assert b"2020-01-01" in response.content
    assert response.context["today"] > datetime.date(2020, 1, 1)


def test_a_review_still_preparing_shows_the_sheet_read_only(
    client, subject, gd_reviewer, gd_review
):
    review_services.review_set_phase(actor=None, review=gd_review, phase=Review.Phase.PREPARING)
    login(client, gd_reviewer)
    html = client.get(score_url(subject)).content.decode()
    assert 'data-testid="read-only"' in html and "hx-post" not in html
    assert "scoring.js" not in html


# --- the dossier and the bonus cap --------------------------------------------------------------


def test_the_dossier_provider_shows_its_page_and_notes_under_each_item(
    client, subject, gd_reviewer, monkeypatch
):
    one = item(subject, "1.1")

    def provider(s):
        return dossiers.Dossier(
            "assessments/dossiers/_summary.html",
            {"subject": s},
            by_item={one.pk: "自评 3 分：已建立联席会议制度"},
        )

    monkeypatch.setitem(dossiers._providers, "campaigns.unit", provider)
    login(client, gd_reviewer)
    html = client.get(score_url(subject)).content.decode()
    block = html.split(f'id="item-{one.pk}"')[1].split('class="border-top')[0]
    assert "自评 3 分：已建立联席会议制度" in block
    assert html.count('data-testid="item-dossier"') == 1


def test_a_bonus_error_is_shown_with_the_bonus_items_and_in_the_summary(subject):
    items = items_of(subject)
    form = ScoreSheetForm({"revision": "0"}, items=items, conditions=[])
    assert form.is_valid()
    form.apply_service_errors(
        ValidationError({"bonus": "B1、B2 合计 6 分，上限 5 分", "points_0": "x"})
    )
    assert form.bonus_errors == ["B1、B2 合计 6 分，上限 5 分"]
    assert (None, "B1、B2 合计 6 分，上限 5 分") in form.error_summary()


def test_queue_filters_by_category_and_shows_its_registered_label(client, crowd, gd_reviewer):
    from assessments.dossiers import register_categories

    register_categories([("advanced_individual", "全国共建文明口岸先进个人")])
    login(client, gd_reviewer)
    response = client.get(reverse("assessments:queue"))
    choices = dict(response.context["form"].fields["category"].choices)
    assert choices["advanced_individual"] == "全国共建文明口岸先进个人"
    assert set(choices) == {"", "advanced_unit", "advanced_individual", "port"}
    response = client.get(reverse("assessments:queue"), {"category": "advanced_individual"})
    rows = response.context["page"].object_list
    assert len(rows) == 9  # three people in each of the three port authorities
    assert {row.category_label for row in rows} == {"全国共建文明口岸先进个人"}
    assert "全国共建文明口岸先进个人" in response.content.decode()


def test_a_questionnaire_item_shows_the_ports_survey_satisfaction(
    client, world, subject, gd_reviewer, port_officer
):
    from django.utils import timezone

    from campaigns.models import Agency
    from campaigns.services import public as survey_services

    today = timezone.localdate()
    survey = survey_services.survey_create(
        actor=port_officer,
        port=subject.unit.port,
        title="口岸服务满意度调查",
        period_start=today - datetime.timedelta(days=5),
        period_end=today + datetime.timedelta(days=5),
        mode="open_link",
        groups=["企业"],
        dimensions=["服务态度"],
        agencies=list(Agency.objects.filter(code="CUSTOMS")),
    )
    survey_services.survey_open(actor=port_officer, survey=survey)
    group, dimension = survey.groups.get(), survey.dimensions.get()
    customs = survey.agencies.get()
    for score in (4, 5):  # a mean of 4.5 out of 5: 90.0%
        survey_services.survey_answer_submit(
            survey=survey, group=group, scores={(customs.pk, dimension.pk): score}
        )
    subject.review.due_on = today
    subject.review.save(update_fields=["due_on"])
    login(client, gd_reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(score_url(subject)).content.decode()
    # Item 3.2 (满意度调查, 5 points) is the template's questionnaire item.
    assert f"Satisfaction surveys of the port in {today.year}: 90.0%" in html
    assert "which is 4.50 of 5.00 points" in html

"""The cycle's screens: who sees what (404 across provinces and units), the self-assessment
form with evidence, the office's transitions, the result, and a fixed number of queries on
every list and detail page.

Every request pays three queries before the view runs: the session, the user and the user's
scope (one UNION over the guardian grants, cached for the rest of the request).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Cycle, Evidence, SelfAssessment
from assessments.services import cycles
from assessments.services import reviews as review_services
from campaigns import services as campaign_services
from campaigns.models import Unit
from tests.assessments.fixtures import make_user
from tests.conftest import login
from tests.queries import BASE, EXTRA

from .test_cycles_services import (
    PDF,
    PNG,
    item,
    open_gd_cycle,
    pdf,
    sheet_input,
    subjects_of,
    submit,
)

D = Decimal


@pytest.fixture
def cycle(world, template, gd_officer):
    return open_gd_cycle(world, template, actor=gd_officer)


@pytest.fixture
def sz1(world, cycle):
    """The subject of Shenzhen's first unit (the unit contact's)."""
    return subjects_of(cycle)[world.sz.units[0].pk]


@pytest.fixture
def sz2(world, cycle):
    return subjects_of(cycle)[world.sz.units[1].pk]


@pytest.fixture
def claimed(template, sz1, unit_contact):
    """The unit contact's claims on every item, with one evidence file each."""
    items = list(template.items.all())
    cycles.self_assessment_save(
        actor=unit_contact,
        subject=sz1,
        entries={i.pk: (D("1"), f"说明{i.code}", "https://example.gov.cn/") for i in items},
    )
    for claim in SelfAssessment.objects.filter(subject=sz1):
        cycles.evidence_add(
            actor=unit_contact, self_assessment=claim, upload=pdf(f"证明{claim.item_id}.pdf")
        )
    return sz1


@pytest.fixture
def evidence(claimed):
    return Evidence.objects.filter(self_assessment__subject=claimed).first()


def url(name, *args):
    return reverse(f"assessments:{name}", args=args)


@pytest.fixture(autouse=True)
def _english(client, settings):
    """Messages are asserted in English; the portal's default language is Chinese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def get(client, user, path):
    login(client, user)
    return client.get(path)


# -- query counts ------------------------------------------------------------------------------


def test_cycle_list_queries(world, template, gd_officer, client, django_assert_num_queries):
    for year in range(2026 - EXTRA, 2027):
        open_gd_cycle(world, template, year=year)
    login(client, gd_officer)
    # BASE + the page's count + the cycles with their counts (subqueries)
    with django_assert_num_queries(BASE + 2):
        response = client.get(url("cycle-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == EXTRA + 1
    first = response.context["page"].object_list[0]
    assert (first.year, first.n_subjects, first.n_self_assessed) == (2026, 4, 0)


def test_cycle_list_shows_only_what_the_user_sees(world, template, cycle, client, zj_officer):
    zj = cycles.cycle_open(
        actor=None,
        name="浙江2026",
        year=2026,
        authority=world.zj,
        scheme=template,
        units=world.nb.units,
    )
    response = get(client, zj_officer, url("cycle-list"))
    assert [c.pk for c in response.context["page"].object_list] == [zj.pk]


def test_cycle_list_for_a_unit_contact_counts_only_their_subject(
    cycle, client, unit_contact, claimed
):
    response = get(client, unit_contact, url("cycle-list"))
    (row,) = response.context["page"].object_list
    assert (row.pk, row.n_subjects, row.n_self_assessed) == (cycle.pk, 1, 1)


@pytest.fixture
def crowded_cycle(world, template, gd_officer, unit_contact):
    """A Guangdong cycle with twelve more Shenzhen units, each with claims and a file."""
    for i in range(EXTRA):
        campaign_services.unit_create(
            actor=None,
            code=f"GD-SZ-CU{i}",
            name=f"深圳考核单位{i}",
            category=Unit.Category.OPERATION,
            port=world.sz.port,
            authority=world.sz.authority,
        )
    units = Unit.objects.filter(authority__path__startswith=world.gd.path)
    cycle = open_gd_cycle(world, template, actor=gd_officer, units=units)
    first, second = template.items.all()[:2]
    for subject in cycle.review.subjects.all():
        cycles.self_assessment_save(
            actor=None,
            subject=subject,
            entries={first.pk: (D("2"), "", ""), second.pk: (D("1"), "", "")},
        )
        claim = SelfAssessment.objects.get(subject=subject, item=first)
        cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf())
    return cycle


def test_cycle_detail_queries_for_the_office(
    crowded_cycle, gd_officer, client, django_assert_num_queries
):
    login(client, gd_officer)
    # BASE + the cycle (with its item count and visibility) + the page's count + the subjects
    # with their progress (subqueries)
    with django_assert_num_queries(BASE + 3):
        response = client.get(url("cycle-detail", crowded_cycle.pk))
    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert len(rows) == EXTRA + 4
    assert {(r.n_claimed, r.n_evidence) for r in rows} == {(2, 1)}
    assert response.context["can_run"] is True
    assert b'data-testid="start-scoring"' in response.content


def test_cycle_detail_queries_for_a_unit_contact_show_their_subject_only(
    crowded_cycle, world, unit_contact, client, django_assert_num_queries
):
    login(client, unit_contact)
    with django_assert_num_queries(BASE + 3):  # as for the office
        response = client.get(url("cycle-detail", crowded_cycle.pk))
    (row,) = response.context["page"].object_list
    assert row.unit_id == world.sz.units[0].pk
    assert row.may_edit is True
    assert response.context["can_run"] is False
    assert b'data-testid="start-scoring"' not in response.content


def test_self_assessment_page_queries(claimed, unit_contact, client, django_assert_num_queries):
    login(client, unit_contact)
    # BASE + the subject (with review, scheme, cycle, unit) + the items + the claims + their
    # evidence
    with django_assert_num_queries(BASE + 4):
        response = client.get(url("self-assessment", claimed.pk))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 29
    assert response.context["n_claimed"] == 29
    assert response.content.count(b"/assessments/cycles/evidence/") == 29 * 2  # get + remove
    assert b'data-testid="save"' in response.content


def test_result_page_queries(
    claimed, cycle, gd_officer, unit_contact, client, django_assert_num_queries
):
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    reviewer = make_user("cycle_view_r")
    member = review_services.panel_member_add(actor=None, review=cycle.review, user=reviewer)
    review_services.assignment_add(actor=None, subject=claimed, member=member)
    submit(reviewer, claimed, sheet_input(cycle.review.scheme, {"safety": D("0.5")}, D("1")))
    cycles.cycle_publish(actor=gd_officer, cycle=cycle)
    login(client, unit_contact)
    with django_assert_num_queries(BASE + 2):  # BASE + the subject + the scheme's nine areas
        response = client.get(url("cycle-result", claimed.pk))
    assert response.status_code == 200
    assert response.context["subject"].result_score == D("93.00")  # 100 − 14 × 0.5
    rows = {r["area"].code: r for r in response.context["rows"]}
    assert len(rows) == 9
    assert rows["safety"]["percent"] == D("50.00") and rows["safety"]["weight"] == D("14.0")
    assert rows["culture"]["percent"] == D("100.00")
    content = response.content.decode()
    assert "width: 50.00%" in content
    assert 'data-testid="result-passed">meets the standard' in content


# -- who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zj_officer", "nb_officer", "outsider"])
def test_other_provinces_get_404_everywhere(name, persona, cycle, claimed, evidence, client):
    user = persona(name)
    login(client, user)
    for path in (
        url("cycle-detail", cycle.pk),
        url("self-assessment", claimed.pk),
        url("evidence-download", evidence.pk),
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(url("self-assessment", claimed.pk)).status_code == 404
    assert client.post(url("evidence-remove", evidence.pk)).status_code == 404
    assert client.post(url("cycle-start-scoring", cycle.pk)).status_code == 404
    assert client.post(url("cycle-publish", cycle.pk)).status_code == 404


def test_a_unit_contact_gets_404_on_another_units_subject(sz2, unit_contact, client):
    login(client, unit_contact)
    assert client.get(url("self-assessment", sz2.pk)).status_code == 404
    assert client.post(url("self-assessment", sz2.pk)).status_code == 404


def test_the_result_is_404_until_published(claimed, unit_contact, gd_officer, client):
    assert get(client, unit_contact, url("cycle-result", claimed.pk)).status_code == 404
    assert get(client, gd_officer, url("cycle-result", claimed.pk)).status_code == 404


def test_the_office_reads_but_does_not_fill_in_a_self_assessment(claimed, gd_officer, client):
    response = get(client, gd_officer, url("self-assessment", claimed.pk))
    assert response.status_code == 200
    assert b'data-testid="save"' not in response.content
    assert client.post(url("self-assessment", claimed.pk)).status_code == 403


def test_evidence_download_for_those_who_see_it(
    evidence, unit_contact, gd_officer, port_officer, client
):
    for user in (unit_contact, gd_officer, port_officer):
        response = get(client, user, url("evidence-download", evidence.pk))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
        assert b"".join(response.streaming_content) == PDF  # read to the end, which closes it


def test_evidence_download_for_an_assigned_reviewer_only(
    evidence, claimed, cycle, gd_officer, client, django_assert_num_queries
):
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    assigned, other = make_user("cycle_assigned"), make_user("cycle_other")
    member = review_services.panel_member_add(actor=None, review=cycle.review, user=assigned)
    review_services.panel_member_add(actor=None, review=cycle.review, user=other)
    review_services.assignment_add(actor=None, subject=claimed, member=member)
    login(client, assigned)
    # BASE + the evidence with its subject + the reviewer's assignment check
    with django_assert_num_queries(BASE + 2):
        response = client.get(url("evidence-download", evidence.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert get(client, other, url("evidence-download", evidence.pk)).status_code == 404


def test_evidence_download_of_a_missing_id_is_404(gd_officer, client):
    assert get(client, gd_officer, url("evidence-download", 999999)).status_code == 404


# -- self-assessing ----------------------------------------------------------------------------


def form_data(template, points, **extra):
    data = {}
    for code, value in points.items():
        it = item(template, code)
        data[f"points_{it.pk}"] = value
        data[f"explanation_{it.pk}"] = f"说明{code}"
        data[f"link_{it.pk}"] = ""
    data.update(extra)
    return data


def test_unit_contact_saves_claims_with_evidence(template, sz1, unit_contact, client):
    login(client, unit_contact)
    a = item(template, "1.1")
    data = form_data(
        template,
        {"1.1": "3.5", "1.2": "2"},
        **{
            f"evidence_{a.pk}": [
                SimpleUploadedFile("纪要.pdf", PNG, content_type="application/pdf"),
                SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf"),
            ]
        },
    )
    response = client.post(url("self-assessment", sz1.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url("self-assessment", sz1.pk)
    claims = {
        c.item.code: c for c in SelfAssessment.objects.filter(subject=sz1).select_related("item")
    }
    assert claims["1.1"].points == D("3.5") and claims["1.1"].explanation == "说明1.1"
    assert claims["1.2"].points == D("2")
    files = {e.original_name: e.content_type for e in Evidence.objects.all()}
    assert files == {"纪要.pdf": "image/png", "通知.pdf": "application/pdf"}
    page = client.get(url("self-assessment", sz1.pk))
    assert "纪要.pdf" in page.content.decode()


def test_bad_points_are_refused_naming_the_item_and_nothing_is_saved(
    template, sz1, unit_contact, client
):
    login(client, unit_contact)
    response = client.post(
        url("self-assessment", sz1.pk), form_data(template, {"1.1": "3", "1.2": "9", "1.3": "abc"})
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Item 1.2: at most 3.00 points." in content
    assert "Item 1.3: enter the points as a number, e.g. 3.5." in content
    assert not SelfAssessment.objects.exists()


def test_a_disguised_file_is_refused_and_nothing_is_saved(template, sz1, unit_contact, client):
    login(client, unit_contact)
    a = item(template, "1.1")
    html = SimpleUploadedFile("自评.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(
        url("self-assessment", sz1.pk),
        form_data(template, {"1.1": "3"}, **{f"evidence_{a.pk}": html}),
    )
    assert response.status_code == 200
    assert "“自评.pdf” is not an accepted file type" in response.content.decode()
    assert not SelfAssessment.objects.exists() and not Evidence.objects.exists()


def test_the_port_officer_self_assesses_units_of_their_area(template, sz2, port_officer, client):
    login(client, port_officer)
    response = client.post(url("self-assessment", sz2.pk), form_data(template, {"2.1": "4"}))
    assert response.status_code == 302
    assert SelfAssessment.objects.get(subject=sz2).points == D("4")


def test_evidence_remove_by_the_unit_contact(evidence, claimed, unit_contact, gd_officer, client):
    assert get(client, gd_officer, url("self-assessment", claimed.pk)).status_code == 200
    assert client.post(url("evidence-remove", evidence.pk)).status_code == 403
    login(client, unit_contact)
    response = client.post(url("evidence-remove", evidence.pk))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_after_scoring_starts_the_page_is_read_only(
    claimed, cycle, gd_officer, unit_contact, client
):
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    response = get(client, unit_contact, url("self-assessment", claimed.pk))
    assert response.status_code == 200
    assert b'data-testid="save"' not in response.content
    assert client.post(url("self-assessment", claimed.pk)).status_code == 403


# -- the office --------------------------------------------------------------------------------


def test_office_opens_a_cycle_for_the_province(world, template, gd_officer, client):
    sub_unit = campaign_services.unit_create(
        actor=None,
        code="GD-SZ-U1-A",
        name="深圳参与单位1执勤队",
        category=Unit.Category.INSPECTION,
        authority=world.sz.authority,
        parent=world.sz.units[0],
    )
    login(client, gd_officer)
    assert client.get(url("cycle-open")).status_code == 200
    response = client.post(
        url("cycle-open"),
        {
            "name": "2026年度广东省考核",
            "year": "2026",
            "authority": world.gd.pk,
            "scheme": template.pk,
            "port_authority": "",
            "reviewers_per_subject": "3",
            "self_assessment_due_on": "2026-06-30",
            "due_on": "2026-09-30",
        },
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response["Location"] == url("cycle-detail", cycle.pk)
    units = set(cycle.review.subjects.values_list("unit_id", flat=True))
    assert units == {u.pk for u in (*world.sz.units, *world.gz.units)}
    assert sub_unit.pk not in units
    assert cycle.self_assessment_due_on == datetime.date(2026, 6, 30)


def test_office_opens_a_cycle_for_one_port_authority(world, template, gd_officer, client):
    login(client, gd_officer)
    response = client.post(
        url("cycle-open"),
        {
            "name": "2026年度深圳考核",
            "year": "2026",
            "authority": world.gd.pk,
            "scheme": template.pk,
            "port_authority": world.sz.authority.pk,
            "reviewers_per_subject": "3",
        },
    )
    assert response.status_code == 302
    units = set(Cycle.objects.get().review.subjects.values_list("unit_id", flat=True))
    assert units == {u.pk for u in world.sz.units}


def test_the_open_form_refuses_a_second_cycle_for_the_year(
    world, template, cycle, gd_officer, client
):
    login(client, gd_officer)
    response = client.post(
        url("cycle-open"),
        {
            "name": "again",
            "year": "2026",
            "authority": world.gd.pk,
            "scheme": template.pk,
            "reviewers_per_subject": "3",
        },
    )
    assert response.status_code == 200
    assert "has an assessment cycle for 2026 already" in response.content.decode()
    assert Cycle.objects.count() == 1


def test_only_an_office_opens_cycles(unit_contact, outsider, client):
    assert get(client, unit_contact, url("cycle-open")).status_code == 403
    assert get(client, outsider, url("cycle-open")).status_code == 403


def test_office_runs_the_cycle_through_to_publication(
    world, template, cycle, claimed, gd_officer, port_officer, unit_contact, client
):
    assert get(client, port_officer, url("cycle-detail", cycle.pk)).status_code == 200
    assert client.post(url("cycle-start-scoring", cycle.pk)).status_code == 403
    login(client, gd_officer)
    response = client.post(url("cycle-start-scoring", cycle.pk))
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.SCORING
    again = client.post(url("cycle-start-scoring", cycle.pk), follow=True)
    assert f"The self-assessment of “{cycle.name}” is closed." in again.content.decode()
    reviewer = make_user("cycle_flow_r")
    member = review_services.panel_member_add(actor=None, review=cycle.review, user=reviewer)
    review_services.assignment_add(actor=None, subject=claimed, member=member)
    submit(reviewer, claimed, sheet_input(template, {}, D("0.5")))
    assert client.post(url("cycle-publish", cycle.pk)).status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED
    response = get(client, unit_contact, url("cycle-result", claimed.pk))
    assert response.status_code == 200
    assert response.context["subject"].result_passed is False
    assert get(client, port_officer, url("cycle-result", claimed.pk)).status_code == 200
    detail = get(client, gd_officer, url("cycle-detail", cycle.pk))
    assert url("cycle-result", claimed.pk) in detail.content.decode()

"""The national office resolves objections in the admin: the public's filing is read-only, the
uphold and dismiss actions ask for the resolution on an intermediate page and go through
`objection_resolve`, refusals are reported as errors, and the changelist runs a fixed number of
queries."""

import pytest
from django.urls import reverse

from awards.models import Nomination, Objection
from civport.models import AuditEntry
from tests.awards.test_notice_services import (  # noqa: F401 (fixtures)
    candidates_fixture,
    file,
    notice_round_fixture,
)
from tests.conftest import login

CHANGELIST = reverse("admin:awards_objection_changelist")


@pytest.fixture
def office(client, national_admin, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return login(client, national_admin)


@pytest.fixture
def objections(candidates):
    """Twelve open objections, one to each of the first twelve candidates."""
    return [file(candidate, name=f"异议人{i}") for i, candidate in enumerate(candidates[:12])]


def _act(client, action, objections, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [o.pk for o in objections], **extra},
        follow=True,
    )


def test_changelist_runs_a_fixed_number_of_queries(office, objections, django_assert_num_queries):
    # session + user = 2; the national office's grants (scope) = 1
    # + the user's model permissions, direct and through groups, for the other apps' admins in
    #   the side bar (read once, then cached on the user) = 2
    # + the count of the filtered rows and the count of all rows = 2
    # + the page of objections with nomination and province joined = 1
    # + the rounds of the "round" filter = 1
    with django_assert_num_queries(9):
        response = office.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 12


def test_changelist_filters_and_search(office, objections, notice_round):
    assert office.get(CHANGELIST, {"status__exact": "open"}).context["cl"].result_count == 12
    assert (
        office.get(CHANGELIST, {"nomination__round__id__exact": notice_round.pk})
        .context["cl"]
        .result_count
        == 12
    )
    by_title = office.get(CHANGELIST, {"nomination__title__exact": "civilized_port"})
    assert by_title.context["cl"].result_count == 3
    assert office.get(CHANGELIST, {"q": "异议人11"}).context["cl"].result_count == 1


def test_the_change_page_shows_the_filing_read_only(office, objections):
    objection = objections[0]
    response = office.get(reverse("admin:awards_objection_change", args=[objection.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert objection.text in text and objection.phone in text
    assert 'name="text"' not in text and 'name="phone"' not in text
    assert office.get(reverse("admin:awards_objection_add")).status_code == 403


def test_uphold_asks_for_the_resolution_then_withdraws(office, objections, candidates):
    chosen = objections[:2]
    page = _act(office, "uphold", chosen)
    assert page.status_code == 200
    assert page.templates[0].name == "awards/notice/admin_resolve.html"
    assert Objection.objects.filter(status=Objection.Status.OPEN).count() == 12
    done = _act(office, "uphold", chosen, apply="1", resolution="经核实，反映情况属实。")
    text = done.content.decode()
    assert "2 objections upheld; their nominations are withdrawn." in text
    for objection in chosen:
        objection.refresh_from_db()
        assert objection.status == Objection.Status.UPHELD
        nomination = objection.nomination
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.WITHDRAWN
        assert "经核实，反映情况属实。" in nomination.withdrawn_reason
    assert AuditEntry.objects.filter(action="awards.objection.resolved").count() == 2
    assert Nomination.objects.filter(status=Nomination.Status.CANDIDATE).count() == (
        len(candidates) - 2
    )


def test_dismiss_changes_only_the_objection(office, objections):
    done = _act(office, "dismiss", objections[:1], apply="1", resolution="反映情况不实。")
    assert "1 objection dismissed." in done.content.decode()
    objections[0].refresh_from_db()
    assert objections[0].status == Objection.Status.DISMISSED
    assert objections[0].nomination.status == Nomination.Status.CANDIDATE


def test_an_empty_resolution_asks_again(office, objections):
    page = _act(office, "uphold", objections[:1], apply="1", resolution="   ")
    assert page.status_code == 200
    assert page.context["form"].errors == {"resolution": ["This field is required."]}
    assert not Objection.objects.exclude(status=Objection.Status.OPEN).exists()


def test_a_resolved_objection_is_refused_with_an_error(office, objections):
    _act(office, "dismiss", objections[:1], apply="1", resolution="不实")
    again = _act(office, "uphold", objections[:2], apply="1", resolution="属实")
    errors = [str(m) for m in again.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    assert "This objection was already dismissed on" in errors[0]
    assert "1 objection upheld; its nomination is withdrawn." in again.content.decode()
    objections[0].refresh_from_db()
    assert objections[0].status == Objection.Status.DISMISSED
    assert objections[0].nomination.status == Nomination.Status.CANDIDATE


def test_other_staff_do_not_see_objections(client, objections, gd_officer):
    gd_officer.is_staff = True
    gd_officer.save(update_fields=["is_staff"])
    login(client, gd_officer)
    assert client.get(CHANGELIST).status_code == 403

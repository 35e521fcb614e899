"""The role × hierarchy matrix of the awards access helpers, on Shenzhen nominations (DESIGN §6).

A refusal is re-checked after granting what was missing, so it is known to have failed for the
stated reason. Missing and not-yours are the same 404.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from guardian.shortcuts import assign_perm

from assessments.services import reviews as review_services
from awards.access import (
    access_evidence,
    access_nomination,
    may_nominate,
    may_submit_nomination,
    nominable_titles,
)
from awards.models import Nomination, Title
from awards.selectors.rounds import round_review
from awards.services import nominations as services
from campaigns import services as campaign_services
from campaigns.models import Membership
from campaigns.scope import forget_scope, scope_for
from tests.conftest import PERSONAS

PDF = b"%PDF-1.4\n%%EOF\n"

SEES = {"national_admin", "gd_officer", "port_officer", "unit_contact"}
# Those who manage the nominating authority, and the unit's contact while it is a draft.
EDITS_DRAFT = {"national_admin", "gd_officer", "port_officer", "unit_contact"}
EDITS_SUBMITTED = {"national_admin", "gd_officer", "port_officer"}
SUBMITS = {"port_officer"}


@pytest.fixture
def draft(world, award_round, make_nomination):
    """A draft nomination of Shenzhen's first unit (the unit_contact's unit)."""
    return make_nomination(award_round, world.sz.units[0], status=Nomination.Status.DRAFT)


@pytest.fixture
def evidence(draft, port_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    return services.evidence_add(actor=port_officer, nomination=draft, upload=upload)


def fresh(user):
    """The user as the next request sees them (the scope is cached per user object)."""
    return get_user_model().objects.get(pk=user.pk)


def outcome(call):
    try:
        call()
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return 200


@pytest.mark.parametrize("name", PERSONAS)
def test_nomination_view_matrix(persona, draft, name):
    user = persona(name)
    expected = 200 if name in SEES else 404
    assert outcome(lambda: access_nomination(user, draft.pk)) == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_nomination_edit_matrix_on_a_draft_and_once_submitted(persona, draft, name):
    user = persona(name)
    expected = 200 if name in EDITS_DRAFT else 404
    assert outcome(lambda: access_nomination(user, draft.pk, edit=True)) == expected
    Nomination.objects.filter(pk=draft.pk).update(status=Nomination.Status.SUBMITTED)
    expected = 200 if name in EDITS_SUBMITTED else (403 if name in SEES else 404)
    assert outcome(lambda: access_nomination(fresh(user), draft.pk, edit=True)) == expected


@pytest.mark.parametrize("name", PERSONAS)
def test_who_submits_a_ports_nomination(persona, draft, name):
    user = persona(name)
    assert may_submit_nomination(scope_for(user), draft) == (name in SUBMITS)


@pytest.mark.parametrize("name", PERSONAS)
def test_evidence_matrix(persona, evidence, name):
    user = persona(name)
    expected = 200 if name in SEES else 404
    assert outcome(lambda: access_evidence(user, evidence.pk)) == expected
    expected = 200 if name in EDITS_DRAFT else 404
    assert outcome(lambda: access_evidence(user, evidence.pk, edit=True)) == expected


def test_a_missing_nomination_or_file_is_the_same_404(national_admin, draft, evidence):
    for call in (
        lambda: access_nomination(national_admin, draft.pk + 1000),
        lambda: access_nomination(national_admin, "x"),
        lambda: access_evidence(national_admin, evidence.pk + 1000),
    ):
        assert outcome(call) == 404


def test_the_other_province_fails_for_the_province_alone(world, zj_officer, draft, evidence):
    assert outcome(lambda: access_nomination(zj_officer, draft.pk)) == 404
    assert outcome(lambda: access_evidence(zj_officer, evidence.pk)) == 404
    campaign_services.membership_grant(
        actor=None, user=zj_officer, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.gd
    )
    zj_officer = fresh(zj_officer)
    assert outcome(lambda: access_nomination(zj_officer, draft.pk, edit=True)) == 200
    assert outcome(lambda: access_evidence(zj_officer, evidence.pk)) == 200


def test_another_port_officer_fails_for_the_area_alone(world, nb_officer, draft):
    assert outcome(lambda: access_nomination(nb_officer, draft.pk)) == 404
    assert not may_submit_nomination(scope_for(nb_officer), draft)
    campaign_services.membership_grant(
        actor=None, user=nb_officer, role=Membership.Role.PORT_OFFICER, authority=world.sz.authority
    )
    nb_officer = fresh(nb_officer)
    assert outcome(lambda: access_nomination(nb_officer, draft.pk)) == 200
    assert may_submit_nomination(scope_for(nb_officer), draft)


def test_the_contact_of_another_unit_fails_for_the_unit_alone(world, outsider, draft, evidence):
    assert outcome(lambda: access_nomination(outsider, draft.pk, edit=True)) == 404
    campaign_services.membership_grant(
        actor=None, user=outsider, role=Membership.Role.UNIT_CONTACT, unit=world.sz.units[1]
    )
    outsider = fresh(outsider)
    assert outcome(lambda: access_nomination(outsider, draft.pk)) == 404  # still another unit
    campaign_services.membership_grant(
        actor=None, user=outsider, role=Membership.Role.UNIT_CONTACT, unit=world.sz.units[0]
    )
    outsider = fresh(outsider)
    assert outcome(lambda: access_nomination(outsider, draft.pk, edit=True)) == 200
    assert outcome(lambda: access_evidence(outsider, evidence.pk, edit=True)) == 200
    assert not may_submit_nomination(scope_for(outsider), draft)


def test_a_read_only_grant_sees_but_does_not_edit(world, outsider, draft):
    assign_perm("campaigns.view_authority", outsider, world.gd)
    forget_scope(outsider)
    assert outcome(lambda: access_nomination(outsider, draft.pk)) == 200
    assert outcome(lambda: access_nomination(outsider, draft.pk, edit=True)) == 403


def test_a_unit_contact_does_not_see_a_person_of_another_unit(
    world, award_round, make_nomination, unit_contact
):
    # people[1] works in units[1]; the contact is of units[0].
    other = make_nomination(award_round, world.sz.people[1])
    mine = make_nomination(award_round, world.sz.people[0])
    assert outcome(lambda: access_nomination(unit_contact, other.pk)) == 404
    assert outcome(lambda: access_nomination(unit_contact, mine.pk)) == 200


# --- reviewers ----------------------------------------------------------------------------------


@pytest.fixture
def panel(world, award_round):
    """Guangdong's review of the round with two reviewers: one free, one at the nominee's unit."""
    review = round_review(award_round, world.gd)
    users = {}
    for name, unit in (("free", None), ("conflicted", world.sz.units[0])):
        users[name] = get_user_model().objects.create_user(name, password="x-horse-battery")
        review_services.panel_member_add(actor=None, review=review, user=users[name], unit=unit)
    return review, users


def attach(review, nomination):
    return review_services.subject_attach(
        actor=None,
        review=review,
        target=nomination,
        title=nomination.nominee_name,
        category=nomination.title,
        authority=nomination.authority,
        unit=nomination.unit,
    )


def test_an_assigned_reviewer_reads_the_evidence_and_nothing_else(panel, draft, evidence):
    review, users = panel
    reviewer = users["free"]
    subject = attach(review, draft)
    assert outcome(lambda: access_evidence(reviewer, evidence.pk)) == 404
    member = review.panel.get(user=reviewer)
    review_services.assignment_add(actor=None, subject=subject, member=member)
    assert outcome(lambda: access_evidence(reviewer, evidence.pk)) == 200
    # Reading the file is all: not the nomination's page, not removing the file.
    assert outcome(lambda: access_evidence(reviewer, evidence.pk, edit=True)) == 404
    assert outcome(lambda: access_nomination(reviewer, draft.pk)) == 404
    # A deactivated seat loses it again.
    review_services.panel_member_set_active(actor=None, member=member, is_active=False)
    assert outcome(lambda: access_evidence(reviewer, evidence.pk)) == 404


def test_a_conflicted_reviewer_on_the_panel_gets_404(panel, draft, evidence):
    review, users = panel
    attach(review, draft)
    assert outcome(lambda: access_evidence(users["conflicted"], evidence.pk)) == 404


def test_an_assignment_to_another_nomination_opens_no_other_file(
    world, award_round, make_nomination, panel, draft, evidence
):
    review, users = panel
    other = make_nomination(award_round, world.gz.units[0])
    subject = attach(review, other)
    member = review.panel.get(user=users["free"])
    review_services.assignment_add(actor=None, subject=subject, member=member)
    assert outcome(lambda: access_evidence(users["free"], evidence.pk)) == 404


# --- who nominates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("national_admin", [Title.ADVANCED_ORGANIZER]),
        ("gd_officer", [Title.ADVANCED_ORGANIZER]),
        (
            "port_officer",
            [Title.CIVILIZED_PORT, Title.ADVANCED_UNIT, Title.ADVANCED_INDIVIDUAL],
        ),
        ("unit_contact", []),
        ("outsider", []),
    ],
)
def test_the_titles_each_role_nominates_for(persona, name, titles):
    assert nominable_titles(scope_for(persona(name))) == titles


def test_organizers_of_a_province_by_its_officer_or_the_office(
    world, gd_officer, zj_officer, national_admin, port_officer
):
    path = world.sz.authority.path
    assert may_nominate(scope_for(gd_officer), Title.ADVANCED_ORGANIZER, path)
    assert may_nominate(scope_for(national_admin), Title.ADVANCED_ORGANIZER, path)
    assert not may_nominate(scope_for(zj_officer), Title.ADVANCED_ORGANIZER, path)
    assert not may_nominate(scope_for(port_officer), Title.ADVANCED_ORGANIZER, path)

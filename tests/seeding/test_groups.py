"""`seed_demo`'s leading groups: the national, Guangdong's and Shenzhen's with their leader,
deputies, representatives and office; their meetings with minutes and resolutions; the
national group's review approving the previous round's candidates, which its decision cites;
nothing added by a second run."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from awards.models import DecisionDocument, Round
from awards.selectors.approvals import approval_key, round_approval
from campaigns.models import (
    LeadingGroup,
    LeadingGroupMeeting,
    LeadingGroupResolution,
    ResolutionAttachment,
)
from civport.models import AuditEntry
from seeding.awards import PREVIOUS
from seeding.campaigns import Stats
from seeding.groups import seed_demo
from tests.conftest import login


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


@pytest.mark.parametrize("code", ["CN", "GD", "GD-SZ"])
def test_the_groups_have_their_roster_office_and_a_meeting(demo, code):
    group = LeadingGroup.objects.get(authority__code=code)
    roles = list(group.officers.values_list("role", flat=True))
    assert roles.count("leader") == 1 and "deputy" in roles
    assert group.office_head and group.office_duties
    current = group.members.filter(left_on__isnull=True)
    assert current.exists() and not current.filter(representative="").exists()
    meeting = LeadingGroupMeeting.objects.filter(group=group).order_by("-held_on").first()
    assert meeting.minutes and meeting.attendees and meeting.agencies_present.exists()
    assert meeting.resolutions.exists()


def test_the_national_meeting_keeps_its_minutes_as_files(demo):
    assert ResolutionAttachment.objects.filter(
        resolution__meeting__group__authority__code="CN"
    ).exists()


def test_the_decided_round_cites_the_national_groups_approval(demo):
    round = Round.objects.get(code=PREVIOUS)
    approval = round_approval(round)
    assert approval is not None
    assert approval.approves_key == approval_key(round)
    assert approval.meeting.group.authority.code == "CN"
    assert approval.meeting.held_on < round.decided_on
    assert DecisionDocument.objects.get(round=round).approval == approval


def test_a_second_run_adds_and_changes_nothing(demo):
    counts = (LeadingGroupMeeting.objects.count(), LeadingGroupResolution.objects.count())
    audited = AuditEntry.objects.count()
    stats = Stats()
    seed_demo(password="unused", stats=stats)
    assert (LeadingGroupMeeting.objects.count(), LeadingGroupResolution.objects.count()) == counts
    assert AuditEntry.objects.count() == audited
    assert not stats.created


def test_gd_officer_sees_the_groups_pages(demo, client):
    from django.contrib.auth import get_user_model

    login(client, get_user_model().objects.get(username="gd_officer"))
    group = LeadingGroup.objects.get(authority__code="GD")
    response = client.get(reverse("campaigns:leading-group", args=[group.authority_id]))
    assert response.status_code == 200 and response.context["can_edit"]
    meeting = group.meetings.first()
    assert client.get(reverse("campaigns:meeting-detail", args=[meeting.pk])).status_code == 200

"""Leading groups' services: who keeps a group (only the managers of its authority), what is
audited, meetings and their resolutions, approvals limited to what the apps above offer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import approvals
from campaigns.models import (
    Agency,
    LeadingGroup,
    LeadingGroupMember,
    LeadingGroupOfficer,
    LeadingGroupResolution,
    ResolutionAttachment,
)
from campaigns.services import groups as services
from civport.models import AuditEntry
from tests.campaigns.test_notices_services import pdf


def agency(code):
    return Agency.objects.get(code=code)


def save_group(actor, authority, **extra):
    values = {
        "name": f"{authority.name}共建文明口岸活动领导小组",
        "office_head": "林晓峰",
        "office_head_post": "处长",
        "officers": [
            {"role": "leader", "name": "黄志远", "post": "副秘书长"},
            {"role": "deputy", "name": "梁建华", "post": "主任", "agency": agency("PORT_OFFICE")},
        ],
        "members": [
            {"agency": agency("PORT_OFFICE"), "role": "lead", "representative": "张伟"},
            {
                "agency": agency("CUSTOMS"),
                "representative": "王芳",
                "representative_post": "副关长",
            },
        ],
    }
    values.update(extra)
    return services.leading_group_save(actor=actor, authority=authority, **values)


def meeting(actor, group, **extra):
    values = {
        "title": "2026年第一次会议",
        "held_on": timezone.localdate() - datetime.timedelta(days=3),
        "attendees": "黄志远（副秘书长）\n张伟（副主任）",
        "agenda": "研究全省推荐申报工作",
        "minutes": "会议研究了推荐申报工作。",
        "agencies_present": [agency("PORT_OFFICE")],
    }
    values.update(extra)
    return services.meeting_create(actor=actor, group=group, **values)


@pytest.fixture
def gd_group(world, gd_officer):
    return save_group(gd_officer, world.gd)


@pytest.fixture
def subject():
    """An approvable subject offered to Guangdong's group, as an app above would."""

    def provider(authority):
        if authority.code != "GD":
            return []
        return [approvals.ApprovalSubject(key="test.round:1", label="广东省2026年度评比")]

    approvals.register("test", provider)
    yield
    approvals.register("test", lambda authority: [])


def test_the_province_records_its_group_with_leader_deputies_members_and_office(world, gd_officer):
    group = save_group(gd_officer, world.gd)
    assert group.authority == world.gd and group.office_head == "林晓峰"
    assert list(group.officers.values_list("role", "name", "order")) == [
        ("leader", "黄志远", 0),
        ("deputy", "梁建华", 1),
    ]
    members = {m.agency.code: m for m in group.members.select_related("agency")}
    assert members["CUSTOMS"].representative_post == "副关长"
    assert members["PORT_OFFICE"].role == LeadingGroupMember.Role.LEAD
    entry = AuditEntry.objects.get(action="campaigns.leading_group.created")
    assert entry.actor == gd_officer and entry.changes["authority"] == world.gd.pk


def test_saving_again_changes_and_audits_only_what_changed(world, gd_officer, gd_group):
    save_group(
        gd_officer,
        world.gd,
        office_head="何国栋",
        members=[
            {"agency": agency("CUSTOMS"), "representative": "王芳", "representative_post": "副关长"}
        ],
    )
    entry = AuditEntry.objects.get(action="campaigns.leading_group.updated")
    assert entry.changes["office_head"] == ["林晓峰", "何国栋"]
    assert "officers" not in entry.changes
    assert list(entry.changes["members"]) == [str(agency("PORT_OFFICE").pk)]
    assert list(gd_group.members.values_list("agency__code", flat=True)) == ["CUSTOMS"]
    # The same again: nothing changes, nothing is recorded.
    save_group(
        gd_officer,
        world.gd,
        office_head="何国栋",
        members=[
            {"agency": agency("CUSTOMS"), "representative": "王芳", "representative_post": "副关长"}
        ],
    )
    assert AuditEntry.objects.filter(action="campaigns.leading_group.updated").count() == 1


@pytest.mark.parametrize("persona", ["national_admin", "zj_officer", "port_officer", "outsider"])
def test_only_the_managers_of_the_authority_keep_its_group(request, world, gd_group, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(ValidationError):
        save_group(user, world.gd, office_head="某人")
    with pytest.raises(ValidationError):
        meeting(user, gd_group)
    assert LeadingGroup.objects.get(pk=gd_group.pk).office_head == "林晓峰"


def test_the_port_authority_keeps_its_own_group(world, port_officer):
    group = save_group(port_officer, world.sz.authority)
    assert group.authority == world.sz.authority


def test_a_group_has_one_leader_and_an_agency_once(world, gd_officer):
    two_leaders = [{"role": "leader", "name": "甲"}, {"role": "leader", "name": "乙"}]
    with pytest.raises(ValidationError) as caught:
        save_group(gd_officer, world.gd, officers=two_leaders)
    assert "officers" in caught.value.message_dict
    twice = [{"agency": agency("CUSTOMS")}, {"agency": agency("CUSTOMS")}]
    with pytest.raises(ValidationError) as caught:
        save_group(gd_officer, world.gd, members=twice)
    assert "members" in caught.value.message_dict
    assert not LeadingGroup.objects.exists()
    assert not LeadingGroupOfficer.objects.exists()


def test_a_meeting_is_recorded_and_changed_with_its_audit(gd_officer, gd_group):
    made = meeting(gd_officer, gd_group)
    assert [a.code for a in made.agencies_present.all()] == ["PORT_OFFICE"]
    services.meeting_update(
        actor=gd_officer,
        meeting=made,
        title=made.title,
        held_on=made.held_on,
        attendees=made.attendees,
        agenda=made.agenda,
        minutes="会议同意推荐申报工作安排。",
        agencies_present=[agency("PORT_OFFICE"), agency("CUSTOMS")],
    )
    entry = AuditEntry.objects.get(action="campaigns.leading_group.meeting_updated")
    assert entry.changes["minutes"][1] == "会议同意推荐申报工作安排。"
    assert len(entry.changes["agencies_present"][1]) == 2
    assert AuditEntry.objects.filter(action="campaigns.leading_group.meeting_created").exists()


def test_only_member_agencies_are_present_and_markup_is_refused(gd_officer, gd_group):
    with pytest.raises(ValidationError) as caught:
        meeting(gd_officer, gd_group, agencies_present=[agency("RAILWAY")])
    assert "agencies_present" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        meeting(gd_officer, gd_group, minutes="<script>alert(1)</script>")
    assert "minutes" in caught.value.message_dict


def test_resolutions_are_numbered_and_audited(gd_officer, gd_group):
    made = meeting(gd_officer, gd_group)
    first = services.resolution_add(actor=gd_officer, meeting=made, text="同意工作安排。")
    second = services.resolution_add(actor=gd_officer, meeting=made, text="同意推荐名单。")
    assert (first.number, second.number) == (1, 2)
    assert AuditEntry.objects.filter(action="campaigns.leading_group.resolution_added").count() == 2
    # A meeting with resolutions keeps its date.
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(
            actor=gd_officer,
            meeting=made,
            title=made.title,
            held_on=made.held_on - datetime.timedelta(days=1),
            attendees=made.attendees,
            agenda=made.agenda,
        )
    assert "held_on" in caught.value.message_dict


def test_no_resolution_before_the_meeting_is_held(gd_officer, gd_group):
    planned = meeting(gd_officer, gd_group, held_on=timezone.localdate() + datetime.timedelta(1))
    with pytest.raises(ValidationError):
        services.resolution_add(actor=gd_officer, meeting=planned, text="同意。")
    assert not LeadingGroupResolution.objects.exists()


def test_a_resolution_approves_only_what_is_offered_to_its_group(
    world, gd_officer, zj_officer, gd_group, subject
):
    made = meeting(gd_officer, gd_group)
    with pytest.raises(ValidationError) as caught:
        services.resolution_add(
            actor=gd_officer, meeting=made, text="同意。", approves_key="test.round:2"
        )
    assert "approves_key" in caught.value.message_dict
    approval = services.resolution_add(
        actor=gd_officer, meeting=made, text="同意候选名单。", approves_key="test.round:1"
    )
    assert approval.approves_label == "广东省2026年度评比"
    entry = AuditEntry.objects.get(
        action="campaigns.leading_group.resolution_added", object_id=str(approval.pk)
    )
    assert entry.changes["approves"] == "test.round:1"
    # Zhejiang's group is offered nothing.
    zj_group = save_group(zj_officer, world.zj)
    zj_meeting = meeting(zj_officer, zj_group)
    with pytest.raises(ValidationError):
        services.resolution_add(
            actor=zj_officer, meeting=zj_meeting, text="同意。", approves_key="test.round:1"
        )


def test_a_resolution_file_is_checked_by_content(gd_officer, gd_group, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = meeting(gd_officer, gd_group)
    resolution = services.resolution_add(actor=gd_officer, meeting=made, text="同意。")
    attachment = services.resolution_attachment_add(
        actor=gd_officer, resolution=resolution, upload=pdf("会议纪要.pdf")
    )
    assert attachment.original_name == "会议纪要.pdf"
    assert attachment.content_type == "application/pdf"
    with pytest.raises(ValidationError) as caught:
        services.resolution_attachment_add(
            actor=gd_officer,
            resolution=resolution,
            upload=pdf("纪要.pdf").__class__("纪要.pdf", b"<html>x</html>"),
        )
    assert "file" in caught.value.message_dict
    assert ResolutionAttachment.objects.count() == 1
    assert AuditEntry.objects.filter(
        action="campaigns.leading_group.resolution_file_added", object_id=str(resolution.pk)
    ).exists()

"""Writes of leading groups (领导小组): the group's leader, deputies, member agencies with their
representatives and its office; its meetings, their resolutions and the resolutions' files.

Each authority's managers keep their own group (the levels above read it): every service checks
the actor against `can_edit_group` (an actor of None is the system, e.g. the demo). Every write
is one transaction with an audit entry; texts are plain text with paragraphs. A resolution is
not changed once recorded: what it approved may have been acted on (a commendation decision
cites the resolution approving its candidates).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from campaigns.approvals import approval_subjects
from campaigns.models import (
    Agency,
    Authority,
    LeadingGroup,
    LeadingGroupMeeting,
    LeadingGroupMember,
    LeadingGroupOfficer,
    LeadingGroupResolution,
    ResolutionAttachment,
)
from campaigns.scope import scope_for
from campaigns.selectors.groups import can_edit_group
from campaigns.services.filings import check_plain_text
from civport.audit import audit_record, diff, snapshot
from civport.notifications import local_today
from civport.uploads import stored_file_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

GROUP_FIELDS = ("name", "established_on", "office_head", "office_head_post", "office_duties")
MEMBER_FIELDS = ("role", "representative", "representative_post", "joined_on", "left_on")
OFFICER_FIELDS = ("role", "name", "post", "agency")
MEETING_FIELDS = ("title", "held_on", "place", "chaired_by", "attendees", "agenda", "minutes")
ATTACHMENTS_MAX = 20


def _check_editor(actor: User | None, authority: Authority) -> None:
    if actor is not None and not can_edit_group(scope_for(actor), authority):
        raise ValidationError(
            _("Only the managers of %(authority)s keep its leading group.")
            % {"authority": authority.name}
        )


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- the group --------------------------------------------------------------------------------


def _officer_rows(officers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for data in officers:
        row = {
            "role": data.get("role") or "",
            "name": _text(data.get("name")),
            "post": _text(data.get("post")),
            "agency": data.get("agency"),
        }
        if not row["name"]:
            continue
        if row["role"] not in LeadingGroupOfficer.Role.values:
            raise ValidationError({"officers": _("Choose leader or deputy leader for each row.")})
        rows.append(row)
    if sum(1 for r in rows if r["role"] == LeadingGroupOfficer.Role.LEADER) > 1:
        raise ValidationError({"officers": _("A leading group has one leader.")})
    return rows


def _member_rows(members: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    for data in members:
        agency = data.get("agency")
        if agency is None:
            continue
        if agency.pk in rows:
            raise ValidationError(
                {"members": _("%(agency)s is listed twice.") % {"agency": agency.name}}
            )
        row = {
            "agency": agency,
            "role": data.get("role") or LeadingGroupMember.Role.MEMBER,
            "representative": _text(data.get("representative")),
            "representative_post": _text(data.get("representative_post")),
            "joined_on": data.get("joined_on"),
            "left_on": data.get("left_on"),
        }
        if row["role"] not in LeadingGroupMember.Role.values:
            raise ValidationError({"members": _("Choose the role of each member agency.")})
        if row["joined_on"] and row["left_on"] and row["left_on"] < row["joined_on"]:
            raise ValidationError(
                {
                    "members": _("%(agency)s cannot leave the group before it joined.")
                    % {"agency": agency.name}
                }
            )
        rows[agency.pk] = row
    return rows


def _officers_snapshot(group: LeadingGroup) -> list[list[Any]]:
    return [[o.role, o.name, o.post, o.agency_id] for o in group.officers.order_by("order", "id")]


def _members_snapshot(group: LeadingGroup) -> dict[str, list[Any]]:
    return {
        str(m.agency_id): [
            m.role,
            m.representative,
            m.representative_post,
            m.joined_on.isoformat() if m.joined_on else None,
            m.left_on.isoformat() if m.left_on else None,
        ]
        for m in group.members.order_by("agency_id")
    }


@transaction.atomic
def leading_group_save(
    *,
    actor: User | None,
    authority: Authority,
    name: str,
    established_on: datetime.date | None = None,
    office_head: str = "",
    office_head_post: str = "",
    office_duties: str = "",
    officers: Sequence[Mapping[str, Any]] = (),
    members: Sequence[Mapping[str, Any]] = (),
) -> LeadingGroup:
    """Record the authority's leading group as given: its name and office, its leader and
    deputies (`officers`: role, name, post, agency) in the order given, and its member agencies
    (`members`: agency, role, representative, representative_post, joined_on, left_on). Agencies
    not listed leave the group's record; rows without a name or agency are ignored."""
    _check_editor(actor, authority)
    data: dict[str, Any] = {
        "name": _text(name),
        "established_on": established_on,
        "office_head": _text(office_head),
        "office_head_post": _text(office_head_post),
        "office_duties": _text(office_duties),
    }
    if not data["name"]:
        raise ValidationError({"name": _("This field is required.")})
    check_plain_text(office_duties=data["office_duties"])
    officer_rows = _officer_rows(officers)
    member_rows = _member_rows(members)
    # Locked: two managers saving at once must not interleave their rows.
    group = LeadingGroup.objects.select_for_update().filter(authority=authority).first()
    created = group is None
    if group is None:
        group = LeadingGroup(authority=authority, **data)
        before: dict[str, Any] = {}
        officers_before: list[list[Any]] = []
        members_before: dict[str, list[Any]] = {}
    else:
        before = snapshot(group, GROUP_FIELDS)
        officers_before = _officers_snapshot(group)
        members_before = _members_snapshot(group)
        for field, value in data.items():
            setattr(group, field, value)
    group.full_clean()
    group.save()

    officers_after = [
        [r["role"], r["name"], r["post"], getattr(r["agency"], "pk", None)] for r in officer_rows
    ]
    if officers_after != officers_before:
        group.officers.all().delete()
        made = [
            LeadingGroupOfficer(group=group, order=n, **row) for n, row in enumerate(officer_rows)
        ]
        for officer in made:
            officer.full_clean()
        LeadingGroupOfficer.objects.bulk_create(made)

    existing = {m.agency_id: m for m in group.members.all()}
    group.members.exclude(agency_id__in=list(member_rows)).delete()
    for agency_id, row in member_rows.items():
        member = existing.get(agency_id) or LeadingGroupMember(group=group, agency=row["agency"])
        for field in MEMBER_FIELDS:
            setattr(member, field, row[field])
        member.full_clean()
        member.save()
    members_after = _members_snapshot(group)

    changes: dict[str, Any] = (
        snapshot(group, GROUP_FIELDS) if created else diff(before, group, GROUP_FIELDS)
    )
    if officers_after != officers_before:
        changes["officers"] = [officers_before, officers_after]
    if members_after != members_before:
        changes["members"] = {
            key: [members_before.get(key), members_after.get(key)]
            for key in sorted(set(members_before) | set(members_after))
            if members_before.get(key) != members_after.get(key)
        }
    if created or changes:
        audit_record(
            actor=actor,
            action="campaigns.leading_group.created"
            if created
            else "campaigns.leading_group.updated",
            obj=group,
            changes={"authority": authority.pk, **changes} if created else changes,
        )
    return group


# --- meetings ---------------------------------------------------------------------------------


def _meeting_data(
    *,
    group: LeadingGroup,
    title: str,
    held_on: datetime.date | None,
    place: str,
    chaired_by: str,
    attendees: str,
    agenda: str,
    minutes: str,
    agencies_present: Iterable[Agency],
) -> tuple[dict[str, Any], list[Agency]]:
    data: dict[str, Any] = {
        "title": _text(title),
        "held_on": held_on,
        "place": _text(place),
        "chaired_by": _text(chaired_by),
        "attendees": _text(attendees),
        "agenda": _text(agenda),
        "minutes": _text(minutes),
    }
    errors = {
        name: _("This field is required.")
        for name in ("title", "held_on", "attendees", "agenda")
        if not data[name]
    }
    if errors:
        raise ValidationError(errors)
    check_plain_text(
        title=data["title"],
        attendees=data["attendees"],
        agenda=data["agenda"],
        minutes=data["minutes"],
    )
    present = list(agencies_present)
    member_ids = set(group.members.values_list("agency_id", flat=True))
    strangers = [a.name for a in present if a.pk not in member_ids]
    if strangers:
        raise ValidationError(
            {
                "agencies_present": _("Not a member agency of the group: %(agencies)s.")
                % {"agencies": "、".join(strangers)}
            }
        )
    return data, present


def _locked_meeting(meeting: LeadingGroupMeeting) -> LeadingGroupMeeting:
    # Changes of one meeting and the numbering of its resolutions are serialised.
    return (
        LeadingGroupMeeting.objects.select_for_update(of=("self",))
        .select_related("group", "group__authority")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_create(
    *,
    actor: User | None,
    group: LeadingGroup,
    title: str,
    held_on: datetime.date,
    attendees: str,
    agenda: str,
    minutes: str = "",
    place: str = "",
    chaired_by: str = "",
    agencies_present: Iterable[Agency] = (),
) -> LeadingGroupMeeting:
    """Record a meeting of the group."""
    _check_editor(actor, group.authority)
    data, present = _meeting_data(
        group=group,
        title=title,
        held_on=held_on,
        place=place,
        chaired_by=chaired_by,
        attendees=attendees,
        agenda=agenda,
        minutes=minutes,
        agencies_present=agencies_present,
    )
    meeting = LeadingGroupMeeting(group=group, created_by=actor, **data)
    meeting.full_clean()
    meeting.save()
    meeting.agencies_present.set(present)
    audit_record(
        actor=actor,
        action="campaigns.leading_group.meeting_created",
        obj=meeting,
        changes={
            "group": group.pk,
            **snapshot(meeting, MEETING_FIELDS),
            "agencies_present": sorted(a.pk for a in present),
        },
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User | None,
    meeting: LeadingGroupMeeting,
    title: str,
    held_on: datetime.date,
    attendees: str,
    agenda: str,
    minutes: str = "",
    place: str = "",
    chaired_by: str = "",
    agencies_present: Iterable[Agency] = (),
) -> LeadingGroupMeeting:
    """Change the record of a meeting; a meeting that adopted resolutions keeps its date."""
    meeting = _locked_meeting(meeting)
    _check_editor(actor, meeting.group.authority)
    data, present = _meeting_data(
        group=meeting.group,
        title=title,
        held_on=held_on,
        place=place,
        chaired_by=chaired_by,
        attendees=attendees,
        agenda=agenda,
        minutes=minutes,
        agencies_present=agencies_present,
    )
    if data["held_on"] != meeting.held_on and meeting.resolutions.exists():
        raise ValidationError(
            {"held_on": _("This meeting adopted resolutions; its date can no longer change.")}
        )
    before = snapshot(meeting, MEETING_FIELDS)
    present_before = sorted(meeting.agencies_present.values_list("pk", flat=True))
    for name, value in data.items():
        setattr(meeting, name, value)
    changes = diff(before, meeting, MEETING_FIELDS)
    present_after = sorted(a.pk for a in present)
    if present_after != present_before:
        changes["agencies_present"] = [present_before, present_after]
        meeting.agencies_present.set(present)
    if changes:
        meeting.full_clean()
        meeting.save()
        audit_record(
            actor=actor,
            action="campaigns.leading_group.meeting_updated",
            obj=meeting,
            changes=changes,
        )
    return meeting


# --- resolutions ------------------------------------------------------------------------------


@transaction.atomic
def resolution_add(
    *,
    actor: User | None,
    meeting: LeadingGroupMeeting,
    text: str,
    approves_key: str = "",
    today: datetime.date | None = None,
) -> LeadingGroupResolution:
    """Record a resolution the meeting adopted, numbered after the meeting's others. With
    `approves_key`, the resolution approves one of the subjects the group may approve now
    (`campaigns.approvals`), e.g. an award round's list of candidates."""
    meeting = _locked_meeting(meeting)
    authority = meeting.group.authority
    _check_editor(actor, authority)
    text = _text(text)
    if not text:
        raise ValidationError({"text": _("This field is required.")})
    check_plain_text(text=text)
    if meeting.held_on > (today or local_today()):
        raise ValidationError(
            {"text": _("The meeting has not been held yet; record its resolutions afterwards.")}
        )
    label = ""
    if approves_key:
        subjects = {s.key: s for s in approval_subjects(authority)}
        if approves_key not in subjects:
            raise ValidationError({"approves_key": _("The leading group cannot approve this now.")})
        label = subjects[approves_key].label
    number = (meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    resolution = LeadingGroupResolution(
        meeting=meeting,
        number=number,
        text=text,
        approves_key=approves_key,
        approves_label=label,
        created_by=actor,
    )
    resolution.full_clean()
    resolution.save()
    audit_record(
        actor=actor,
        action="campaigns.leading_group.resolution_added",
        obj=resolution,
        changes={
            "meeting": meeting.pk,
            "number": number,
            "text": text,
            **({"approves": approves_key, "label": label} if approves_key else {}),
        },
    )
    return resolution


@transaction.atomic
def resolution_attachment_add(
    *, actor: User | None, resolution: LeadingGroupResolution, upload: UploadedFile
) -> ResolutionAttachment:
    """Attach a file (checked by content and size) to a resolution."""
    meeting = _locked_meeting(resolution.meeting)
    _check_editor(actor, meeting.group.authority)
    if resolution.attachments.count() >= ATTACHMENTS_MAX:
        raise ValidationError(
            {"file": _("A resolution has at most %(max)s files.") % {"max": ATTACHMENTS_MAX}}
        )
    return stored_file_add(
        ResolutionAttachment,
        upload,
        field="file",
        actor=actor,
        action="campaigns.leading_group.resolution_file_added",
        obj=resolution,
        pk_key="attachment",
        resolution=resolution,
    )

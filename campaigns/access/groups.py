"""Access to leading groups, their meetings, resolutions and files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from campaigns.scope import scope_for
from campaigns.selectors.groups import (
    can_edit_group,
    group_authority_list_for,
    meeting_list_for,
    resolution_attachment_list_for,
    resolution_list_for,
)
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.models import (
        Authority,
        LeadingGroupMeeting,
        LeadingGroupResolution,
        ResolutionAttachment,
    )


def access_group_authority(
    user: User | AnonymousUser, pk: int | str, *, edit: bool = False
) -> Authority:
    """The authority whose leading group the user sees, else 404; with `edit`, 403 unless the
    user manages that authority itself."""
    authority = get_or_404(group_authority_list_for(user), pk)
    if edit and not can_edit_group(scope_for(user), authority):
        raise PermissionDenied
    return authority


def access_meeting(
    user: User | AnonymousUser, pk: int | str, *, edit: bool = False
) -> LeadingGroupMeeting:
    """A meeting of a group the user sees, else 404; with `edit`, 403 unless the user manages
    the group's authority itself."""
    meeting = get_or_404(meeting_list_for(user), pk)
    if edit and not can_edit_group(scope_for(user), meeting.group.authority):
        raise PermissionDenied
    return meeting


def access_resolution(
    user: User | AnonymousUser, pk: int | str, *, edit: bool = False
) -> LeadingGroupResolution:
    resolution = get_or_404(resolution_list_for(user), pk)
    if edit and not can_edit_group(scope_for(user), resolution.meeting.group.authority):
        raise PermissionDenied
    return resolution


def access_resolution_attachment(user: User | AnonymousUser, pk: int | str) -> ResolutionAttachment:
    """A file of a resolution of a group the user sees, else 404."""
    return get_or_404(resolution_attachment_list_for(user), pk)

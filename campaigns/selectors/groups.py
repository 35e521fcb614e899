"""Reads of leading groups (领导小组), their meetings and resolutions, scoped to the user.

A user sees the leading groups of the authorities in their area (the national office: every
group; a province: its own and those of its port authorities). Only those who manage the
authority itself change its group: the levels above read it, as they read its notices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from campaigns.models import (
    Authority,
    LeadingGroup,
    LeadingGroupMeeting,
    LeadingGroupMember,
    LeadingGroupOfficer,
    LeadingGroupResolution,
    Membership,
    ResolutionAttachment,
)
from campaigns.scope import Scope, scope_for
from campaigns.selectors.notices import own_authority_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The roles whose holders are the authority's own staff, i.e. the leading group's office.
OFFICE_ROLES = (
    Membership.Role.NATIONAL_OFFICE,
    Membership.Role.PROVINCIAL_OFFICER,
    Membership.Role.PORT_OFFICER,
)


def can_edit_group(scope: Scope, authority: Authority) -> bool:
    """Changes the authority's leading group, its meetings and resolutions: those who manage
    that authority itself (the levels above only read it)."""
    return scope.is_superuser or authority.pk in own_authority_ids(scope, edit=True)


def group_authority_list_for(user: User | AnonymousUser) -> QuerySet[Authority]:
    """The authorities whose leading groups the user sees."""
    return Authority.objects.filter(scope_for(user).authority_q()).select_related("parent")


def leading_group_of(authority: Authority) -> LeadingGroup | None:
    """The authority's group with its leader, deputies and members (agency and successor
    read with them), in three queries; None when it has none yet."""
    return (
        LeadingGroup.objects.filter(authority=authority)
        .prefetch_related(
            Prefetch(
                "officers",
                queryset=LeadingGroupOfficer.objects.select_related("agency").order_by(
                    "-role", "order", "id"
                ),
            ),
            Prefetch(
                "members",
                queryset=LeadingGroupMember.objects.select_related("agency").order_by(
                    "role", "left_on", "agency__code"
                ),
            ),
        )
        .first()
    )


def office_staff(authority: Authority) -> list[Membership]:
    """The authority's officers (its office's staff with an account), one query."""
    return list(
        Membership.objects.filter(authority=authority, role__in=OFFICE_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def meeting_list_for(user: User | AnonymousUser) -> QuerySet[LeadingGroupMeeting]:
    """Every meeting of a group the user sees, with its group and authority and how many
    resolutions (and approvals) it adopted."""
    return (
        LeadingGroupMeeting.objects.filter(scope_for(user).paths_q("group__authority__path"))
        .select_related("group", "group__authority")
        .annotate(
            resolution_count=Count("resolutions", distinct=True),
            approval_count=Count(
                "resolutions", filter=~Q(resolutions__approves_key=""), distinct=True
            ),
        )
        .order_by("-held_on", "-id")
    )


def meeting_resolutions(meeting: LeadingGroupMeeting) -> list[LeadingGroupResolution]:
    """The meeting's resolutions in order, each with its files (two queries)."""
    return list(
        meeting.resolutions.order_by("number").prefetch_related(
            Prefetch("attachments", queryset=ResolutionAttachment.objects.order_by("uploaded_at"))
        )
    )


def resolution_list_for(user: User | AnonymousUser) -> QuerySet[LeadingGroupResolution]:
    return LeadingGroupResolution.objects.filter(
        scope_for(user).paths_q("meeting__group__authority__path")
    ).select_related("meeting", "meeting__group", "meeting__group__authority")


def resolution_attachment_list_for(user: User | AnonymousUser) -> QuerySet[ResolutionAttachment]:
    return ResolutionAttachment.objects.filter(
        scope_for(user).paths_q("resolution__meeting__group__authority__path")
    ).select_related("resolution")

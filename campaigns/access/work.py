"""Access to plans, commitments, activities, agreements, special campaigns, inspections and rectification items, and who may change or review them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    Commitment,
    Inspection,
    Plan,
    Rectification,
    RectificationEvidence,
    SpecialCampaign,
)
from campaigns.scope import scope_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

from campaigns.selectors.work import (
    activity_list_for,
    agreement_list_for,
    inspection_list_for,
    plan_list_for,
    rectification_list_for,
    special_campaign_list_for,
)


def activity_can_edit(user: User | AnonymousUser, activity: Activity) -> bool:
    """The logging unit's contact, or an officer of the activity's area, until it is verified."""
    scope = scope_for(user)
    if activity.status == Activity.Status.VERIFIED:
        return False
    own = activity.unit_id is not None and (
        activity.unit_id in scope.edit_unit_ids or activity.unit.parent_id in scope.edit_unit_ids  # type: ignore[union-attr,operator]
    )
    return own or scope.edits_path(activity.authority.path)


def activity_can_review(user: User | AnonymousUser, activity: Activity) -> bool:
    return activity.status == Activity.Status.SUBMITTED and scope_for(user).edits_path(
        activity.authority.path
    )


def plan_can_edit(user: User | AnonymousUser, plan: Plan) -> bool:
    return scope_for(user).edits_path(plan.authority.path)


def rectification_can_answer(user: User | AnonymousUser, item: Rectification) -> bool:
    scope = scope_for(user)
    return item.status in Rectification.PENDING and (
        item.owner_unit_id in scope.edit_unit_ids
        or item.owner_unit.parent_id in scope.edit_unit_ids
    )


def rectification_can_review(user: User | AnonymousUser, item: Rectification) -> bool:
    return item.status == Rectification.Status.ANSWERED and scope_for(user).edits_path(
        item.inspection.authority.path
    )


def access_plan(user: User, pk: int | str, *, edit: bool = False) -> Plan:
    plan = get_or_404(plan_list_for(user), pk)
    if edit and not plan_can_edit(user, plan):
        raise PermissionDenied
    return plan


def access_commitment(user: User, pk: int | str, *, edit: bool = False) -> Commitment:
    commitment = get_or_404(
        Commitment.objects.filter(plan__in=plan_list_for(user)).select_related(
            "plan", "plan__authority", "unit", "area"
        ),
        pk,
    )
    if edit and not plan_can_edit(user, commitment.plan):
        raise PermissionDenied
    return commitment


def access_activity(user: User, pk: int | str, *, edit: bool = False) -> Activity:
    activity = get_or_404(activity_list_for(user), pk)
    if edit and not activity_can_edit(user, activity):
        raise PermissionDenied
    return activity


def access_activity_evidence(user: User, pk: int | str, *, edit: bool = False) -> ActivityEvidence:
    evidence = get_or_404(
        ActivityEvidence.objects.filter(
            Exists(activity_list_for(user).filter(pk=OuterRef("activity_id")))
        ).select_related("activity"),
        pk,
    )
    if edit:
        access_activity(user, evidence.activity_id, edit=True)
    return evidence


def access_agreement(user: User, pk: int | str, *, edit: bool = False) -> Agreement:
    agreement = get_or_404(agreement_list_for(user), pk)
    if edit and not scope_for(user).edits_path(agreement.authority.path):
        raise PermissionDenied
    return agreement


def access_special_campaign(user: User, pk: int | str, *, edit: bool = False) -> SpecialCampaign:
    campaign = get_or_404(special_campaign_list_for(user), pk)
    if edit and not scope_for(user).edits_path(campaign.authority.path):
        raise PermissionDenied
    return campaign


def access_inspection(user: User, pk: int | str, *, edit: bool = False) -> Inspection:
    inspection = get_or_404(inspection_list_for(user), pk)
    if edit and not scope_for(user).edits_path(inspection.authority.path):
        raise PermissionDenied
    return inspection


def access_rectification(user: User, pk: int | str, *, edit: bool = False) -> Rectification:
    """With `edit`, the user must be able to act on the item now: answer it (the owner unit's
    contact) or review the answer (an officer of the inspecting authority)."""
    item = get_or_404(rectification_list_for(user), pk)
    if edit and not (rectification_can_answer(user, item) or rectification_can_review(user, item)):
        raise PermissionDenied
    return item


def access_rectification_evidence(user: User, pk: int | str) -> RectificationEvidence:
    return get_or_404(
        RectificationEvidence.objects.filter(
            Exists(rectification_list_for(user).filter(pk=OuterRef("rectification_id")))
        ),
        pk,
    )

"""Reads of notices (通知公告), scoped to the user.

A user sees a notice sent by an authority of their area (drafts included: they are the sending
side's work), and a published notice with a recipient in their area. "Their own" receipts, the
ones a user reads and acknowledges for, are those of the authorities and units they hold a role
at, not everything below them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from campaigns.models import Authority, Membership, Notice, NoticeAttachment, NoticeReceipt, Unit
from campaigns.scope import Scope, scope_for
from civport.notifications import local_today

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The audiences each level of sender may address.
AUDIENCES_BY_LEVEL = {
    Authority.Level.NATIONAL: (
        Notice.Audience.CHILDREN,
        Notice.Audience.CHOSEN,
        Notice.Audience.ALL_LEVELS,
    ),
    Authority.Level.PROVINCIAL: (
        Notice.Audience.CHILDREN,
        Notice.Audience.CHOSEN,
        Notice.Audience.UNITS,
        Notice.Audience.ALL_LEVELS,
    ),
    Authority.Level.PORT: (Notice.Audience.UNITS, Notice.Audience.ALL_LEVELS),
    Authority.Level.COUNTY: (Notice.Audience.UNITS, Notice.Audience.ALL_LEVELS),
}


# --- who may do what (from the scope alone, no query) ----------------------------------------


def own_authority_ids(scope: Scope, *, edit: bool = False) -> set[int]:
    return {g.object_id for g in scope.authority_grants() if g.can_edit or not edit}


def own_unit_ids(scope: Scope, *, edit: bool = False) -> set[int]:
    return set(scope.edit_unit_ids if edit else scope.view_unit_ids)


def can_acknowledge(scope: Scope, receipt: NoticeReceipt) -> bool:
    """Acknowledges for a recipient: a user who manages that authority or unit itself."""
    if receipt.authority_id is not None:
        return receipt.authority_id in own_authority_ids(scope, edit=True)
    return receipt.unit_id in own_unit_ids(scope, edit=True)


def _receipt_q(scope: Scope, prefix: str = "") -> Q:
    """Receipts whose recipient lies in the user's area."""
    q = scope.paths_q(f"{prefix}path")
    if scope.is_superuser:
        return q
    if scope.view_unit_ids:
        q |= Q(**{f"{prefix}unit_id__in": scope.view_unit_ids}) | Q(
            **{f"{prefix}unit__parent_id__in": scope.view_unit_ids}
        )
    return q


def _own_receipt_q(scope: Scope, *, edit: bool = False, prefix: str = "") -> Q:
    """Receipts of the authorities and units the user holds a role at."""
    return Q(**{f"{prefix}authority_id__in": own_authority_ids(scope, edit=edit)}) | Q(
        **{f"{prefix}unit_id__in": own_unit_ids(scope, edit=edit)}
    )


# --- lists ------------------------------------------------------------------------------------


def notice_sender_authorities(user: User | AnonymousUser) -> QuerySet[Authority]:
    """The authorities the user writes notices for, in path order."""
    scope = scope_for(user)
    if scope.is_superuser:
        return Authority.objects.filter(level=Authority.Level.NATIONAL)
    return Authority.objects.filter(pk__in=own_authority_ids(scope, edit=True)).order_by("path")


def notice_list_for(user: User | AnonymousUser) -> QuerySet[Notice]:
    """Every notice the user sees: published and sent by an authority of their area or with a
    recipient in it; drafts only at the sending authority itself."""
    scope = scope_for(user)
    if scope.is_empty:
        return Notice.objects.none()
    if scope.is_superuser:
        visible = Q()
    else:
        received = NoticeReceipt.objects.filter(_receipt_q(scope), notice=OuterRef("pk"))
        visible = (scope.paths_q("sender__path") | Q(Exists(received))) & Q(
            status=Notice.Status.PUBLISHED
        ) | Q(sender_id__in=own_authority_ids(scope))
    own = NoticeReceipt.objects.filter(_own_receipt_q(scope), notice=OuterRef("pk"))
    return (
        Notice.objects.filter(visible)
        .select_related("sender")
        .annotate(
            is_pending_for_me=Exists(
                own.filter(acknowledged_at__isnull=True).filter(
                    Q(notice__requires_acknowledgement=True) | Q(first_read_at__isnull=True)
                )
            ),
        )
        .order_by("-issued_on", "-id")
    )


def notice_years(notices: QuerySet[Notice]) -> list[int]:
    """The years in which the given notices were issued, newest first (one query)."""
    return [d.year for d in notices.order_by().dates("issued_on", "year", order="DESC")]


def notice_pending_for(
    user: User | AnonymousUser, *, today: datetime.date | None = None, limit: int = 10
) -> list[NoticeReceipt]:
    """The user's own receipts still waiting: unacknowledged where acknowledgement is asked
    for, unread otherwise; for the home page (one query). Each says whether the user may
    acknowledge it and whether it is overdue."""
    scope = scope_for(user)
    if scope.is_empty or scope.is_superuser:
        return []
    today = today or local_today()
    receipts = list(
        NoticeReceipt.objects.filter(
            _own_receipt_q(scope),
            notice__status=Notice.Status.PUBLISHED,
            acknowledged_at__isnull=True,
        )
        .filter(Q(notice__requires_acknowledgement=True) | Q(first_read_at__isnull=True))
        .select_related("notice", "notice__sender", "authority", "unit")
        .order_by("notice__acknowledge_by", "-notice__issued_on", "notice_id", "id")[:limit]
    )
    for receipt in receipts:
        notice = receipt.notice
        receipt.can_acknowledge = notice.requires_acknowledgement and can_acknowledge(  # type: ignore[attr-defined]
            scope, receipt
        )
        receipt.is_overdue = notice.requires_acknowledgement and notice.acknowledge_by < today  # type: ignore[attr-defined,operator]
    return receipts


def notice_attachments(notice: Notice) -> QuerySet[NoticeAttachment]:
    return NoticeAttachment.objects.filter(notice=notice).order_by("uploaded_at", "id")


def notice_own_receipts(user: User | AnonymousUser, notice: Notice) -> list[NoticeReceipt]:
    """The receipts of this notice the user reads and acknowledges for (one query)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return []
    return list(
        NoticeReceipt.objects.filter(_own_receipt_q(scope), notice=notice)
        .select_related("authority", "unit", "first_read_by", "acknowledged_by")
        .order_by("path", "id")
    )


def notice_receipts(notice: Notice) -> QuerySet[NoticeReceipt]:
    """The sender's table: every recipient with who read and acknowledged, in path order."""
    return (
        NoticeReceipt.objects.filter(notice=notice)
        .select_related("authority", "unit", "unit__authority", "first_read_by", "acknowledged_by")
        .order_by("path", "unit__code", "id")
    )


def notice_receipt_counts(notice: Notice, *, today: datetime.date) -> dict[str, int]:
    """How many recipients there are, have read, have acknowledged, and are overdue."""
    overdue = (
        Q(acknowledged_at__isnull=True)
        if notice.requires_acknowledgement and notice.acknowledge_by < today  # type: ignore[operator]
        else Q(pk__in=[])
    )
    return NoticeReceipt.objects.filter(notice=notice).aggregate(
        total=Count("pk"),
        read=Count("pk", filter=Q(first_read_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        overdue=Count("pk", filter=overdue),
    )


def notice_chosen_choices(sender: Authority) -> QuerySet[Authority]:
    """The authorities one level below the sender, which a notice may be addressed to."""
    return Authority.objects.filter(parent=sender, is_active=True).order_by("path")


# --- recipients -------------------------------------------------------------------------------


def notice_recipients(notice: Notice) -> tuple[list[Authority], list[Unit]]:
    """The authorities and units the notice's audience names, as of now (active ones only)."""
    sender = notice.sender
    below = Authority.objects.filter(path__startswith=sender.path, is_active=True).exclude(
        pk=sender.pk
    )
    units = Unit.objects.filter(authority__path__startswith=sender.path, is_active=True)
    audience = notice.audience
    if audience == Notice.Audience.CHILDREN:
        return list(below.filter(parent=sender).order_by("path")), []
    if audience == Notice.Audience.CHOSEN:
        chosen = notice.chosen.filter(parent=sender, is_active=True).order_by("path")
        return list(chosen), []
    if audience == Notice.Audience.UNITS:
        return [], list(units.select_related("authority").order_by("code"))
    return (
        list(below.order_by("path")),
        list(units.select_related("authority").order_by("code")),
    )


def notice_recipient_users(receipts: Iterable[NoticeReceipt]) -> dict[int, list[User]]:
    """The active users holding a role at each receipt's authority or unit, as
    {receipt pk: [user, …]}; two queries whatever the number of receipts."""
    receipts = list(receipts)
    authority_ids = {r.authority_id for r in receipts if r.authority_id}
    unit_ids = {r.unit_id for r in receipts if r.unit_id}
    rows = Membership.objects.filter(
        Q(authority_id__in=authority_ids) | Q(unit_id__in=unit_ids), user__is_active=True
    ).values_list("authority_id", "unit_id", "user_id")
    by_authority: dict[int, set[int]]
    by_unit: dict[int | None, set[int]]
    by_authority, by_unit, user_ids = {}, {}, set()
    for authority_id, unit_id, user_id in rows:
        if authority_id:
            by_authority.setdefault(authority_id, set()).add(user_id)
        else:
            by_unit.setdefault(unit_id, set()).add(user_id)
        user_ids.add(user_id)
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    result = {}
    for receipt in receipts:
        ids = (
            by_authority.get(receipt.authority_id, set())
            if receipt.authority_id
            else by_unit.get(receipt.unit_id, set())
        )
        result[receipt.pk] = [users[i] for i in sorted(ids)]
    return result


# --- access helpers ---------------------------------------------------------------------------

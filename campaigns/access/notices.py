"""Access to notices, their files and receipts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from campaigns.models import Authority, Notice, NoticeAttachment, NoticeReceipt
from campaigns.scope import Scope, scope_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from campaigns.selectors.notices import (
    _receipt_q,
    can_acknowledge,
    notice_list_for,
    own_authority_ids,
)


def can_send_from(scope: Scope, authority: Authority) -> bool:
    """Writes and publishes the authority's notices: those who manage that authority itself
    (a notice speaks for its sender; the levels above do not write in its name)."""
    return scope.is_superuser or authority.pk in own_authority_ids(scope, edit=True)


def access_notice(user: User, pk: int | str, *, edit: bool = False) -> Notice:
    """The notice if the user sees it, else 404. With `edit`, only for those who write the
    sender's notices: 403 when seen but not theirs to change."""
    notice = get_or_404(notice_list_for(user), pk)
    if edit and not can_send_from(scope_for(user), notice.sender):
        raise PermissionDenied
    return notice


def access_notice_attachment(user: User, pk: int | str) -> NoticeAttachment:
    """A file of a notice the user sees, else 404."""
    return get_or_404(
        NoticeAttachment.objects.filter(
            notice__in=notice_list_for(user).values("pk")
        ).select_related("notice"),
        pk,
    )


def access_notice_receipt(user: User, pk: int | str, *, acknowledge: bool = False) -> NoticeReceipt:
    """A receipt of a published notice, for a user of its recipient (or of the sending side),
    else 404; with `acknowledge`, 403 unless the user manages the recipient itself."""
    scope = scope_for(user)
    receipt = get_or_404(
        NoticeReceipt.objects.filter(
            _receipt_q(scope) | scope.paths_q("notice__sender__path"),
            notice__status=Notice.Status.PUBLISHED,
        ).select_related("notice", "notice__sender", "authority", "unit"),
        pk,
    )
    if acknowledge and not can_acknowledge(scope, receipt):
        raise PermissionDenied
    return receipt

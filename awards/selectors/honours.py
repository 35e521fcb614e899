"""Reads of honours: the public honours board and verification, the certificates a user may
download, and the progress of a round's documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from awards.models import DecisionDocument, Honour, Nomination, Round
from awards.selectors.nominations import NOMINEE_FIELD, nominations_visible_q
from campaigns.models import Authority
from campaigns.scope import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

# Honours are public once the round is decided.
PUBLIC_PHASES = (Round.Phase.DECIDED, Round.Phase.CLOSED)


def honour_rounds_public() -> QuerySet[Round]:
    """The rounds whose honours are public, newest first."""
    return Round.objects.filter(phase__in=PUBLIC_PHASES).order_by("-start_year", "code")


def honour_provinces_public() -> QuerySet[Authority]:
    """The provinces for the board's filter: those holding an honour of a public round."""
    return Authority.objects.filter(
        level=Authority.Level.PROVINCIAL,
        pk__in=Honour.objects.filter(round__phase__in=PUBLIC_PHASES).values("province_id"),
    ).order_by("path")


def honour_board(
    *,
    round: Round | int | None = None,
    title: str = "",
    province: Authority | int | None = None,
    query: str = "",
) -> QuerySet[Honour]:
    """The honours standing (not revoked) of the public rounds, in certificate-number order
    (title, then province), with what the board shows joined."""
    honours = Honour.objects.filter(
        round__phase__in=PUBLIC_PHASES, revoked_at__isnull=True
    ).select_related("round__authority", "province")
    if round is not None:
        honours = honours.filter(round=round)
    if title:
        honours = honours.filter(title=title)
    if province is not None:
        honours = honours.filter(province=province)
    query = (query or "").strip()
    if query:
        honours = honours.filter(
            Q(recipient__icontains=query)
            | Q(recipient_unit__icontains=query)
            | Q(number__iexact=query)
        )
    return honours.order_by("-round__start_year", "round__code", "number")


def honour_by_code(code: str) -> Honour | None:
    """The honour with this verification code, revoked or not, or None. Only the public
    rounds' honours are verifiable."""
    return (
        Honour.objects.filter(code=code, round__phase__in=PUBLIC_PHASES)
        .select_related("round__authority", "province")
        .first()
    )


def honour_list_for(user: User | AnonymousUser) -> QuerySet[Honour]:
    """The honours of the nominations `user` sees, with their round."""
    scope = scope_for(user)
    if scope.is_empty:
        return Honour.objects.none()
    return Honour.objects.filter(
        nominations_visible_q(scope, prefix="nomination__")
    ).select_related("round__authority", "province")


def round_documents_progress(round: Round) -> dict[str, Any]:
    """{"certificates": {render status: count}, "decision": render status or None}."""
    certificates = dict(
        Honour.objects.filter(round=round)
        .order_by()
        .values("render_status")
        .annotate(n=Count("pk"))
        .values_list("render_status", "n")
    )
    decision = (
        DecisionDocument.objects.filter(round=round).values_list("render_status", flat=True).first()
    )
    return {"certificates": certificates, "decision": decision}


def citable_honours(nomination: Nomination) -> QuerySet[Honour]:
    """The honours the nominee holds from other rounds that are decided (not revoked), which
    its dossier may cite: a province's own title in a later national nomination, say."""
    field = NOMINEE_FIELD[nomination.title]
    nominee_id = getattr(nomination, f"{field}_id")
    return (
        Honour.objects.filter(
            **{f"nomination__{field}_id": nominee_id},
            round__phase__in=PUBLIC_PHASES,
            revoked_at__isnull=True,
        )
        .exclude(round_id=nomination.round_id)
        .select_related("round__authority", "province")
        .order_by("-round__start_year", "number")
    )

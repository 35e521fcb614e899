"""Access helpers for awards: one per sensitive object; missing and not-yours are one 404.

- A nomination is seen by those who see its nominating authority (the port officer of its
  area, its province, the national office) and by the contact of the nominee's unit; it is
  changed (`edit=True`) by those who manage the nominating authority, and while it is a draft,
  also by the unit's contact, who prepares the dossier.
- Who nominates (DESIGN §6): the port officer of the area for ports, units and people; the
  provincial officer of the province, or the national office, for organizers. The nominator
  creates, submits and withdraws; a unit contact prepares the dossier but does not submit.
- Its evidence is read by those who see the nomination and by a reviewer assigned to score it.
- A province's recommendation list is opened by those who manage the province: its own
  officers work on it, the national office reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.models import Subject, SubjectUserObjectPermission
from awards.models import Nomination, NominationEvidence, Round, Title
from awards.selectors.nominations import nomination_list_for
from awards.selectors.recommendations import LIST_PHASES
from campaigns.models import Authority
from campaigns.scope import scope_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.scope import Scope

PORT_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY)
OFFICE_LEVELS = (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL)


def _nominator_levels(title: str) -> tuple[str, ...]:
    return OFFICE_LEVELS if title == Title.ADVANCED_ORGANIZER else PORT_LEVELS


def nominating_paths(scope: Scope, title: str) -> tuple[str, ...] | None:
    """The paths below which the user nominates for `title` (None: everywhere, a superuser)."""
    if scope.is_superuser:
        return None
    levels = _nominator_levels(title)
    return tuple(
        g.path for g in scope.grants if g.kind == "authority" and g.can_edit and g.level in levels
    )


def nominable_titles(scope: Scope) -> list[Title]:
    """The titles the user may nominate for anywhere, in the order of `Title`."""
    return [t for t in Title if nominating_paths(scope, t) != ()]


def may_nominate(scope: Scope, title: str, path: str) -> bool:
    """May nominate for `title` at the authority `path` (the nominee's, or for an organizer the
    province's or the organizer's own)."""
    paths = nominating_paths(scope, title)
    return paths is None or any(path.startswith(p) for p in paths)


def sees_nomination(scope: Scope, nomination: Nomination) -> bool:
    """Python twin of `nominations_visible_q` for one nomination (its authority loaded)."""
    return scope.sees_path(nomination.authority.path) or (
        nomination.unit_id is not None and nomination.unit_id in scope.view_unit_ids
    )


def may_edit_nomination(scope: Scope, nomination: Nomination) -> bool:
    if scope.edits_path(nomination.authority.path):
        return True
    return nomination.is_draft and nomination.unit_id in scope.edit_unit_ids


def may_submit_nomination(scope: Scope, nomination: Nomination) -> bool:
    return may_nominate(scope, nomination.title, nomination.authority.path)


def access_nomination(user: User, pk: int | str, *, edit: bool = False) -> Nomination:
    nomination = get_or_404(nomination_list_for(user), pk)
    if edit and not may_edit_nomination(scope_for(user), nomination):
        raise PermissionDenied
    return nomination


def is_assigned_reviewer(user: User | AnonymousUser, nomination: Nomination) -> bool:
    """Holds the scoring permission on a subject standing for `nomination`, on an active panel
    seat with an assignment (as `assessments.access.access_subject_to_score` asks)."""
    if not user.is_authenticated:
        return False
    granted = SubjectUserObjectPermission.objects.filter(
        user=user, permission__codename="score_subject"
    ).values("content_object_id")
    return Subject.objects.filter(
        content_type=ContentType.objects.get_for_model(Nomination),
        object_id=nomination.pk,
        pk__in=granted,
        review__panel__user=user,
        review__panel__is_active=True,
        assignments__member__user=user,
    ).exists()


def access_evidence(user: User, pk: int | str, *, edit: bool = False) -> NominationEvidence:
    """An evidence file of a nomination, for those who see the nomination or a reviewer
    assigned to score it; with `edit`, for those who may change the nomination's draft now
    (403 when they only see it)."""
    evidence = get_or_404(
        NominationEvidence.objects.select_related("nomination__authority", "nomination__round"),
        pk,
    )
    nomination = evidence.nomination
    scope = scope_for(user)
    if sees_nomination(scope, nomination):
        if edit and not may_edit_nomination(scope, nomination):
            raise PermissionDenied
        return evidence
    if not edit and is_assigned_reviewer(user, nomination):
        return evidence
    raise Http404


@dataclass(frozen=True)
class ListAccess:
    round: Round
    province: Authority
    may_edit: bool


def access_recommendation(user: User, round_pk: int | str, province_pk: int | str) -> ListAccess:
    """The round and province of a recommendation page the user may open, and whether they may
    change the list there; missing and not theirs are the same 404.

    Those who manage the province open it (its provincial officer, the national office); only
    the province's own officers work on it, the national office reads it."""
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404
    try:
        round = Round.objects.get(pk=round_pk, phase__in=LIST_PHASES)
        province = Authority.objects.get(pk=province_pk, level=Authority.Level.PROVINCIAL)
    except (Round.DoesNotExist, Authority.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not scope.edits_path(province.path):
        raise Http404
    return ListAccess(round, province, may_edit=not scope.is_national)


# --- a province's own rounds ------------------------------------------------------------------


def running_provinces(scope: Scope) -> list[str]:
    """The paths of the provinces whose own rounds the user runs: their provincial officers
    (who edit the province). The national office reads them, it does not run them."""
    return [
        g.path
        for g in scope.authority_grants()
        if g.can_edit and g.level == Authority.Level.PROVINCIAL
    ]


def sees_province_round(scope: Scope, province_path: str) -> bool:
    """A province's round is seen by its people (whoever sees the province or an authority
    below it) and by the national office; another province's people see nothing of it."""
    if scope.is_superuser or scope.is_national:
        return True
    return any(p.startswith(province_path) for p in scope.view_paths)


def access_province_round(user: User, pk: int | str, *, run: bool = False) -> Round:
    """A province's own round the user sees (`run=True`: runs); otherwise 404."""
    scope = scope_for(user)
    if scope.is_empty:
        raise Http404
    round = get_or_404(
        Round.objects.select_related("authority", "scheme").filter(
            authority__level=Authority.Level.PROVINCIAL
        ),
        pk=pk,
    )
    province = round.authority
    assert province is not None
    if not sees_province_round(scope, province.path):
        raise Http404
    if run and province.path not in running_provinces(scope):
        raise Http404
    return round

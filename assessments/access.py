"""Access helpers for assessments: one per sensitive object; missing and not-yours are one 404.

- A scheme: everyone in the hierarchy sees published national templates; an authority's own
  schemes are seen by those who see the authority and changed by those who manage it.
- A review: seen by those who see its authority; run (`manage=True`) by those who manage it.
- A subject to score: only a reviewer holding the guardian permission the assignment gave,
  on a panel seat that is still active; a conflicted or unassigned reviewer gets 404.
- An annual cycle and its subjects: the office of the cycle's authority sees them all and runs
  the cycle; a unit's contact and the port officers of its area see and self-assess its subject;
  an assigned reviewer also reads its evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from assessments.models import (
    Cycle,
    Evidence,
    Item,
    PanelMember,
    ScoreSheet,
    Subject,
    SubjectUserObjectPermission,
)
from assessments.selectors import review_list_for, scheme_list_for, subjects_visible_q
from campaigns.access import is_national_office
from campaigns.models import Authority
from campaigns.scope import scope_for
from civport.queries import count_subquery, get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from assessments.models import Review, Scheme
    from campaigns.scope import Grant, Scope

PORT_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY)
REVIEW_LEVELS = (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL)


def access_scheme(user: User, pk: int | str, *, edit: bool = False) -> Scheme:
    scheme = get_or_404(scheme_list_for(user), pk)
    if edit and not scope_for(user).edits_path(scheme.authority.path):
        raise PermissionDenied
    return scheme


def own_provinces(scope: Scope) -> list[Grant]:
    """The provincial authorities the user manages, from the grants already read (no query)."""
    return [
        g for g in scope.authority_grants() if g.level == Authority.Level.PROVINCIAL and g.can_edit
    ]


def changes_scheme(scope: Scope, scheme: Scheme) -> bool:
    """Manages the scheme's owner; a province's own version is changed by the province only
    (the national office answers its filing, on the filing's page)."""
    if scheme.derived_from_id and is_national_office(scope):
        return False
    return scope.edits_path(scheme.authority.path)


def access_scheme_to_change(user: User, pk: int | str) -> Scheme:
    """The scheme for a write: 404 out of scope, 403 when visible but not the user's."""
    scheme = access_scheme(user, pk, edit=True)
    if not changes_scheme(scope_for(user), scheme):
        raise PermissionDenied
    return scheme


def runs_reviews(scope: Scope) -> bool:
    """Whether the user manages a provincial or the national authority (no query: the scope
    holds the grants' levels)."""
    return scope.is_superuser or any(
        g.kind == "authority" and g.can_edit and g.level in REVIEW_LEVELS for g in scope.grants
    )


def access_review(user: User, pk: int | str, *, manage: bool = False) -> Review:
    review = get_or_404(review_list_for(user), pk)
    if manage and not scope_for(user).edits_path(review.authority.path):
        raise PermissionDenied
    return review


def access_panel_member(user: User, pk: int | str) -> PanelMember:
    """A panel seat, for the office that runs its review (404 for anyone who does not see the
    review, 403 for who sees it without running it)."""
    member = get_or_404(
        PanelMember.objects.select_related(
            "user", "unit__authority", "authority", "review__authority"
        ),
        pk,
    )
    access_review(user, member.review_id, manage=True)
    return member


def access_subject_to_score(user: User | AnonymousUser, pk: int | str) -> Subject:
    """The subject if `user` is assigned to score it (guardian permission), else 404."""
    if not user.is_authenticated:
        raise Http404
    granted = SubjectUserObjectPermission.objects.filter(
        user=user, permission__codename="score_subject"
    ).values("content_object_id")
    queryset = Subject.objects.select_related(
        "review__scheme", "review__authority", "review__cycle", "province", "authority", "unit"
    ).filter(
        pk__in=granted,
        review__panel__user=user,
        review__panel__is_active=True,
        assignments__member__user=user,
    )
    return get_or_404(queryset, pk)


def access_subject_for_office(user: User, pk: int | str, *, manage: bool = False) -> Subject:
    """A subject seen from the review's office (ranking, matrix, reopening)."""
    subject = get_or_404(
        Subject.objects.select_related(
            "review__scheme", "review__authority", "province", "authority", "unit"
        ),
        pk,
    )
    access_review(user, subject.review_id, manage=manage)
    return subject


def access_sheet_for_office(user: User, pk: int | str) -> ScoreSheet:
    """A score sheet, for the office that runs its review (reopening)."""
    sheet = get_or_404(
        ScoreSheet.objects.select_related("subject__review__authority", "reviewer"), pk
    )
    review = sheet.subject.review
    if not scope_for(user).sees_path(review.authority.path):
        raise Http404
    if not scope_for(user).edits_path(review.authority.path):
        raise PermissionDenied
    return sheet


# --- annual cycles: who may ----------------------------------------------------------------------------------


def sees_subject(scope: Scope, subject: Subject) -> bool:
    """Python twin of `subjects_visible_q` for one subject (its review and unit loaded)."""
    if scope.sees_path(subject.review.authority.path):
        return True
    unit = subject.unit
    if unit is None:
        return False
    return (
        scope.sees_path(unit.authority.path)
        or unit.pk in scope.view_unit_ids
        or unit.parent_id in scope.view_unit_ids
    )


def may_self_assess(scope: Scope, subject: Subject) -> bool:
    """The unit's contact, or a port officer whose area holds the unit."""
    unit = subject.unit
    if unit is None:
        return False
    if unit.pk in scope.edit_unit_ids or unit.parent_id in scope.edit_unit_ids:
        return True
    return any(
        g.kind == "authority"
        and g.can_edit
        and g.level in PORT_LEVELS
        and unit.authority.path.startswith(g.path)
        for g in scope.grants
    )


def may_run(scope: Scope, cycle: Cycle) -> bool:
    return scope.edits_path(cycle.review.authority.path)


# --- annual cycles: access helpers ---------------------------------------------------------------------------


def access_cycle(user: User, pk: int | str, *, manage: bool = False) -> Cycle:
    """The cycle with `is_office` (the user sees the whole cycle); 404 when the user sees none
    of it, 403 when `manage` is asked of someone who only sees it."""
    scope = scope_for(user)
    cycle = get_or_404(
        Cycle.objects.select_related("review__authority", "review__scheme").annotate(
            n_items=count_subquery(Item.objects.filter(scheme=OuterRef("review__scheme"))),
            sees_some=Exists(
                Subject.objects.filter(subjects_visible_q(scope), review=OuterRef("review"))
            ),
        ),
        pk,
    )
    cycle.is_office = scope.sees_path(cycle.review.authority.path)  # type: ignore[attr-defined]
    if not (cycle.is_office or cycle.sees_some):  # type: ignore[attr-defined]
        raise Http404
    if manage and not may_run(scope, cycle):
        raise PermissionDenied
    return cycle


SUBJECT_RELATED = ("review__authority", "review__scheme", "review__cycle", "authority", "unit")


def access_cycle_subject(user: User, pk: int | str) -> Subject:
    """A cycle's subject the user sees, with `may_edit` (self-assessment open and theirs)."""
    scope = scope_for(user)
    subject = get_or_404(
        Subject.objects.select_related(*SUBJECT_RELATED, "unit__authority").filter(
            review__cycle__isnull=False
        ),
        pk,
    )
    if not sees_subject(scope, subject) and not may_self_assess(scope, subject):
        raise Http404
    subject.cycle = subject.review.cycle  # type: ignore[attr-defined]
    subject.may_edit = subject.cycle.status == Cycle.Status.SELF_ASSESSMENT and may_self_assess(  # type: ignore[attr-defined]
        scope, subject
    )
    return subject


def access_subject_result(user: User, pk: int | str) -> Subject:
    subject = access_cycle_subject(user, pk)
    if subject.published_at is None:
        raise Http404
    return subject


def access_evidence(user: User, pk: int | str, *, edit: bool = False) -> Evidence:
    """An evidence file for someone who sees its subject, or a reviewer assigned to score it;
    with `edit`, for those who may change the self-assessment now."""
    evidence = get_or_404(
        Evidence.objects.select_related(
            *(f"self_assessment__subject__{r}" for r in SUBJECT_RELATED),
            "self_assessment__subject__unit__authority",
            "self_assessment__item",
        ),
        pk,
    )
    subject = evidence.self_assessment.subject
    scope = scope_for(user)
    if edit:
        if may_self_assess(scope, subject):
            return evidence
        if sees_subject(scope, subject):
            raise PermissionDenied
        raise Http404
    if sees_subject(scope, subject) or may_self_assess(scope, subject):
        return evidence
    access_subject_to_score(user, subject.pk)  # 404 unless assigned
    return evidence

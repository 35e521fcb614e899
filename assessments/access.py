"""Access helpers for assessments: one per sensitive object; missing and not-yours are one 404.

- A scheme: everyone in the hierarchy sees published national templates; an authority's own
  schemes are seen by those who see the authority and changed by those who manage it.
- A review: seen by those who see its authority; run (`manage=True`) by those who manage it.
- A subject to score: only a reviewer holding the guardian permission the assignment gave,
  on a panel seat that is still active; a conflicted or unassigned reviewer gets 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.models import ScoreSheet, Subject, SubjectUserObjectPermission
from assessments.selectors import review_list_for, scheme_list_for
from campaigns.scope import scope_for


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_scheme(user, pk, *, edit=False):
    scheme = _get_or_404(scheme_list_for(user), pk)
    if edit and not scope_for(user).edits_path(scheme.authority.path):
        raise PermissionDenied
    return scheme


def access_review(user, pk, *, manage=False):
    review = _get_or_404(review_list_for(user), pk)
    if manage and not scope_for(user).edits_path(review.authority.path):
        raise PermissionDenied
    return review


def access_subject_to_score(user, pk):
    """The subject if `user` is assigned to score it (guardian permission), else 404."""
    granted = SubjectUserObjectPermission.objects.filter(
        user=user, permission__codename="score_subject"
    ).values("content_object_id")
    queryset = Subject.objects.select_related(
        "review__scheme", "review__authority", "province", "authority", "unit"
    ).filter(
        pk__in=granted,
        review__panel__user=user,
        review__panel__is_active=True,
        assignments__member__user=user,
    )
    return _get_or_404(queryset, pk)


def access_subject_for_office(user, pk, *, manage=False):
    """A subject seen from the review's office (ranking, matrix, reopening)."""
    subject = _get_or_404(
        Subject.objects.select_related(
            "review__scheme", "review__authority", "province", "authority", "unit"
        ),
        pk,
    )
    access_review(user, subject.review_id, manage=manage)
    return subject


def access_sheet_for_office(user, pk):
    """A score sheet, for the office that runs its review (reopening)."""
    sheet = _get_or_404(
        ScoreSheet.objects.select_related("subject__review__authority", "reviewer"), pk
    )
    review = sheet.subject.review
    if not scope_for(user).sees_path(review.authority.path):
        raise Http404
    if not scope_for(user).edits_path(review.authority.path):
        raise PermissionDenied
    return sheet

"""Access to filings, their files and consultations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigns.models import (
    PATH_SEPARATOR,
    Consultation,
    Filing,
    FilingAttachment,
    Unit,
)
from campaigns.scope import scope_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from campaigns.scope import Scope
from campaigns.selectors.filings import consultation_list_for, filing_list_for


def is_national_office(scope: Scope) -> bool:
    """Edits at the root of the hierarchy: answers filings."""
    return scope.is_superuser or any(p.count(PATH_SEPARATOR) == 1 for p in scope.edit_paths)


def can_file(scope: Scope, province_path: str) -> bool:
    """Files the province's documents: its provincial officers. The national office answers
    filings and does not file them itself."""
    return scope.edits_path(province_path) and not is_national_office(scope)


def can_answer_consultation(scope: Scope, consultation: Consultation) -> bool:
    return scope.edits_path(consultation.authority.path)


def can_ask_for(scope: Scope, unit: Unit) -> bool:
    return unit.pk in scope.edit_unit_ids or scope.edits_path(unit.authority.path)


def access_filing(user: User, pk: int | str, *, edit: bool = False, answer: bool = False) -> Filing:
    """The filing if the user sees it, else 404. With `edit`, only for those who file it;
    with `answer`, only for the national office: 403 when seen but not allowed."""
    filing = get_or_404(filing_list_for(user), pk)
    scope = scope_for(user)
    if edit and not can_file(scope, filing.authority.path):
        raise PermissionDenied
    if answer and not is_national_office(scope):
        raise PermissionDenied
    return filing


def access_filing_attachment(user: User, pk: int | str) -> FilingAttachment:
    """An attachment of a filing the user sees, else 404. Files of the working set are the
    province's own until submitted: others only get the files of a submitted version."""
    attachment = get_or_404(
        FilingAttachment.objects.filter(
            filing__in=Filing.objects.filter(scope_for(user).paths_q("authority__path"))
        ).select_related("filing__authority"),
        pk,
    )
    if not can_file(scope_for(user), attachment.filing.authority.path) and (
        not attachment.versions.exists()
    ):
        raise Http404
    return attachment


def access_consultation(user: User, pk: int | str, *, answer: bool = False) -> Consultation:
    """The consultation if the user sees it, else 404; with `answer`, 403 unless the user's
    office answers it."""
    consultation = get_or_404(consultation_list_for(user), pk)
    if answer and not can_answer_consultation(scope_for(user), consultation):
        raise PermissionDenied
    return consultation

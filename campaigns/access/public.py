"""Access to the public's feedback and the surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from campaigns.models import (
    Feedback,
    Survey,
)
from campaigns.scope import scope_for
from civport.queries import get_or_404

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from campaigns.scope import Scope

from campaigns.selectors.public import (
    HANDLING_LEVELS,
    _handling_grants,
    feedback_list_for,
    ports_handled_by,
)


def handles_path(scope: Scope, path: str) -> bool:
    """May the user handle feedback and surveys of a port owned by the authority at `path`?"""
    for grant in _handling_grants(scope):
        if grant.level in HANDLING_LEVELS and path.startswith(grant.path):
            return True
        if grant.path == path:
            return True
    return False


def sees_contact(scope: Scope, item: Feedback) -> bool:
    """A visitor's contact is personal information: whole for the officers of the port's own
    authority, masked for everyone else (who may reveal it, audited)."""
    path = item.port.authority.path
    return any(g.kind == "authority" and g.path == path for g in scope.grants)


def can_handle_any(user: User | AnonymousUser) -> bool:
    """Does the user handle any port? Without a port-level grant this costs one query (a
    provincial authority may own ports directly)."""
    grants = _handling_grants(scope_for(user))
    if any(g.level in HANDLING_LEVELS for g in grants):
        return True
    return bool(grants) and ports_handled_by(user).exists()


def access_feedback(user: User, pk: int | str, *, edit: bool = False) -> Feedback:
    """A feedback item the user may see (404 otherwise); with `edit`, handle (403 otherwise)."""
    item = get_or_404(feedback_list_for(user), pk)
    if edit and not handles_path(scope_for(user), item.port.authority.path):
        raise PermissionDenied
    return item


def access_survey(user: User, pk: int | str, *, edit: bool = False) -> Survey:
    """A survey the user may see (404 otherwise); with `edit`, manage (403 otherwise)."""
    survey = get_or_404(
        Survey.objects.filter(scope_for(user).paths_q("port__authority__path")).select_related(
            "port", "port__authority"
        ),
        pk,
    )
    if edit and not handles_path(scope_for(user), survey.port.authority.path):
        raise PermissionDenied
    return survey

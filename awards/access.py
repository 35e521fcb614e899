"""Access helpers for awards: one per sensitive object; missing and not-yours are one 404.

- A nomination is seen by those who see its nominating authority (the port officer of its
  area, its province, the national office) and by the contact of the nominee's unit; it is
  changed (`edit=True`) by those who manage the nominating authority, and while it is a draft,
  also by the unit's contact, who prepares the dossier.
- Its evidence is read by those who see the nomination and by a reviewer assigned to score it.
"""

from django.core.exceptions import PermissionDenied

from awards.selectors.nominations import nomination_list_for
from campaigns.scope import scope_for
from civport.queries import get_or_404


def may_edit_nomination(scope, nomination):
    if scope.edits_path(nomination.authority.path):
        return True
    return nomination.is_draft and nomination.unit_id in scope.edit_unit_ids


def access_nomination(user, pk, *, edit=False):
    nomination = get_or_404(nomination_list_for(user), pk)
    if edit and not may_edit_nomination(scope_for(user), nomination):
        raise PermissionDenied
    return nomination

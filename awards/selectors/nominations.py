"""Reads of nominations, scoped to the user."""

from django.db.models import Q

from awards.models import Nomination
from campaigns.scope import scope_for


def nominations_visible_q(scope, prefix=""):
    """Nominations whose nominating authority the user sees, or of the unit they are contact of."""
    q = scope.paths_q(f"{prefix}authority__path")
    if scope.view_unit_ids and not scope.is_superuser:
        q |= Q(**{f"{prefix}unit_id__in": scope.view_unit_ids})
    return q


def nomination_list_for(user):
    scope = scope_for(user)
    if scope.is_empty:
        return Nomination.objects.none()
    return Nomination.objects.filter(nominations_visible_q(scope)).select_related(
        "round", "authority", "province", "port", "unit", "person", "organizer"
    )

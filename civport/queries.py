"""Small query helpers shared by every app."""

from typing import Any, TypeVar

from django.db.models import F, Func, IntegerField, Model, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

_M = TypeVar("_M", bound=Model)


def count_subquery(queryset: QuerySet[Any]) -> Coalesce:
    """A scalar subquery counting `queryset`'s rows (0 when it has none), for an annotation
    that keeps a list at one query whatever its length."""
    counted = queryset.order_by().values(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def get_or_404(queryset: QuerySet[_M], pk: object) -> _M:
    """The row `pk` of a (scoped) queryset, or 404: a missing row, a row outside the user's scope
    and a malformed id all look the same."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None

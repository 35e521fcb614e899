"""Small query expressions shared by every app."""

from django.db.models import F, Func, IntegerField, Subquery
from django.db.models.functions import Coalesce


def count_subquery(queryset):
    """A scalar subquery counting `queryset`'s rows (0 when it has none), for an annotation
    that keeps a list at one query whatever its length."""
    counted = queryset.order_by().values(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

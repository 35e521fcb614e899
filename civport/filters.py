"""The base of every list's FilterSet (django-filter): the portal's widget classes on its form,
the empty choice, and a checkbox filter."""

import django_filters
from django import forms

from civport.forms import style_widgets

EMPTY = ("", "---------")


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form has the portal's widget classes (`style_widgets`), once."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            style_widgets(super().form)
        return self._form


class CheckFilter(django_filters.Filter):
    """A checkbox: checked or not set (django-filter's BooleanFilter is a yes/no/any select)."""

    field_class = forms.BooleanField

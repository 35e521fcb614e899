"""Spreadsheet cells every app's sheets share (django-import-export): text that a spreadsheet
would run as a formula made inert, and a choice cell read from its value, its label in either
language or a common alias."""

import re

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def label_key(text):
    """A label compared as typed: spaces folded, case ignored."""
    return re.sub(r"\s+", " ", str(text).strip()).casefold()


class ChoiceWidget(widgets.Widget):
    """A choice cell: accepts the stored value, the English label, the Chinese label and the
    aliases officials commonly write; exports the Chinese label (`aliases[value][0]`)."""

    def __init__(self, choices, aliases, *, blank_value=None):
        super().__init__()
        self.choices = choices
        self.aliases = aliases
        self.blank_value = blank_value
        self._lookup = None

    def lookup(self):
        if self._lookup is None:
            table = {}
            for value, label in self.choices.choices:
                table[label_key(value)] = value
                for language in ("en", "zh-hans"):
                    with translation.override(language):
                        table[label_key(label)] = value
                for alias in self.aliases.get(value, ()):
                    table[label_key(alias)] = value
            self._lookup = table
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.blank_value is None:
                raise ValueError(_("This column cannot be blank."))
            return self.blank_value
        try:
            return self.lookup()[label_key(text)]
        except KeyError:
            allowed = "、".join(self.aliases[v][0] for v in self.choices.values)
            raise ValueError(
                _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return self.aliases.get(value, (value,))[0]

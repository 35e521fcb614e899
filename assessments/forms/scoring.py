"""Forms for the scoring screens: the score sheet, a declared conflict.

The score sheet form only checks the shape of what was typed (a number or nothing); ranges,
vetoes without a reason and missing items are the sheet service's to refuse, with messages that
name the item. Its field names are the service's (`points_<item id>` …), so the service's errors
land on the fields they are about.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.services.sheets import (
    SheetInput,
    note_field,
    parse_points,
    points_field,
    veto_field,
    veto_reason_field,
)
from civport.forms import style_widgets


def _points_text(value):
    return "" if value is None else f"{value:f}"


class ScoreSheetForm(forms.Form):
    """One reviewer's sheet: points and a note per item, vetoes with reasons, a comment.

    `items` and `conditions` are the scheme's, read by the view; `disabled` shows a submitted
    sheet or a closed review read-only.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, items, conditions, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.conditions = conditions
        self.bonus_errors = []
        for item in items:
            self.fields[points_field(item.pk)] = forms.CharField(
                label=_("Points for item %(code)s") % {"code": item.code},
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.01",
                        "min": "0",
                        "max": _points_text(item.max_points),
                        "inputmode": "decimal",
                        "data-kind": item.kind,
                        "data-coefficient": _points_text(item.coefficient),
                        "aria-describedby": f"item-{item.pk}-text",
                    }
                ),
            )
            self.fields[note_field(item.pk)] = forms.CharField(
                label=_("Note on item %(code)s") % {"code": item.code},
                required=False,
                max_length=500,
                widget=forms.TextInput,
            )
        for condition in conditions:
            self.fields[veto_field(condition.pk)] = forms.BooleanField(
                label=_("Veto condition %(code)s is met") % {"code": condition.code},
                required=False,
            )
            self.fields[veto_reason_field(condition.pk)] = forms.CharField(
                label=_("Reason for veto %(code)s") % {"code": condition.code},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("overall comment"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        for field in self.fields.values():
            field.disabled = disabled
        style_widgets(self)

    @classmethod
    def initial_from(cls, sheet, scores, marks):
        """The stored sheet as the form's values (a new sheet is revision 0)."""
        initial = {
            "revision": sheet.revision if sheet else 0,
            "comment": sheet.comment if sheet else "",
        }
        for score in scores:
            initial[points_field(score.item_id)] = _points_text(score.points)
            initial[note_field(score.item_id)] = score.note
        for mark in marks:
            initial[veto_field(mark.condition_id)] = True
            initial[veto_reason_field(mark.condition_id)] = mark.reason
        return initial

    @staticmethod
    def as_data(initial):
        """Initial values as submitted data (for checking the stored sheet on its submission)."""
        return {
            name: ("on" if value is True else value)
            for name, value in initial.items()
            if value is not False
        }

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            name = points_field(item.pk)
            if name not in cleaned:
                continue
            try:
                cleaned[name] = parse_points(cleaned[name])
            except ValueError:
                self.add_error(
                    name, _("Item %(code)s: enter a number, such as 3.5.") % {"code": item.code}
                )
        return cleaned

    def entered_points(self):
        """{item id: Decimal} for every number typed within the item's range (for the running
        total shown beside a refused form)."""
        points = {}
        for item in self.items:
            raw = self.data.get(points_field(item.pk)) if self.is_bound else None
            try:
                value = parse_points(raw)
            except ValueError:
                continue
            if value is not None and 0 <= value <= item.max_points:
                points[item.pk] = value
        return points

    def sheet_input(self):
        data = self.cleaned_data
        return SheetInput(
            points={item.pk: data.get(points_field(item.pk)) for item in self.items},
            notes={item.pk: data.get(note_field(item.pk), "").strip() for item in self.items},
            vetoes={
                c.pk: data.get(veto_reason_field(c.pk), "").strip()
                for c in self.conditions
                if data.get(veto_field(c.pk))
            },
            comment=data.get("comment", "").strip(),
        )

    def apply_service_errors(self, error):
        """Put the sheet service's errors on the fields they name; the bonus cap is shown both
        with the bonus items and in the summary."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if name == "bonus":
                self.bonus_errors.extend(ValidationError(errors).messages)
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            self.add_error(target, ValidationError(errors))

    def focus_first_error(self):
        """Put the cursor in the first field to fix when the refused page comes back."""
        for name in self.fields:
            if name in self.errors and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs["autofocus"] = True
                return

    def error_summary(self):
        """Every error once, with the id of the field to jump to (None for the whole sheet)."""
        summary = [(None, message) for message in self.non_field_errors()]
        for name in self.fields:
            if name in self.errors:
                summary += [(self[name].id_for_label, message) for message in self.errors[name]]
        return summary


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For example: you worked at the unit, advised it, or are related to someone there."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

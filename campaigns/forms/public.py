"""Forms for public feedback and satisfaction surveys: the public's feedback and answer forms,
the office's handling forms and the survey builder. They check the shape of the input; the
services clean the text and enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Feedback, Survey
from campaigns.models.public import SCALE_MAX, SCALE_MIN
from campaigns.services.public import FEEDBACK_TEXT_MAX, INVITATIONS_MAX
from civport.forms import DateInput, freeze_choices, style_widgets

DEFAULT_GROUPS = (_("Enterprises"), _("Travellers"))
DEFAULT_DIMENSIONS = (
    _("Service attitude"),
    _("Work efficiency"),
    _("Fees and charges"),
    _("Openness"),
    _("Coordination and cooperation"),
    _("Integrity and self-discipline"),
)
SCALE_RANGE = range(SCALE_MIN, SCALE_MAX + 1)
SCORE_LABELS = {
    1: _("1 · very dissatisfied"),
    2: _("2 · dissatisfied"),
    3: _("3 · neutral"),
    4: _("4 · satisfied"),
    5: _("5 · very satisfied"),
}


def _style(form):
    style_widgets(form)
    # style_widgets knows selects, checkboxes and text; radio buttons are check inputs too.
    for field in form.fields.values():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            field.widget.attrs["class"] = "form-check-input"
    return form


class _StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def full_clean(self):
        super().full_clean()
        _style(self)


# --- public feedback --------------------------------------------------------------------------


class FeedbackForm(_StyledForm):
    kind = forms.ChoiceField(
        label=_("kind"), choices=Feedback.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Your suggestion or complaint"),
        max_length=FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text only; please do not include other people's personal details."),
    )
    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=50,
        required=False,
        help_text=_("Leave empty to stay anonymous."),
    )
    contact = forms.CharField(
        label=_("Telephone or e-mail (optional)"),
        max_length=100,
        required=False,
        help_text=_("Only the port authority sees it, to reach you about this item."),
    )


class TrackingCodeForm(_StyledForm):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# --- office: feedback -------------------------------------------------------------------------


class FeedbackAnswerForm(_StyledForm):
    answer = forms.CharField(
        label=_("answer"),
        max_length=FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The submitter sees this answer on the tracking page."),
    )


class FeedbackCloseForm(_StyledForm):
    reason = forms.CharField(
        label=_("reason for closing"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the submitter; needed when the item was not answered."),
    )


# --- office: surveys --------------------------------------------------------------------------


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SurveyForm(_StyledForm):
    port = forms.ModelChoiceField(label=_("port"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=150)
    introduction = forms.CharField(
        label=_("introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to respondents above the questions."),
    )
    period_start = forms.DateField(label=_("answers from"), widget=DateInput())
    period_end = forms.DateField(label=_("answers until"), widget=DateInput())
    mode = forms.ChoiceField(
        label=_("answer mode"), choices=Survey.Mode.choices, widget=forms.RadioSelect
    )
    groups = forms.CharField(
        label=_("respondent groups"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One group per line, e.g. enterprises, travellers."),
    )
    dimensions = forms.CharField(
        label=_("dimensions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One dimension per line; every agency is rated on each, from 1 to 5."),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("agencies rated"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, ports, agencies, survey=None, structure=None, **kwargs):
        """`survey` and its `structure` (groups, dimensions, agencies) when editing."""
        if survey is not None and "initial" not in kwargs:
            groups, dimensions, rated = structure
            kwargs["initial"] = {
                "port": survey.port_id,
                "title": survey.title,
                "introduction": survey.introduction,
                "period_start": survey.period_start,
                "period_end": survey.period_end,
                "mode": survey.mode,
                "groups": "\n".join(g.name for g in groups),
                "dimensions": "\n".join(d.name for d in dimensions),
                "agencies": [a.pk for a in rated],
            }
        super().__init__(*args, **kwargs)
        self.initial.setdefault("groups", "\n".join(str(g) for g in DEFAULT_GROUPS))
        self.initial.setdefault("dimensions", "\n".join(str(d) for d in DEFAULT_DIMENSIONS))
        self.initial.setdefault("mode", Survey.Mode.OPEN_LINK)
        self.fields["port"].queryset = ports
        self.fields["agencies"].queryset = agencies
        if survey is not None:
            # The port of a survey stays; the service never changes it.
            self.fields["port"].disabled = True
        freeze_choices(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must not end before it starts."))
        return data

    def service_data(self):
        data = dict(self.cleaned_data)
        data["groups"] = _lines(data["groups"])
        data["dimensions"] = _lines(data["dimensions"])
        data["agencies"] = list(data["agencies"])
        return data


class InvitationsForm(_StyledForm):
    count = forms.IntegerField(
        label=_("number of invitations"), min_value=1, max_value=INVITATIONS_MAX, initial=20
    )


# --- public: answering a survey ---------------------------------------------------------------


def score_field_name(agency, dimension):
    return f"r_{agency.pk}_{dimension.pk}"


class SurveyAnswerForm(_StyledForm):
    """A respondent group, one optional 1–5 score per agency × dimension, and a comment."""

    comment = forms.CharField(
        label=_("Comments or suggestions (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, groups, dimensions, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"] = forms.TypedChoiceField(
            label=_("You are answering as"),
            choices=[(g.pk, g.name) for g in groups],
            coerce=int,
            widget=forms.RadioSelect,
        )
        self.order_fields(["group"])
        self.groups = {g.pk: g for g in groups}
        choices = [("", _("not rated")), *((s, SCORE_LABELS[s]) for s in SCALE_RANGE)]
        self.grid = []
        for agency in agencies:
            row = {"agency": agency, "cells": []}
            for dimension in dimensions:
                name = score_field_name(agency, dimension)
                self.fields[name] = forms.TypedChoiceField(
                    label=_("%(agency)s: %(dimension)s")
                    % {"agency": agency.name, "dimension": dimension.name},
                    choices=choices,
                    coerce=int,
                    required=False,
                    empty_value=None,
                )
                row["cells"].append({"dimension": dimension, "name": name})
            self.grid.append(row)
        _style(self)
        for row in self.grid:
            for cell in row["cells"]:
                cell["field"] = self[cell["name"]]

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            data.get(cell["name"]) for row in self.grid for cell in row["cells"]
        ):
            raise forms.ValidationError(_("Please rate at least one agency on one dimension."))
        return data

    def service_data(self):
        data = self.cleaned_data
        return {
            "group": self.groups[data["group"]],
            "scores": {
                (row["agency"].pk, cell["dimension"].pk): data.get(cell["name"])
                for row in self.grid
                for cell in row["cells"]
            },
            "comment": data.get("comment", ""),
        }

"""Forms of the province's recommendation list. A plain form: per nomination a box to choose it
and a number for its place, so the list is made without JavaScript; the service decides what
may go on it."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination, Title
from awards.services.recommendations import OPINION_MAX
from civport.forms import style_widgets

MAX_POSITION = 99


def chosen_field(pk):
    return f"chosen_{pk}"


def position_field(pk):
    return f"position_{pk}"


class RecommendationForm(forms.Form):
    """Built from the page's `sections` (`recommendation_sections`): a nomination still
    submitted gets its two fields, the others are shown only. Errors the service keys by title
    are kept per title (`title_errors`) to be shown with that title's table."""

    opinion = forms.CharField(
        label=_("The province's opinion"),
        required=False,
        max_length=OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required to submit; given as the province's opinion on every nomination on the list."
        ),
    )

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        self.title_errors = {}
        for section in sections:
            for ranked in section.rows:
                nomination = ranked.nomination
                if nomination.status != Nomination.Status.SUBMITTED:
                    continue
                self.fields[chosen_field(nomination.pk)] = forms.BooleanField(
                    label=_("Recommend %(name)s") % {"name": nomination.nominee_name},
                    required=False,
                    initial=ranked.position is not None,
                )
                self.fields[position_field(nomination.pk)] = forms.IntegerField(
                    label=_("Place of %(name)s") % {"name": nomination.nominee_name},
                    required=False,
                    min_value=1,
                    max_value=MAX_POSITION,
                    initial=ranked.position,
                    widget=forms.NumberInput(attrs={"class": "position-input"}),
                )
        # A bound form is styled once cleaned, with its errors marked.
        if not self.is_bound:
            style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def choices(self):
        """{title: [nomination ids]}: the ticked nominations ordered by the places entered;
        those without a place follow, in ranking order."""
        data = self.cleaned_data
        result = {}
        for section in self.sections:
            picked = []
            for order, ranked in enumerate(section.rows):
                pk = ranked.nomination.pk
                if data.get(chosen_field(pk)):
                    place = data.get(position_field(pk))
                    picked.append((place is None, place or 0, order, pk))
            result[section.title] = [pk for *_key, pk in sorted(picked)]
        return result

    def rows(self):
        """The sections with, per row, its bound fields (None for a nomination shown only) and
        each title's errors, for the template."""
        return [
            {
                "section": section,
                "errors": self.title_errors.get(section.title, []),
                "rows": [
                    {
                        "ranked": ranked,
                        "chosen": self._bound(chosen_field(ranked.nomination.pk)),
                        "position": self._bound(position_field(ranked.nomination.pk)),
                    }
                    for ranked in section.rows
                ],
            }
            for section in self.sections
        ]

    def _bound(self, name):
        return self[name] if name in self.fields else None

    def apply_service_errors(self, error):
        """Errors keyed by title go with that title's table (and the summary); the opinion's
        with its field; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if name in Title.values:
                self.title_errors.setdefault(name, []).extend(ValidationError(errors).messages)
                continue
            target = name if name in self.fields and name != NON_FIELD_ERRORS else None
            self.add_error(target, ValidationError(errors))

    def error_summary(self):
        """Every message once, for the summary above the form."""
        summary = list(self.non_field_errors())
        for section in self.sections:
            summary += self.title_errors.get(section.title, [])
        for name in self.fields:
            if name in self.errors and name != NON_FIELD_ERRORS:
                summary += [f"{self.fields[name].label}: {m}" for m in self.errors[name]]
        return summary


class RecommendationSubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the list and the opinion; submit them and lock the list"),
        error_messages={"required": _("Tick the box to confirm the submission.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

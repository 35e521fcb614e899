"""Forms of the office's review screens. They check the input's shape and receive their scope
(the review, the panel seats on offer, the filter choices) from the view; the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessments.models import Review
from assessments.services.reviews import MAX_REVIEWERS_PER_SUBJECT
from civport.forms import DateInput, freeze_choices, style_widgets
from civport.people import display_name

# The phase a review may move to from each phase. Closing stops scoring; a closed review can be
# opened again (a reopened sheet needs an open review to be rescored).
NEXT_PHASES = {
    Review.Phase.PREPARING: (Review.Phase.OPEN,),
    Review.Phase.OPEN: (Review.Phase.CLOSED,),
    Review.Phase.CLOSED: (Review.Phase.OPEN,),
}


class ReviewPhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("new phase"), widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have checked the consequences and want to change the phase"),
        error_messages={"required": _("Tick the box to confirm the change of phase.")},
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = [
            (phase, Review.Phase(phase).label) for phase in NEXT_PHASES[review.phase]
        ]
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


def member_name(member):
    """A panel member as the office knows them (`members` select their user)."""
    return display_name(member.user)


class AssignmentAddForm(forms.Form):
    """Pick a panel member for a subject. Members with a conflict of interest stay on offer,
    labelled by `label`, so the office sees the reason the service gives when it refuses them."""

    member = forms.ModelChoiceField(label=_("reviewer"), queryset=None, empty_label=None)

    def __init__(self, *args, members, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members
        field.label_from_instance = label or member_name
        # Read the choices now (one query), so rendering runs none.
        freeze_choices(self)
        style_widgets(self)


class SheetReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for reopening"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The reviewer and the audit log see this reason."),
        error_messages={"required": _("Give the reason for reopening the sheet.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


# --- creating a review and managing its panel -------------------------------------------------


def scheme_label(scheme):
    """A scheme in a choice list, with its owner (`schemes` select their authority)."""
    return _("%(scheme)s (%(authority)s)") % {"scheme": scheme, "authority": scheme.authority.name}


class ReviewCreateForm(forms.Form):
    """A new review. `authorities` are those the user runs reviews for; `schemes` the published
    schemes any of them may use. Which scheme fits which authority is the service's check."""

    name = forms.CharField(label=_("name"), max_length=120)
    round_key = forms.CharField(
        label=_("round"),
        max_length=60,
        help_text=_("What the review belongs to, such as 2025-2026; one review per round."),
    )
    authority = forms.ModelChoiceField(label=_("authority"), queryset=None)
    scheme = forms.ModelChoiceField(
        label=_("scheme"),
        queryset=None,
        help_text=_(
            "Published schemes only: the national templates and your province's own versions."
        ),
    )
    reviewers_per_subject = forms.IntegerField(
        label=_("reviewers per subject"),
        min_value=1,
        max_value=MAX_REVIEWERS_PER_SUBJECT,
        initial=5,
    )
    due_on = forms.DateField(label=_("due on"), required=False, widget=DateInput())

    def __init__(self, *args, authorities, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["scheme"].queryset = schemes
        self.fields["scheme"].label_from_instance = scheme_label
        freeze_choices(self)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class PanelUnitOwnerForm(forms.Form):
    """A small GET form: the authority whose units the panel forms offer, when the review's
    authority has too many units to list them all."""

    owner = forms.ModelChoiceField(label=_("authority of the listed units"), queryset=None)

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = authorities
        freeze_choices(self)
        style_widgets(self)


class PanelMemberWhereForm(forms.Form):
    """Where a reviewer works, for the conflict-of-interest rule. `units` is the list on offer
    (the review's units, or one authority's when there are many); on a POST it is the whole
    review's, so any unit within the review validates."""

    unit = forms.ModelChoiceField(
        label=_("own unit"),
        queryset=None,
        required=False,
        help_text=_("The reviewer cannot score this unit."),
    )
    authority = forms.ModelChoiceField(
        label=_("own authority"),
        queryset=None,
        required=False,
        help_text=_("The reviewer cannot score any subject of this authority."),
    )

    def __init__(self, *args, units, authorities, units_help=None, unit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if unit_label is not None:
            self.fields["unit"].label_from_instance = unit_label
        self.fields["authority"].queryset = authorities
        if units_help:
            self.fields["unit"].help_text = units_help
        if not self.is_bound:
            # Read the choices now (one query each), so rendering runs none.
            freeze_choices(self)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class PanelMemberAddForm(PanelMemberWhereForm):
    """A reviewer is added by username: the office does not see the whole list of accounts."""

    username = forms.CharField(label=_("username"), max_length=150)
    field_order = ["username", "unit", "authority"]

    def __init__(self, *args, review, **kwargs):
        self.review = review
        super().__init__(*args, **kwargs)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _(
                    "No active account has the username “%(username)s”. Check the spelling; a "
                    "new reviewer's account is created by their office's account manager."
                ),
                params={"username": username},
            )
        if self.review.panel.filter(user=user).exists():
            raise forms.ValidationError(
                _("%(username)s is on the panel already."), params={"username": username}
            )
        self.user = user
        return username


class SubjectsAddForm(forms.Form):
    """Units of the review's area to put up for scoring (a review the office made itself)."""

    units = forms.ModelMultipleChoiceField(
        label=_("units"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The participating units of the area not yet in the review."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        style_widgets(self)

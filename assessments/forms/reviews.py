"""Forms of the office's review screens. They check the input's shape and receive their scope
(the review, the panel seats on offer, the filter choices) from the view; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.dossiers import category_label
from assessments.models import Review
from campaigns.forms import freeze_choices, style_widgets

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
    return member.user.get_full_name() or member.user.get_username()


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


class RankingFilterForm(forms.Form):
    """The ranking's filters; choices come from the review's own subjects."""

    category = forms.ChoiceField(label=_("category"), required=False)
    province = forms.TypedChoiceField(
        label=_("province"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, categories, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("all categories"))] + [
            (c, category_label(c)) for c in categories
        ]
        self.fields["province"].choices = [("", _("all provinces"))] + [
            (str(pk), name) for pk, name in provinces
        ]
        style_widgets(self)

    def filters(self):
        """The valid filters as keyword arguments; an invalid choice filters nothing."""
        if not self.is_valid():
            return {"category": "", "province": None}
        return {
            "category": self.cleaned_data["category"],
            "province": self.cleaned_data["province"],
        }

"""Forms of the public notice: the public's objection form and the office's resolution form.
They check the shape of the input; the services clean the text and enforce the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.services.notice import (
    NAME_MAX,
    ORGANISATION_MAX,
    PHONE_MAX,
    RESOLUTION_MAX,
    TEXT_MAX,
    TEXT_MIN,
    phone_problem,
)
from civport.forms import style_widgets


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # What the public list shows of the candidate, nothing more.
        return _("%(name)s · %(title)s · %(province)s") % {
            "name": obj.nominee_name,
            "title": obj.get_title_display(),
            "province": obj.province.name,
        }


class ObjectionForm(forms.Form):
    """`candidates`: the open notice's candidates (a queryset with the province joined)."""

    nomination = CandidateChoiceField(
        label=_("Candidate your objection concerns"),
        queryset=None,
        empty_label=_("Choose a candidate"),
    )
    text = forms.CharField(
        label=_("Your objection"),
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "State the facts and, where you can, how they may be checked. Plain text only."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX)
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=PHONE_MAX,
        help_text=_("The office calls this number if it needs to know more."),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    organisation = forms.CharField(
        label=_("Work unit (optional)"), max_length=ORGANISATION_MAX, required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = candidates
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        problem = phone_problem(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=RESOLUTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_(
            "What the office found and decided. When the objection is upheld, this is kept as "
            "the reason the nomination was withdrawn."
        ),
    )

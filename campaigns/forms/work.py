"""Forms of the campaign's work. They check the shape of the input and receive their choices
(authorities, units, people) from the view, computed from the user's scope; the services check
that the chosen units lie in the record's area and make the write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    Activity,
    Agreement,
    Commitment,
    Inspection,
    Plan,
    SpecialCampaign,
    Unit,
)
from campaigns.services.work import ACTIVITY_FILES_MAX, RECTIFICATION_FILES_MAX
from civport.forms import DateInput, ServiceForm, freeze_choices, style_widgets


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the service (civport.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _uploads_field(limit):
    return MultipleFileField(
        label=_("Evidence files"),
        help_text=_(
            "At most %(max)s files: PDF, JPEG or PNG images, Word, Excel or PowerPoint "
            "documents, or plain text."
        )
        % {"max": limit},
    )


class _WorkForm(ServiceForm):
    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}


# --- plans ----------------------------------------------------------------------------------


class PlanForm(_WorkForm):
    class Meta:
        model = Plan
        fields = ["authority", "year", "title"]

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.freeze_choices()


class PlanEditForm(_WorkForm):
    """The plan's title; its port authority and year stay."""

    class Meta:
        model = Plan
        fields = ["title"]


class CommitmentForm(_WorkForm):
    class Meta:
        model = Commitment
        fields = [
            "area",
            "unit",
            "goal",
            "owner_person",
            "owner_name",
            "due_on",
            "target_activities",
        ]
        widgets = {"due_on": DateInput(), "goal": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"owner_name": _("When the person in charge is not in the list of people.")}

    def __init__(self, *args, areas, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["unit"].queryset = units
        self.fields["owner_person"].queryset = people
        self.fields["owner_person"].required = False
        self.freeze_choices()


# --- activities -------------------------------------------------------------------------------


class ActivityForm(_WorkForm):
    uploads = _uploads_field(ACTIVITY_FILES_MAX)

    class Meta:
        model = Activity
        fields = [
            "authority",
            "unit",
            "occurred_on",
            "form",
            "areas",
            "title",
            "description",
            "participant_units",
            "participant_count",
            "links",
            "special_campaign",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "areas": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "links": forms.Textarea(attrs={"rows": 2}),
            "participant_units": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(
        self, *args, authorities, units, own_units, areas, campaigns, fixed_authority, **kwargs
    ):
        """`own_units`: the units the user logs for (a unit contact's) or None for an officer,
        who logs for an authority; `fixed_authority` drops the authority field (when editing,
        or when the unit decides it)."""
        super().__init__(*args, **kwargs)
        if fixed_authority:
            del self.fields["authority"]
        else:
            self.fields["authority"].queryset = authorities
        if own_units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = own_units
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = None
        self.fields["areas"].queryset = areas
        self.fields["participant_units"].queryset = units
        self.fields["participant_units"].required = False
        self.fields["special_campaign"].queryset = campaigns
        if self.instance.pk:
            self.fields["uploads"].help_text = _(
                "Files added here join those already attached (at most %(max)s in all)."
            ) % {"max": ACTIVITY_FILES_MAX}
        self.freeze_choices()

    def service_data(self):
        data = super().service_data()
        data["areas"] = list(data.get("areas") or [])
        data["participant_units"] = list(data.get("participant_units") or [])
        return data


class _PlainForm(forms.Form):
    """A form for a service call that is not a model's shape."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def service_data(self):
        return dict(self.cleaned_data)


class CommentForm(_PlainForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["comment"].label = label


# --- agreements and special campaigns -----------------------------------------------------------


class AgreementForm(_WorkForm):
    upload = forms.FileField(
        label=_("Signed agreement"),
        required=False,
        help_text=_("A PDF, an image or an Office document."),
    )

    class Meta:
        model = Agreement
        fields = ["authority", "title", "kind", "parties", "signed_on", "valid_until", "terms"]
        widgets = {
            "signed_on": DateInput(),
            "valid_until": DateInput(),
            "terms": forms.Textarea(attrs={"rows": 5}),
            "parties": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, authorities, units, **kwargs):
        super().__init__(*args, **kwargs)
        if "authority" in self.fields:
            self.fields["authority"].queryset = authorities
        self.fields["parties"].queryset = units
        self.freeze_choices()

    def clean(self):
        data = super().clean()
        signed, until = data.get("signed_on"), data.get("valid_until")
        if signed and until and until < signed:
            self.add_error("valid_until", _("The agreement cannot end before it was signed."))
        return data

    def service_data(self):
        data = super().service_data()
        data["parties"] = list(data.get("parties") or [])
        return data


class AgreementEditForm(AgreementForm):
    """An agreement's own fields; its authority stays. A file uploaded here replaces the
    stored one."""

    class Meta(AgreementForm.Meta):
        fields = ["title", "kind", "parties", "signed_on", "valid_until", "terms"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, authorities=None, units=units, **kwargs)
        if self.instance.file:
            self.fields["upload"].help_text = _(
                "A file chosen here replaces %(name)s. Leave it empty to keep that file."
            ) % {"name": self.instance.file_name}


class SpecialCampaignForm(_WorkForm):
    class Meta:
        model = SpecialCampaign
        fields = ["authority", "name", "theme_area", "members", "starts_on", "ends_on", "goals"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 4}),
            "members": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, authorities, units, areas, **kwargs):
        super().__init__(*args, **kwargs)
        if "authority" in self.fields:
            self.fields["authority"].queryset = authorities
        self.fields["theme_area"].queryset = areas
        self.fields["members"].queryset = units
        self.freeze_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end must not precede the start."))
        return data

    def service_data(self):
        data = super().service_data()
        data["members"] = list(data.get("members") or [])
        return data


class SpecialCampaignEditForm(SpecialCampaignForm):
    """A special campaign's own fields; its authority stays."""

    class Meta(SpecialCampaignForm.Meta):
        fields = ["name", "theme_area", "members", "starts_on", "ends_on", "goals"]

    def __init__(self, *args, units, areas, **kwargs):
        super().__init__(*args, authorities=None, units=units, areas=areas, **kwargs)


# --- inspections and rectifications ----------------------------------------------------------------


class InspectionForm(_WorkForm):
    class Meta:
        model = Inspection
        fields = ["authority", "visited_on", "inspectors", "ports", "units", "summary"]
        widgets = {
            "visited_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "ports": forms.SelectMultiple(attrs={"size": 6}),
            "units": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, authorities, ports, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["ports"].queryset = ports
        self.fields["units"].queryset = units
        self.freeze_choices()

    def service_data(self):
        data = super().service_data()
        data["ports"] = list(data.get("ports") or [])
        data["units"] = list(data.get("units") or [])
        return data


class FindingForm(_PlainForm):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_unit = forms.ModelChoiceField(
        label=_("Unit to rectify"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty when the finding needs no rectification."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        freeze_choices(self)


class RectificationAnswerForm(_PlainForm):
    answer = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))
    uploads = _uploads_field(RECTIFICATION_FILES_MAX)

"""Forms of the leading group screens: input shape only; the services decide.

The group's leader and deputies and its member agencies are two formsets on one page. Their
agency choices are read once by the view (`agency_choices`) and handed to every row, so that
rendering runs no query.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms.filings import TEXT_HELP, FilingAttachmentForm
from campaigns.models import LeadingGroupMeeting, LeadingGroupMember, LeadingGroupOfficer
from civport.forms import DateInput, ServiceForm, freeze_choices, style_widgets


class LeadingGroupForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    established_on = forms.DateField(label=_("established on"), required=False, widget=DateInput())
    office_head = forms.CharField(label=_("head of the office"), max_length=50, required=False)
    office_head_post = forms.CharField(
        label=_("post of the office head"), max_length=100, required=False
    )
    office_duties = forms.CharField(
        label=_("duties of the office"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TEXT_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class _AgencyRowForm(forms.Form):
    """A row naming an agency out of `agencies` ({pk: Agency}, read once by the view)."""

    agency_required = False

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        self.fields["agency"].choices = [("", "—")] + [
            (str(pk), agency.name) for pk, agency in agencies.items()
        ]
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def clean_agency(self):
        value = self.cleaned_data.get("agency")
        return self.agencies.get(int(value)) if value else None


class OfficerForm(_AgencyRowForm):
    role = forms.ChoiceField(label=_("role"), choices=LeadingGroupOfficer.Role.choices)
    name = forms.CharField(label=_("name"), max_length=50, required=False)
    post = forms.CharField(label=_("post"), max_length=100, required=False)
    agency = forms.ChoiceField(label=_("agency"), required=False)


class MemberForm(_AgencyRowForm):
    agency = forms.ChoiceField(label=_("agency"), required=False)
    role = forms.ChoiceField(
        label=_("role"),
        choices=LeadingGroupMember.Role.choices,
        initial=LeadingGroupMember.Role.MEMBER,
    )
    representative = forms.CharField(label=_("representative"), max_length=50, required=False)
    representative_post = forms.CharField(
        label=_("post of the representative"), max_length=100, required=False
    )
    joined_on = forms.DateField(label=_("joined on"), required=False, widget=DateInput())
    left_on = forms.DateField(label=_("left on"), required=False, widget=DateInput())


OfficerFormSet = forms.formset_factory(OfficerForm, extra=2, max_num=30, validate_max=True)
MemberFormSet = forms.formset_factory(MemberForm, extra=3, max_num=60, validate_max=True)


class MeetingForm(ServiceForm):
    """A meeting of `group`; the agencies present are chosen among its members
    (`member_agencies`, a queryset the form reads once)."""

    class Meta:
        model = LeadingGroupMeeting
        fields = [
            "title",
            "held_on",
            "place",
            "chaired_by",
            "agencies_present",
            "attendees",
            "agenda",
            "minutes",
        ]
        widgets = {
            "held_on": DateInput(),
            "agencies_present": forms.CheckboxSelectMultiple,
            "attendees": forms.Textarea(attrs={"rows": 6}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "title": _("e.g. 2026年第一次全体会议"),
            "agenda": TEXT_HELP,
            "minutes": TEXT_HELP,
        }

    def __init__(self, *args, member_agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies_present"].queryset = member_agencies
        freeze_choices(self)

    def service_data(self):
        data = dict(self.cleaned_data)
        data["agencies_present"] = list(data.get("agencies_present") or [])
        return data


class ResolutionForm(forms.Form):
    """A resolution; `subjects` are what the group may approve now (campaigns.approvals)."""

    text = forms.CharField(
        label=_("text of the resolution"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=TEXT_HELP,
    )
    approves_key = forms.ChoiceField(
        label=_("approves"),
        required=False,
        help_text=_(
            "When the resolution approves a list the campaign acts on, such as the candidates "
            "of an award round before its commendation decision."
        ),
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approves_key"].choices = [("", _("nothing in particular"))] + [
            (s.key, s.label) for s in subjects
        ]
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class ResolutionAttachmentForm(FilingAttachmentForm):
    pass

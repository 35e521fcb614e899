"""Forms of the hierarchy screens. They check the shape of the input and receive their scope:
every choice of authority, port, unit or parent is a queryset the view computed from the user's
scope. The object itself is built, validated and saved by a service, so the forms leave their
instance untouched."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Authority, Person, Port, Unit
from campaigns.services import CHILD_LEVELS, PERSON_FIELDS
from civport.forms import (
    DateInput,
    ServiceForm,
    freeze_choices,
    style_widgets,
)

MONTH_CHOICES = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


# --- authorities ----------------------------------------------------------------------------


class AuthorityCreateForm(ServiceForm):
    class Meta:
        model = Authority
        fields = ["code", "name", "name_en", "short_name", "level", "is_active"]

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = CHILD_LEVELS[parent.level]
        self.fields["level"].choices = [
            (value, label) for value, label in Authority.Level.choices if value in allowed
        ]
        if len(allowed) == 1:
            self.fields["level"].initial = allowed[0]


class AuthorityEditForm(ServiceForm):
    class Meta:
        model = Authority
        fields = ["name", "name_en", "short_name", "is_active"]


# --- ports ----------------------------------------------------------------------------------


class PortForm(ServiceForm):
    months = forms.TypedMultipleChoiceField(
        label=_("seasonal months"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for seasonal ports: the months the port is open."),
    )

    class Meta:
        model = Port
        fields = [
            "code",
            "name",
            "name_en",
            "port_type",
            "subtype",
            "port_class",
            "status",
            "months",
            "opened_on",
            "authority",
        ]
        widgets = {"opened_on": DateInput()}

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        if self.instance.pk:
            self.initial.setdefault("months", self.instance.months)
        self.freeze_choices()

    def clean(self):
        data = super().clean()
        port_type, subtype = data.get("port_type"), data.get("subtype")
        if port_type and subtype and subtype not in Port.SUBTYPES_BY_TYPE[port_type]:
            self.add_error(
                "subtype",
                _("A %(type)s port cannot have the subtype %(subtype)s.")
                % {
                    "type": Port.Type(port_type).label,
                    "subtype": Port.Subtype(subtype).label,
                },
            )
        if data.get("status") == Port.Status.SEASONAL and not data.get("months"):
            self.add_error("months", _("A seasonal port needs the months it is open."))
        return data

    def service_data(self):
        data = dict(self.cleaned_data)
        months = data.pop("months", [])
        data["seasonal_months"] = Port.months_to_mask(months)
        return data


# --- units ----------------------------------------------------------------------------------


class UnitForm(ServiceForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "name_en",
            "category",
            "agency",
            "authority",
            "port",
            "parent",
            "is_active",
        ]

    def __init__(self, *args, authorities, ports, parents, agencies, **kwargs):
        """`parents` are the units of one authority (a sub-unit shares its parent's authority),
        or None when no authority is known yet: then no parent is offered."""
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["port"].queryset = ports
        self.fields["agency"].queryset = agencies
        parent = self.fields["parent"]
        if parents is None:
            parent.queryset = Unit.objects.none()
            parent.help_text = _(
                "To add a sub-unit, open the parent unit's page and choose “Add sub-unit”."
            )
        else:
            if self.instance.pk:
                parents = parents.exclude(pk=self.instance.pk)
            parent.queryset = parents
            parent.help_text = _("A sub-unit belongs to the same authority as its parent unit.")
        self.freeze_choices()


# --- people ---------------------------------------------------------------------------------


class PersonForm(ServiceForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"birth_on": DateInput(), "joined_work_on": DateInput()}

    def __init__(self, *args, units, units_of=None, **kwargs):
        """`units_of`: the authority whose units `units` are, named in the help text."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units_of is not None:
            self.fields["unit"].help_text = _("The participating units of %(authority)s.") % {
                "authority": units_of.name
            }
        self.freeze_choices()

    def clean(self):
        data = super().clean()
        birth, joined = data.get("birth_on"), data.get("joined_work_on")
        if birth and joined and joined <= birth:
            self.add_error(
                "joined_work_on", _("The start of work must come after the date of birth.")
            )
        return data


class UnitOwnerChoiceForm(forms.Form):
    """A small GET form choosing the authority whose participating units a form then offers."""

    authority = forms.ModelChoiceField(queryset=Authority.objects.none(), label=_("authority"))

    def __init__(self, *args, authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        style_widgets(self)
        freeze_choices(self)


class ExportPurposeForm(forms.Form):
    """Why personal information leaves the portal: one of the usual purposes, or in words."""

    PURPOSES = (
        ("statistics", _("Statistics for the campaign's work")),
        ("commendation", _("Nomination and commendation")),
        ("report", _("A report to a higher office")),
        ("other", _("Another purpose (say which)")),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=PURPOSES, widget=forms.RadioSelect)
    detail = forms.CharField(label=_("Details"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "other" and not data.get("detail", "").strip():
            self.add_error("detail", _("Say what the export is for."))
        return data

    def recorded_purpose(self):
        """The purpose as recorded: its label, with the details typed."""
        label = str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])
        detail = self.cleaned_data.get("detail", "").strip()
        return f"{label}: {detail}" if detail else label

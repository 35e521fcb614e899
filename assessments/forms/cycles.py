"""Forms for the annual assessment cycle: opening a cycle, and a unit's self-assessment.

Both check the shape of the input and receive their choices from the view (the authorities the
user runs, the schemes those may use, the scheme's items); the services check the rest.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.services.cycles import (
    EVIDENCE_PER_ITEM_MAX,
    EXPLANATION_MAX,
    LINK_MAX,
    evidence_field,
    explanation_field,
    link_field,
    points_field,
)
from assessments.services.sheets import parse_points
from civport.forms import DateInput, freeze_choices, style_widgets
from civport.uploads import upload_check


class CycleOpenForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=120)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    authority = forms.ModelChoiceField(
        label=_("authority running the cycle"), queryset=None, empty_label=None
    )
    scheme = forms.ModelChoiceField(label=_("assessment scheme"), queryset=None)
    port_authority = forms.ModelChoiceField(
        label=_("only the units of this authority"),
        queryset=None,
        required=False,
        empty_label=_("all units below the authority"),
        help_text=_(
            "Every active participating unit below the chosen authority is assessed (sub-units "
            "are assessed with their unit)."
        ),
    )
    reviewers_per_subject = forms.IntegerField(
        label=_("reviewers per subject"), min_value=1, max_value=20, initial=3
    )
    self_assessment_due_on = forms.DateField(
        label=_("self-assessment due on"), required=False, widget=DateInput()
    )
    due_on = forms.DateField(label=_("scoring due on"), required=False, widget=DateInput())

    def __init__(self, *args, authorities, schemes, port_authorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = authorities
        self.fields["scheme"].queryset = schemes
        self.fields["port_authority"].queryset = port_authorities
        self.fields["year"].initial = datetime.date.today().year
        freeze_choices(self)
        if not self.is_bound:
            style_widgets(self)

    def clean(self):
        data = super().clean()
        authority = data.get("authority")
        scheme = data.get("scheme")
        port_authority = data.get("port_authority")
        if authority and port_authority and not port_authority.path.startswith(authority.path):
            self.add_error(
                "port_authority",
                gettext("%(port)s does not lie below %(authority)s.")
                % {"port": port_authority.name, "authority": authority.name},
            )
        if authority and scheme and not authority.path.startswith(scheme.authority.path):
            self.add_error(
                "scheme",
                gettext(
                    "“%(scheme)s” belongs to another authority; choose a scheme of your "
                    "authority or one above it."
                )
                % {"scheme": scheme},
            )
        return data

    def full_clean(self):
        super().full_clean()
        if self.is_bound:  # an unbound form was styled in __init__
            style_widgets(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `civport.uploads` in the form's clean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SelfAssessmentForm(forms.Form):
    """Claimed points, explanation, link and new evidence files for every item of the scheme.

    `items` are the scheme's items; `claims` the subject's saved rows by item id, each with its
    evidence prefetched (for the per-item file limit)."""

    def __init__(self, *args, items, claims, editable=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.claims = claims
        for item in self.items:
            claim = claims.get(item.pk)
            code = item.code
            self.fields[points_field(item.pk)] = forms.CharField(
                label=gettext("Item %(code)s: claimed points") % {"code": code},
                required=False,
                initial=claim.points if claim else None,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
            self.fields[explanation_field(item.pk)] = forms.CharField(
                label=gettext("Item %(code)s: explanation") % {"code": code},
                required=False,
                max_length=EXPLANATION_MAX,
                initial=claim.explanation if claim else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[link_field(item.pk)] = forms.CharField(
                label=gettext("Item %(code)s: link") % {"code": code},
                required=False,
                max_length=LINK_MAX,
                initial=claim.link if claim else "",
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )
            self.fields[evidence_field(item.pk)] = MultipleFileField(
                label=gettext("Item %(code)s: add evidence files") % {"code": code},
                required=False,
            )
        if not editable:
            for field in self.fields.values():
                field.disabled = True
        if not self.is_bound:
            style_widgets(self)

    def full_clean(self):
        super().full_clean()
        if self.is_bound:  # an unbound form was styled in __init__
            style_widgets(self)

    def clean(self):
        data = super().clean()
        self.parsed = {}
        for item in self.items:
            name = points_field(item.pk)
            try:
                self.parsed[item.pk] = parse_points(data.get(name))
            except ValueError:
                self.add_error(
                    name,
                    gettext("Item %(code)s: enter the points as a number, e.g. 3.5.")
                    % {"code": item.code},
                )
                continue
            value = self.parsed[item.pk]
            if value is not None and value < 0:
                self.add_error(
                    name,
                    gettext("Item %(code)s: points cannot be negative.") % {"code": item.code},
                )
            elif value is not None and value > item.max_points:
                self.add_error(
                    name,
                    gettext("Item %(code)s: at most %(max)s points.")
                    % {"code": item.code, "max": item.max_points},
                )
            files = data.get(evidence_field(item.pk)) or []
            if not files:
                continue
            claim = self.claims.get(item.pk)
            have = len(claim.evidence.all()) if claim else 0
            field = evidence_field(item.pk)
            if self.parsed[item.pk] is None:
                self.add_error(
                    field,
                    gettext("Item %(code)s: give the claimed points to attach evidence.")
                    % {"code": item.code},
                )
                continue
            if have + len(files) > EVIDENCE_PER_ITEM_MAX:
                self.add_error(
                    field,
                    gettext("Item %(code)s takes at most %(max)s evidence files; it has %(have)s.")
                    % {"code": item.code, "max": EVIDENCE_PER_ITEM_MAX, "have": have},
                )
                continue
            for upload in files:
                try:
                    upload_check(upload)
                except ValidationError as error:
                    self.add_error(field, error)
        return data

    def entries(self):
        """What `self_assessment_save` takes: {item id: (points, explanation, link)}."""
        data = self.cleaned_data
        return {
            item.pk: (
                self.parsed.get(item.pk),
                data.get(explanation_field(item.pk), ""),
                data.get(link_field(item.pk), ""),
            )
            for item in self.items
        }

    def uploads(self):
        """New files per item id, in the order chosen."""
        return {
            item.pk: files
            for item in self.items
            if (files := self.cleaned_data.get(evidence_field(item.pk)))
        }

    def rows(self):
        """Per item, its bound fields and saved claim, for the template."""
        return [
            {
                "item": item,
                "claim": self.claims.get(item.pk),
                "points": self[points_field(item.pk)],
                "explanation": self[explanation_field(item.pk)],
                "link": self[link_field(item.pk)],
                "evidence": self[evidence_field(item.pk)],
            }
            for item in self.items
        ]

"""Forms of the filing and consultation screens: input shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Consultation, Filing
from civport.forms import DateInput, ServiceForm, freeze_choices, style_widgets
from civport.uploads import upload_check, upload_max_bytes

TEXT_HELP = _("Plain text; line breaks are kept. HTML tags are not accepted.")


class FilingForm(ServiceForm):
    class Meta:
        model = Filing
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 18})}
        help_texts = {"text": TEXT_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False


class FilingAttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG image, Word, Excel or PowerPoint document, or UTF-8 text; "
            "at most %(size)s MB."
        ) % {"size": upload_max_bytes() // (1024 * 1024)}
        style_widgets(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload_check(upload)
        return upload

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class FilingAnswerForm(forms.Form):
    ACKNOWLEDGE = "acknowledge"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("answer"),
        choices=[
            (ACKNOWLEDGE, _("Acknowledge")),
            (RETURN, _("Return with comments")),
        ],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when the filing is returned. Plain text."),
    )

    def __init__(self, *args, from_publication=False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_publication:
            # The document is in force already: comments go back, nothing is sent back.
            self.fields["decision"].choices = [
                (self.ACKNOWLEDGE, _("Acknowledge")),
                (self.RETURN, _("Comment (the province may publish a new version)")),
            ]
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comments") or "").strip():
            self.add_error("comments", _("Say what the province should change."))
        return data

    def full_clean(self):
        super().full_clean()
        style_widgets(self)


class VersionCompareForm(forms.Form):
    """Two version numbers to compare (GET)."""

    old = forms.TypedChoiceField(label=_("older version"), coerce=int)
    new = forms.TypedChoiceField(label=_("newer version"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("version %(number)s") % {"number": n}) for n in numbers]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("old") is not None and data.get("old") == data.get("new"):
            self.add_error("new", _("Choose two different versions."))
        return data


class ConsultationForm(ServiceForm):
    class Meta:
        model = Consultation
        fields = ["unit", "title", "awarding_body", "reasons", "due_on"]
        widgets = {"due_on": DateInput(), "reasons": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "title": _("The title the unit applies for, e.g. 文明单位."),
            "awarding_body": _("Who confers the title, e.g. the city's civilisation committee."),
            "reasons": TEXT_HELP,
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        freeze_choices(self)


class ConsultationAnswerForm(forms.Form):
    AGREE = "agree"
    DISAGREE = "disagree"

    decision = forms.ChoiceField(
        label=_("opinion"),
        choices=[(AGREE, _("Agree")), (DISAGREE, _("Disagree"))],
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=_("remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when the office disagrees. Plain text; printed on the letter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.DISAGREE and not (data.get("remarks") or "").strip():
            self.add_error("remarks", _("Say why the office disagrees."))
        return data

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def service_data(self):
        return {
            "agrees": self.cleaned_data["decision"] == self.AGREE,
            "remarks": self.cleaned_data.get("remarks", ""),
        }

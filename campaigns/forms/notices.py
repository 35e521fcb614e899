"""Forms of the notice screens: input shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms.filings import TEXT_HELP, FilingAttachmentForm
from campaigns.models import Notice
from campaigns.selectors.notices import AUDIENCES_BY_LEVEL
from civport.forms import DateInput, ServiceForm, freeze_choices, style_widgets


class NoticeForm(ServiceForm):
    """A notice of `sender`: its audiences are those of the sender's level, and the chosen
    authorities (`chosen_choices`, read by the view) those directly below it."""

    chosen = forms.ModelMultipleChoiceField(
        label=_("chosen authorities"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when the notice goes to chosen authorities one level below."),
    )

    class Meta:
        model = Notice
        fields = [
            "title",
            "document_number",
            "issued_on",
            "body",
            "audience",
            "chosen",
            "requires_acknowledgement",
            "acknowledge_by",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16}),
            "issued_on": DateInput(),
            "acknowledge_by": DateInput(),
            "audience": forms.RadioSelect,
        }
        help_texts = {
            "body": TEXT_HELP,
            "document_number": _("As printed on the notice, e.g. 署文明办〔2026〕3号."),
            "acknowledge_by": _("Recipients are reminded from three days before this date."),
        }

    def __init__(self, *args, sender, chosen_choices, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = AUDIENCES_BY_LEVEL.get(sender.level, ())
        self.fields["audience"].choices = [
            (value, label) for value, label in Notice.Audience.choices if value in allowed
        ]
        if Notice.Audience.CHOSEN in allowed:
            self.fields["chosen"].queryset = chosen_choices
            # Read the choices now (one query) so that rendering runs none.
            freeze_choices(self)
        else:
            del self.fields["chosen"]
        self._style()

    def _style(self):
        style_widgets(self)
        # style_widgets knows selects, checkboxes and text; radio buttons are check inputs too.
        self.fields["audience"].widget.attrs["class"] = "form-check-input"

    def full_clean(self):
        super().full_clean()
        self._style()

    def service_data(self):
        data = dict(self.cleaned_data)
        data["chosen"] = list(data.get("chosen") or [])
        return data


class NoticeAttachmentForm(FilingAttachmentForm):
    pass

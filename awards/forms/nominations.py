"""Forms of the nomination screens: choosing the title and the nominee, the
dossier (deeds and veto declarations), an evidence file, submission and withdrawal.

Every choice (rounds, provinces, nominees) is read by the view from the user's scope and passed
in, so rendering runs no query; the services check eligibility, deadlines and lengths.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models import Nomination
from awards.services.nominations import (
    EVIDENCE_DESCRIPTION_MAX,
    EVIDENCE_MAX,
    VETO_NOTE_MAX,
    veto_field,
    veto_note_field,
)
from civport.forms import style_widgets

EMPTY = ("", "---------")


def _style(form):
    """Bootstrap classes once per widget (styling runs again after cleaning, for the error
    marks), and radio buttons styled as such."""
    style_widgets(form)
    for field in form.fields.values():
        widget = field.widget
        classes = widget.attrs.get("class", "").split()
        if isinstance(widget, forms.RadioSelect):
            classes = ["form-check-input" if c == "form-control" else c for c in classes]
        widget.attrs["class"] = " ".join(dict.fromkeys(classes))


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def full_clean(self):
        super().full_clean()
        _style(self)


class NominationStartForm(_Form):
    """The first step of a nomination: the round and the title (sent with GET)."""

    round = forms.TypedChoiceField(label=_("award round"), coerce=int)
    title = forms.ChoiceField(label=pgettext_lazy("award", "title"), widget=forms.RadioSelect)

    def __init__(self, *args, rounds, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = rounds
        if len(rounds) == 1:
            self.fields["round"].initial = rounds[0][0]
        self.fields["title"].choices = [(t.value, t.label) for t in titles]


class NomineeForm(_Form):
    """The second step: the nominee, offered among those the view found in the user's area.
    Any id is accepted here: the service says why one not offered cannot be nominated."""

    nominee = forms.IntegerField(
        label=_("nominee"), error_messages={"required": _("Choose the nominee.")}
    )

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].widget = forms.Select(choices=[EMPTY, *nominees])
        _style(self)


class DossierForm(_Form):
    """The deeds, the short deeds and one answer per veto condition of the round's scheme."""

    deeds = forms.CharField(
        label=_("deeds"),
        required=False,
        # The service checks the length (after cleaning the text); the browser stops typing at it.
        widget=forms.Textarea(attrs={"rows": 14, "maxlength": Nomination.DEEDS_MAX}),
        help_text=_("Between %(min)s and %(max)s characters, as plain text.")
        % {"min": Nomination.DEEDS_MIN, "max": Nomination.DEEDS_MAX},
    )
    summary = forms.CharField(
        label=_("short deeds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": Nomination.SUMMARY_MAX}),
        help_text=_("Shown in the public notice; at most %(max)s characters.")
        % {"max": Nomination.SUMMARY_MAX},
    )

    APPLIES = "applies"
    CLEAR = "clear"

    def __init__(self, *args, conditions, **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = conditions
        for condition in conditions:
            self.fields[veto_field(condition.pk)] = forms.ChoiceField(
                label=f"{condition.code} {condition.text}",
                required=False,
                widget=forms.RadioSelect,
                choices=[(self.CLEAR, _("Does not apply")), (self.APPLIES, _("Applies"))],
            )
            self.fields[veto_note_field(condition.pk)] = forms.CharField(
                label=_("Explanation of %(code)s") % {"code": condition.code},
                required=False,
                max_length=VETO_NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        _style(self)

    @classmethod
    def initial_for(cls, nomination, conditions):
        initial = {"deeds": nomination.deeds, "summary": nomination.summary}
        for condition in conditions:
            declaration = condition.declaration
            if declaration is not None:
                initial[veto_field(condition.pk)] = (
                    cls.APPLIES if declaration.applies else cls.CLEAR
                )
                initial[veto_note_field(condition.pk)] = declaration.note
        return initial

    def veto_rows(self):
        return [
            (condition, self[veto_field(condition.pk)], self[veto_note_field(condition.pk)])
            for condition in self.conditions
        ]

    def answers(self):
        """{condition id: (applies, note)} for every condition answered."""
        answers = {}
        for condition in self.conditions:
            choice = self.cleaned_data.get(veto_field(condition.pk))
            if choice:
                note = self.cleaned_data.get(veto_note_field(condition.pk), "")
                answers[condition.pk] = (choice == self.APPLIES, note)
        return answers


class EvidenceForm(_Form):
    upload = forms.FileField(
        label=_("Evidence file"),
        help_text=_(
            "At most %(max)s files: PDF, JPEG or PNG images, Word, Excel or PowerPoint "
            "documents, or plain text."
        )
        % {"max": EVIDENCE_MAX},
    )
    description = forms.CharField(
        label=_("description"), required=False, max_length=EVIDENCE_DESCRIPTION_MAX
    )


class SubmitForm(_Form):
    opinion = forms.CharField(
        label=_("opinion of the nominating authority"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(_Form):
    reason = forms.CharField(
        label=_("reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class HonoursCiteForm(forms.Form):
    """The honours the nominee holds from other decided rounds, to cite in the dossier."""

    honours = forms.ModelMultipleChoiceField(
        label=_("Honours cited"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Titles the nominee was granted in other rounds, such as a province's own."),
    )

    def __init__(self, *args, honours, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["honours"]
        field.queryset = honours
        field.label_from_instance = lambda h: (
            f"{h.round.issuing_office} · {h.round.name} · {h.title_name} · {h.number}"
        )
        style_widgets(self)

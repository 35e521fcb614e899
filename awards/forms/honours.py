"""Forms of honours: the public board's filters and the office's revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models import Title
from awards.services.honours import REVOKE_REASON_MAX
from campaigns.forms import style_widgets

QUERY_MAX = 100


class HonourBoardForm(forms.Form):
    """The board's filters. `rounds` and `provinces` are lists already read, so the choices
    cost no query of their own and a filter is looked up in them, not in the database."""

    round = forms.ChoiceField(label=_("Award round"), required=False)
    title = forms.ChoiceField(
        label=pgettext_lazy("award", "Title"),
        required=False,
        choices=[("", _("All titles")), *Title.choices],
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=QUERY_MAX,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or number")}),
    )

    def __init__(self, *args, rounds, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.rounds = {str(r.pk): r for r in rounds}
        self.provinces = {str(p.pk): p for p in provinces}
        self.fields["round"].choices = [("", _("All rounds"))] + [
            (str(r.pk), r.years_label) for r in rounds
        ]
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (str(p.pk), p.short_name or p.name) for p in provinces
        ]
        style_widgets(self)

    def filters(self):
        """Keyword arguments of `honour_board` for the valid filters."""
        data = self.cleaned_data
        return {
            "round": self.rounds.get(data.get("round") or ""),
            "title": data.get("title") or "",
            "province": self.provinces.get(data.get("province") or ""),
            "query": data.get("q") or "",
        }


class HonourRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the verification page of each certificate revoked."),
    )

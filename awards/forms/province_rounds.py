"""Forms of a province's own round, run in the portal: the round itself and its quotas per
port authority. The services decide what is valid; these only carry the values."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Scheme
from civport.forms import style_widgets

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProvinceRoundForm(forms.Form):
    code = forms.SlugField(
        label=_("code"), max_length=20, help_text=_("e.g. gd-2025-2026, unique across rounds")
    )
    name = forms.CharField(label=_("name"), max_length=150)
    start_year = forms.IntegerField(label=_("first year"), min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label=_("last year"), min_value=2000, max_value=2100)
    scheme = forms.ModelChoiceField(label=_("scheme"), queryset=Scheme.objects.none())
    nominations_due_on = forms.DateField(label=_("nominations due on"), widget=DATE)
    provincial_review_due_on = forms.DateField(label=_("provincial review due on"), widget=DATE)
    reviewers_per_nomination = forms.IntegerField(
        label=_("reviewers per nomination"), min_value=1, max_value=9, initial=3
    )
    notice_working_days = forms.IntegerField(
        label=_("public notice in working days"), min_value=1, max_value=30, initial=5
    )
    decision_number = forms.CharField(
        label=_("document number"),
        max_length=60,
        required=False,
        help_text=_(
            "Of the commendation decision, e.g. 粤口岸〔2026〕8号; needed before deciding."
        ),
    )

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        # The province's own published schemes: its round is scored on its own version.
        self.fields["scheme"].queryset = Scheme.objects.filter(
            authority=province, status=Scheme.Status.PUBLISHED
        ).order_by("-pk")
        style_widgets(self)


class DecisionNumberForm(forms.Form):
    decision_number = forms.CharField(label=_("document number"), max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


def quota_field(authority_pk, title):
    return f"quota_{authority_pk}_{title}"


class QuotaGridForm(forms.Form):
    """One number per port authority and title."""

    def __init__(self, *args, rows, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = []
        for row in rows:
            cells = []
            for code, label in titles:
                name = quota_field(row.authority.pk, code)
                self.fields[name] = forms.IntegerField(
                    label=f"{row.authority.name} · {label}",
                    min_value=0,
                    max_value=999,
                    initial=row.quotas.get(code, 0),
                )
                cells.append(name)
            self.grid.append((row, cells))
        style_widgets(self)
        self.grid = [(row, [self[name] for name in cells]) for row, cells in self.grid]

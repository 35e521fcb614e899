"""Forms of honours: the office's revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.services.honours import REVOKE_REASON_MAX


class HonourRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the verification page of each certificate revoked."),
    )

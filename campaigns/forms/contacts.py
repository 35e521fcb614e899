"""The office contact details of an authority or a unit (the contact directory)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civport.forms import style_widgets


class OfficeContactForm(forms.Form):
    office_phone = forms.CharField(
        label=_("office telephone"),
        max_length=40,
        required=False,
        help_text=_("With the area code, e.g. 020-83123456."),
    )
    office_address = forms.CharField(label=_("office address"), max_length=200, required=False)
    office_email = forms.EmailField(label=_("office e-mail"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

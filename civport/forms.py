"""Form helpers every app's screens share: the portal's widget classes, a service's errors put
on the form's fields, choice lists read once, the model form used for its shape only, the date
input and the spreadsheet upload."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from civport.spreadsheets import XLSX_CONTENT_TYPE, SpreadsheetError, read_upload


def style_widgets(form):
    """Give every widget its Bootstrap class and mark invalid fields for assistive technology."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        # Only once the form has been cleaned: reading `errors` here would clean it early.
        if form._errors is not None and name in form._errors:
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}-errors"
    return form


def apply_service_errors(form, error, *, field_map=None):
    """Put a service's ValidationError onto the form fields it names."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = field_map.get(name, name)
        if target == NON_FIELD_ERRORS or target not in form.fields:
            target = None
        form.add_error(target, ValidationError(errors))


def freeze_choices(form):
    """Read every model choice list now (one query each), so rendering runs none."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            choices = [] if field.empty_label is None else [("", field.empty_label)]
            choices += [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
            field.choices = choices


class ServiceForm(forms.ModelForm):
    """A ModelForm used for its shape only: the service validates and saves."""

    def _post_clean(self):
        # Model validation runs in the service; constructing the instance here would change the
        # object the service compares against for its audit diff.
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def service_data(self):
        return dict(self.cleaned_data)

    def freeze_choices(self):
        freeze_choices(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.csv,text/csv," + XLSX_CONTENT_TYPE}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.data_bytes = read_upload(upload)
        except SpreadsheetError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

"""Forms for the schemes screens: weights, filing answers and the workbook upload. They check
the input's shape; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from civport.forms import ImportUploadForm, style_widgets
from civport.spreadsheets import XLSX_CONTENT_TYPE

WEIGHT = {"max_digits": 7, "decimal_places": 2, "min_value": 0}


def area_field(code):
    return f"area_{code}"


def item_field(item_id):
    return f"item_{item_id}"


class SchemeWeightsForm(forms.Form):
    """One field per area (labelled with the area's name) and per standard item."""

    def __init__(self, *args, areas, items, area_ranges, item_ranges, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.items = items
        for area in areas:
            self.fields[area_field(area.area.code)] = forms.DecimalField(
                label=area.area.name,
                initial=area.weight,
                help_text=_range_help(area_ranges.get(area.area.code)),
                **WEIGHT,
            )
        for item in items:
            self.fields[item_field(item.pk)] = forms.DecimalField(
                label=_("Item %(code)s") % {"code": item.code},
                initial=item.weight,
                help_text=_range_help(item_ranges.get(item.code)),
                **WEIGHT,
            )
        style_widgets(self)

    def full_clean(self):
        super().full_clean()
        style_widgets(self)

    def area_fields(self):
        return [self[area_field(area.area.code)] for area in self.areas]

    def item_rows(self):
        return [(item, self[item_field(item.pk)]) for item in self.items]

    def field_map(self):
        """Service error keys (area and item codes) → field names."""
        mapping = {area.area.code: area_field(area.area.code) for area in self.areas}
        mapping |= {item.code: item_field(item.pk) for item in self.items}
        return mapping

    def service_data(self):
        data = self.cleaned_data
        return {
            "area_weights": {
                area.area.code: data[area_field(area.area.code)] for area in self.areas
            },
            "item_weights": {item.code: data[item_field(item.pk)] for item in self.items},
        }


def _range_help(bounds):
    if not bounds:
        return ""
    low, high, reference = bounds
    return _("Template: %(weight)s; allowed %(low)s–%(high)s") % {
        "weight": reference,
        "low": low,
        "high": high,
    }


class SchemeImportForm(ImportUploadForm):
    """The campaigns upload form (size limit), for a workbook only; the content is checked
    when the workbook is read."""

    file = forms.FileField(
        label=_("Scheme workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx," + XLSX_CONTENT_TYPE}
        ),
    )

"""Spreadsheet columns of a round's quotas (django-import-export resource), and their import.

One row per province and title: the province (its code, name or short name), the title (its
code, its Chinese or English name, or the short names officials write) and the quota. Headers
are Chinese (省份, 称号, 名额) as officials keep them; the English ones and the field names are
accepted too. The file is read by the shared reader, `civport.spreadsheets` (XLSX checked by
content, CSV in UTF-8 with or without BOM or GB18030, size, row, column and cell limits); every
row is checked, each bad one reported with its row number and reason, and the quotas are
written all together by `awards.services.rounds.quotas_import` only when no row is bad.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from awards.models import Quota, Title
from awards.selectors.rounds import provinces
from awards.services import rounds as round_services
from civport.imports import ImportFileError, ImportResult, RowOutcome, header_key, match_headers
from civport.resources import ChoiceWidget, escape_formula
from civport.spreadsheets import read_table

KIND = "quotas"

TITLE_ALIASES = {
    Title.CIVILIZED_PORT: ("全国文明口岸", "文明口岸"),
    Title.ADVANCED_UNIT: ("全国共建文明口岸先进单位", "先进单位"),
    Title.ADVANCED_INDIVIDUAL: ("全国共建文明口岸先进个人", "先进个人"),
    Title.ADVANCED_ORGANIZER: (
        "全国共建文明口岸活动先进组织者",
        "先进组织者",
        "活动先进组织者",
    ),
}

# Other headers accepted for each column (compared without case and spaces).
HEADER_ALIASES = {
    "province": ("省份", "省份代码", "省份名称", "省", "省级口岸管理机构", "province"),
    "title": ("称号", "表彰称号", "荣誉称号", "评比称号", "title"),
    "quota": ("名额", "推荐名额", "quota"),
}


def _key(text):
    return "".join(str(text).split()).casefold()


class ProvinceWidget(widgets.Widget):
    """A province by its code, name, short name or English name; exported as its name."""

    def __init__(self):
        super().__init__()
        self._lookup = None

    def lookup(self):
        if self._lookup is None:
            table, seen = {}, {}
            for province in provinces():
                for text in {province.code, province.name, province.short_name, province.name_en}:
                    if not text:
                        continue
                    key = _key(text)
                    if key in seen and seen[key] != province.pk:
                        table[key] = None  # two provinces answer to it: ambiguous
                    else:
                        table[key] = province
                        seen[key] = province.pk
            self._lookup = table
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError(_("This column cannot be blank."))
        key = _key(text)
        table = self.lookup()
        if key not in table:
            raise ValueError(_("“%(value)s” is not a province.") % {"value": text})
        if table[key] is None:
            raise ValueError(
                _("Several provinces answer to “%(value)s”; write the province's code.")
                % {"value": text}
            )
        return table[key]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class QuotaWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError(_("This column cannot be blank."))
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or not number.is_integer() or not 0 <= number <= round_services.MAX_QUOTA:
            raise ValueError(
                _("“%(value)s” is not a whole number from 0 to %(max)d.")
                % {"value": text, "max": round_services.MAX_QUOTA}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class QuotaResource(resources.ModelResource):
    province = fields.Field(attribute="province", column_name="省份", widget=ProvinceWidget())
    title = fields.Field(
        attribute="title", column_name="称号", widget=ChoiceWidget(Title, TITLE_ALIASES)
    )
    quota = fields.Field(attribute="quota", column_name="名额", widget=QuotaWidget())

    class Meta:
        model = Quota
        fields = ("province", "title", "quota")
        import_id_fields = ("province", "title")

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    @classmethod
    def headers(cls):
        resource = cls()
        return [resource.fields[name].column_name for name in cls._meta.fields]


def quota_sheet_rows(round):
    """The round's quota sheet: every active province × title with its current quota (blank
    when none), ready to be filled in and imported (two queries)."""
    resource = QuotaResource()
    current = {
        (q.province_id, q.title): q.quota for q in Quota.objects.filter(round=round).order_by()
    }
    title_widget = resource.fields["title"].widget
    rows = []
    for province in provinces():
        for title in Title.values:
            quota = current.get((province.pk, title))
            rows.append(
                [
                    escape_formula(province.name),
                    title_widget.render(title),
                    "" if quota is None else quota,
                ]
            )
    return QuotaResource.headers(), rows


def _map_headers(headers):
    """{column index: field name}; raises ImportFileError naming every bad header."""
    resource = QuotaResource()
    names, required = {}, {}
    for name in QuotaResource._meta.fields:
        required[name] = resource.fields[name].column_name
        for header in (required[name], *HEADER_ALIASES[name]):
            names[header_key(header)] = name
    return match_headers(headers, names, required)


def _plan(table):
    """[(outcome, (province, title, quota) or None)] for every data row."""
    resource = QuotaResource()
    mapping = _map_headers(table.headers)
    planned, first = [], {}
    for number, cells in table.rows:
        outcome = RowOutcome(number=number)
        values = {}
        for index, name in mapping.items():
            raw = cells[index] if index < len(cells) else ""
            try:
                values[name] = resource.fields[name].widget.clean(raw)
            except ValueError as exc:
                outcome.messages.append(
                    _("%(column)s: %(message)s")
                    % {"column": resource.fields[name].column_name, "message": exc}
                )
        province, title = values.get("province"), values.get("title")
        if province is not None:
            outcome.code = province.code
            outcome.name = province.name
        if title:
            outcome.name = f"{outcome.name} · {resource.fields['title'].widget.render(title)}"
        if province is not None and title:
            key = (province.pk, title)
            if key in first:
                outcome.messages.append(
                    _("Row %(row)d has the same province and title.") % {"row": first[key]}
                )
            else:
                first[key] = number
        row = None
        if not outcome.messages:
            row = (province, title, values["quota"])
        planned.append((outcome, row))
    return planned


def quotas_import_file(*, actor, round, data, filename, dry_run=False):
    """Check a quota sheet and, unless `dry_run` or any row is bad, apply it in one go.
    Returns an `ImportResult` (the campaigns engine's: file errors, rows with their outcome)."""
    result = ImportResult(kind=KIND)
    if round.phase not in round_services.QUOTA_PHASES:
        result.file_errors.append(
            _(
                "Quotas can be changed while the round is in draft or nominating only; "
                "it is in its %(phase)s phase."
            )
            % {"phase": round.get_phase_display()}
        )
        return result
    try:
        table = read_table(data, filename)
        planned = _plan(table)
    except ImportFileError as exc:
        result.file_errors.append(str(exc))
        return result
    current = {(q.province_id, q.title): q.quota for q in Quota.objects.filter(round=round)}
    bad = any(outcome.messages for outcome, _row in planned)
    for outcome, row in planned:
        if outcome.messages:
            outcome.action = "error"
        elif bad:
            outcome.action = "valid"
        else:
            province, title, quota = row
            before = current.get((province.pk, title))
            outcome.action = (
                "create" if before is None else "unchanged" if before == quota else "update"
            )
    result.rows = [outcome for outcome, _row in planned]
    if bad or dry_run:
        return result
    try:
        round_services.quotas_import(
            actor=actor, round=round, rows=[row for _outcome, row in planned]
        )
    except ValidationError as exc:
        result.file_errors.extend(exc.messages)
        return result
    except IntegrityError:
        result.file_errors.append(
            _(
                "The quotas changed while the file was being imported; nothing was written. Try again."
            )
        )
        return result
    result.applied = True
    return result

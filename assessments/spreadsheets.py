"""A scheme as an XLSX workbook, out and back in.

Three sheets: "items" (one row per scoring item, with its area and indicator; a row with an
area but no item only sets the area's weight), "vetoes" and "settings". Headers are written in
Chinese, as officials keep them in their own spreadsheets, and read in Chinese or English.
Collection methods travel as their Chinese labels (材料审核 …); codes and English labels are
accepted too.

Reading goes through the shared reader (`civport.spreadsheets`): the upload's size
(`read_upload`), its content (`file_format`: a zip holding the OOXML parts, whatever the file is
called) and each sheet's real content within the row, column and cell limits. Every row
is checked before anything is written; the errors name the sheet, the row and the reason, and
the tree is replaced by `scheme_tree_replace` only when there are none. Exports escape formulas
with the campaigns exports' helper.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from assessments.models import Item, Scheme, VetoCondition
from assessments.services.schemes import SETTINGS_FIELDS
from campaigns.models import ConstructionArea
from civport.resources import FORMULA_PREFIXES, escape_formula
from civport.spreadsheets import SpreadsheetError as ImportFileError
from civport.spreadsheets import cell, file_format, open_workbook

ITEMS, VETOES, SETTINGS = "items", "vetoes", "settings"
SHEET_ALIASES = {
    ITEMS: ("items", "评分项目", "考核项目"),
    VETOES: ("vetoes", "一票否决", "一票否决事项"),
    SETTINGS: ("settings", "设置", "评分设置"),
}

# key → (Chinese header, English header)
ITEM_COLUMNS = {
    "area": ("领域代码", "area code"),
    "area_name": ("领域名称", "area name"),
    "area_weight": ("领域权重", "area weight"),
    "indicator": ("考核指标", "indicator"),
    "code": ("项目编号", "item code"),
    "text": ("考核要求", "requirement"),
    "kind": ("类别", "kind"),
    "max_points": ("分值", "max points"),
    "weight": ("权重", "weight"),
    "method": ("采集方式", "collection method"),
    "deduction_rule": ("扣分规则", "deduction rule"),
}
ITEM_REQUIRED = ("area", "indicator", "code", "text", "max_points")
VETO_COLUMNS = {
    "code": ("编号", "code"),
    "text": ("否决情形", "condition"),
    "lookback_months": ("追溯月数", "look-back months"),
}
SETTING_COLUMNS = {
    "key": ("设置项", "setting"),
    "label": ("说明", "label"),
    "value": ("值", "value"),
}
SETTING_LABELS = {
    "name": "名称",
    "name_en": "英文名称",
    "description": "说明",
    "base_points": "基准分",
    "bonus_cap": "加分上限",
    "pass_mark": "达标分数线",
    "aggregation": "汇总方式",
    "trim_from": "去掉最高最低分的最少评分表数",
    "disagreement_threshold": "分歧阈值",
    "weight_tolerance": "权重浮动范围（%）",
}
DECIMAL_SETTINGS = (
    "base_points",
    "bonus_cap",
    "pass_mark",
    "disagreement_threshold",
    "weight_tolerance",
)

METHOD_LABELS = {
    Item.Method.DOCUMENTS: "材料审核",
    Item.Method.SITE_VISIT: "实地考察",
    Item.Method.QUESTIONNAIRE: "问卷调查",
    Item.Method.ONLINE_SURVEY: "网络调查",
    Item.Method.BRIEFING: "听取汇报",
    Item.Method.CONSULTATION: "征求意见",
}
KIND_LABELS = {Item.Kind.STANDARD: "标准项目", Item.Kind.BONUS: "加分项目"}
KIND_ALIASES = {
    Item.Kind.STANDARD: ("标准项目", "标准项", "标准", "基本项", "standard", "standard item"),
    Item.Kind.BONUS: ("加分项目", "加分项", "加分", "bonus", "bonus item"),
}
AGGREGATION_LABELS = {
    Scheme.Aggregation.MEAN: "平均分",
    Scheme.Aggregation.TRIMMED_MEAN: "去掉最高最低分后的平均分",
}
MAX_POINTS = Decimal("99999.99")
CENT = Decimal("0.01")


def _key(text):
    return "".join(str(text).split()).casefold()


def _text(value):
    """A cell as written, for a spreadsheet: formulas escaped."""
    return escape_formula(value or "")


def _unescape(value):
    """Undo `escape_formula`, so an exported text comes back as it was."""
    if isinstance(value, str) and value.startswith("'") and value[1:2].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


# --- export ---------------------------------------------------------------------------------


def scheme_export_rows(scheme):
    """The three sheets' rows (headers first), read with three queries."""
    areas = list(scheme.areas.select_related("area"))
    items = list(
        Item.objects.filter(scheme=scheme)
        .select_related("indicator__scheme_area__area")
        .order_by("indicator__scheme_area__area__order", "indicator__order", "order", "pk")
    )
    vetoes = list(VetoCondition.objects.filter(scheme=scheme).order_by("order", "pk"))
    with_items = {item.indicator.scheme_area_id for item in items}
    item_rows = [[zh for zh, _en in ITEM_COLUMNS.values()]]
    for area in areas:
        if area.pk not in with_items:
            item_rows.append(
                [area.area.code, area.area.name, area.weight] + [""] * (len(ITEM_COLUMNS) - 3)
            )
    for item in items:
        area = item.indicator.scheme_area
        item_rows.append(
            [
                area.area.code,
                area.area.name,
                area.weight,
                _text(item.indicator.name),
                _text(item.code),
                _text(item.text),
                KIND_LABELS[item.kind],
                item.max_points,
                item.weight,
                METHOD_LABELS[item.method],
                _text(item.deduction_rule),
            ]
        )
    veto_rows = [[zh for zh, _en in VETO_COLUMNS.values()]]
    veto_rows += [[_text(v.code), _text(v.text), v.lookback_months] for v in vetoes]
    setting_rows = [[zh for zh, _en in SETTING_COLUMNS.values()]]
    for name in SETTINGS_FIELDS:
        value = getattr(scheme, name)
        if name == "aggregation":
            value = AGGREGATION_LABELS[value]
        elif isinstance(value, str):
            value = _text(value)
        setting_rows.append([name, SETTING_LABELS[name], value])
    return {ITEMS: item_rows, VETOES: veto_rows, SETTINGS: setting_rows}


def scheme_workbook(scheme):
    """The scheme as XLSX bytes."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in scheme_export_rows(scheme).items():
        sheet = workbook.create_sheet(title=title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- import ---------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    message: str


@dataclass
class ParsedScheme:
    area_weights: dict = field(default_factory=dict)
    items: list = field(default_factory=list)
    vetoes: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


def _read_sheets(data, filename):
    """{canonical sheet name: [(row number, [cells])]} of an XLSX checked by content and read
    within the shared reader's limits."""
    if file_format(data, filename) != "xlsx":
        raise ImportFileError(_("Upload the scheme as an Excel workbook (.xlsx)."))
    workbook = open_workbook(data)
    names = {_key(name): name for name in workbook.sheet_names}
    sheets = {}
    for canonical, aliases in SHEET_ALIASES.items():
        found = next((names[_key(a)] for a in aliases if _key(a) in names), None)
        if found is None and canonical == ITEMS and workbook.sheet_names:
            found = workbook.sheet_names[0]
        if found is None:
            continue
        sheets[canonical] = [
            (number, [_unescape(cell(v)) for v in raw])
            for number, raw in enumerate(workbook.rows(found), start=1)
        ]
    return sheets


def _columns(sheet, rows, columns, required):
    """The header row mapped to column keys, and the data rows below it (blank rows dropped)."""
    aliases = {_key(h): key for key, headers in columns.items() for h in (*headers, key)}
    rows = [(n, cells) for n, cells in rows if any(c != "" for c in cells)]
    if not rows:
        return {}, []
    _number, header = rows[0]
    mapping = {}
    for index, text in enumerate(header):
        key = aliases.get(_key(text))
        if key is not None and key not in mapping:
            mapping[key] = index
    missing = [columns[key][0] for key in required if key not in mapping]
    if missing:
        raise ImportFileError(
            _("The sheet “%(sheet)s” lacks the columns: %(columns)s.")
            % {"sheet": sheet, "columns": "、".join(missing)}
        )
    return mapping, rows[1:]


def _get(cells, mapping, key):
    index = mapping.get(key)
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _decimal(value):
    """A non-negative number with at most two decimal places, or None."""
    try:
        number = Decimal(str(value).replace(",", "")) if value != "" else None
    except InvalidOperation:
        return None
    if number is None or not number.is_finite() or number < 0 or number > MAX_POINTS:
        return None
    if number != number.quantize(CENT):
        return None
    return number


def _lookup(aliases):
    return {_key(alias): value for value, names in aliases.items() for alias in names}


def _area_lookup():
    table = {}
    for area in ConstructionArea.objects.all():
        for alias in (area.code, area.name, area.name_en):
            table[_key(alias)] = area.code
    return table


def _method_lookup():
    return _lookup(
        {
            value: (value, label, METHOD_LABELS[value])
            for value, label in Item.Method.choices
            if value in METHOD_LABELS
        }
    )


def parse_scheme_workbook(data, filename):
    """Read and check a scheme workbook; raises ImportFileError when the file as a whole is
    unusable, else returns a ParsedScheme whose `errors` lists every bad row."""
    sheets = _read_sheets(data, filename)
    parsed = ParsedScheme()
    limit = django_settings.CIVPORT_IMPORT_MAX_ROWS
    if sum(len(rows) for rows in sheets.values()) > limit:
        raise ImportFileError(
            _("The file has more than %(limit)d data rows; split it into smaller files.")
            % {"limit": limit}
        )
    _parse_items(sheets.get(ITEMS, []), parsed)
    _parse_vetoes(sheets.get(VETOES, []), parsed)
    _parse_settings(sheets.get(SETTINGS, []), parsed)
    return parsed


def _parse_items(rows, parsed):
    mapping, rows = _columns(ITEMS, rows, ITEM_COLUMNS, ITEM_REQUIRED)
    if not rows:
        raise ImportFileError(_("The sheet “items” has no scoring items."))
    areas = _area_lookup()
    methods = _method_lookup()
    kinds = _lookup(KIND_ALIASES)
    seen_codes = {}
    area_weight_rows = {}
    for number, cells in rows:

        def error(message, number=number):
            parsed.errors.append(RowError(ITEMS, number, message))

        raw_area = _get(cells, mapping, "area")
        area = areas.get(_key(raw_area)) if raw_area != "" else None
        if area is None:
            if raw_area == "":
                error(_("The area code is missing."))
            else:
                error(
                    _("The area “%(value)s” is not one of the nine construction areas.")
                    % {"value": raw_area}
                )
        raw_weight = _get(cells, mapping, "area_weight")
        if raw_weight != "" and area is not None:
            weight = _decimal(raw_weight)
            if weight is None:
                error(
                    _("The area weight “%(value)s” is not a number of zero or more.")
                    % {"value": raw_weight}
                )
            elif area in parsed.area_weights and parsed.area_weights[area] != weight:
                error(
                    _(
                        "The area “%(area)s” is given the weight %(weight)s here but "
                        "%(earlier)s on row %(row)d."
                    )
                    % {
                        "area": raw_area,
                        "weight": weight,
                        "earlier": parsed.area_weights[area],
                        "row": area_weight_rows[area],
                    }
                )
            else:
                parsed.area_weights.setdefault(area, weight)
                area_weight_rows.setdefault(area, number)
        item_keys = ("indicator", "code", "text", "kind", "max_points", "weight", "method")
        if all(_get(cells, mapping, key) == "" for key in (*item_keys, "deduction_rule")):
            # Only the area and its weight: an area without items (yet).
            if raw_weight == "" and area is not None:
                error(_("The row has neither a scoring item nor an area weight."))
            continue
        indicator = _get(cells, mapping, "indicator")
        if indicator == "":
            error(_("The indicator is missing."))
        elif len(indicator) > 200:
            error(_("The indicator is longer than 200 characters."))
        code = _get(cells, mapping, "code")
        if code == "":
            error(_("The item code is missing."))
        elif len(code) > 20:
            error(_("The item code “%(code)s” is longer than 20 characters.") % {"code": code})
        elif code in seen_codes:
            error(
                _("The item code “%(code)s” appears already on row %(row)d.")
                % {"code": code, "row": seen_codes[code]}
            )
        else:
            seen_codes[code] = number
        text = _get(cells, mapping, "text")
        if text == "":
            error(_("The requirement of item “%(code)s” is missing.") % {"code": code})
        raw_kind = _get(cells, mapping, "kind")
        kind = Item.Kind.STANDARD if raw_kind == "" else kinds.get(_key(raw_kind))
        if kind is None:
            error(
                _("The kind “%(value)s” is unknown; write 标准项目 or 加分项目.")
                % {"value": raw_kind}
            )
        raw_max = _get(cells, mapping, "max_points")
        max_points = _decimal(raw_max)
        if max_points is None or max_points <= 0:
            error(
                _(
                    "The maximum points “%(value)s” of item “%(code)s” are not a positive "
                    "number with at most two decimal places."
                )
                % {"value": raw_max, "code": code}
            )
        raw_item_weight = _get(cells, mapping, "weight")
        weight = Decimal(1) if raw_item_weight == "" else _decimal(raw_item_weight)
        if weight is None:
            error(
                _("The weight “%(value)s” of item “%(code)s” is not a number of zero or more.")
                % {"value": raw_item_weight, "code": code}
            )
        raw_method = _get(cells, mapping, "method")
        method = Item.Method.DOCUMENTS if raw_method == "" else methods.get(_key(raw_method))
        if method is None:
            error(
                _("The collection method “%(value)s” is unknown; write one of %(choices)s.")
                % {"value": raw_method, "choices": "、".join(METHOD_LABELS.values())}
            )
        parsed.items.append(
            {
                "area": area,
                "indicator": indicator,
                "code": code,
                "text": text,
                "kind": kind,
                "max_points": max_points,
                "weight": weight,
                "method": method,
                "deduction_rule": _get(cells, mapping, "deduction_rule"),
            }
        )


def _parse_vetoes(rows, parsed):
    mapping, rows = _columns(VETOES, rows, VETO_COLUMNS, ("code", "text"))
    seen = {}
    for number, cells in rows:

        def error(message, number=number):
            parsed.errors.append(RowError(VETOES, number, message))

        code = _get(cells, mapping, "code")
        if code == "":
            error(_("The veto condition's code is missing."))
        elif len(code) > 20:
            error(_("The code “%(code)s” is longer than 20 characters.") % {"code": code})
        elif code in seen:
            error(
                _("The veto condition code “%(code)s” appears already on row %(row)d.")
                % {"code": code, "row": seen[code]}
            )
        else:
            seen[code] = number
        text = _get(cells, mapping, "text")
        if text == "":
            error(_("The condition of veto “%(code)s” is missing.") % {"code": code})
        raw = _get(cells, mapping, "lookback_months")
        months = 24 if raw == "" else _decimal(raw)
        if months is None or months < 1 or months != int(months) or months > 32767:
            error(
                _("The look-back window “%(value)s” is not a whole number of months, 1 or more.")
                % {"value": raw}
            )
            months = None
        parsed.vetoes.append(
            {"code": code, "text": text, "lookback_months": int(months) if months else None}
        )


def _parse_settings(rows, parsed):
    mapping, rows = _columns(SETTINGS, rows, SETTING_COLUMNS, ("key", "value"))
    keys = {_key(name): name for name in SETTINGS_FIELDS}
    keys |= {_key(label): name for name, label in SETTING_LABELS.items()}
    aggregations = _lookup(
        {
            value: (value, label, AGGREGATION_LABELS[value])
            for value, label in Scheme.Aggregation.choices
        }
    )
    for number, cells in rows:

        def error(message, number=number):
            parsed.errors.append(RowError(SETTINGS, number, message))

        raw_key = _get(cells, mapping, "key")
        name = keys.get(_key(raw_key))
        if name is None:
            error(_("The setting “%(value)s” is unknown.") % {"value": raw_key})
            continue
        value = _get(cells, mapping, "value")
        if value == "":
            continue  # a blank value keeps the scheme's setting
        if name in DECIMAL_SETTINGS:
            number_value = _decimal(value)
            if number_value is None:
                error(
                    _("The setting “%(setting)s” needs a number of zero or more, not “%(value)s”.")
                    % {"setting": raw_key, "value": value}
                )
                continue
            value = number_value
        elif name == "trim_from":
            number_value = _decimal(value)
            if number_value is None or number_value != int(number_value) or number_value < 3:
                error(
                    _("The setting “%(setting)s” needs a whole number of 3 or more.")
                    % {"setting": raw_key}
                )
                continue
            value = int(number_value)
        elif name == "aggregation":
            value = aggregations.get(_key(value))
            if value is None:
                error(
                    _("The aggregation is unknown; write one of %(choices)s.")
                    % {"choices": "、".join(AGGREGATION_LABELS.values())}
                )
                continue
        else:
            value = str(value)
        parsed.settings[name] = value

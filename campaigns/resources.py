"""Spreadsheet columns of authorities, ports, units and people (django-import-export resources).

The resources are the one description of each sheet: the column headers (Chinese, fixed whatever
the interface language, since they are what officials keep in their own spreadsheets), the widgets
that turn a cell into a value and back, and the natural key `code`. Foreign keys travel as codes.

They serve three purposes: exports (`resource.export(queryset)`), the downloadable templates and
the import engine in `campaigns.imports`, which uses their headers and widgets to parse cells but
resolves foreign keys and writes the rows itself (see the reasons there).
"""

import datetime
import re

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from campaigns import services
from campaigns.models import Agency, Authority, Person, Port, Unit
from civport.resources import ChoiceWidget, escape_formula, label_key


class TextWidget(widgets.Widget):
    """A trimmed text cell; blank gives ""."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BooleanWidget(widgets.Widget):
    TRUE = {"1", "true", "yes", "y", "是", "启用", "在职", "有效", "√"}
    FALSE = {"0", "false", "no", "n", "否", "停用", "离职", "无效", "×"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = label_key("" if value is None else value)
        if not text:
            return True
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes (是) or no (否).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class DateWidget(widgets.Widget):
    """A date cell: a spreadsheet date, or text like 2024-05-01, 2024/5/1 or 2024年5月1日."""

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if not text:
            return None
        match = DATE_PATTERN.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                pass
        raise ValueError(_("“%(value)s” is not a valid date (e.g. 2024-05-01).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class MonthsWidget(widgets.Widget):
    """Seasonal months as "5-10" or "5,6,7" (mixed: "1-3,11,12"), stored as a 12-bit mask."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date) and value.month <= value.day <= 12:
            # Excel turns a typed "5-10" into 10 May; read it back as the range it was.
            return Port.months_to_mask(range(value.month, value.day + 1))
        text = "" if value is None else str(value).strip()
        if not text:
            return 0
        text = text.replace("，", ",").replace("、", ",").replace("－", "-").replace("~", "-")
        text = text.replace("月", "")
        months = set()
        try:
            for part in filter(None, (p.strip() for p in text.split(","))):
                if "-" in part:
                    start, end = (int(p) for p in part.split("-", 1))
                    if start > end:
                        raise ValueError
                    months.update(range(start, end + 1))
                else:
                    months.add(int(float(part)))
        except ValueError:
            months = {0}
        if not months or not all(1 <= m <= 12 for m in months):
            raise ValueError(
                _("“%(value)s” is not a list of months such as 5-10 or 5,6,7.") % {"value": value}
            )
        return Port.months_to_mask(months)

    def render(self, value, obj=None, **kwargs):
        months = [m for m in range(1, 13) if (value or 0) & (1 << (m - 1))]
        runs = []
        for month in months:
            if runs and runs[-1][1] == month - 1:
                runs[-1][1] = month
            else:
                runs.append([month, month])
        return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's code."""

    def __init__(self, model):
        super().__init__(model, field="code")


LEVEL_ALIASES = {
    Authority.Level.NATIONAL: ("国家级", "国家", "国家口岸管理办公室", "national office"),
    Authority.Level.PROVINCIAL: ("省级", "省", "省级口岸管理机构", "provincial authority"),
    Authority.Level.PORT: ("口岸级", "地市级", "市级", "口岸所在地", "port authority"),
    Authority.Level.COUNTY: ("县级", "县", "county authority"),
}
PORT_TYPE_ALIASES = {
    Port.Type.WATER: ("水运",),
    Port.Type.LAND: ("陆路",),
    Port.Type.AIR: ("航空", "空运"),
}
SUBTYPE_ALIASES = {
    Port.Subtype.SEA: ("海港",),
    Port.Subtype.RIVER: ("河港",),
    Port.Subtype.RAIL: ("铁路",),
    Port.Subtype.ROAD: ("公路",),
    Port.Subtype.AIR: ("航空", "空港", "机场"),
}
CLASS_ALIASES = {
    Port.PortClass.FIRST: ("一类", "一类口岸", "I", "1", "class 1"),
    Port.PortClass.SECOND: ("二类", "二类口岸", "II", "2", "class 2"),
}
STATUS_ALIASES = {
    Port.Status.OPEN: ("开放", "已开放"),
    Port.Status.SEASONAL: ("季节性开放", "季节性"),
    Port.Status.SUSPENDED: ("暂停开放", "暂停"),
    Port.Status.CLOSED: ("关闭", "已关闭"),
}
CATEGORY_ALIASES = {
    Unit.Category.FACILITY: (
        "设施管理",
        "机场、港口、车站等管理机构",
        "机场/港口/车站管理机构",
        "管理机构",
    ),
    Unit.Category.INSPECTION: ("检查检验", "口岸检查检验单位", "查验单位"),
    Unit.Category.OPERATION: ("运营服务", "口岸运营管理和服务单位", "口岸运营服务单位"),
    Unit.Category.OTHER: ("其他", "口岸其他相关单位", "其他相关单位"),
}
GENDER_ALIASES = {Person.Gender.MALE: ("男",), Person.Gender.FEMALE: ("女",)}
POLITICAL_ALIASES = {
    Person.PoliticalStatus.CPC: ("中共党员", "党员", "中共预备党员"),
    Person.PoliticalStatus.CYL: ("共青团员", "团员"),
    Person.PoliticalStatus.DEMOCRATIC: ("民主党派", "民主党派成员"),
    Person.PoliticalStatus.MASSES: ("群众",),
}


def _text(attribute, header):
    return fields.Field(attribute=attribute, column_name=header, widget=TextWidget())


def _fk(attribute, header, model):
    return fields.Field(attribute=attribute, column_name=header, widget=CodeWidget(model))


class CampaignResource(resources.ModelResource):
    """Common behaviour: the natural key, spreadsheet-safe export cells."""

    # Columns that must be present in an import file; the rest may be left out.
    required_columns = ("code", "name")
    # Example row for the downloadable template, by field name.
    example = {}
    # Related rows an export needs, so that it runs in a fixed number of queries.
    export_select_related = ()

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.export_select_related)

    @classmethod
    def column_fields(cls):
        """[(field name, resource field)] in sheet order."""
        resource = cls()
        return [(name, resource.fields[name]) for name in cls._meta.fields]

    @classmethod
    def headers(cls):
        return [field.column_name for _name, field in cls.column_fields()]


class AuthorityResource(CampaignResource):
    code = _text("code", "代码")
    name = _text("name", "名称")
    name_en = _text("name_en", "英文名称")
    short_name = _text("short_name", "简称")
    level = fields.Field(
        attribute="level", column_name="级别", widget=ChoiceWidget(Authority.Level, LEVEL_ALIASES)
    )
    parent = _fk("parent", "上级机构代码", Authority)
    is_active = fields.Field(attribute="is_active", column_name="是否启用", widget=BooleanWidget())

    required_columns = ("code", "name", "level", "parent")
    example = {
        "code": "GD-ZH",
        "name": "珠海市人民政府口岸办公室",
        "name_en": "Zhuhai Port Office",
        "short_name": "珠海市口岸办",
        "level": "port",
        "parent": "GD",
        "is_active": True,
    }
    export_select_related = ("parent",)

    class Meta:
        model = Authority
        fields = services.AUTHORITY_FIELDS
        import_id_fields = ("code",)


class PortResource(CampaignResource):
    code = _text("code", "代码")
    name = _text("name", "名称")
    name_en = _text("name_en", "英文名称")
    port_type = fields.Field(
        attribute="port_type",
        column_name="口岸类型",
        widget=ChoiceWidget(Port.Type, PORT_TYPE_ALIASES),
    )
    subtype = fields.Field(
        attribute="subtype",
        column_name="口岸子类型",
        widget=ChoiceWidget(Port.Subtype, SUBTYPE_ALIASES),
    )
    port_class = fields.Field(
        attribute="port_class",
        column_name="口岸类别",
        widget=ChoiceWidget(Port.PortClass, CLASS_ALIASES, blank_value=Port.PortClass.FIRST),
    )
    status = fields.Field(
        attribute="status",
        column_name="开放状态",
        widget=ChoiceWidget(Port.Status, STATUS_ALIASES, blank_value=Port.Status.OPEN),
    )
    seasonal_months = fields.Field(
        attribute="seasonal_months", column_name="季节性开放月份", widget=MonthsWidget()
    )
    opened_on = fields.Field(attribute="opened_on", column_name="开放日期", widget=DateWidget())
    authority = _fk("authority", "所属口岸管理机构代码", Authority)

    required_columns = ("code", "name", "port_type", "subtype", "authority")
    example = {
        "code": "GD-0099",
        "name": "珠海港口岸",
        "name_en": "Zhuhai Port",
        "port_type": "water",
        "subtype": "sea",
        "port_class": "first",
        "status": "seasonal",
        "seasonal_months": Port.months_to_mask(range(5, 11)),
        "opened_on": datetime.date(1985, 7, 1),
        "authority": "GD-ZH",
    }
    export_select_related = ("authority",)

    class Meta:
        model = Port
        fields = services.PORT_FIELDS
        import_id_fields = ("code",)


class UnitResource(CampaignResource):
    code = _text("code", "代码")
    name = _text("name", "名称")
    name_en = _text("name_en", "英文名称")
    category = fields.Field(
        attribute="category",
        column_name="单位类别",
        widget=ChoiceWidget(Unit.Category, CATEGORY_ALIASES),
    )
    agency = _fk("agency", "所属部门代码", Agency)
    port = _fk("port", "所在口岸代码", Port)
    authority = _fk("authority", "所属口岸管理机构代码", Authority)
    parent = _fk("parent", "上级单位代码", Unit)
    is_active = fields.Field(attribute="is_active", column_name="是否启用", widget=BooleanWidget())

    required_columns = ("code", "name", "category", "authority")
    example = {
        "code": "GD-ZH-U01",
        "name": "拱北海关驻珠海港办事处",
        "name_en": "Gongbei Customs, Zhuhai Port Office",
        "category": "inspection",
        "agency": "CUSTOMS",
        "port": "GD-0099",
        "authority": "GD-ZH",
        "parent": "",
        "is_active": True,
    }
    export_select_related = ("agency", "port", "authority", "parent")

    class Meta:
        model = Unit
        fields = services.UNIT_FIELDS
        import_id_fields = ("code",)


class PersonResource(CampaignResource):
    code = _text("code", "代码")
    name = _text("name", "姓名")
    name_en = _text("name_en", "姓名拼音")
    gender = fields.Field(
        attribute="gender", column_name="性别", widget=ChoiceWidget(Person.Gender, GENDER_ALIASES)
    )
    birth_on = fields.Field(attribute="birth_on", column_name="出生日期", widget=DateWidget())
    ethnicity = _text("ethnicity", "民族")
    political_status = fields.Field(
        attribute="political_status",
        column_name="政治面貌",
        widget=ChoiceWidget(Person.PoliticalStatus, POLITICAL_ALIASES, blank_value=""),
    )
    position = _text("position", "职务")
    joined_work_on = fields.Field(
        attribute="joined_work_on", column_name="参加工作日期", widget=DateWidget()
    )
    unit = _fk("unit", "所在单位代码", Unit)
    is_active = fields.Field(attribute="is_active", column_name="是否启用", widget=BooleanWidget())

    required_columns = ("code", "name", "gender", "unit")
    example = {
        "code": "GD-ZH-P0001",
        "name": "张三",
        "name_en": "Zhang San",
        "gender": "male",
        "birth_on": datetime.date(1985, 3, 12),
        "ethnicity": "汉族",
        "political_status": "cpc",
        "position": "科长",
        "joined_work_on": datetime.date(2007, 8, 1),
        "unit": "GD-ZH-U01",
        "is_active": True,
    }
    export_select_related = ("unit",)

    class Meta:
        model = Person
        fields = services.PERSON_FIELDS
        import_id_fields = ("code",)


RESOURCES = {
    "authorities": AuthorityResource,
    "ports": PortResource,
    "units": UnitResource,
    "people": PersonResource,
}


def resource_for(kind):
    return RESOURCES[kind]

"""The starting nine-area template: a reasonable first scheme for the national office to edit.

Written from the founding document's section 三(八): each area gets one indicator and three
scoring items (27 in all), plus two bonus items and three veto conditions. The area weights
favour the areas the campaign names as its theme (安全、高效、廉潔、和諧). It is installed as a
draft or published version of the family `national-template`, marked as a starting template in
its description; the office changes it by making a new version.
"""

from decimal import Decimal

from django.db import transaction

from assessments.models import Indicator, Item, Scheme, VetoCondition
from assessments.services.schemes import scheme_create, scheme_publish, scheme_recompute

FAMILY = "national-template"
NAME = "共建文明口岸考核评价标准（起始模板）"
NAME_EN = "Civilized port assessment standard (starting template)"
DESCRIPTION = (
    "起始模板：依据《关于深入开展共建文明口岸活动的意见》第三部分（八）九项建设内容编写，"
    "供国家口岸办修改完善后发布。各省级口岸管理机构可在权重浮动范围内派生本地区版本并报备案。"
)

D = Item.Method.DOCUMENTS
S = Item.Method.SITE_VISIT
Q = Item.Method.QUESTIONNAIRE
W = Item.Method.ONLINE_SURVEY
B = Item.Method.BRIEFING
C = Item.Method.CONSULTATION

# area code → (weight, indicator, [(code, text, max points, method, deduction rule)])
AREAS = {
    "coordination": (
        Decimal("10"),
        "口岸单位协调配合机制",
        [
            (
                "1.1",
                "建立口岸单位联席会议或协调配合工作机制，并定期召开会议",
                "4",
                D,
                "无机制不得分；全年会议少于2次扣2分",
            ),
            (
                "1.2",
                "制定并落实业务协调配合工作办法，及时处理口岸相关事务",
                "3",
                B,
                "办法未落实或事务处理不及时，每例扣1分",
            ),
            ("1.3", "开展区域间口岸协作，实现信息共享和联合执法", "3", D, "无区域协作扣3分"),
        ],
    ),
    "efficiency": (
        Decimal("14"),
        "通关效率与改革创新",
        [
            (
                "2.1",
                "推进通关模式改革创新，落实大通关建设任务",
                "5",
                D,
                "改革任务未完成，每项扣1分",
            ),
            (
                "2.2",
                "应用信息化手段优化通关流程，压缩整体通关时间",
                "5",
                S,
                "通关时间较上年无压缩扣2分",
            ),
            (
                "2.3",
                "清理规范口岸收费，降低进出口环节合规成本",
                "4",
                D,
                "存在违规收费的，本项不得分",
            ),
        ],
    ),
    "service": (
        Decimal("14"),
        "窗口服务质量",
        [
            (
                "3.1",
                "窗口单位公开服务承诺，落实首问负责、限时办结等便民措施",
                "5",
                S,
                "每缺一项制度扣1分",
            ),
            ("3.2", "服务对象满意度调查结果", "5", Q, "满意率低于90%扣2分，低于80%不得分"),
            ("3.3", "公正执法、文明服务，无有效投诉", "4", C, "每起有效投诉扣1分"),
        ],
    ),
    "transparency": (
        Decimal("10"),
        "政务公开与监督渠道",
        [
            ("4.1", "依法公开口岸政策、办事流程和收费标准", "4", W, "应公开未公开，每项扣1分"),
            ("4.2", "举报投诉渠道畅通，受理答复及时", "3", S, "答复超期每件扣0.5分"),
            ("4.3", "聘请社会监督员或开展开放日等活动接受监督", "3", D, "未开展扣3分"),
        ],
    ),
    "rule_of_law": (
        Decimal("10"),
        "依法行政",
        [
            ("5.1", "开展规范性文件制定、清理工作", "3", D, "未按要求清理扣2分"),
            ("5.2", "建立执法监督体系，落实执法责任制", "4", D, "无执法监督制度不得分"),
            ("5.3", "执法规范化水平，无行政复议或诉讼败诉案件", "3", C, "每起败诉案件扣1.5分"),
        ],
    ),
    "safety": (
        Decimal("14"),
        "安全管理与应急处置",
        [
            ("6.1", "制定安全工作规范并落实安全责任", "5", D, "责任未落实到岗扣2分"),
            (
                "6.2",
                "安全设施完好，定期开展安全检查和隐患整改",
                "5",
                S,
                "发现隐患未整改，每处扣1分",
            ),
            ("6.3", "健全突发事件应急预案并组织演练", "4", S, "全年未组织演练扣2分"),
        ],
    ),
    "integrity": (
        Decimal("12"),
        "廉政共建与行风建设",
        [
            ("7.1", "口岸单位之间签订并落实廉政共建协议", "4", D, "未签订协议不得分"),
            (
                "7.2",
                "开展行风整治，纠正损害群众利益的不正之风",
                "4",
                C,
                "发现问题未整改，每项扣1分",
            ),
            ("7.3", "廉政教育与警示教育常态化开展", "4", B, "全年少于2次扣2分"),
        ],
    ),
    "culture": (
        Decimal("8"),
        "思想道德与文化建设",
        [
            ("8.1", "组织政治理论学习和思想道德建设活动", "3", D, "未制定学习计划扣1分"),
            ("8.2", "开展文化体育活动，增强队伍凝聚力", "3", B, "全年未开展扣3分"),
            ("8.3", "总结提炼本单位精神主旨，开展宣传", "2", W, "未开展宣传扣1分"),
        ],
    ),
    "long_term": (
        Decimal("8"),
        "组织领导与长效机制",
        [
            ("9.1", "成立共建领导机构，明确分管领导和联络员", "3", D, "未成立机构不得分"),
            ("9.2", "制定年度共建计划，明确日常工作职责和规范", "3", D, "无年度计划扣2分"),
            ("9.3", "共建工作纳入日常考核，形成制度化、规范化机制", "2", B, "未纳入考核扣1分"),
        ],
    ),
}

BONUS = [
    ("B1", "共建经验做法被国家或省级部门推广", "3", D),
    ("B2", "获得地市级以上文明单位、青年文明号等荣誉", "2", D),
]

VETOES = [
    ("V1", "发生重大安全责任事故", 24),
    ("V2", "发生严重违纪违法案件或造成恶劣社会影响的事件", 24),
    ("V3", "弄虚作假骗取荣誉", 36),
]


@transaction.atomic
def install_tree(scheme):
    """Fill an empty draft with the template's areas, items, bonus items and vetoes."""
    areas = {a.area.code: a for a in scheme.areas.select_related("area")}
    order = 0
    for code, (weight, indicator_name, items) in AREAS.items():
        area = areas[code]
        area.weight = weight
        area.save(update_fields=["weight"])
        indicator = Indicator.objects.create(scheme_area=area, order=1, name=indicator_name)
        for item_code, text, max_points, method, rule in items:
            order += 1
            Item.objects.create(
                scheme=scheme,
                indicator=indicator,
                code=item_code,
                order=order,
                text=text,
                max_points=Decimal(max_points),
                method=method,
                deduction_rule=rule,
            )
    extra_area = areas["long_term"]
    bonus_indicator = Indicator.objects.create(scheme_area=extra_area, order=9, name="加分项目")
    for i, (code, text, max_points, method) in enumerate(BONUS, start=1):
        Item.objects.create(
            scheme=scheme,
            indicator=bonus_indicator,
            code=code,
            order=100 + i,
            text=text,
            kind=Item.Kind.BONUS,
            max_points=Decimal(max_points),
            method=method,
        )
    for i, (code, text, months) in enumerate(VETOES, start=1):
        VetoCondition.objects.create(
            scheme=scheme, code=code, order=i, text=text, lookback_months=months
        )
    scheme_recompute(scheme)
    return scheme


@transaction.atomic
def template_install(*, actor, authority, publish=True):
    """The starting template as version 1 of its family, once; returns the existing one after."""
    existing = Scheme.objects.filter(family=FAMILY).order_by("version").first()
    if existing is not None:
        return existing
    scheme = scheme_create(
        actor=actor,
        family=FAMILY,
        name=NAME,
        authority=authority,
        is_template=True,
        name_en=NAME_EN,
        description=DESCRIPTION,
        bonus_cap=Decimal("5"),
    )
    install_tree(scheme)
    if publish:
        scheme_publish(actor=actor, scheme=scheme)
        scheme.refresh_from_db()
    return scheme

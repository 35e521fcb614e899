"""Demo data of the campaign's day-to-day work, run at the end of `seed_demo`: a year of it for
the demo ports, so that the lists and dashboards of a newcomer's `make run` have something to show.

- Filings (备案): Guangdong's implementation opinion and evaluation method acknowledged;
  Zhejiang's implementation opinion returned with comments and resubmitted, its evaluation
  method a draft. The assessment standards are filed by the provinces' scheme publications
  (seeding.assessments).
- Co-construction plans of Shenzhen and Ningbo (published) and Guangzhou (a draft), with
  commitments per unit and construction area; the activities below count toward them.
- About 150 activities in the nine areas and every form, logged by units (罗湖海关's through the
  `unit_contact` account) and by port authorities, most verified, some awaiting review, a few
  sent back for more; some with a photo or a sign-in sheet as evidence.
- Shenzhen's special campaign and two co-construction agreements (one with its signed PDF).
- Guangdong's inspection visit to Shenzhen's ports with rectification items open, overdue,
  answered, sent back and closed; Shenzhen's and Ningbo's own visits.
- Public feedback at Shenzhen's and Ningbo's ports in every state; a satisfaction survey of
  罗湖口岸 answered through single-use invitations, and a draft one; 罗湖海关's consultations,
  one answered (with its letter) and one pending.

Everything is written through the services, with a seeded random generator. Dates are counted
back from an anchor day: the day of the first run, read back on later runs from the date of
Guangdong's inspection visit, so that a later run builds the same records and finds them all
present. Each record is looked up by what identifies it (a filing by province and document, an
activity by unit, title and date …) before it is made, so a second run adds nothing. The
services stamp their rows with the current time; the demo then sets those timestamps back to the
day its story says they happened (an update of the timestamp columns only, not audited).
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import (
    Activity,
    Agency,
    Agreement,
    Authority,
    ConstructionArea,
    Consultation,
    Feedback,
    Filing,
    FilingVersion,
    Inspection,
    Person,
    Plan,
    Port,
    SpecialCampaign,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Unit,
)
from campaigns.services import filings as filing_services
from campaigns.services import public as public_services
from campaigns.services import work as work_services
from seeding.files import document_upload, photo_upload

WORK_SEED = 20260315
# Guangdong's inspection visit took place this many days before the anchor day; its date is how
# a later run finds the anchor again.
ANCHOR_INSPECTORS = "广东省口岸办督查组：陈立新、黄晓敏、周建华"
ANCHOR_VISIT_DAYS = 75


# --- small helpers ------------------------------------------------------------------------------


@dataclass
class Demo:
    today: datetime.date
    rng: random.Random
    stats: object
    users: dict  # username → user
    authorities: dict  # code → Authority
    units: dict  # code → Unit
    ports: dict  # code → Port
    areas: dict  # code → ConstructionArea

    def reseed(self, section):
        """A generator of its own for each section, so that what one section finds already
        present does not change what the next one draws."""
        self.rng = random.Random(f"{WORK_SEED}:{section}")

    def is_missing(self, kind, key, existing):
        """Whether the record `key` identifies is not among the `existing` keys yet; counted as
        new or kept under `kind`."""
        created = key not in existing
        self.stats.count(kind, created)
        return created

    def day(self, days_ago):
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, days_ago, hour=10, minute=0):
        """An aware moment `days_ago` days before the anchor, never later than now."""
        moment = datetime.datetime.combine(
            self.day(days_ago),
            datetime.time(hour, minute),
            tzinfo=timezone.get_current_timezone(),
        )
        return min(moment, timezone.now())


def anchor_day():
    """The first run's day, from the date of Guangdong's inspection visit; today otherwise."""
    visit = (
        Inspection.objects.filter(authority__code="GD", inspectors=ANCHOR_INSPECTORS)
        .order_by("pk")
        .values_list("visited_on", flat=True)
        .first()
    )
    if visit is None:
        return timezone.localdate()
    return visit + datetime.timedelta(days=ANCHOR_VISIT_DAYS)


def _set_times(obj, **fields):
    """Set the service's timestamps back to when the demo's story has it happen."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)


# --- filings (备案) -----------------------------------------------------------------------------

GD_OPINION = """为深入推进共建文明口岸活动，根据国家口岸管理办公室有关通知精神，结合我省口岸工作实际，提出如下实施意见。

一、总体要求
以提升口岸通关效率和服务水平为重点，以协作、效率、服务、阳光、法制、安全、廉政、文化和长效机制“九项建设”为抓手，推动全省口岸形成部门协作顺畅、通关便捷高效、服务规范优质的良好局面。

二、组织领导
省口岸工作领导小组统筹全省共建文明口岸活动，各地级以上市口岸管理部门牵头组织本地区口岸查验单位和运营服务单位共同开展活动，每年制定共建活动计划并报省口岸办备案。

三、主要任务
（一）健全口岸联席会议和信息共享机制，每季度至少召开一次口岸单位协调会。
（二）深化通关便利化改革，压缩整体通关时间，推广“提前申报”“两步申报”等措施。
（三）规范窗口服务，公开办事流程和收费标准，畅通投诉建议渠道。
（四）加强口岸安全生产和应急处置能力建设，定期开展联合演练。
（五）开展廉政共建，签订廉政共建协议，落实廉洁自律各项规定。

四、工作要求
各地要将共建文明口岸活动纳入年度重点工作，做好活动记录和资料归档，按要求报送工作进展情况。"""

GD_METHOD = """一、评比周期：每两年开展一次全省共建文明口岸评比，与全国评比周期衔接。
二、评比程序：单位自评、地市口岸管理部门初审、省级评审、结果公示、省口岸工作领导小组审定。
三、评比名额：先进口岸、先进单位、先进个人名额按各地参与单位数量分配，向基层一线倾斜。
四、评审方式：评审专家按考核标准独立评分，取平均分确定排名；得分差异较大的项目由评审组复核。
五、结果运用：评比结果作为推荐参加全国共建文明口岸评比的依据。"""

ZJ_OPINION_V1 = """为贯彻落实全国共建文明口岸活动部署，结合浙江口岸实际，提出以下实施意见。

一、目标任务：以宁波舟山港和温州港为重点，围绕“九项建设”开展共建活动，打造高效便捷的口岸通关环境。
二、组织实施：省口岸办负责全省活动的组织协调，各市口岸管理部门具体实施。
三、工作措施：推进通关便利化改革，加强部门协作，规范服务窗口，开展文明创建活动。"""

ZJ_OPINION_V2 = (
    ZJ_OPINION_V1
    + """
四、职责分工：省口岸办负责统筹协调和督促检查；宁波、温州等市口岸管理部门负责制定年度共建活动计划，组织辖区口岸单位实施；各口岸查验单位和运营服务单位按计划承担具体任务。
五、时间安排：每年一季度制定年度计划，三季度开展中期督导，年底进行总结考核。
六、保障措施：将共建活动纳入各单位年度目标考核，安排必要工作经费，建立活动台账，做好宣传报道。"""
)

ZJ_RETURN_COMMENTS = (
    "实施意见缺少各级口岸管理部门和参与单位的职责分工，也未明确年度工作的时间安排。"
    "请补充完善后重新报备。"
)

ZJ_METHOD = """浙江省共建文明口岸评比办法（征求意见稿）
一、评比对象为全省开放口岸及其参与单位。
二、评比坚持公开、公平、公正，实行单位申报、市级推荐、省级评审、社会公示。"""

# province → [(document, title, text, attachment name or "", steps)]; a step is
# ("submit", days ago), ("acknowledge", days ago, comments), ("return", days ago, comments) or
# ("revise", days ago, new text). The assessment standards are not here: a province files its
# standard by publishing its assessment scheme (seeding.assessments).
FILINGS = {
    "GD": [
        (
            Filing.Kind.IMPLEMENTATION_OPINION,
            "广东省共建文明口岸活动实施意见",
            GD_OPINION,
            "广东省共建文明口岸活动实施意见（印发稿）.pdf",
            [("submit", 330), ("acknowledge", 322, "已收悉，同意备案。")],
        ),
        (
            Filing.Kind.EVALUATION_METHOD,
            "广东省共建文明口岸评比办法",
            GD_METHOD,
            "",
            [("submit", 300), ("acknowledge", 289, "")],
        ),
    ],
    "ZJ": [
        (
            Filing.Kind.IMPLEMENTATION_OPINION,
            "浙江省共建文明口岸活动实施意见",
            ZJ_OPINION_V1,
            "浙江省共建文明口岸活动实施意见.pdf",
            [
                ("submit", 310),
                ("return", 301, ZJ_RETURN_COMMENTS),
                ("revise", 20, ZJ_OPINION_V2),
                ("submit", 12),
            ],
        ),
        (
            Filing.Kind.EVALUATION_METHOD,
            "浙江省共建文明口岸评比办法",
            ZJ_METHOD,
            "",
            [],
        ),
    ],
}
FILING_OFFICERS = {"GD": "gd_officer", "ZJ": "zj_officer"}


def _file(demo, province, kind, title, text, attachment, steps):
    officer = demo.users[FILING_OFFICERS[province]]
    national = demo.users["national"]
    authority = demo.authorities[province]
    first = steps[0][1] if steps else 5
    filing = filing_services.filing_create(
        actor=officer, authority=authority, kind=kind, title=title, text=text
    )
    _set_times(filing, created_at=demo.at(first + 6, 9, 30))
    if attachment:
        added = filing_services.filing_attachment_add(
            actor=officer, filing=filing, upload=document_upload(attachment, "Civport demo: filing")
        )
        _set_times(added, uploaded_at=demo.at(first + 1, 15, 10))
    for step, days_ago, *rest in steps:
        moment = demo.at(days_ago, 10, 20)
        if step == "submit":
            filing = filing_services.filing_submit(actor=officer, filing=filing)
            version = FilingVersion.objects.get(filing=filing, number=filing.version_count)
            _set_times(filing, submitted_at=moment)
            _set_times(version, submitted_at=moment)
        elif step == "revise":
            filing = filing_services.filing_update(
                actor=officer, filing=filing, title=filing.title, text=rest[0]
            )
        else:
            answer = (
                filing_services.filing_acknowledge
                if step == "acknowledge"
                else filing_services.filing_return
            )
            filing = answer(actor=national, filing=filing, comments=rest[0])
            version = FilingVersion.objects.get(filing=filing, number=filing.version_count)
            _set_times(filing, answered_at=moment)
            _set_times(version, answered_at=moment)


def seed_filings(demo):
    existing = set(Filing.objects.values_list("authority__code", "kind"))
    for province, documents in FILINGS.items():
        for kind, title, text, attachment, steps in documents:
            if demo.is_missing("filing", (province, kind), existing):
                _file(demo, province, kind, title, text, attachment, steps)


# --- plans ----------------------------------------------------------------------------------

# port authority → (title, published, [(unit code, area, target activities, due month, goal)])
PLANS = {
    "GD-SZ": (
        "深圳口岸{year}年度共建文明口岸活动计划",
        True,
        [
            (
                "GD-P001-C",
                "service",
                6,
                12,
                "坚持“关长接待日”制度，每季度至少召开一次企业座谈会，企业诉求当月回应。",
            ),
            (
                "GD-P001-C",
                "efficiency",
                4,
                10,
                "推广“提前申报”“两步申报”，旅检通道高峰期通关时间控制在30分钟以内。",
            ),
            (
                "GD-P001-B",
                "coordination",
                4,
                12,
                "与罗湖海关、罗湖站建立客流高峰联合疏导机制，节假日前召开联席会议。",
            ),
            (
                "GD-P001-F",
                "safety",
                3,
                11,
                "联检楼消防设施季度检测，组织一次客流高峰应急疏散演练。",
            ),
            (
                "GD-P004-C",
                "transparency",
                3,
                9,
                "在旅检大厅和门户网站公开办事指南、收费标准和投诉电话。",
            ),
            ("GD-P004-B", "service", 4, 12, "开设老年人、残疾人绿色通道，开展“微笑服务”窗口评比。"),
            (
                "GD-P006-F",
                "safety",
                5,
                12,
                "危险货物堆场安全巡查每周一次，全年开展两次码头联合应急演练。",
            ),
            ("GD-P006-M", "rule_of_law", 3, 10, "开展船舶安全和防污染法规宣讲，进港航企业全覆盖。"),
            (
                "GD-P006-C",
                "efficiency",
                4,
                12,
                "推进集装箱“船边直提”“抵港直装”，压缩进出口整体通关时间。",
            ),
            (
                "GD-P007-C",
                "integrity",
                3,
                12,
                "与机场管理公司签订廉政共建协议，每半年开展一次警示教育。",
            ),
            ("GD-P007-F", "culture", 3, 11, "组织“国门卫士”读书分享会和口岸单位职工文体联谊活动。"),
            ("GD-P002-C", "long_term", 2, 12, "建立共建活动台账，按季度向市口岸办报送活动情况。"),
        ],
    ),
    "ZJ-NB": (
        "宁波口岸{year}年度共建文明口岸活动计划",
        True,
        [
            (
                "ZJ-P001-C",
                "efficiency",
                5,
                12,
                "深化“智慧海关”建设，推进进口货物“两段准入”，压缩通关时间。",
            ),
            (
                "ZJ-P001-B",
                "service",
                4,
                12,
                "推行边检“一站式”船舶登临检查服务，为国际航行船舶提供预约查验。",
            ),
            (
                "ZJ-P001-F",
                "safety",
                4,
                12,
                "落实港区安全生产责任制，开展台风季前联合检查和应急演练。",
            ),
            ("ZJ-P001-M", "rule_of_law", 3, 10, "开展水上交通安全法规进企业、进船舶宣传活动。"),
            ("ZJ-P001-S", "transparency", 2, 9, "在营业场所公开船舶代理服务项目和收费标准。"),
            (
                "ZJ-P001-C",
                "integrity",
                2,
                12,
                "与港务集团开展廉政共建，签订廉政承诺书，组织廉政教育。",
            ),
            ("ZJ-P001-F", "coordination", 3, 12, "牵头建立港口口岸单位月度协调例会制度。"),
        ],
    ),
    "GD-GZ": (
        "广州口岸{year}年度共建文明口岸活动计划",
        False,
        [
            ("GD-P010-C", "service", 4, 12, "优化旅检通道布局，推行“无感通关”，提升旅客满意度。"),
            ("GD-P010-F", "safety", 3, 11, "开展航站楼消防和反恐联合演练。"),
            ("GD-P011-C", "efficiency", 4, 12, "推广“提前申报”，提高进出口货物提前申报率。"),
            ("GD-P011-M", "rule_of_law", 2, 10, "开展船员法规培训和港口国监督检查宣讲。"),
            ("GD-P011-F", "coordination", 3, 12, "建立港区口岸单位联席会议制度。"),
        ],
    ),
}
PLAN_OFFICERS = {"GD-SZ": "sz_officer", "ZJ-NB": "nb_officer", "GD-GZ": "gd_officer"}


def seed_plans(demo):
    year = demo.today.year
    existing = set(Plan.objects.filter(year=year).values_list("authority__code", flat=True))
    heads = [f"{unit}-01" for _t, _p, rows in PLANS.values() for unit, *_rest in rows]
    people = {p.code: p for p in Person.objects.filter(code__in=heads)}
    for code, (title, published, commitments) in PLANS.items():
        if not demo.is_missing("plan", code, existing):
            continue
        actor = demo.users[PLAN_OFFICERS[code]]
        plan = work_services.plan_create(
            actor=actor, authority=demo.authorities[code], year=year, title=title.format(year=year)
        )
        day_of_year = demo.today.timetuple().tm_yday
        _set_times(plan, created_at=demo.at(max(0, day_of_year - 10), 9))
        for unit_code, area, target, month, goal in commitments:
            work_services.commitment_add(
                actor=actor,
                plan=plan,
                area=demo.areas[area],
                unit=demo.units[unit_code],
                goal=goal,
                due_on=datetime.date(year, month, 28 if month == 2 else 30),
                target_activities=target,
                owner_person=people.get(f"{unit_code}-01"),
            )
        if published:
            plan = work_services.plan_publish(actor=actor, plan=plan)
            _set_times(plan, published_at=demo.at(max(0, day_of_year - 20), 16))


# --- special campaigns and agreements -------------------------------------------------------

SPECIAL_CAMPAIGN = (
    "GD-SZ",
    "深圳口岸“营商环境提升”专项共建行动",
    "efficiency",
    ["GD-P001-C", "GD-P001-B", "GD-P004-C", "GD-P004-B", "GD-P006-C", "GD-P006-F", "GD-P007-C"],
    200,
    -60,
    "围绕压缩整体通关时间、降低进出口环节合规成本，口岸查验单位与运营服务单位联合开展专项共建："
    "推广“提前申报”“两步申报”，推行查验预约和“船边直提”，公开通关时限承诺，"
    "每月通报各口岸整体通关时间。",
)

# (authority, title, kind, parties, signed days ago, valid years, terms, signed PDF name)
AGREEMENTS = [
    (
        "GD-SZ",
        "罗湖口岸廉政共建协议",
        Agreement.Kind.INTEGRITY,
        ["GD-P001-C", "GD-P001-B", "GD-P001-F"],
        280,
        2,
        "一、各方共同落实中央八项规定精神，不得接受服务对象宴请和礼品礼金。\n"
        "二、建立廉政风险点排查和通报机制，每半年互通一次廉政建设情况。\n"
        "三、联合开展廉政警示教育，每年不少于两次。\n"
        "四、畅通投诉举报渠道，在联检楼公开监督电话。",
        "罗湖口岸廉政共建协议（签字版）.pdf",
    ),
    (
        "ZJ-NB",
        "宁波舟山港口岸通关服务共建协议",
        Agreement.Kind.BUSINESS,
        ["ZJ-P001-C", "ZJ-P001-B", "ZJ-P001-F", "ZJ-P001-S"],
        240,
        3,
        "一、各方建立船舶进出港信息共享机制，提前推送船舶动态和舱单信息。\n"
        "二、推行查验作业预约，码头按约定时间安排查验场地和机力。\n"
        "三、联合公布通关服务承诺和办理时限，接受企业监督。\n"
        "四、每月召开一次协调例会，共同研究解决通关中的问题。",
        "",
    ),
]
AGREEMENT_OFFICERS = {"GD-SZ": "sz_officer", "ZJ-NB": "nb_officer"}


def seed_special_campaign(demo):
    code, name, theme, members, start_ago, end_ago, goals = SPECIAL_CAMPAIGN
    authority = demo.authorities[code]
    campaign = SpecialCampaign.objects.filter(authority=authority, name=name).first()
    demo.stats.count("special_campaign", campaign is None)
    if campaign is None:
        campaign = work_services.special_campaign_create(
            actor=demo.users["sz_officer"],
            authority=authority,
            name=name,
            theme_area=demo.areas[theme],
            members=[demo.units[u] for u in members],
            starts_on=demo.day(start_ago),
            ends_on=demo.day(end_ago),
            goals=goals,
        )
        _set_times(campaign, created_at=demo.at(start_ago + 5, 11))
    return campaign


def seed_agreements(demo):
    existing = set(Agreement.objects.values_list("authority__code", "title"))
    for code, title, kind, parties, signed_ago, years, terms, pdf in AGREEMENTS:
        if not demo.is_missing("agreement", (code, title), existing):
            continue
        signed_on = demo.day(signed_ago)
        agreement = work_services.agreement_create(
            actor=demo.users[AGREEMENT_OFFICERS[code]],
            authority=demo.authorities[code],
            title=title,
            kind=kind,
            parties=[demo.units[u] for u in parties],
            signed_on=signed_on,
            valid_until=signed_on + datetime.timedelta(days=365 * years - 1),
            terms=terms,
            upload=document_upload(pdf, "Civport demo: signed agreement") if pdf else None,
        )
        _set_times(agreement, created_at=demo.at(signed_ago - 2, 14))


# --- activities -------------------------------------------------------------------------------

Form = Activity.Form
# What units log: (form, areas, title, description); {unit} is the unit's name.
UNIT_ACTIVITIES = [
    (
        Form.MEDIA,
        ("efficiency", "transparency"),
        "{unit}发布口岸通关便利化措施宣传稿",
        "围绕“提前申报”“两步申报”等通关便利化措施，{unit}撰写宣传稿件并在官方公众号发布，"
        "介绍办理流程和常见问题，方便企业和旅客了解。",
    ),
    (
        Form.MEDIA,
        ("culture",),
        "{unit}开展“文明口岸 你我共建”主题宣传",
        "{unit}在旅检大厅和办公区设置主题宣传展板，发放宣传折页，向旅客和企业介绍共建文明口岸活动。",
    ),
    (
        Form.MEDIA,
        ("service", "transparency"),
        "{unit}制作口岸通关指南短视频",
        "{unit}拍摄口岸通关指南短视频，用图解方式说明申报、查验和放行流程，在官方平台和服务窗口播放。",
    ),
    (
        Form.VISIT,
        ("service", "efficiency"),
        "{unit}走访辖区进出口企业了解通关需求",
        "{unit}组织业务骨干走访辖区重点进出口企业，现场收集企业在申报、查验、放行环节遇到的问题，"
        "形成问题清单并逐项跟踪解决。",
    ),
    (
        Form.VISIT,
        ("coordination",),
        "{unit}赴共建单位开展结对交流",
        "{unit}与结对共建单位座谈交流，互相介绍业务流程和工作难点，商定下一阶段联合开展的共建事项。",
    ),
    (
        Form.SYMPOSIUM,
        ("service", "efficiency"),
        "{unit}召开口岸营商环境企业座谈会",
        "{unit}邀请进出口企业、报关企业和船舶代理企业代表座谈，听取对口岸营商环境的意见建议，"
        "现场解答企业提出的政策问题。",
    ),
    (
        Form.SYMPOSIUM,
        ("transparency", "rule_of_law"),
        "{unit}举办进出口政策答疑会",
        "{unit}围绕新出台的进出口政策举办答疑会，解读政策要点和办理要求，公开咨询电话和办理时限。",
    ),
    (
        Form.SURVEY,
        ("service",),
        "{unit}开展通关服务满意度问卷调查",
        "{unit}在服务窗口和线上平台开展满意度问卷调查，收集旅客和企业对服务态度、办事效率的评价，"
        "对反映集中的问题制定整改措施。",
    ),
    (
        Form.AGREEMENT,
        ("integrity",),
        "{unit}与共建单位签订廉政共建承诺书",
        "{unit}与共建单位签订廉政共建承诺书，明确廉政风险防控责任，公开监督举报电话。",
    ),
    (
        Form.TRAINING,
        ("safety",),
        "{unit}开展口岸安全生产专题培训",
        "{unit}邀请安全生产专家授课，讲解口岸作业安全规范和事故案例，组织参训人员进行安全知识测试。",
    ),
    (
        Form.TRAINING,
        ("integrity",),
        "{unit}组织廉政警示教育专题讲座",
        "{unit}组织干部职工观看警示教育片，邀请纪检干部讲授廉政党课，引导大家筑牢廉洁自律防线。",
    ),
    (
        Form.TRAINING,
        ("rule_of_law",),
        "{unit}开展口岸法律法规普法讲座",
        "{unit}围绕海关法、出境入境管理法等口岸法律法规开展普法讲座，提升一线人员依法履职能力。",
    ),
    (
        Form.TRAINING,
        ("safety", "coordination"),
        "{unit}参加口岸突发事件联合应急演练",
        "{unit}与口岸查验单位、运营单位联合开展突发事件应急演练，检验预案的可操作性和各方协同处置能力。",
    ),
    (
        Form.TRAINING,
        ("safety",),
        "{unit}组织消防应急疏散演练",
        "{unit}组织消防应急疏散演练，演练火情报告、初期火灾扑救和人员疏散，检查消防设施完好情况。",
    ),
    (
        Form.CULTURE_SPORTS,
        ("culture", "coordination"),
        "{unit}与共建单位举办职工气排球联谊赛",
        "{unit}与口岸共建单位联合举办职工气排球联谊赛，增进各单位职工之间的沟通与协作。",
    ),
    (
        Form.CULTURE_SPORTS,
        ("culture",),
        "{unit}组织“国门卫士”主题读书分享会",
        "{unit}组织青年职工开展“国门卫士”主题读书分享会，交流读书心得，弘扬爱岗敬业精神。",
    ),
    (
        Form.CULTURE_SPORTS,
        ("service", "culture"),
        "{unit}组织志愿服务进旅检大厅",
        "{unit}组织青年志愿者在旅检大厅为旅客提供咨询引导、行李搬运和老人儿童帮扶等志愿服务。",
    ),
    (
        Form.OTHER,
        ("long_term",),
        "{unit}完成共建活动台账季度报送",
        "{unit}整理本季度共建活动记录、照片和会议纪要，形成活动台账并报送市口岸办。",
    ),
    (
        Form.OTHER,
        ("transparency",),
        "{unit}更新服务窗口公示内容",
        "{unit}对服务窗口公示的办事指南、收费标准和投诉电话进行全面核对更新，确保公开信息准确。",
    ),
]
SPECIAL_ACTIVITY = (
    Form.SPECIAL_CAMPAIGN,
    ("efficiency",),
    "{unit}落实“营商环境提升”专项共建任务",
    "{unit}按照专项共建行动安排，推行查验预约和通关时限承诺，统计本月整体通关时间并报送专项行动办公室。",
)
# What port authorities log themselves (recorded as verified); {authority} is its short name.
AUTHORITY_ACTIVITIES = [
    (Form.SYMPOSIUM, ("coordination", "long_term"), "{authority}召开共建文明口岸活动推进会",
     "{authority}召集辖区口岸查验单位和运营服务单位召开推进会，通报共建活动计划执行情况，部署下一阶段重点任务。"),
    (Form.TRAINING, ("long_term",), "{authority}组织口岸单位共建工作培训",
     "{authority}组织辖区口岸单位共建联络员集中培训，讲解共建文明口岸考核标准和活动台账要求。"),
    (Form.OTHER, ("long_term", "rule_of_law"), "{authority}开展共建文明口岸活动季度督导",
     "{authority}对辖区口岸共建活动开展情况进行季度督导，查阅活动台账，听取各单位工作汇报。"),
]  # fmt: skip
MORE_REQUESTS = (
    "请补充活动现场照片和签到表。",
    "活动参与人数与签到表不一致，请核实后补充说明。",
    "请补充活动通知或会议纪要，以便核实活动内容。",
)
# port authority → (activities, of which logged by the authority itself, who verifies)
ACTIVITY_PLAN = {
    "GD-SZ": (78, 4, "sz_officer"),
    "GD-GZ": (24, 2, "gd_officer"),
    "ZJ-NB": (30, 3, "nb_officer"),
    "GD-ZH": (10, 1, "gd_officer"),
    "ZJ-WZ": (8, 1, "zj_officer"),
}
# Units whose contact is a demo account log through it; the port office enters the others'.
CONTACT_UNITS = ("GD-P001-C", "GD-P001-C1")


def _activity_day(demo):
    """A working day in the last year (most activities happen on weekdays), and its age as
    drawn: what became of an activity follows the drawn age, so that moving a weekend day to the
    Friday before never changes it, whichever day the demo is loaded."""
    age = demo.rng.randint(1, 364)
    # Drawn for every day, so that the random sequence does not depend on the weekdays.
    is_moved_off_weekend = demo.rng.random() < 0.85
    day = demo.day(age)
    if day.weekday() >= 5 and is_moved_off_weekend:
        day -= datetime.timedelta(days=day.weekday() - 4)
    return day, age


def _activity_specs(demo, campaign):
    """Every activity of the demo: (authority, unit or None, form, areas, title, description,
    day, participants, participant count, age as drawn). Units committed in a plan get most of theirs in the
    committed area."""
    commitments = {}
    for code, (_title, _published, rows) in PLANS.items():
        for unit_code, area, *_rest in rows:
            commitments.setdefault(code, []).append((unit_code, area))
    members = {u.pk for u in campaign.members.all()} if campaign else set()
    specs = []
    taken = set()  # (authority, unit, title, day): the key a later run finds an activity by

    def unclaimed(authority, unit, title, day):
        """The drawn day, or the nearest earlier day no other activity of the demo with the same
        authority, unit and title holds, so that every day's run makes the same activities."""
        while (authority.pk, unit.pk if unit else None, title, day) in taken:
            day -= datetime.timedelta(days=1)
        taken.add((authority.pk, unit.pk if unit else None, title, day))
        return day

    for code, (count, own, _verifier) in ACTIVITY_PLAN.items():
        authority = demo.authorities[code]
        units = sorted(
            (u for u in demo.units.values() if u.authority_id == authority.pk), key=lambda u: u.code
        )
        committed = commitments.get(code, [])
        for n in range(count):
            day, age = _activity_day(demo)
            if n < own:
                form, areas, title, text = AUTHORITY_ACTIVITIES[n % len(AUTHORITY_ACTIVITIES)]
                name = authority.short_name or authority.name
                others = demo.rng.sample(units, k=min(4, len(units)))
                title = title.format(authority=name)
                specs.append(
                    (authority, None, form, areas, title, text.format(authority=name),
                     unclaimed(authority, None, title, day), others, demo.rng.randint(20, 60), age)
                )  # fmt: skip
                continue
            if committed and demo.rng.random() < 0.55:
                unit_code, area = demo.rng.choice(committed)
                unit = demo.units[unit_code]
                choices = [a for a in UNIT_ACTIVITIES if area in a[1]]
            else:
                unit = demo.rng.choice(units)
                choices = UNIT_ACTIVITIES
            template = demo.rng.choice(choices)
            if unit.pk in members and demo.rng.random() < 0.3:
                template = SPECIAL_ACTIVITY
            form, areas, title, text = template
            others = [u for u in units if u.pk != unit.pk and u.port_id == unit.port_id]
            partners = demo.rng.sample(others, k=min(len(others), demo.rng.randint(0, 2)))
            title = title.format(unit=unit.name)
            specs.append(
                (authority, unit, form, areas, title, text.format(unit=unit.name),
                 unclaimed(authority, unit, title, day), partners, demo.rng.randint(8, 120), age)
            )  # fmt: skip
    return specs


def _activity_outcome(demo, age):
    """verified, more requested or still submitted: older activities are mostly reviewed."""
    r = demo.rng.random()
    if age > 30:
        return "verified" if r < 0.82 else "more" if r < 0.9 else "submitted"
    return "verified" if r < 0.3 else "more" if r < 0.4 else "submitted"


def seed_activities(demo, campaign):
    demo.reseed("activities")
    authorities = [demo.authorities[code] for code in ACTIVITY_PLAN]
    existing = set(
        Activity.objects.filter(authority__in=authorities).values_list(
            "authority_id", "unit_id", "title", "occurred_on"
        )
    )
    verifiers = {demo.authorities[c].pk: demo.users[v] for c, (*_n, v) in ACTIVITY_PLAN.items()}
    contact = demo.users["unit_contact"]
    for n, spec in enumerate(_activity_specs(demo, campaign)):
        authority, unit, form, areas, title, text, day, partners, count, age = spec
        key = (authority.pk, unit.pk if unit else None, title, day)
        # Drawn for every spec, so that the random sequence does not depend on what exists.
        outcome = _activity_outcome(demo, age)
        evidence = demo.rng.random()
        if not demo.is_missing("activity", key, existing):
            continue
        existing.add(key)
        uploads = []
        if outcome != "more" and evidence < 0.35:
            uploads.append(photo_upload("活动现场照片.png", n))
            if evidence < 0.12:
                uploads.append(document_upload("签到表.pdf", "Civport demo: sign-in sheet"))
        officer = verifiers[authority.pk]
        activity = work_services.activity_create(
            actor=contact if unit is not None and unit.code in CONTACT_UNITS else officer,
            authority=authority,
            unit=unit,
            occurred_on=day,
            form=form,
            areas=[demo.areas[a] for a in areas],
            title=title,
            description=text,
            participant_units=partners,
            participant_count=count,
            special_campaign=campaign if form == Form.SPECIAL_CAMPAIGN else None,
            uploads=uploads,
            verified=unit is None,
            today=demo.today,
        )
        logged_ago = max(0, (demo.today - day).days - demo.rng.randint(0, 2))
        times = {"created_at": demo.at(logged_ago, 17, n % 60)}
        if unit is not None and outcome != "submitted":
            if outcome == "verified":
                work_services.activity_verify(actor=officer, activity=activity)
            else:
                work_services.activity_request_more(
                    actor=officer, activity=activity, comment=demo.rng.choice(MORE_REQUESTS)
                )
            times["reviewed_at"] = demo.at(max(0, logged_ago - demo.rng.randint(1, 6)), 11)
        elif unit is None:
            times["reviewed_at"] = times["created_at"]
        _set_times(activity, **times)
        activity.evidence.update(uploaded_at=times["created_at"])


# --- inspections and rectifications ---------------------------------------------------------

# A finding: (text, owner unit or None, due in days from the anchor (negative: past), what
# happened: "open", "answered", "sent_back", "closed"; answer; review comment).
# (authority, inspector officer, days ago, inspectors, ports, units, summary, findings)
INSPECTIONS = [
    (
        "GD",
        "gd_officer",
        ANCHOR_VISIT_DAYS,
        ANCHOR_INSPECTORS,
        ["GD-P001", "GD-P004", "GD-P006"],
        ["GD-P001-C", "GD-P001-C1", "GD-P001-F", "GD-P004-C", "GD-P006-F"],
        "督查组实地查看了罗湖口岸、福田口岸旅检现场和盐田港区，查阅了共建活动台账，"
        "听取了深圳市口岸办和各查验单位的工作汇报。总体看，深圳口岸共建活动组织有力，"
        "通关便利化措施落实较好，但部分环节仍存在需要整改的问题。",
        [
            ("旅检大厅公示栏中的收费标准未及时更新，与现行标准不一致。", "GD-P001-C1", -45,
             "closed", "已按现行收费标准更新公示栏内容，并建立公示信息月度核对制度。", ""),
            ("出境通道引导标识不清，高峰时段旅客排错队伍的情况较多。", "GD-P001-F", -30,
             "sent_back", "已在出境大厅增设临时引导标识。",
             "临时标识不能解决根本问题，请制定固定引导标识的设置方案并明确完成时间。"),
            ("危险货物堆场安全巡查记录不完整，部分班次缺少巡查人签字。", "GD-P006-F", -20,
             "open", "", ""),
            ("“关长接待日”企业座谈会会议纪要未按要求归档。", "GD-P004-C", 10,
             "answered", "已补齐今年以来四次座谈会的会议纪要并归档，指定专人负责。", ""),
            ("共建活动台账未按季度报送市口岸办。", "GD-P001-C", 20, "open", "", ""),
            ("罗湖口岸志愿服务站运行良好，旅客评价较高，可总结经验在全市口岸推广。", None, None,
             "", "", ""),
        ],
    ),
    (
        "GD-SZ",
        "sz_officer",
        20,
        "深圳市口岸办：刘振华、郑雅琳",
        ["GD-P007"],
        ["GD-P007-C", "GD-P007-F"],
        "检查组到深圳航空口岸检查共建活动计划执行情况，查看了国际到达大厅和货运站。",
        [
            ("国际到达大厅母婴室指引标识缺失。", "GD-P007-F", 25, "open", "", ""),
            ("廉政共建协议签订后未开展警示教育活动。", "GD-P007-C", 5,
             "closed", "已于本月组织警示教育专题讲座，两单位共60人参加。", ""),
        ],
    ),
    (
        "ZJ-NB",
        "nb_officer",
        50,
        "宁波市口岸办：王海涛、吴佳琪",
        ["ZJ-P001"],
        ["ZJ-P001-F", "ZJ-P001-S"],
        "检查组到宁波舟山港检查台风季前安全准备和通关服务情况。",
        [
            ("部分码头防台风应急物资储备不足。", "ZJ-P001-F", -25,
             "closed", "已补充防汛沙袋、应急照明等物资，并完成清点登记。", ""),
            ("船舶代理服务收费项目未在营业场所公示。", "ZJ-P001-S", -10, "open", "", ""),
        ],
    ),
]  # fmt: skip
PORT_OFFICERS = {"GD-SZ": "sz_officer", "ZJ-NB": "nb_officer"}


def _rectify(demo, item, outcome, answer, comment, *, visited_ago, due_in, reviewer):
    """Answer, close or send back an item as the demo's story has it. An item closed was
    answered before its due date; one awaiting review was answered a few days ago."""
    if outcome == "open":
        return
    unit_code = item.owner_unit.code
    # Units without a demo account have their answer entered by their port authority's officer.
    answerer = demo.users[
        "unit_contact"
        if unit_code in CONTACT_UNITS
        else PORT_OFFICERS[item.owner_unit.authority.code]
    ]
    upload = (
        [photo_upload("整改后现场照片.png", item.pk)] if outcome in ("answered", "closed") else []
    )
    work_services.rectification_answer(actor=answerer, item=item, answer=answer, uploads=upload)
    if outcome == "answered":
        answered_ago = min(4, visited_ago - 1)
    else:
        answered_ago = max(1, (visited_ago + max(0, -due_in)) // 2)
    times = {"answered_at": demo.at(answered_ago, 15)}
    if outcome == "closed":
        work_services.rectification_close(actor=reviewer, item=item)
        times["closed_at"] = demo.at(max(0, answered_ago - 3), 10)
    elif outcome == "sent_back":
        work_services.rectification_send_back(actor=reviewer, item=item, comment=comment)
    _set_times(item, **times)
    item.evidence.update(uploaded_at=times["answered_at"])


def seed_inspections(demo):
    existing = set(Inspection.objects.values_list("authority__code", "inspectors", "visited_on"))
    for code, officer, days_ago, inspectors, ports, units, summary, findings in INSPECTIONS:
        visited_on = demo.day(days_ago)
        if not demo.is_missing("inspection", (code, inspectors, visited_on), existing):
            continue
        actor = demo.users[officer]
        inspection = work_services.inspection_create(
            actor=actor,
            authority=demo.authorities[code],
            visited_on=visited_on,
            inspectors=inspectors,
            summary=summary,
            ports=[demo.ports[p] for p in ports],
            units=[demo.units[u] for u in units],
            today=demo.today,
        )
        recorded = demo.at(max(0, days_ago - 2), 16)
        _set_times(inspection, created_at=recorded)
        for text, unit_code, due_in, outcome, answer, comment in findings:
            finding, item = work_services.finding_add(
                actor=actor,
                inspection=inspection,
                text=text,
                owner_unit=demo.units[unit_code] if unit_code else None,
                due_on=demo.day(-due_in) if unit_code else None,
            )
            _set_times(finding, created_at=recorded)
            if item is None:
                continue
            _set_times(item, created_at=recorded)
            demo.stats.count("rectification", True)
            _rectify(
                demo,
                item,
                outcome,
                answer,
                comment,
                visited_ago=days_ago,
                due_in=due_in,
                reviewer=actor,
            )


# --- public feedback ----------------------------------------------------------------------------

S = Feedback.Status
# (port, kind, days ago, name, contact, text, status, answer, close reason)
FEEDBACK = [
    ("GD-P001", "suggestion", 300, "", "", "建议在罗湖口岸出境大厅增加自助通关通道的引导人员，高峰时段排队较长。",
     S.CLOSED, "感谢您的建议。我们已在每日客流高峰时段增派引导人员，并增设了两条自助通道。", ""),
    ("GD-P001", "complaint", 260, "李先生", "13800138000", "4月5日晚8点左右入境时，行李查验窗口只开了一个，等了近40分钟。",
     S.CLOSED, "经核查，当日因设备故障临时关闭一个查验窗口。我们已完善设备故障应急预案，确保高峰时段窗口开足。", ""),
    ("GD-P001", "suggestion", 190, "", "", "旅检大厅的饮水机太少，夏天旅客排队时很需要。",
     S.ANSWERED, "感谢您的建议。联检楼管理单位已在出入境大厅各增设两台饮水机。", ""),
    ("GD-P001", "complaint", 120, "陈女士", "chen.l@example.com", "口岸停车场收费标准没有公示，收费人员也说不清楚。",
     S.ANSWERED, "您反映的问题属实。停车场管理单位已在入口处和缴费处公示收费标准，并对收费人员进行了培训。", ""),
    ("GD-P001", "suggestion", 45, "", "", "希望口岸的通关指南增加英文和繁体中文版本，方便港澳和外籍旅客。",
     S.IN_PROGRESS, "", ""),
    ("GD-P001", "complaint", 9, "", "", "今天上午入境时，有工作人员态度比较生硬，没有耐心解释查验要求。",
     S.RECEIVED, "", ""),
    ("GD-P001", "suggestion", 2, "王先生", "", "罗湖口岸地铁站到出境大厅的指示牌不够清楚，第一次来的旅客容易走错。",
     S.RECEIVED, "", ""),
    ("GD-P004", "suggestion", 230, "", "", "建议福田口岸延长通关时间，方便晚上从香港返回的旅客。",
     S.CLOSED, "", "口岸通关时间由国家有关部门统一核定，本办已将您的建议转报上级部门研究。感谢您的关注。"),
    ("GD-P004", "complaint", 150, "赵女士", "13900139000", "入境大厅的母婴室门锁坏了，无法使用。",
     S.CLOSED, "已于接报当天完成维修，并将母婴室纳入每日巡查范围。感谢您的反映。", ""),
    ("GD-P004", "suggestion", 60, "", "", "建议在入境大厅增加外币兑换和手机充值的服务网点。",
     S.ANSWERED, "感谢建议。我们已与联检楼管理单位沟通，计划在入境大厅引入便民服务网点，届时将另行公告。", ""),
    ("GD-P004", "complaint", 18, "", "", "出境时自助通道的指纹识别经常失败，只能转人工通道。",
     S.IN_PROGRESS, "", ""),
    ("GD-P006", "complaint", 210, "深圳某贸易有限公司", "0755-26000000", "集装箱查验预约后，码头安排场地比约定时间晚了半天。",
     S.CLOSED, "经核查，当日因台风影响码头作业计划调整。码头已优化查验场地调度，预约查验当日安排到位率明显提高。", ""),
    ("GD-P006", "suggestion", 75, "", "", "建议公开盐田港区各类查验的平均办理时间，方便企业安排物流。",
     S.ANSWERED, "感谢建议。自下月起，我们将在口岸门户网站按月公布港区整体通关时间。", ""),
    ("GD-P006", "suggestion", 6, "", "", "希望港区提供更多货车临时停车位，夜间等待提柜的司机没有地方休息。",
     S.RECEIVED, "", ""),
    ("GD-P007", "suggestion", 170, "", "", "深圳机场国际到达大厅的手推车不够，经常要等。",
     S.CLOSED, "已增加国际到达区手推车数量，并安排专人在高峰时段调配。", ""),
    ("GD-P007", "complaint", 95, "孙先生", "", "海关申报台前没有中英文的申报须知，外国朋友看不懂。",
     S.ANSWERED, "感谢反映。申报台前已放置中英文申报须知，并提供二维码扫码查看多语种版本。", ""),
    ("GD-P007", "complaint", 30, "", "", "投诉电话打了三次都没人接。",
     S.CLOSED, "", "来电未留下联系方式和具体事项，无法核实。我们已核查投诉电话值守安排并调整为专人值守。"),
    ("GD-P007", "suggestion", 4, "", "", "建议在国际出发大厅增设给手机充电的插座。",
     S.RECEIVED, "", ""),
    ("ZJ-P001", "complaint", 200, "宁波某船务代理公司", "0574-87000000", "船舶进港边检手续需要跑两个窗口，能否合并办理。",
     S.CLOSED, "边检站已推行船舶登临检查“一站式”服务，进港手续可在一个窗口一次办结。", ""),
    ("ZJ-P001", "suggestion", 110, "", "", "建议港区在台风来临前通过短信提醒集卡司机。",
     S.ANSWERED, "感谢建议。港务集团已开通台风预警短信服务，登记的集卡司机均可收到提醒。", ""),
    ("ZJ-P001", "complaint", 40, "", "", "码头闸口排队时间太长，经常超过两个小时。",
     S.IN_PROGRESS, "", ""),
    ("ZJ-P001", "suggestion", 8, "周女士", "", "希望口岸开放日活动能面向更多市民报名。",
     S.RECEIVED, "", ""),
]  # fmt: skip
FEEDBACK_OFFICERS = {"GD": "sz_officer", "ZJ": "nb_officer"}


def seed_feedback(demo):
    existing = set(Feedback.objects.values_list("port__code", "text"))
    for port, kind, days_ago, name, contact, text, status, answer, reason in FEEDBACK:
        if not demo.is_missing("feedback", (port, text), existing):
            continue
        officer = demo.users[FEEDBACK_OFFICERS[port[:2]]]
        item, _code = public_services.feedback_submit(
            port=demo.ports[port], kind=kind, text=text, name=name, contact=contact
        )
        times = {"created_at": demo.at(days_ago, 9 + days_ago % 12, days_ago % 60)}
        if status != S.RECEIVED:
            public_services.feedback_start(actor=officer, feedback=item)
        if answer:
            public_services.feedback_answer(actor=officer, feedback=item, answer=answer)
            times["answered_at"] = demo.at(max(0, days_ago - 4), 15, 30)
        if status == S.CLOSED:
            public_services.feedback_close(actor=officer, feedback=item, reason=reason)
            times["closed_at"] = demo.at(max(0, days_ago - 6), 16, 45)
        _set_times(item, **times)


# --- surveys --------------------------------------------------------------------------------

SURVEY_GROUPS = ["进出口企业", "出入境旅客", "报关及代理企业"]
SURVEY_DIMENSIONS = ["服务态度", "通关效率", "收费规范", "政务公开", "部门协作", "廉洁自律"]
# How each agency and dimension tends to be rated (average on 1 to 5).
AGENCY_MEANS = {"CUSTOMS": 4.3, "IMMIGRATION": 4.5, "STATION_OPERATOR": 3.9}
DIMENSION_SHIFT = {"收费规范": -0.5, "通关效率": -0.2, "廉洁自律": 0.2}
SURVEY_COMMENTS = (
    "通关比以前快多了，点赞。",
    "希望节假日多开几个通道。",
    "工作人员很耐心。",
    "停车收费有点贵。",
    "",
    "",
    "",
)
# (port, title, mode, agencies, opens days ago, closes in days, invitations, answers, opened)
SURVEYS = [
    (
        "GD-P001",
        "罗湖口岸{year}年度通关服务满意度调查",
        Survey.Mode.INVITATION,
        ["CUSTOMS", "IMMIGRATION", "STATION_OPERATOR"],
        40,
        20,
        60,
        42,
        True,
    ),
    (
        "GD-P007",
        "深圳航空口岸旅客满意度调查",
        Survey.Mode.OPEN_LINK,
        ["CUSTOMS", "IMMIGRATION", "AIRPORT_OPERATOR"],
        -10,
        50,
        0,
        0,
        False,
    ),
]


def _scores(demo, agencies, dimensions):
    scores = {}
    for agency in agencies:
        for dimension in dimensions:
            if demo.rng.random() < 0.08:
                continue  # not rated
            mean = AGENCY_MEANS.get(agency.code, 4.0) + DIMENSION_SHIFT.get(dimension.name, 0)
            score = round(demo.rng.gauss(mean, 0.7))
            scores[(agency.pk, dimension.pk)] = max(1, min(5, score))
    return scores


def seed_surveys(demo):
    demo.reseed("surveys")
    year = demo.today.year
    agencies = {a.code: a for a in Agency.objects.all()}
    existing = set(Survey.objects.values_list("port__code", "title"))
    for port, title, mode, codes, opens_ago, closes_in, invited, answers, opened in SURVEYS:
        title = title.format(year=year)
        if not demo.is_missing("survey", (port, title), existing):
            continue
        officer = demo.users["sz_officer"]
        rated = [agencies[c] for c in codes]
        survey = public_services.survey_create(
            actor=officer,
            port=demo.ports[port],
            title=title,
            introduction="本问卷匿名填写，约需3分钟。您的评价将用于改进口岸各单位的服务工作。",
            period_start=demo.day(opens_ago),
            period_end=demo.day(-closes_in),
            mode=mode,
            groups=SURVEY_GROUPS,
            dimensions=SURVEY_DIMENSIONS,
            agencies=rated,
        )
        _set_times(survey, created_at=demo.at(opens_ago + 5, 10))
        if not opened:
            continue
        survey = public_services.survey_open(actor=officer, survey=survey)
        invitations = public_services.survey_invitations_create(
            actor=officer, survey=survey, count=invited
        )
        groups = list(survey.groups.order_by("order"))
        dimensions = list(survey.dimensions.order_by("order"))
        for n, invitation in enumerate(invitations[:answers]):
            days_ago = max(0, opens_ago - 1 - n * opens_ago // answers)
            response = public_services.survey_answer_submit(
                survey=survey,
                group=demo.rng.choices(groups, weights=(5, 4, 2))[0],
                scores=_scores(demo, rated, dimensions),
                comment=demo.rng.choice(SURVEY_COMMENTS),
                invitation=invitation,
                today=demo.day(days_ago),
            )
            moment = demo.at(days_ago, 8 + n % 12, (7 * n) % 60)
            _set_times(response, submitted_at=moment)
            SurveyInvitation.objects.filter(pk=invitation.pk).update(used_at=moment)
        demo.stats.created["survey_response"] += SurveyResponse.objects.filter(
            survey=survey
        ).count()


# --- consultations ------------------------------------------------------------------------------

# (unit, title, awarding body, reasons, asked days ago, due in days, answer: None (pending),
# True (agreed) or False, remarks)
CONSULTATIONS = [
    (
        "GD-P001-C",
        "全国文明单位",
        "中央精神文明建设指导委员会",
        "我关近三年无违纪违法案件，旅检现场服务评价持续向好，连续两年获评省级文明单位，"
        "拟申报全国文明单位，特征求贵办意见。",
        8,
        12,
        True,
        "该单位积极参与共建文明口岸活动，共建任务完成较好，同意申报。",
    ),
    (
        "GD-P001-C1",
        "全国青年文明号",
        "共青团中央",
        "我科青年职工占比超过六成，“青年志愿服务岗”长期在旅检大厅开展志愿服务，"
        "拟申报全国青年文明号，特征求贵办意见。",
        2,
        3,
        None,
        "",
    ),
]


def seed_consultations(demo):
    existing = set(Consultation.objects.values_list("unit__code", "title"))
    for unit_code, title, body, reasons, asked_ago, due_in, agrees, remarks in CONSULTATIONS:
        if not demo.is_missing("consultation", (unit_code, title), existing):
            continue
        consultation = filing_services.consultation_ask(
            actor=demo.users["unit_contact"],
            unit=demo.units[unit_code],
            title=title,
            awarding_body=body,
            reasons=reasons,
            due_on=demo.day(-due_in),
            today=demo.day(asked_ago),
        )
        _set_times(consultation, asked_at=demo.at(asked_ago, 10, 15))
        if agrees is not None:
            filing_services.consultation_answer(
                actor=demo.users["sz_officer"],
                consultation=consultation,
                agrees=agrees,
                remarks=remarks,
            )


# --- all of it ------------------------------------------------------------------------------

USERNAMES = ("national", "gd_officer", "zj_officer", "sz_officer", "nb_officer", "unit_contact")
PORTS = sorted(
    {p for p, *_ in FEEDBACK} | {p for p, *_ in SURVEYS} | {p for i in INSPECTIONS for p in i[4]}
)


def seed_work(stats, *, today=None):
    """Add (or find) the demo's campaign work. Needs the hierarchy, units, people and demo
    accounts of `seeding.campaigns`."""
    units = {
        u.code: u
        for u in Unit.objects.filter(
            authority__code__in=[*ACTIVITY_PLAN, "GD-SZ"], is_active=True
        ).select_related("authority")
    }
    demo = Demo(
        today=today or anchor_day(),
        rng=random.Random(WORK_SEED),
        stats=stats,
        users={u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)},
        authorities={
            a.code: a for a in Authority.objects.filter(code__in=["CN", "GD", "ZJ", *ACTIVITY_PLAN])
        },
        units=units,
        ports={p.code: p for p in Port.objects.filter(code__in=PORTS)},
        areas={a.code: a for a in ConstructionArea.objects.all()},
    )
    seed_filings(demo)
    seed_plans(demo)
    campaign = seed_special_campaign(demo)
    seed_agreements(demo)
    seed_activities(demo, campaign)
    seed_inspections(demo)
    seed_feedback(demo)
    seed_surveys(demo)
    seed_consultations(demo)
    return demo

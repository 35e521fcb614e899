"""Demo data for the award round, run by `manage.py seed_demo` after assessments',
so that a newcomer's `make run` shows the round at work.

- The previous round, 2023—2024年度, closed: its outcome (the candidates the office decided on)
  is loaded as a record, reviewed by the national leading group (a meeting whose resolution
  approves the list, `seeding.groups.seed_round_review`), then granted through the decision
  service, so it has honours with
  certificate numbers and verification codes, rendered certificate PDFs and the commendation
  decision; one honour is revoked, so the verification page shows both cases.
- The current round, 2025—2026年度, in provincial review: quotas for every province, the
  provincial panels of Guangdong and Zhejiang and the national panel (the assessments demo's
  reviewer accounts), nominations written and submitted through the services by the demo port
  and provincial officers (Shenzhen and Ningbo: ports, units, people; each province an
  organizer), assigned automatically and partly scored.

Every step looks for what an earlier run made first, so a second run adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import Scheme, VetoCondition
from assessments.services import reviews as review_services
from assessments.template import FAMILY as template_family
from awards.models import (
    DecisionDocument,
    Honour,
    Nomination,
    RenderStatus,
    Round,
    Title,
)
from awards.selectors.rounds import round_review
from awards.services import honours as honour_services
from awards.services import nominations as nomination_services
from awards.services import rounds as round_services
from campaigns.models import Authority, Person, Port, Unit
from seeding.assessments import REVIEWERS, seed_panel, seed_score_sheets
from seeding.groups import seed_round_review

PREVIOUS = "2023-2024"
PREVIOUS_DECIDED_ON = datetime.date(2024, 9, 20)
PREVIOUS_REVIEWED_ON = datetime.date(2024, 9, 12)
PREVIOUS_CONFERENCE_ON = datetime.date(2024, 9, 26)
CURRENT = "2025-2026"
NATIONAL_REVIEWERS = ("national_reviewer1", "national_reviewer2", "national_reviewer3")
# Per province and title: how many the province may recommend.
QUOTAS = {
    Title.CIVILIZED_PORT: 1,
    Title.ADVANCED_UNIT: 3,
    Title.ADVANCED_INDIVIDUAL: 3,
    Title.ADVANCED_ORGANIZER: 1,
}
# The previous round's honours: (title, nominee code, kind of nominee).
PREVIOUS_HONOURS = (
    (Title.CIVILIZED_PORT, "GD-P004", Port),
    (Title.CIVILIZED_PORT, "ZJ-P002", Port),
    (Title.ADVANCED_UNIT, "GD-P010-C", Unit),
    (Title.ADVANCED_UNIT, "GD-P006-B", Unit),
    (Title.ADVANCED_UNIT, "ZJ-P002-M", Unit),
    (Title.ADVANCED_INDIVIDUAL, "GD-P010-B-01", Person),
    (Title.ADVANCED_INDIVIDUAL, "ZJ-P002-C-01", Person),
    (Title.ADVANCED_ORGANIZER, "GD-ZH", Authority),
    (Title.ADVANCED_ORGANIZER, "ZJ-NB", Authority),
)
REVOKED = ("GD-P006-B", "2025年6月该单位发生严重违纪事件，经研究决定撤销其荣誉称号")
# The current round's nominations: (nominating account, title, nominee code, kind).
CURRENT_NOMINATIONS = (
    ("sz_officer", Title.CIVILIZED_PORT, "GD-P001", Port),
    ("sz_officer", Title.CIVILIZED_PORT, "GD-P007", Port),
    ("sz_officer", Title.ADVANCED_UNIT, "GD-P001-C", Unit),
    ("sz_officer", Title.ADVANCED_UNIT, "GD-P004-B", Unit),
    ("sz_officer", Title.ADVANCED_UNIT, "GD-P006-F", Unit),
    ("sz_officer", Title.ADVANCED_UNIT, "GD-P007-C", Unit),
    ("sz_officer", Title.ADVANCED_INDIVIDUAL, "GD-P001-B-01", Person),
    ("sz_officer", Title.ADVANCED_INDIVIDUAL, "GD-P001-C-01", Person),
    ("sz_officer", Title.ADVANCED_INDIVIDUAL, "GD-P004-B-01", Person),
    ("gd_officer", Title.ADVANCED_ORGANIZER, "GD-SZ", Authority),
    ("nb_officer", Title.CIVILIZED_PORT, "ZJ-P001", Port),
    ("nb_officer", Title.ADVANCED_UNIT, "ZJ-P001-C", Unit),
    ("nb_officer", Title.ADVANCED_UNIT, "ZJ-P001-F", Unit),
    ("nb_officer", Title.ADVANCED_UNIT, "ZJ-P001-M", Unit),
    ("nb_officer", Title.ADVANCED_INDIVIDUAL, "ZJ-P001-B-01", Person),
    ("nb_officer", Title.ADVANCED_INDIVIDUAL, "ZJ-P001-C-01", Person),
    ("zj_officer", Title.ADVANCED_ORGANIZER, "ZJ-WZ", Authority),
)
# One Shenzhen nomination is still a draft when the deadline passed; it stays one.
LEFT_AS_DRAFT = "GD-P004-B-01"
SUBMITTED_SHARE = {"GD": 0.7, "ZJ": 0.5}

DEEDS = {
    Title.CIVILIZED_PORT: (
        "{name}坚持以共建文明口岸为抓手，建立口岸查验单位联席会议制度，推行“提前申报”“两步申报”"
        "等通关便利化改革措施，进口、出口整体通关时间分别压缩至{hours}小时以内；设立综合服务窗口"
        "和“一站式”投诉受理渠道，群众满意度保持在98%以上；定期开展安全生产联合检查和应急演练，"
        "全年未发生安全责任事故；各参与单位签订廉政共建协议，开展警示教育和作风整治；组织文化体育"
        "活动和志愿服务，口岸文明形象持续提升，共建工作形成长效机制。"
    ),
    Title.ADVANCED_UNIT: (
        "{name}积极参与共建文明口岸活动，主动对接口岸各单位，完善协作机制；深化“放管服”改革，"
        "推广智能化查验设备，提升通关效率；推行政务公开和预约服务，设立便民服务岗；规范执法程序，"
        "健全执法监督；落实安全生产责任制，开展应急演练；签订廉政共建协议，开展廉政教育；"
        "组织“文明服务标兵”评选等活动，形成了可复制推广的经验做法，得到企业和旅客的广泛好评，"
        "在{hours}项重点任务中均取得显著成效。"
    ),
    Title.ADVANCED_INDIVIDUAL: (
        "{name}同志长期坚守口岸一线，爱岗敬业、业务精湛，牵头推进通关便利化措施落地，"
        "主动为企业和旅客排忧解难，全年受理群众咨询逾千次，无一起有效投诉；积极参与口岸"
        "安全检查和应急处置，在防范化解风险中发挥骨干作用；廉洁自律，带头参加共建文明口岸"
        "各项活动，组织开展业务培训{hours}次，在单位内外树立了良好形象，是共建文明口岸活动的"
        "优秀代表。"
    ),
    Title.ADVANCED_ORGANIZER: (
        "{name}认真贯彻国家口岸管理办公室部署，成立共建文明口岸活动领导小组，制定实施意见和考核"
        "标准并报备；统筹协调辖区口岸各单位开展九项建设，组织巡访检查{hours}次，督促整改落实；"
        "建立月度通报和年度考核制度，推动共建工作常态化、制度化，辖区口岸通关效率和服务水平"
        "显著提升，为全国共建文明口岸活动积累了有益经验。"
    ),
}
PORT_OPINION = "经审核，该推荐对象事迹真实，符合推荐条件，同意推荐。"


def _user(username):
    return get_user_model().objects.get(username=username)


def _nominee(kind, code):
    if kind is Person:
        return Person.objects.select_related("unit__authority").get(code=code)
    if kind is Unit:
        return Unit.objects.select_related("authority").get(code=code)
    if kind is Port:
        return Port.objects.select_related("authority").get(code=code)
    return Authority.objects.get(code=code)


def _deeds(title, name, salt):
    closing = (
        "今后将继续发挥示范带动作用，巩固共建成果，认真总结推广经验做法，"
        "推动共建文明口岸活动不断向纵深发展。"
    )
    return DEEDS[title].format(name=name, hours=12 + salt % 24) + closing


def _template():
    return (
        Scheme.objects.filter(family=template_family, status=Scheme.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def _quotas(round, office):
    for province in Authority.objects.filter(level=Authority.Level.PROVINCIAL):
        for title, quota in QUOTAS.items():
            round_services.quota_set(
                actor=office, round=round, province=province, title=title, quota=quota
            )


# -- the previous round ----------------------------------------------------------------------


def _previous_nomination(round, title, nominee, office):
    """A candidate of the previous round as the office decided it (the dossier in brief)."""
    values = {"round": round, "title": title, "status": Nomination.Status.CANDIDATE}
    if isinstance(nominee, Port):
        values |= {"port": nominee, "authority": nominee.authority}
    elif isinstance(nominee, Unit):
        values |= {"unit": nominee, "authority": nominee.authority}
    elif isinstance(nominee, Person):
        values |= {"person": nominee, "unit": nominee.unit, "authority": nominee.unit.authority}
    else:
        values |= {"organizer": nominee, "authority": nominee.parent}
    values["province"] = Authority.objects.get(
        path="/".join(values["authority"].path.split("/")[:2]) + "/"
    )
    unit_name = values["unit"].name if values.get("unit") else ""
    deeds = _deeds(title, nominee.name, nominee.pk)
    submitted = timezone.make_aware(datetime.datetime(2024, 3, 20, 10, 0))
    return Nomination.objects.create(
        **values,
        deeds=deeds,
        summary=deeds[:120],
        nominee_name=nominee.name,
        nominee_unit_name=unit_name,
        created_by=office,
        submitted_by=office,
        submitted_at=submitted,
        decided_at=submitted + datetime.timedelta(days=120),
    )


def seed_previous(stats, scheme, office):
    round = Round.objects.filter(code=PREVIOUS).first()
    stats.count("award_round", round is None)
    if round is not None:
        return round
    with transaction.atomic():
        round = round_services.round_create(
            actor=office,
            code=PREVIOUS,
            name="2023—2024年度全国共建文明口岸评比",
            start_year=2023,
            end_year=2024,
            scheme=scheme,
            nominations_due_on=datetime.date(2024, 3, 31),
            provincial_review_due_on=datetime.date(2024, 5, 31),
            national_review_due_on=datetime.date(2024, 7, 31),
            decision_number="署岸发〔2024〕18号",
            # Conferred at the biennial work conference, which the decision cites.
            conference_name="2023—2024年度全国共建文明口岸活动工作会议",
            conference_on=PREVIOUS_CONFERENCE_ON,
            conference_place="北京",
        )
        _quotas(round, office)
        # The round ran before the portal: its record starts at the end of its public notice.
        Round.objects.filter(pk=round.pk).update(
            phase=Round.Phase.PUBLIC_NOTICE,
            notice_starts_on=datetime.date(2024, 9, 2),
            notice_ends_on=datetime.date(2024, 9, 6),
        )
        round.refresh_from_db()
        for title, code, kind in PREVIOUS_HONOURS:
            _previous_nomination(round, title, _nominee(kind, code), office)
        # The national leading group reviewed the candidates after the notice, before the
        # decision (which cites its resolution).
        seed_round_review(round, held_on=PREVIOUS_REVIEWED_ON, stats=stats)
        round = round_services.round_advance(actor=office, round=round)
        # The record keeps the day the decision was made, which the documents print.
        Round.objects.filter(pk=round.pk).update(decided_on=PREVIOUS_DECIDED_ON)
        round.refresh_from_db()
    # The PDFs are rendered here rather than by a worker, so the demo has them at once.
    for honour in Honour.objects.filter(round=round, render_status=RenderStatus.PENDING):
        honour_services.certificate_render(honour_id=honour.pk)
    decision = DecisionDocument.objects.get(round=round)
    if decision.render_status == RenderStatus.PENDING:
        honour_services.decision_render(decision_id=decision.pk)
    code, reason = REVOKED
    revoked = Honour.objects.get(
        round=round, nomination__unit__code=code, nomination__title=Title.ADVANCED_UNIT
    )
    if not revoked.is_revoked:
        honour_services.honour_revoke(actor=office, honour=revoked, reason=reason)
    round = round_services.round_advance(actor=office, round=round)
    for _honour in Honour.objects.filter(round=round):
        stats.count("honour", True)
    return round


# -- the current round -----------------------------------------------------------------------


def _panel(review, code):
    if code == "CN":
        for username in NATIONAL_REVIEWERS:
            review_services.panel_member_add(actor=None, review=review, user=_user(username))
        return
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=[u for u, _a in REVIEWERS[code].values() if u])
    }
    authorities = {
        a.code: a
        for a in Authority.objects.filter(code__in=[a for _u, a in REVIEWERS[code].values() if a])
    }
    seed_panel(review, code, units, authorities)


def _nominate(stats, round, conditions):
    for username, title, code, kind in CURRENT_NOMINATIONS:
        actor = _user(username)
        nominee = _nominee(kind, code)
        nomination = nomination_services.nomination_create(
            actor=actor, round=round, title=title, nominee=nominee
        )
        deeds = _deeds(title, nominee.name, nominee.pk)
        nomination_services.nomination_update(
            actor=actor, nomination=nomination, deeds=deeds, summary=deeds[:120]
        )
        nomination_services.veto_declarations_save(
            actor=actor,
            nomination=nomination,
            answers={c.pk: (False, "") for c in conditions},
        )
        if code != LEFT_AS_DRAFT:
            nomination_services.nomination_submit(
                actor=actor, nomination=nomination, opinion=PORT_OPINION
            )
        stats.count("nomination", True)


def seed_current(stats, scheme, office):
    round = Round.objects.filter(code=CURRENT).first()
    stats.count("award_round", round is None)
    if round is not None:
        return round
    today = timezone.localdate()
    with transaction.atomic():
        round = round_services.round_create(
            actor=office,
            code=CURRENT,
            name="2025—2026年度全国共建文明口岸评比",
            start_year=2025,
            end_year=2026,
            scheme=scheme,
            nominations_due_on=today + datetime.timedelta(days=14),
            provincial_review_due_on=today + datetime.timedelta(days=45),
            national_review_due_on=today + datetime.timedelta(days=75),
            reviewers_per_nomination=3,
            notice_working_days=5,
        )
        _quotas(round, office)
        round = round_services.round_advance(actor=office, round=round)
        for code in ("GD", "ZJ", "CN"):
            _panel(round_review(round, Authority.objects.get(code=code)), code)
        conditions = list(VetoCondition.objects.filter(scheme=scheme).order_by("order"))
        _nominate(stats, round, conditions)
        # The nominations closed yesterday: the demo starts on the morning after.
        Round.objects.filter(pk=round.pk).update(
            nominations_due_on=today - datetime.timedelta(days=1)
        )
        round.refresh_from_db()
        round = round_services.round_advance(actor=office, round=round)
        for code in ("GD", "ZJ"):
            review = round_review(round, Authority.objects.get(code=code))
            seed_score_sheets(stats, review, SUBMITTED_SHARE[code])
    return round


# -- Guangdong's own round (省级评比表彰), taking nominations ----------------------------------

PROVINCE_ROUND = "gd-2025-2026"
# Per port authority of Guangdong and title.
PROVINCE_QUOTAS = {Title.CIVILIZED_PORT: 1, Title.ADVANCED_UNIT: 2, Title.ADVANCED_INDIVIDUAL: 2}
# Shenzhen's nominations: (title, nominee code, kind, submitted).
PROVINCE_NOMINATIONS = (
    (Title.CIVILIZED_PORT, "GD-P001", Port, True),
    (Title.ADVANCED_UNIT, "GD-P001-C", Unit, True),
    (Title.ADVANCED_INDIVIDUAL, "GD-P001-B-01", Person, False),
)


def _province_scheme(province):
    return (
        Scheme.objects.filter(authority=province, status=Scheme.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def seed_province_round(stats):
    """Guangdong's own round: its titles, quotas per port authority, its own scheme and panel,
    nominations open, Shenzhen's nominations in (one still a draft)."""
    round = Round.objects.filter(code=PROVINCE_ROUND).first()
    province = Authority.objects.get(code="GD")
    scheme = _province_scheme(province)
    stats.count("award_round", round is None and scheme is not None)
    if round is not None or scheme is None:
        return round
    officer = _user("gd_officer")
    today = timezone.localdate()
    with transaction.atomic():
        round = round_services.round_create(
            actor=officer,
            authority=province,
            code=PROVINCE_ROUND,
            name="2025—2026年度广东省共建文明口岸评比",
            start_year=2025,
            end_year=2026,
            scheme=scheme,
            nominations_due_on=today + datetime.timedelta(days=21),
            provincial_review_due_on=today + datetime.timedelta(days=50),
            reviewers_per_nomination=3,
            notice_working_days=5,
            decision_number="粤口岸〔2026〕8号",
        )
        for authority in Authority.objects.filter(
            level=Authority.Level.PORT, path__startswith=province.path
        ).order_by("path"):
            for title, quota in PROVINCE_QUOTAS.items():
                round_services.quota_set(
                    actor=officer, round=round, province=authority, title=title, quota=quota
                )
        round = round_services.round_advance(actor=officer, round=round)
        _panel(round_review(round, province), "GD")
        conditions = list(VetoCondition.objects.filter(scheme=scheme).order_by("order"))
        actor = _user("sz_officer")
        for title, code, kind, submitted in PROVINCE_NOMINATIONS:
            nominee = _nominee(kind, code)
            nomination = nomination_services.nomination_create(
                actor=actor, round=round, title=title, nominee=nominee
            )
            deeds = _deeds(title, nominee.name, nominee.pk + 7)
            nomination_services.nomination_update(
                actor=actor, nomination=nomination, deeds=deeds, summary=deeds[:120]
            )
            nomination_services.veto_declarations_save(
                actor=actor,
                nomination=nomination,
                answers={c.pk: (False, "") for c in conditions},
            )
            if submitted:
                nomination_services.nomination_submit(
                    actor=actor, nomination=nomination, opinion=PORT_OPINION
                )
            stats.count("nomination", True)
    return round


def seed_demo(*, password, stats):
    scheme = _template()
    office = _user("national")
    seed_previous(stats, scheme, office)
    seed_current(stats, scheme, office)
    seed_province_round(stats)
    return []

"""Demo leading groups (领导小组) at work, run by `seed_demo` after the campaign's hierarchy and
work (the groups and their member agencies exist by then):

- the national leading group, Guangdong's and Shenzhen's: leader, deputies, the person each
  member agency sends, the office's head and duties;
- a meeting of each with its attendees, agenda, minutes and resolutions, one of them with the
  signed minutes as a file;
- `seed_round_review`, called by the awards' demo, records the national leading group's review
  of a round's candidates (经全国共建文明口岸活动领导机构评审后): the meeting and the
  resolution approving the list, which the round's decision needs and its 表彰决定 cites.

The names of people are fictional. Dates count back from the demo's anchor day
(`seeding.campaigns_work.anchor_day`); each meeting is looked up by its group and title first,
and a group whose leader is recorded is left as it is, so a second run adds and changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model

from awards.selectors.approvals import approval_key, round_approval
from campaigns.models import Authority, LeadingGroup, LeadingGroupMeeting
from campaigns.services import groups as services
from seeding.campaigns_work import anchor_day
from seeding.files import document_upload

# Per authority code: (leader, deputies, office head, office duties); a person is (name, post).
ROSTERS = {
    "CN": (
        ("陈立国", "国家口岸管理办公室主任"),
        (("周海明", "海关总署副署长"), ("吴振华", "国家移民管理局副局长")),
        ("李文涛", "国家口岸管理办公室综合协调司司长"),
        "领导小组办公室设在国家口岸管理办公室，负责领导小组日常工作，组织全国共建文明口岸"
        "活动的部署、考核和评比表彰，承办领导小组会议。",
    ),
    "GD": (
        ("黄志远", "广东省人民政府副秘书长"),
        (("梁建华", "广东省人民政府口岸办公室主任"), ("何国栋", "海关广东分署副主任")),
        ("林晓峰", "广东省人民政府口岸办公室规划协调处处长"),
        "领导小组办公室设在广东省人民政府口岸办公室，负责全省共建文明口岸活动的日常组织、"
        "检查考核和推荐申报工作。",
    ),
    "GD-SZ": (
        ("刘卫东", "深圳市人民政府副秘书长"),
        (("郑家明", "深圳市人民政府口岸办公室主任"),),
        ("蔡明辉", "深圳市人民政府口岸办公室综合处处长"),
        "领导小组办公室设在深圳市人民政府口岸办公室，负责组织各口岸查验单位和参与单位开展"
        "共建活动，汇总报送活动情况。",
    ),
}
# Fictional representatives of the member agencies, handed out in the members' order, and the
# post each agency's representative holds.
REPRESENTATIVES = ("张伟", "王芳", "李强", "刘洋", "陈静", "杨磊", "赵敏", "孙浩", "周婷", "吴刚")
POSTS = {
    "PORT_OFFICE": "口岸管理办公室副主任",
    "CUSTOMS": "海关副关长",
    "IMMIGRATION": "出入境边防检查总站副总站长",
    "MARITIME": "海事局副局长",
    "RAILWAY": "铁路局集团公司副总经理",
    "CIVIL_AVIATION": "民航管理局副局长",
    "TRANSPORT": "交通运输主管部门副职负责人",
}
# Per authority code: (title, days before the anchor, place, agenda, minutes, resolutions, file).
MEETINGS = {
    "CN": (
        "{year}年全体会议",
        45,
        "北京",
        "一、通报上一年度全国共建文明口岸活动情况\n二、审议本年度工作要点\n"
        "三、研究部署评比表彰工作",
        "会议由组长主持。各成员单位代表通报了本系统共建文明口岸活动开展情况。会议认为，"
        "上一年度各地区各单位协作机制进一步健全，通关效率持续提升。会议审议通过了本年度工作"
        "要点，研究部署了评比表彰工作，要求各成员单位加强协作，严格标准，确保评比表彰公平公正。",
        (
            "审议通过本年度全国共建文明口岸活动工作要点，由领导小组办公室印发实施。",
            "同意开展评比表彰活动，由领导小组办公室发布通知并组织实施。",
        ),
        True,
    ),
    "GD": (
        "{year}年第一次会议",
        35,
        "广州",
        "一、传达全国共建文明口岸活动领导小组会议精神\n二、研究全省推荐申报工作",
        "会议传达了全国领导小组会议精神，研究了全省推荐申报工作安排。会议要求各口岸所在地"
        "政府口岸管理机构按照分配名额做好推荐工作，严格审核推荐对象材料。",
        ("同意全省推荐申报工作安排，由领导小组办公室组织实施。",),
        False,
    ),
    "GD-SZ": (
        "{year}年第一次会议",
        25,
        "深圳",
        "一、总结上一年度共建活动\n二、研究本年度共建活动计划",
        "会议总结了上一年度共建活动情况，研究了本年度共建活动计划，明确了各成员单位的共建任务。",
        ("审议通过本年度共建文明口岸活动计划。",),
        False,
    ),
}
# The national leading group's review of the previous round's candidates.
REVIEW_TITLE = "{year}年第二次全体会议"
REVIEW_AGENDA = "审定{round}表彰候选名单"
REVIEW_MINUTES = (
    "会议听取了领导小组办公室关于评比表彰工作情况和公示情况的汇报，逐项审议了拟表彰候选名单。"
    "公示期间未收到异议。会议同意候选名单，由国家口岸管理办公室作出表彰决定。"
)
REVIEW_TEXT = "同意{round}表彰候选名单，由国家口岸管理办公室印发表彰决定。"


def _person_rows(leader, deputies):
    return [{"role": "leader", "name": leader[0], "post": leader[1]}] + [
        {"role": "deputy", "name": name, "post": post} for name, post in deputies
    ]


def _members(group):
    rows = []
    current = 0
    for member in group.members.select_related("agency").order_by("role", "id"):
        row = {
            "agency": member.agency,
            "role": member.role,
            "representative": member.representative,
            "representative_post": member.representative_post,
            "joined_on": member.joined_on,
            "left_on": member.left_on,
        }
        # An agency that left the group (the 2018 reform) sends nobody any more.
        if member.left_on is None and not member.representative:
            row["representative"] = REPRESENTATIVES[current % len(REPRESENTATIVES)]
            row["representative_post"] = POSTS.get(member.agency.code, "")
            current += 1
        rows.append(row)
    return rows


def _group(code, stats):
    authority = Authority.objects.get(code=code)
    group = LeadingGroup.objects.get(authority=authority)
    leader, deputies, office_head, duties = ROSTERS[code]
    recorded = group.officers.exists()
    stats.count("leading_group_roster", not recorded)
    if recorded:
        return group
    return services.leading_group_save(
        actor=None,
        authority=authority,
        name=group.name,
        established_on=group.established_on or datetime.date(2009, 6, 1),
        office_head=office_head[0],
        office_head_post=office_head[1],
        office_duties=duties,
        officers=_person_rows(leader, deputies),
        members=_members(group),
    )


def _attendees(group):
    lines = [f"{o.name}（{o.post}）" for o in group.officers.order_by("order")]
    lines += [
        f"{m.representative}（{m.representative_post}）"
        for m in group.members.filter(left_on__isnull=True).order_by("role", "id")
    ]
    return "\n".join(lines)


def _meeting(group, *, title, held_on, place, agenda, minutes, stats):
    meeting = LeadingGroupMeeting.objects.filter(group=group, title=title).first()
    stats.count("leading_group_meeting", meeting is None)
    if meeting is not None:
        return meeting, False
    leader = group.officers.filter(role="leader").first()
    meeting = services.meeting_create(
        actor=None,
        group=group,
        title=title,
        held_on=held_on,
        place=place,
        chaired_by=leader.name if leader else "",
        attendees=_attendees(group),
        agenda=agenda,
        minutes=minutes,
        agencies_present=[m.agency for m in group.members.filter(left_on__isnull=True)],
    )
    return meeting, True


def seed_round_review(round, *, held_on, stats):
    """The national leading group's meeting on `held_on` approving `round`'s candidates (the
    round in its public notice); nothing when the round's list is approved already."""
    if round_approval(round) is not None:
        stats.count("leading_group_review", False)
        return
    group = LeadingGroup.objects.get(authority__level=Authority.Level.NATIONAL)
    meeting, _created = _meeting(
        group,
        title=REVIEW_TITLE.format(year=held_on.year),
        held_on=held_on,
        place="北京",
        agenda=REVIEW_AGENDA.format(round=round.name),
        minutes=REVIEW_MINUTES,
        stats=stats,
    )
    services.resolution_add(
        actor=None,
        meeting=meeting,
        text=REVIEW_TEXT.format(round=round.name),
        approves_key=approval_key(round),
    )
    stats.count("leading_group_review", True)


def seed_demo(*, password, stats):
    anchor = anchor_day()
    # Files need an uploader: the national office's demo account keeps the minutes.
    uploader = get_user_model().objects.get(username="national")
    for code, (title, days, place, agenda, minutes, resolutions, with_file) in MEETINGS.items():
        group = _group(code, stats)
        held_on = anchor - datetime.timedelta(days=days)
        meeting, created = _meeting(
            group,
            title=title.format(year=held_on.year),
            held_on=held_on,
            place=place,
            agenda=agenda,
            minutes=minutes,
            stats=stats,
        )
        if not created:
            continue
        for text in resolutions:
            resolution = services.resolution_add(actor=None, meeting=meeting, text=text)
            if with_file:
                services.resolution_attachment_add(
                    actor=uploader,
                    resolution=resolution,
                    upload=document_upload(
                        f"resolution-{resolution.number}.pdf",
                        f"Resolution {resolution.number} of the meeting",
                    ),
                )
    return []

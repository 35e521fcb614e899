"""Demo notices (通知公告), run by `seed_demo` after the campaign work:

- the national office's notice opening the award round, to all provinces, acknowledgement due a
  month ago: most provinces acknowledged it, Guangdong among them; Zhejiang and a few others did
  not and are overdue;
- its notice releasing the assessment scheme, to all provinces, acknowledgement due in a few
  days: some provinces have acknowledged, some only read it, some not opened it; Guangdong has
  read it and not yet acknowledged it, so it waits on `gd_officer`'s home page;
- its notice on the year's requirements, to every authority and unit below, no acknowledgement
  asked for;
- Guangdong's notice to its port authorities passing the round on, acknowledged by Shenzhen.

Dates count back from the demo's anchor day (`seeding.campaigns_work.anchor_day`), so a later run
builds the same notices; each is looked up by its sender and document number first, so a second
run adds nothing. Readings and acknowledgements of the demo accounts go through the services;
those of provinces without a demo account, and the publication times, are set back to the day
the story has them happen (an update of the timestamp columns only, not audited).
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.models import Authority, Notice, NoticeReceipt
from campaigns.services import notices as services
from seeding.campaigns_work import anchor_day

# (code, sender, title, document number with {year}, days before the anchor it was issued,
#  audience, acknowledgement due in days from the anchor or None, body)
NOTICES = (
    (
        "round",
        "CN",
        "关于开展{round}年度全国共建文明口岸评比表彰活动的通知",
        "署文明办〔{year}〕1号",
        50,
        Notice.Audience.CHILDREN,
        -30,
        "各省、自治区、直辖市口岸管理机构：\n\n"
        "根据《共建文明口岸活动方案》，现就开展{round}年度全国共建文明口岸评比表彰活动"
        "有关事项通知如下。\n\n"
        "一、各省级口岸管理机构按照分配名额组织推荐，推荐材料通过本系统报送。\n\n"
        "二、请于规定时间内确认收悉本通知。",
    ),
    (
        "scheme",
        "CN",
        "关于印发《全国共建文明口岸考核评比方案》的通知",
        "署文明办〔{year}〕2号",
        10,
        Notice.Audience.CHILDREN,
        4,
        "各省、自治区、直辖市口岸管理机构：\n\n"
        "现将《全国共建文明口岸考核评比方案》印发给你们，请结合本地区实际认真组织实施。\n\n"
        "各省级口岸管理机构可在本方案基础上制定本地区考核标准，并报国家口岸管理办公室备案。",
    ),
    (
        "requirements",
        "CN",
        "关于做好{year}年共建文明口岸活动工作的通知",
        "署文明办〔{year}〕3号",
        3,
        Notice.Audience.ALL_LEVELS,
        None,
        "各级口岸管理机构、各参与单位：\n\n"
        "{year}年是共建文明口岸活动深入推进之年。请围绕九项建设，制定年度共建活动计划，"
        "扎实开展协作、效率、服务等各项建设。\n\n"
        "请各地及时总结经验做法，按要求报送活动开展情况。",
    ),
    (
        "gd-round",
        "GD",
        "转发国家口岸管理办公室关于开展全国共建文明口岸评比表彰活动通知的通知",
        "粤口岸办〔{year}〕5号",
        45,
        Notice.Audience.CHILDREN,
        10,
        "各地级以上市口岸管理机构：\n\n"
        "现将国家口岸管理办公室通知转发给你们，请认真组织本地区推荐工作，"
        "于规定时间内将推荐材料报送省口岸办。",
    ),
)

# Provinces that acknowledged each national notice (or only read it), by their place in path
# order: deterministic, whatever the day.
ACKNOWLEDGED_EVERY = {"round": 3, "scheme": 4}  # all but every n-th province
READ_ONLY_EVERY = {"scheme": 3}
# Notices Guangdong has read but still has to acknowledge (its home page shows them).
GUANGDONG_PENDING = ("scheme",)


def _round_years(year):
    first = year - 1 if year % 2 == 0 else year
    return f"{first}—{first + 1}"


def _moment(day, hour=10):
    moment = datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )
    return min(moment, timezone.now())


def _notice(spec, *, today, senders, users):
    _code, sender_code, title, number, issued_days, audience, due_days, body = spec
    year = today.year
    values = {"year": year, "round": _round_years(year)}
    sender = senders[sender_code]
    number = number.format(**values)
    existing = Notice.objects.filter(sender=sender, document_number=number).first()
    if existing is not None:
        return existing, False
    issued_on = today - datetime.timedelta(days=issued_days)
    actor = users["national" if sender_code == "CN" else "gd_officer"]
    notice = services.notice_create(
        actor=actor,
        sender=sender,
        title=title.format(**values),
        body=body.format(**values),
        document_number=number,
        issued_on=issued_on,
        audience=audience,
        requires_acknowledgement=due_days is not None,
        acknowledge_by=today + datetime.timedelta(days=due_days) if due_days is not None else None,
    )
    notice = services.notice_publish(actor=actor, notice=notice, today=issued_on)
    Notice.objects.filter(pk=notice.pk).update(published_at=_moment(issued_on, 9))
    return notice, True


def _answer(notice, code, *, users, issued_on):
    """Provinces read and acknowledge the national notices: the demo accounts through the
    services; every receipt, theirs too, then gets the times the story has."""
    receipts = list(
        NoticeReceipt.objects.filter(notice=notice, authority__level=Authority.Level.PROVINCIAL)
        .select_related("authority")
        .order_by("path")
    )
    acknowledged_every = ACKNOWLEDGED_EVERY.get(code)
    read_every = READ_ONLY_EVERY.get(code)
    own = {"GD": users["gd_officer"], "ZJ": users["zj_officer"]}
    for index, receipt in enumerate(receipts):
        province = receipt.authority.code
        if province == "GD":
            acknowledges = code not in GUANGDONG_PENDING
        else:
            acknowledges = province != "ZJ" and acknowledged_every and index % acknowledged_every
        reads = acknowledges or province in ("GD", "ZJ") or (read_every and index % read_every == 0)
        day = issued_on + datetime.timedelta(days=1 + index % 5)
        if province in own:
            if reads:
                services.notice_read(actor=own[province], notice=notice)
            if acknowledges and notice.requires_acknowledgement:
                services.notice_acknowledge(actor=own[province], receipt=receipt)
        fields = {}
        if reads:
            fields["first_read_at"] = _moment(day, 9)
        if acknowledges and notice.requires_acknowledgement:
            fields["acknowledged_at"] = _moment(day, 11)
        if fields:
            NoticeReceipt.objects.filter(pk=receipt.pk).update(**fields)


def seed_notices(stats, *, today=None):
    """Add (or find) the demo's notices. Needs the hierarchy and demo accounts."""
    today = today or anchor_day()
    senders = {a.code: a for a in Authority.objects.filter(code__in=["CN", "GD"])}
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["national", "gd_officer", "zj_officer", "sz_officer"]
        )
    }
    made = {}
    for spec in NOTICES:
        notice, created = _notice(spec, today=today, senders=senders, users=users)
        stats.count("notice", created)
        made[spec[0]] = notice
        if not created:
            continue
        if spec[1] == "CN":
            _answer(notice, spec[0], users=users, issued_on=notice.issued_on)
        else:
            # Shenzhen read and acknowledged its province's notice the day after.
            services.notice_read(actor=users["sz_officer"], notice=notice)
            receipt = NoticeReceipt.objects.get(notice=notice, authority__code="GD-SZ")
            services.notice_acknowledge(actor=users["sz_officer"], receipt=receipt)
            day = notice.issued_on + datetime.timedelta(days=1)
            NoticeReceipt.objects.filter(pk=receipt.pk).update(
                first_read_at=_moment(day, 9), acknowledged_at=_moment(day, 10)
            )
    return made


def seed_demo(*, password, stats):
    seed_notices(stats)
    return []

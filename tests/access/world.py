"""The world of the access matrix: the two provinces of tests/conftest.py, one persona account
each, and one object of every kind an access helper fetches or judges, inside Guangdong
(Shenzhen's port, its first unit) and outside it (Zhejiang, Ningbo).

Objects are written straight to the tables (their services are tested elsewhere): the helpers
only read where an object sits and what state it is in.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from assessments.models import Cycle, Evidence, Item, ScoreSheet, SelfAssessment
from assessments.services import reviews as review_services
from assessments.template import template_install
from awards.models import Nomination, NominationEvidence, Quota, Round, Title
from campaigns import services
from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    Commitment,
    ConstructionArea,
    Consultation,
    Feedback,
    Filing,
    FilingAttachment,
    Finding,
    Inspection,
    LeadingGroup,
    LeadingGroupMeeting,
    LeadingGroupResolution,
    Membership,
    Notice,
    NoticeAttachment,
    NoticeReceipt,
    Plan,
    Rectification,
    RectificationEvidence,
    ResolutionAttachment,
    SpecialCampaign,
    Survey,
)
from campaigns.services import accounts as account_services
from tests.conftest import _make_area, _user

Role = Membership.Role
DAY = datetime.date(2026, 3, 2)
FILE = {"original_name": "材料.pdf", "content_type": "application/pdf", "size": 10}


@dataclass
class MatrixWorld:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def _officer(username, role, authority, *, duty=True, **extra):
    user = _user(username, **extra)
    membership = services.membership_grant(actor=None, user=user, role=role, authority=authority)
    if duty:
        account_services.account_duty_set(actor=None, membership=membership, manages_accounts=True)
    return user, membership


def _hierarchy():
    national = services.authority_create(
        actor=None, code="CN", name="国家口岸管理办公室", level="national", parent=None
    )
    gd = services.authority_create(
        actor=None, code="GD", name="广东省人民政府口岸办公室", level="provincial", parent=national
    )
    zj = services.authority_create(
        actor=None, code="ZJ", name="浙江省人民政府口岸办公室", level="provincial", parent=national
    )
    sz = _make_area(None, gd, "GD-SZ", "深圳市口岸办", "GD-0001", "深圳湾公路口岸", "road")
    nb = _make_area(None, zj, "ZJ-NB", "宁波市口岸办", "ZJ-0001", "宁波舟山港口岸", "sea")
    return national, gd, zj, sz, nb


def build():
    """Every persona and object of the matrix, in one go (the caller holds the transaction)."""
    w = MatrixWorld()
    national, gd, zj, sz, nb = _hierarchy()
    o = w.objects
    o.update(
        {
            "authority-CN": national,
            "authority-GD": gd,
            "authority-ZJ": zj,
            "authority-SZ": sz.authority,
            "authority-NB": nb.authority,
            "port-SZ": sz.port,
            "port-NB": nb.port,
            "unit-SZ": sz.units[0],
            "unit-NB": nb.units[0],
            # people[0] works in units[0], the unit contact's unit.
            "person-SZ": sz.people[0],
            "person-NB": nb.people[0],
        }
    )

    # --- personas: each officer also holds the account-manager duty of their authority -----
    nat, o["membership-national"] = _officer("national", Role.NATIONAL_OFFICE, national)
    gdo, o["membership-GD-officer"] = _officer("gd_officer", Role.PROVINCIAL_OFFICER, gd)
    zjo, o["membership-ZJ-officer"] = _officer("zj_officer", Role.PROVINCIAL_OFFICER, zj)
    szo, o["membership-SZ-officer"] = _officer("sz_officer", Role.PORT_OFFICER, sz.authority)
    contact = _user("unit_contact")
    o["membership-SZ-contact"] = services.membership_grant(
        actor=None, user=contact, role=Role.UNIT_CONTACT, unit=sz.units[0]
    )
    reviewer = _user("gd_reviewer")
    o["membership-GD-reviewer"] = services.membership_grant(
        actor=None, user=reviewer, role=Role.REVIEWER, authority=gd
    )
    superuser = _user("root", is_superuser=True, is_staff=True)
    disabled, o["membership-GD-disabled"] = _officer("gd_disabled", Role.PROVINCIAL_OFFICER, gd)
    account_services.account_disable(actor=None, user=disabled)
    disabled.refresh_from_db()
    w.users = {
        "anonymous": AnonymousUser(),
        "national": nat,
        "gd_officer": gdo,
        "zj_officer": zjo,
        "sz_officer": szo,
        "unit_contact": contact,
        "reviewer": reviewer,
        "superuser": superuser,
        "disabled": disabled,
    }
    for key, user in w.users.items():
        if key != "anonymous":
            o[f"account-{key}"] = user

    # --- what the account helpers judge: a role at a place, a role to hand out ------------
    o.update(
        {
            "grant-national_office-CN": {"role": Role.NATIONAL_OFFICE, "authority": national},
            "grant-provincial_officer-GD": {"role": Role.PROVINCIAL_OFFICER, "authority": gd},
            "grant-provincial_officer-ZJ": {"role": Role.PROVINCIAL_OFFICER, "authority": zj},
            "grant-port_officer-SZ": {"role": Role.PORT_OFFICER, "authority": sz.authority},
            "grant-port_officer-NB": {"role": Role.PORT_OFFICER, "authority": nb.authority},
            "grant-port_officer-GD": {"role": Role.PORT_OFFICER, "authority": gd},
            "grant-unit_contact-SZ": {"role": Role.UNIT_CONTACT, "unit": sz.units[0]},
            "grant-unit_contact-NB": {"role": Role.UNIT_CONTACT, "unit": nb.units[0]},
            "grant-reviewer-GD": {"role": Role.REVIEWER, "authority": gd},
            "grant-reviewer-ZJ": {"role": Role.REVIEWER, "authority": zj},
            "grant-reviewer-SZ": {"role": Role.REVIEWER, "authority": sz.authority},
        }
    )
    for role in Role:
        o[f"role-{role.value}"] = role.value
    o["none"] = None
    o["path-GD"] = gd.path
    o["path-ZJ"] = zj.path

    # --- filings and consultations ---------------------------------------------------------
    for key, authority, who in (("GD", gd, gdo), ("ZJ", zj, zjo)):
        filing = Filing.objects.create(
            authority=authority, kind=Filing.Kind.IMPLEMENTATION_OPINION, title="实施意见"
        )
        o[f"filing-{key}"] = filing
        o[f"filing_file-{key}"] = FilingAttachment.objects.create(
            filing=filing, file="filings/a.pdf", uploaded_by=who, **FILE
        )
    for key, area, unit in (("SZ", sz, sz.units[0]), ("NB", nb, nb.units[0])):
        o[f"consultation-{key}"] = Consultation.objects.create(
            unit=unit,
            authority=area.authority,
            title="征求意见",
            reasons="理由",
            due_on=DAY,
            asked_by=superuser,
        )

    # --- notices: Guangdong's to Shenzhen, Zhejiang's to Ningbo ----------------------------
    for key, sender, recipient in (("GD", gd, sz.authority), ("ZJ", zj, nb.authority)):
        notice = Notice.objects.create(
            sender=sender,
            title="通知",
            body="正文",
            issued_on=DAY,
            audience=Notice.Audience.CHILDREN,
            status=Notice.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        o[f"notice-{key}"] = notice
        o[f"notice_file-{key}"] = NoticeAttachment.objects.create(
            notice=notice, file="notices/a.pdf", uploaded_by=superuser, **FILE
        )
        o[f"receipt-{key}"] = NoticeReceipt.objects.create(
            notice=notice, authority=recipient, path=recipient.path
        )

    # --- leading groups: Guangdong's and Shenzhen's inside, Zhejiang's outside --------------
    for key, authority in (("GD", gd), ("SZ", sz.authority), ("ZJ", zj)):
        group = LeadingGroup.objects.create(authority=authority, name="领导小组")
        o[f"group-{key}"] = authority
        meeting = LeadingGroupMeeting.objects.create(
            group=group, title="会议", held_on=DAY, attendees="组长", agenda="议程"
        )
        resolution = LeadingGroupResolution.objects.create(meeting=meeting, number=1, text="决议")
        o[f"meeting-{key}"] = meeting
        o[f"resolution-{key}"] = resolution
        o[f"resolution_file-{key}"] = ResolutionAttachment.objects.create(
            resolution=resolution, file="groups/a.pdf", uploaded_by=superuser, **FILE
        )

    # --- the public's feedback and surveys -------------------------------------------------
    for key, area in (("SZ", sz), ("NB", nb)):
        o[f"feedback-{key}"] = Feedback.objects.create(
            port=area.port, kind="suggestion", text="建议", tracking_hash=f"hash-{key}"
        )
        o[f"survey-{key}"] = Survey.objects.create(
            port=area.port,
            title="满意度调查",
            period_start=DAY,
            period_end=DAY,
            mode="open_link",
            public_code=f"code-{key}",
        )
        o[f"port_path-{key}"] = area.authority.path

    # --- work: plans, commitments, activities, agreements, campaigns, inspections ----------
    theme = ConstructionArea.objects.order_by("pk").first()
    for key, area in (("SZ", sz), ("NB", nb)):
        authority, unit = area.authority, area.units[0]
        plan = Plan.objects.create(
            authority=authority, year=2026, title="工作计划", status=Plan.Status.PUBLISHED
        )
        o[f"plan-{key}"] = plan
        o[f"commitment-{key}"] = Commitment.objects.create(
            plan=plan,
            area=theme,
            unit=unit,
            goal="目标",
            due_on=DAY,
            target_activities=2,
            owner_name="负责人",
        )
        activity = Activity.objects.create(
            authority=authority,
            unit=unit,
            occurred_on=DAY,
            form="training",
            title="培训",
            description="说明",
            status=Activity.Status.SUBMITTED,
        )
        o[f"activity-{key}"] = activity
        o[f"activity_file-{key}"] = ActivityEvidence.objects.create(
            activity=activity, file="work/a.pdf", uploaded_by=superuser, **FILE
        )
        agreement = Agreement.objects.create(
            authority=authority,
            title="共建协议",
            kind="business",
            signed_on=DAY,
            terms="条款",
            file="work/b.pdf",
        )
        agreement.parties.add(unit)
        o[f"agreement-{key}"] = agreement
        campaign = SpecialCampaign.objects.create(
            authority=authority,
            name="专项行动",
            theme_area=theme,
            starts_on=DAY,
            ends_on=DAY,
            goals="目标",
        )
        campaign.members.add(unit)
        o[f"campaign-{key}"] = campaign
        inspection = Inspection.objects.create(
            authority=authority, visited_on=DAY, inspectors="检查组", summary="总结"
        )
        o[f"inspection-{key}"] = inspection
        finding = Finding.objects.create(inspection=inspection, text="问题")
        item = Rectification.objects.create(
            finding=finding, inspection=inspection, owner_unit=unit, due_on=DAY
        )
        o[f"rectification-{key}"] = item
        o[f"rectification_file-{key}"] = RectificationEvidence.objects.create(
            rectification=item, file="work/c.pdf", uploaded_by=superuser, **FILE
        )
        # The same kind of item once its unit has answered, for the reviewing predicate.
        o[f"rectification_answered-{key}"] = Rectification.objects.create(
            finding=Finding.objects.create(inspection=inspection, text="问题"),
            inspection=inspection,
            owner_unit=unit,
            due_on=DAY,
            status=Rectification.Status.ANSWERED,
            answer="已整改",
        )

    _assessments(w, national, gd, sz, reviewer, superuser)
    _awards(w, gd, zj, sz, nb, nat)
    return w


def _assessments(w, national, gd, sz, reviewer, superuser):
    o = w.objects
    template = template_install(actor=None, authority=national)
    o["scheme-CN"] = template
    review = review_services.review_create(
        actor=None,
        name="广东省评审",
        round_key="2025-2026",
        authority=gd,
        scheme=template,
        reviewers_per_subject=1,
        due_on=DAY,
    )
    seat = review_services.panel_member_add(actor=None, review=review, user=reviewer)
    review = review_services.review_set_phase(actor=None, review=review, phase="open")
    subject = review_services.subject_attach(
        actor=None,
        review=review,
        target=sz.units[1],
        title=sz.units[1].name,
        category="advanced_unit",
        authority=sz.authority,
        unit=sz.units[1],
    )
    review_services.assignment_add(actor=None, subject=subject, member=seat)
    o["review-GD"] = review
    o["seat-GD"] = seat
    o["subject-GD"] = subject
    o["sheet-GD"] = ScoreSheet.objects.create(subject=subject, reviewer=reviewer)

    # An annual cycle of Guangdong in self-assessment, with the unit contact's unit as subject.
    annual = review_services.review_create(
        actor=None,
        name="广东省年度考核",
        round_key="2026",
        authority=gd,
        scheme=template,
        reviewers_per_subject=1,
        due_on=DAY,
    )
    cycle = Cycle.objects.create(
        review=annual, name="2026年度考核", year=2026, status=Cycle.Status.SELF_ASSESSMENT
    )
    cycle_subject = review_services.subject_attach(
        actor=None,
        review=annual,
        target=sz.units[0],
        title=sz.units[0].name,
        category="advanced_unit",
        authority=sz.authority,
        unit=sz.units[0],
    )
    item = Item.objects.filter(scheme=template, kind=Item.Kind.STANDARD).first()
    answer = SelfAssessment.objects.create(
        subject=cycle_subject, item=item, points=item.max_points, max_points=item.max_points
    )
    o["cycle-GD"] = cycle
    o["cycle_subject-GD"] = cycle_subject
    o["evidence-GD"] = Evidence.objects.create(
        self_assessment=answer, file="cycles/a.pdf", uploaded_by=superuser, **FILE
    )


def _awards(w, gd, zj, sz, nb, national_officer):
    o = w.objects
    round = Round.objects.create(
        code="2025-2026",
        name="全国共建文明口岸评比",
        start_year=2025,
        end_year=2026,
        scheme=o["scheme-CN"],
        phase=Round.Phase.PROVINCIAL_REVIEW,
        nominations_due_on=DAY,
        provincial_review_due_on=DAY,
        national_review_due_on=DAY,
        reviewers_per_nomination=3,
        notice_working_days=5,
    )
    Quota.objects.bulk_create(
        Quota(round=round, province=p, title=t, quota=1) for p in (gd, zj) for t in Title.values
    )
    for key, area, province in (("SZ", sz, gd), ("NB", nb, zj)):
        unit = area.units[0]
        nomination = Nomination.objects.create(
            round=round,
            status=Nomination.Status.DRAFT,
            created_by=national_officer,
            title=Title.ADVANCED_UNIT,
            unit=unit,
            authority=area.authority,
            province=province,
            nominee_unit_name=unit.name,
            nominee_name=unit.name,
            deeds="事迹",
            summary="简介",
        )
        o[f"nomination-{key}"] = nomination
        o[f"nomination_file-{key}"] = NominationEvidence.objects.create(
            nomination=nomination, file="awards/a.pdf", uploaded_by=national_officer, **FILE
        )
    for key, province in (("GD", gd), ("ZJ", zj)):
        o[f"province_round-{key}"] = Round.objects.create(
            code=f"{key}-2026",
            name="省级评比",
            start_year=2025,
            end_year=2026,
            scheme=o["scheme-CN"],
            authority=province,
            phase=Round.Phase.NOMINATING,
            nominations_due_on=DAY,
            provincial_review_due_on=DAY,
            national_review_due_on=DAY,
            reviewers_per_nomination=3,
            notice_working_days=5,
        )
    o["list-GD"] = (round, gd)
    o["list-ZJ"] = (round, zj)
    o["nominate-unit-SZ"] = (Title.ADVANCED_UNIT, sz.authority.path)
    o["nominate-unit-NB"] = (Title.ADVANCED_UNIT, nb.authority.path)
    o["nominate-organizer-GD"] = (Title.ADVANCED_ORGANIZER, gd.path)
    o["title-advanced_unit"] = Title.ADVANCED_UNIT
    o["title-advanced_organizer"] = Title.ADVANCED_ORGANIZER

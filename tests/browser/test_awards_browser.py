"""One award round end to end in a real browser: a port officer nominates a unit and an
individual; reviewers score; the provincial officer recommends within the quota; the national
office advances the phases in the admin; the public-notice page lists the candidates; the
decision is made; the certificate PDF downloads, its text is Chinese in an embedded CJK font, and
its verification page confirms it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from assessments.models import Assignment, Item, ScoreSheet, Subject, VetoCondition
from assessments.services.reviews import panel_member_add
from assessments.services.sheets import points_field
from awards.models import (
    DecisionDocument,
    Honour,
    Nomination,
    Opinion,
    Recommendation,
    RenderStatus,
    Round,
    Title,
)
from awards.selectors.rounds import national_office, round_review
from tests.assessments.fixtures import make_user, submit_sheet
from tests.awards.approvals_support import approve_candidates
from tests.awards.honours_helpers import pdf_fonts, pdf_text
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DECISION_NUMBER = "署岸发〔2026〕12号"
# Rendering the certificates and the decision runs in the request that decides the round (tasks
# run in-process in tests): that page takes longer than the others.
RENDER_TIMEOUT = 180_000

UNIT_DEEDS = (
    "该单位坚持把共建文明口岸作为提升通关服务水平的重要抓手，"
    "建立“一站式”查验服务窗口，推行预约通关、提前申报和7×24小时值守，"
    "全年保障旅客通关一千二百余万人次，货物通关时间压缩百分之三十以上。"
    "单位定期组织志愿服务活动，在春运、暑运等客流高峰期间开设母婴、老年旅客绿色通道，"
    "主动公开办事指南和收费标准，畅通投诉渠道，群众满意度连续三年保持在百分之九十八以上。"
    "单位注重廉政建设和作风建设，开展岗位练兵和业务竞赛，涌现出一批业务骨干和先进典型，"
    "多次获得省市表彰，为口岸营商环境持续优化作出了积极贡献。"
)
PERSON_DEEDS = (
    "该同志长期扎根口岸一线，爱岗敬业、任劳任怨，在旅检现场连续工作十余年，"
    "熟练掌握查验业务和应急处置流程，累计查获各类违规物品三百余起，无一差错。"
    "他牵头编写现场服务手册，培训新入职人员八十余名，带出了一支作风过硬的查验队伍。"
    "在疫情防控和重大活动保障期间，他主动请缨、连续值守，妥善处置突发事件二十余起，"
    "得到旅客和同事的一致好评。他热心公益，组织青年志愿者开展文明引导服务，"
    "帮助行动不便的旅客顺利通关，用实际行动诠释了口岸人的责任与担当。"
)


def _pdf():
    """A small, well-formed one-page PDF (the evidence upload is checked by content)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return out


def _url(live_server, name, *args, query=""):
    return f"{live_server.url}{reverse(name, args=args)}{query}"


def _path_re(name, *args):
    return re.compile(re.escape(reverse(name, args=args)) + r"(\?.*)?$")


def _subject(review, nomination):
    return Subject.objects.get(
        review=review,
        content_type=ContentType.objects.get_for_model(Nomination),
        object_id=nomination.pk,
    )


# --- the steps ----------------------------------------------------------------------------


def _nominate(page, live_server, round, title, nominee, deeds, summary, evidence_name):
    """Nominate in two steps, upload a PDF, write the deeds, declare every veto condition as
    not applying, and submit with the port's opinion. Returns the nomination."""
    page.goto(_url(live_server, "awards:nomination-create"))
    page.select_option("#id_round", str(round.pk))
    page.check(f"input[name=title][value={title}]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"title={title}"))
    page.select_option("#id_nominee", str(nominee.pk))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/awards/nominations/\d+/edit/$"))
    nomination = Nomination.objects.get(round=round, title=title, status=Nomination.Status.DRAFT)

    # The evidence first: its form is beside the dossier's, and posting it reloads the page.
    page.set_input_files(
        "#id_upload", {"name": evidence_name, "mimeType": "application/pdf", "buffer": _pdf()}
    )
    page.fill("#id_description", "事迹证明材料")
    page.click("[data-testid=evidence-form] button[type=submit]")
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page.locator("[data-testid=evidence-list]")).to_contain_text(evidence_name)

    page.fill("#id_deeds", deeds)
    page.fill("#id_summary", summary)
    conditions = list(VetoCondition.objects.filter(scheme=round.scheme))
    assert conditions
    for condition in conditions:
        page.check(f"input[name=veto_{condition.pk}][value=clear]")
    page.click("[data-testid=dossier-form] button[name=then][value=submit]")
    expect(page).to_have_url(_path_re("awards:nomination-submit", nomination.pk))
    expect(page.locator("[data-testid=problems]")).to_have_count(0)
    page.fill("#id_opinion", "经审核，推荐对象事迹属实，同意推荐。")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(_path_re("awards:nomination-detail", nomination.pk))
    expect(page.locator(".messages .alert-success")).to_contain_text(nominee.name)
    expect(page.locator("[data-testid=evidence-list]")).to_contain_text(evidence_name)

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.nominee_name == nominee.name
    assert nomination.deeds == deeds
    assert nomination.evidence.get().original_name == evidence_name
    assert nomination.veto_declarations.filter(applies=False).count() == len(conditions)
    assert nomination.opinions.get().level == Opinion.Level.PORT
    return nomination


def _advance(page, live_server, round, to, timeout=None):
    """The national office advances the round from its change page, through the confirmation
    page; every precondition holds."""
    change = reverse("admin:awards_round_change", args=[round.pk])
    page.goto(f"{live_server.url}{change}")
    page.click("#round-phase a.button")
    expect(page).to_have_url(_path_re("admin:awards_round_advance", round.pk))
    expect(page.locator("#content-main")).to_be_visible()
    reasons = page.locator("#advance-reasons li").all_inner_texts()
    assert not reasons, reasons
    page.click("#content-main form input[type=submit]", timeout=timeout)
    expect(page).to_have_url(_path_re("admin:awards_round_change", round.pk), timeout=timeout)
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    expect(page.locator("ul.messagelist li.error")).to_have_count(0)
    round.refresh_from_db()
    assert round.phase == to


def _score_in_browser(page, live_server, subject, items, evidence_name):
    """A reviewer scores one nomination from the queue, its dossier beside the form: every
    standard item at 90%, the autosave awaited, then submitted with the browser's
    confirmation."""
    score_path = reverse("assessments:score", args=[subject.pk])
    page.goto(_url(live_server, "assessments:queue"))
    page.click(f"table a[href='{score_path}']")
    expect(page.locator("[data-testid=subject-title]")).to_have_text(subject.title)
    dossier = page.locator("[data-testid=nomination-dossier]")
    expect(dossier).to_contain_text(subject.title)
    expect(dossier).to_contain_text(evidence_name)

    def points(item):
        return f"{(item.max_points * Decimal('0.9')).quantize(Decimal('0.01')):f}"

    last = items[-1]

    def last_autosave(response):
        request = response.request
        return (
            request.method == "POST"
            and request.url.endswith("/autosave/")
            and f"{points_field(last.pk)}={points(last)}" in (request.post_data or "")
        )

    with page.expect_response(last_autosave) as saved:
        for item in items:
            page.fill(f"#id_{points_field(item.pk)}", points(item))
        page.keyboard.press("Tab")  # leaving the last field is the change that saves
    assert saved.value.status == 200
    expect(page.locator("[data-testid=autosaved]")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=submit-sheet]")
    expect(page).to_have_url(_path_re("assessments:queue"))
    expect(page.locator(".messages .alert-success")).to_be_visible()


# --- the round ----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    """Evidence and certificates in a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def panels(world, award_round):
    """Three Guangdong reviewers and three national reviewers, none working at a nominee (so
    each nomination gets all three of its panel)."""
    seats = {}
    for key, authority in (("gd", world.gd), ("cn", national_office())):
        review = round_review(award_round, authority)
        users = [make_user(f"{key}_reviewer{i}") for i in (1, 2, 3)]
        for user in users:
            panel_member_add(actor=None, review=review, user=user)
        seats[key] = (review, users)
    return seats


def test_a_round_from_nomination_to_verified_certificate(
    page,
    new_context,
    live_server,
    media,
    world,
    award_round,
    panels,
    port_officer,
    gd_officer,
    national_admin,
):
    round = award_round
    Round.objects.filter(pk=round.pk).update(decision_number=DECISION_NUMBER)
    unit, person = world.sz.units[0], world.sz.people[0]
    gd_review, gd_reviewers = panels["gd"]
    cn_review, cn_reviewers = panels["cn"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # 1. The Shenzhen port officer nominates a unit and one of its people.
    log_in(page, live_server, "sz_officer")
    unit_nomination = _nominate(
        page,
        live_server,
        round,
        Title.ADVANCED_UNIT,
        unit,
        UNIT_DEEDS,
        "建立一站式查验服务窗口，群众满意度连续三年保持在百分之九十八以上。",
        "单位事迹证明.pdf",
    )
    person_nomination = _nominate(
        page,
        live_server,
        round,
        Title.ADVANCED_INDIVIDUAL,
        person,
        PERSON_DEEDS,
        "扎根口岸一线十余年，累计查获各类违规物品三百余起，无一差错。",
        "个人事迹证明.pdf",
    )
    assert len(UNIT_DEEDS) >= Nomination.DEEDS_MIN and len(PERSON_DEEDS) >= Nomination.DEEDS_MIN
    for nomination in (unit_nomination, person_nomination):
        assert nomination.authority_id == world.sz.authority.pk
        assert nomination.province_id == world.gd.pk

    # Time passes: the nominations' due date is behind us, so the provincial review may start.
    Round.objects.filter(pk=round.pk).update(nominations_due_on=yesterday)

    # 2. The national office advances nominating → provincial review in the admin: both
    # nominations go to Guangdong's review and its three reviewers are assigned to each.
    admin = new_context().new_page()
    admin.set_default_timeout(15_000)
    log_in(admin, live_server, "national")
    _advance(admin, live_server, round, Round.Phase.PROVINCIAL_REVIEW)
    unit_subject = _subject(gd_review, unit_nomination)
    person_subject = _subject(gd_review, person_nomination)
    assert Assignment.objects.filter(subject__review=gd_review).count() == 6

    # 3. A Guangdong reviewer scores the unit in the browser; the other five provincial sheets
    # are submitted in Python (the scoring page is covered by the one above and by
    # test_scoring_browser.py; five more walks through it would only add minutes).
    reviewer = new_context().new_page()
    reviewer.set_default_timeout(15_000)
    log_in(reviewer, live_server, gd_reviewers[0].username)
    items = list(Item.objects.filter(scheme=round.scheme, kind=Item.Kind.STANDARD))
    _score_in_browser(reviewer, live_server, unit_subject, items, "单位事迹证明.pdf")
    sheet = ScoreSheet.objects.get(subject=unit_subject, reviewer=gd_reviewers[0])
    assert sheet.status == ScoreSheet.Status.SUBMITTED
    assert sheet.scores.count() == len(items)
    for user in gd_reviewers[1:]:
        submit_sheet(user, unit_subject, Decimal("0.85"))
    for user in gd_reviewers:
        submit_sheet(user, person_subject, Decimal("0.8"))

    # 4. The Guangdong officer makes the list within the quota (2 per title), writes the
    # province's opinion, saves, submits with confirmation, and finds it locked.
    officer = new_context().new_page()
    officer.set_default_timeout(15_000)
    log_in(officer, live_server, "gd_officer")
    detail_path = reverse("awards:recommendation-detail", args=[round.pk, world.gd.pk])
    officer.goto(_url(live_server, "awards:recommendation-list"))
    officer.click(f"[data-testid=recommendation-lists] a[href='{detail_path}']")
    expect(officer).to_have_url(_path_re("awards:recommendation-detail", round.pk, world.gd.pk))
    for nomination in (unit_nomination, person_nomination):
        officer.check(f"#id_chosen_{nomination.pk}")
        officer.fill(f"#id_position_{nomination.pk}", "1")
    opinion = "经省级评审，同意推荐上述单位和个人参加全国评比。"
    officer.fill("#id_opinion", opinion)
    officer.click("main form button[name=action][value=save]")
    expect(officer.locator(".messages .alert-success")).to_be_visible()
    expect(officer.locator(f"#id_chosen_{unit_nomination.pk}")).to_be_checked()
    expect(officer.locator(f"#id_chosen_{person_nomination.pk}")).to_be_checked()
    expect(officer.locator("#id_opinion")).to_have_value(opinion)
    assert Recommendation.objects.get(round=round, province=world.gd).status == "draft"

    officer.click("main form button[name=action][value=submit]")
    expect(officer).to_have_url(_path_re("awards:recommendation-submit", round.pk, world.gd.pk))
    expect(officer.locator("[data-testid=confirm-advanced_unit]")).to_contain_text(unit.name)
    expect(officer.locator("[data-testid=confirm-advanced_individual]")).to_contain_text(
        person.name
    )
    expect(officer.locator("[data-testid=opinion]")).to_contain_text(opinion)
    officer.check("#id_confirm")
    officer.click("main form button[type=submit]")
    expect(officer).to_have_url(_path_re("awards:recommendation-detail", round.pk, world.gd.pk))
    expect(officer.locator(".messages .alert-success")).to_be_visible()
    expect(officer.locator("[data-testid=submitted-by]")).to_be_visible()
    expect(officer.locator("#id_opinion")).to_have_count(0)
    expect(officer.locator("input[name^=chosen_]")).to_have_count(0)
    expect(officer.locator("main form button[type=submit]")).to_have_count(0)
    for nomination in (unit_nomination, person_nomination):
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.RECOMMENDED
        assert nomination.recommended_position == 1
        assert nomination.opinions.get(level=Opinion.Level.PROVINCE).text == opinion

    # 5. The national office advances to the national review; the national panel's sheets are
    # submitted in Python (scoring in the browser is covered above).
    _advance(admin, live_server, round, Round.Phase.NATIONAL_REVIEW)
    for nomination in (unit_nomination, person_nomination):
        subject = _subject(cn_review, nomination)
        for user in cn_reviewers:
            submit_sheet(user, subject, Decimal("0.9"))

    # 6. The office decides in the national ranking: the unit with its own button, the
    # individual ticked and approved in bulk with an opinion.
    ranking = reverse("admin:awards_round_ranking", args=[round.pk])
    admin.goto(f"{live_server.url}{ranking}?title={Title.ADVANCED_UNIT}")
    table = admin.locator("#national-ranking")
    expect(table).to_contain_text(unit.name)
    admin.click(f"#national-ranking button[name=decide][value='approve:{unit_nomination.pk}']")
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    expect(admin).to_have_url(re.compile(rf"title={Title.ADVANCED_UNIT}"))
    unit_nomination.refresh_from_db()
    assert unit_nomination.status == Nomination.Status.CANDIDATE

    admin.goto(f"{live_server.url}{ranking}?title={Title.ADVANCED_INDIVIDUAL}")
    expect(table).to_contain_text(person.name)
    admin.check(f"#national-ranking input[name=nominations][value='{person_nomination.pk}']")
    admin.fill("#id_opinion", "同意作为全国先进个人候选对象。")
    admin.click("#ranking-form button[name=bulk][value=approve]")
    expect(admin.locator("ul.messagelist li.success")).to_be_visible()
    person_nomination.refresh_from_db()
    assert person_nomination.status == Nomination.Status.CANDIDATE
    assert (
        person_nomination.opinions.get(level=Opinion.Level.NATIONAL).text
        == "同意作为全国先进个人候选对象。"
    )

    # 7. Public notice: anyone, without logging in, sees both candidates.
    _advance(admin, live_server, round, Round.Phase.PUBLIC_NOTICE)
    assert round.notice_starts_on and round.notice_ends_on
    public = new_context().new_page()
    public.set_default_timeout(15_000)
    public.goto(_url(live_server, "awards:notice"))
    candidates = public.locator("[data-testid=notice-candidate]")
    expect(candidates).to_have_count(2)
    expect(
        public.locator(f"[data-testid=notice-title][data-title={Title.ADVANCED_UNIT}]")
    ).to_contain_text(unit.name)
    expect(
        public.locator(f"[data-testid=notice-title][data-title={Title.ADVANCED_INDIVIDUAL}]")
    ).to_contain_text(person.name)
    expect(candidates.filter(has_text=person.name)).to_contain_text(unit.name)
    expect(public.locator("main")).not_to_contain_text(PERSON_DEEDS[:40])  # the short deeds only

    # 8. Time passes: the notice period is over with no objection; the office decides, and the
    # certificates and the decision render (in-process here) before the page comes back.
    Round.objects.filter(pk=round.pk).update(
        notice_starts_on=yesterday - datetime.timedelta(days=6), notice_ends_on=yesterday
    )
    # The national leading group has reviewed the candidates (its pages have their own tests).
    approve_candidates(round)
    _advance(admin, live_server, round, Round.Phase.DECIDED, timeout=RENDER_TIMEOUT)
    honours = {h.nomination_id: h for h in Honour.objects.filter(round=round)}
    assert set(honours) == {unit_nomination.pk, person_nomination.pk}
    assert {h.render_status for h in honours.values()} == {RenderStatus.DONE}
    assert DecisionDocument.objects.get(round=round).render_status == RenderStatus.DONE
    honour = honours[person_nomination.pk]
    assert honour.recipient == person.name

    # 9. The certificate downloads: in the admin from the honours list, and for the port
    # officer from the portal; both give the same PDF.
    admin.goto(_url(live_server, "admin:awards_honour_changelist"))
    with admin.expect_download() as info:
        admin.click(f"a[href='{reverse('admin:awards_honour_download', args=[honour.pk])}']")
    download = info.value
    assert download.suggested_filename == f"{honour.number}.pdf"
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    response = page.context.request.get(_url(live_server, "awards:certificate-download", honour.pk))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == pdf

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert person.name in text
    assert "特发此证" in text
    assert honour.number in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded for _base, embedded in fonts.values()), fonts
    assert any(
        embedded and ("CJK" in base or "Noto" in base) for base, embedded in fonts.values()
    ), fonts
    # The unit's certificate names the unit.
    unit_honour = honours[unit_nomination.pk]
    response = page.context.request.get(
        _url(live_server, "awards:certificate-download", unit_honour.pk)
    )
    assert response.ok
    assert unit.name in pdf_text(response.body())

    # 10. The verification page of the certificate's code, for anyone, confirms it.
    public.goto(_url(live_server, "awards:verify", honour.code))
    expect(public.locator("[data-testid=verify-valid]")).to_be_visible()
    details = public.locator("[data-testid=verify-honour]")
    expect(details).to_contain_text(person.name)
    expect(details).to_contain_text(honour.number)
    with translation.override("zh-hans"):
        title_label = str(Title(Title.ADVANCED_INDIVIDUAL).label)
    expect(details).to_contain_text(title_label)

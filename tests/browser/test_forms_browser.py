"""Forms in a real browser: what was typed is not lost to another form or to leaving the page
without a question, text fields count their characters, the province's list counts the ticked
nominations as they are ticked, and the national ranking's title tabs and headers are laid out
without overlapping or breaking."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Nomination, NominationEvidence, Round, Title
from tests.awards.rounds_support import set_phase
from tests.awards.test_recommendations_services import in_provincial_review, put_up, score
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNSAVED = "您有尚未保存的修改，离开将会丢失。确定继续吗？"
UNSAVED_EN = "You have unsaved changes that will be lost. Continue?"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def draft(award_round, world, make_nomination):
    return make_nomination(
        award_round, world.sz.units[0], status=Nomination.Status.DRAFT, deeds="", summary="短"
    )


def _url(live_server, name, *args):
    return f"{live_server.url}{reverse(name, args=args)}"


class Dialogs:
    """The page's dialogs, answered with `accept` and remembered as (type, message)."""

    def __init__(self, page, accept):
        self.seen = []
        self.accept = accept
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


def _upload(page, name="证明.txt"):
    page.set_input_files(
        "#id_upload", {"name": name, "mimeType": "text/plain", "buffer": "证明材料".encode()}
    )
    page.click("[data-testid=evidence-form] button[type=submit]")


# --- nothing typed is lost ----------------------------------------------------------------


def test_uploading_evidence_after_typing_deeds_asks_first(page, live_server, draft, port_officer):
    log_in(page, live_server, "sz_officer")
    page.goto(_url(live_server, "awards:nomination-edit", draft.pk))
    expect(page.locator("body")).to_have_attribute("data-unsaved-message", re.compile(".+"))
    message = page.locator("body").get_attribute("data-unsaved-message")
    assert message in (UNSAVED, UNSAVED_EN)
    page.fill("#id_deeds", "该单位坚持共建文明口岸。")

    # Declined: the page stays with the deeds typed, nothing is uploaded.
    dialogs = Dialogs(page, accept=False)
    _upload(page)
    expect(page.locator("#id_deeds")).to_have_value("该单位坚持共建文明口岸。")
    assert dialogs.seen == [("confirm", message)]
    assert not NominationEvidence.objects.exists()

    # Agreed: the evidence goes up (the deeds typed are given up), with no second question
    # on leaving the page.
    dialogs.accept = True
    _upload(page)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert dialogs.seen == [("confirm", message), ("confirm", message)]
    assert NominationEvidence.objects.filter(nomination=draft).count() == 1
    # The page came back from the server: nothing is changed on it.
    expect(page.locator("#id_deeds")).to_have_value("")


def test_saving_the_changed_form_itself_asks_nothing(page, live_server, draft, port_officer):
    log_in(page, live_server, "sz_officer")
    page.goto(_url(live_server, "awards:nomination-edit", draft.pk))
    dialogs = Dialogs(page, accept=False)
    page.fill("#id_summary", "该单位服务优良。")
    page.click("[data-testid=dossier-form] button[type=submit]:not([name])")
    expect(page).to_have_url(re.compile(rf"/awards/nominations/{draft.pk}/$"))
    assert dialogs.seen == []
    draft.refresh_from_db()
    assert draft.summary == "该单位服务优良。"


def test_leaving_a_changed_form_asks_and_an_unchanged_one_does_not(
    page, live_server, draft, port_officer
):
    log_in(page, live_server, "sz_officer")
    edit = _url(live_server, "awards:nomination-edit", draft.pk)
    page.goto(edit)
    dialogs = Dialogs(page, accept=False)
    # Nothing changed: the link leads away without a question.
    page.click("[data-testid=dossier-form] a.btn-outline-secondary")
    expect(page).to_have_url(re.compile(rf"/awards/nominations/{draft.pk}/$"))
    assert dialogs.seen == []

    page.goto(edit)
    page.click("#id_summary")
    page.keyboard.type("新的")
    page.click("[data-testid=dossier-form] a.btn-outline-secondary")
    expect(page.locator("#id_summary")).to_have_value("短新的")
    assert [kind for kind, _message in dialogs.seen] == ["beforeunload"]
    expect(page).to_have_url(edit)

    # Typed back to what the page brought: nothing to lose.
    page.click("#id_summary")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.click("[data-testid=dossier-form] a.btn-outline-secondary")
    expect(page).to_have_url(re.compile(rf"/awards/nominations/{draft.pk}/$"))
    assert len(dialogs.seen) == 1


def test_a_form_marked_out_of_the_check_asks_nothing(page, live_server, draft, port_officer):
    log_in(page, live_server, "sz_officer")
    page.goto(_url(live_server, "awards:nomination-edit", draft.pk))
    dialogs = Dialogs(page, accept=False)
    page.eval_on_selector("[data-testid=dossier-form]", "f => f.dataset.noDirtyCheck = ''")
    page.fill("#id_deeds", "该单位坚持共建文明口岸。")
    _upload(page)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    assert dialogs.seen == []


# --- counters -------------------------------------------------------------------------------


def test_limited_text_fields_count_their_characters(page, live_server, draft, port_officer):
    log_in(page, live_server, "sz_officer")
    page.goto(_url(live_server, "awards:nomination-edit", draft.pk))
    summary = page.locator("#id_summary")
    expect(summary).to_have_attribute("maxlength", str(Nomination.SUMMARY_MAX))
    expect(page.locator("#id_deeds")).to_have_attribute("maxlength", str(Nomination.DEEDS_MAX))
    counter = page.locator("#id_summary-counter")
    expect(counter).to_have_text(re.compile(r"^已输入 1 / 300 字$|^1 / 300 characters typed$"))
    summary.fill("该单位服务优良，群众满意。")
    expect(counter).to_contain_text("13 / 300")
    # Below its field, and read with it by assistive technology.
    assert "id_summary-counter" in summary.get_attribute("aria-describedby")
    box, below = summary.bounding_box(), counter.bounding_box()
    assert below["y"] >= box["y"] + box["height"] - 1
    expect(page.locator("#id_deeds-counter")).to_contain_text("0 / 5000")
    # The evidence's description (a model's limit) counts too.
    expect(page.locator("#id_description")).to_have_attribute("maxlength", re.compile(r"\d+"))
    expect(page.locator("#id_description-counter")).to_be_visible()


def test_the_recommendation_list_counts_ticks_as_they_are_made(
    page, live_server, world, award_round, make_nomination, gd_officer
):
    in_provincial_review(award_round)
    units = [make_nomination(award_round, unit) for unit in (*world.sz.units, *world.gz.units)]
    subjects = put_up(award_round, world.gd, units)
    for nomination in units:
        score(subjects[nomination.pk], "0.8", sheets=1)
    log_in(page, live_server, "gd_officer")
    page.goto(_url(live_server, "awards:recommendation-detail", award_round.pk, world.gd.pk))
    counter = page.locator(f"[data-testid=quota-{Title.ADVANCED_UNIT}]")
    chosen = re.compile(r"已选 {n} 个|^{n} of 2 places chosen")
    expect(counter).to_have_text(re.compile(chosen.pattern.format(n=0)))
    page.check(f"#id_chosen_{units[0].pk}")
    expect(counter).to_have_text(re.compile(chosen.pattern.format(n=1)))
    page.check(f"#id_chosen_{units[1].pk}")
    page.check(f"#id_chosen_{units[2].pk}")
    expect(counter).to_have_text(re.compile(chosen.pattern.format(n=3)))
    expect(counter).to_have_class(re.compile(r"\btext-danger\b"))
    page.uncheck(f"#id_chosen_{units[2].pk}")
    expect(counter).to_have_text(re.compile(chosen.pattern.format(n=2)))
    expect(counter).not_to_have_class(re.compile(r"\btext-danger\b"))
    # The other titles' counters stay as they were.
    expect(page.locator(f"[data-testid=quota-{Title.ADVANCED_INDIVIDUAL}]")).to_have_text(
        re.compile(chosen.pattern.format(n=0))
    )


# --- the national ranking -------------------------------------------------------------------


@pytest.fixture
def national_ranking(world, award_round, make_nomination):
    """The national review with six recommended units of two provinces, scored."""
    set_phase(award_round, Round.Phase.NATIONAL_REVIEW)
    units = [
        make_nomination(award_round, unit, status=Nomination.Status.RECOMMENDED)
        for unit in (*world.sz.units, *world.nb.units)
    ]
    subjects = put_up(award_round, world.national, units)
    for i, nomination in enumerate(units):
        score(subjects[nomination.pk], f"0.{6 + i}", sheets=2)
    return units


def _boxes_overlap(a, b, slack=0):
    """Whether two boxes share more than `slack` pixels each way (tabs of two rows share
    their one-pixel border, as Bootstrap's do)."""
    return not (
        a["x"] + a["width"] <= b["x"] + slack
        or b["x"] + b["width"] <= a["x"] + slack
        or a["y"] + a["height"] <= b["y"] + slack
        or b["y"] + b["height"] <= a["y"] + slack
    )


@pytest.mark.parametrize("width", [1280, 700])
def test_national_ranking_tabs_and_headers_keep_their_place(
    page, live_server, national_ranking, award_round, national_admin, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "national")
    ranking = reverse("admin:awards_round_ranking", args=[award_round.pk])
    page.goto(f"{live_server.url}{ranking}?title={Title.ADVANCED_UNIT}")
    tabs = page.locator("#content-main ul.nav.nav-tabs > li.nav-item > a.nav-link")
    expect(tabs).to_have_count(len(Title.values))
    current = page.locator("#content-main .nav-tabs a.nav-link.active")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_contain_text(str(Title(Title.ADVANCED_UNIT).label))
    expect(page.locator("#content-main .nav-tabs [aria-current]")).to_have_count(1)

    boxes = [tabs.nth(i).bounding_box() for i in range(tabs.count())]
    for i, box in enumerate(boxes):
        for other in boxes[i + 1 :]:
            assert not _boxes_overlap(box, other, slack=1), (box, other)
    instructions = page.locator("#content-main > p").first.bounding_box()
    table = page.locator("#national-ranking").bounding_box()
    for box in boxes:
        assert box["y"] + box["height"] <= instructions["y"] + 1, (box, instructions)
        assert not _boxes_overlap(box, table)

    # The rank header on one line.
    rank = page.locator("#national-ranking thead th.text-nowrap").first
    expect(rank).to_be_visible()
    assert rank.evaluate("th => getComputedStyle(th).whiteSpace") == "nowrap"
    lines = rank.evaluate(
        "th => { const r = document.createRange(); r.selectNodeContents(th);"
        " return new Set(Array.from(r.getClientRects(), b => Math.round(b.top))).size; }"
    )
    assert lines == 1

    # Another tab becomes the current one.
    page.click(f"#content-main .nav-tabs a[href$='title={Title.ADVANCED_INDIVIDUAL}']")
    expect(page).to_have_url(re.compile(rf"title={Title.ADVANCED_INDIVIDUAL}"))
    expect(page.locator("#content-main .nav-tabs a.active")).to_contain_text(
        str(Title(Title.ADVANCED_INDIVIDUAL).label)
    )

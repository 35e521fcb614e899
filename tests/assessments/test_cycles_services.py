"""The annual assessment cycle's services: open → self-assess → start scoring → assign →
sheets → publish, with exact results, and every refusal on the way."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.cycle_dossier import cycle_dossier
from assessments.dossiers import dossier_for
from assessments.models import (
    Assignment,
    Cycle,
    Evidence,
    Item,
    Review,
    SelfAssessment,
    VetoCondition,
)
from assessments.services import cycles
from assessments.services import reviews as review_services
from assessments.services.schemes import scheme_new_version
from assessments.services.sheets import SheetInput, score_sheet_save
from civport.models import AuditEntry
from tests.assessments.fixtures import make_user

pytestmark = pytest.mark.usefixtures("in_english")  # the messages are asserted in English

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
D = Decimal


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def gd_units(world):
    return [*world.sz.units, *world.gz.units]


def open_gd_cycle(world, template, actor=None, year=2026, units=None):
    return cycles.cycle_open(
        actor=actor,
        name=f"{year}年度广东省共建文明口岸考核",
        year=year,
        authority=world.gd,
        scheme=template,
        units=gd_units(world) if units is None else units,
        self_assessment_due_on=datetime.date(year, 6, 30),
        due_on=datetime.date(year, 9, 30),
    )


@pytest.fixture
def cycle(world, template, gd_officer):
    return open_gd_cycle(world, template, actor=gd_officer)


def subjects_of(cycle):
    return {s.unit_id: s for s in cycle.review.subjects.all()}


def items_of(scheme):
    return list(Item.objects.filter(scheme=scheme).select_related("indicator__scheme_area__area"))


def item(scheme, code):
    return Item.objects.get(scheme=scheme, code=code)


def sheet_input(scheme, fractions, default, bonus=None, vetoes=None):
    """Points at a fraction of each standard item's maximum, per area code."""
    points = {}
    for it in items_of(scheme):
        if it.kind == Item.Kind.BONUS:
            continue
        fraction = fractions.get(it.indicator.scheme_area.area.code, default)
        points[it.pk] = (it.max_points * fraction).quantize(D("0.01"))
    for code, value in (bonus or {}).items():
        points[item(scheme, code).pk] = value
    return SheetInput(points=points, vetoes=vetoes or {})


def submit(user, subject, data):
    return score_sheet_save(actor=user, subject=subject, data=data, revision=None, submit=True)


# -- opening -----------------------------------------------------------------------------------


def test_open_makes_review_cycle_and_one_subject_per_unit(world, template, gd_officer, cycle):
    review = cycle.review
    assert cycle.status == Cycle.Status.SELF_ASSESSMENT
    assert (review.round_key, review.authority, review.scheme) == ("cycle-2026", world.gd, template)
    assert review.phase == Review.Phase.PREPARING
    assert review.reviewers_per_subject == 3
    assert review.due_on == datetime.date(2026, 9, 30)
    assert cycle.self_assessment_due_on == datetime.date(2026, 6, 30)
    subjects = subjects_of(cycle)
    assert set(subjects) == {u.pk for u in gd_units(world)}
    sz1 = subjects[world.sz.units[0].pk]
    assert (sz1.title, sz1.category, sz1.authority, sz1.province) == (
        world.sz.units[0].name,
        "inspection",
        world.sz.authority,
        world.gd,
    )
    assert subjects[world.sz.units[1].pk].category == "operation"
    assert (
        AuditEntry.objects.filter(action="assessments.cycle.opened", actor=gd_officer).count() == 1
    )


def test_open_refuses_a_draft_scheme(world, template):
    draft = scheme_new_version(actor=None, scheme=template)
    with pytest.raises(ValidationError) as error:
        open_gd_cycle(world, draft)
    assert "scheme" in error.value.error_dict
    assert not Cycle.objects.exists() and not Review.objects.exists()


def test_open_refuses_units_outside_the_authority(world, template):
    with pytest.raises(ValidationError) as error:
        open_gd_cycle(world, template, units=[*world.sz.units, world.nb.units[0]])
    assert world.nb.units[0].name in error.value.error_dict["units"][0].message
    assert not Cycle.objects.exists()


def test_open_refuses_no_units(world, template):
    with pytest.raises(ValidationError) as error:
        open_gd_cycle(world, template, units=[])
    assert "units" in error.value.error_dict


def test_open_refuses_a_second_cycle_for_the_year(world, template, cycle):
    with pytest.raises(ValidationError) as error:
        open_gd_cycle(world, template)
    assert "2026" in error.value.error_dict["year"][0].message
    assert Cycle.objects.count() == 1
    assert open_gd_cycle(world, template, year=2027).review.round_key == "cycle-2027"


def test_open_refuses_a_scheme_of_another_authority(world, template):
    zj_cycle = cycles.cycle_open(
        actor=None,
        name="浙江",
        year=2026,
        authority=world.zj,
        scheme=template,
        units=world.nb.units,
    )
    assert zj_cycle.review.authority == world.zj
    # A scheme owned by Zhejiang cannot be used by Guangdong.
    template.authority = world.zj
    with pytest.raises(ValidationError) as error:
        open_gd_cycle(world, template)
    assert "scheme" in error.value.error_dict


# -- self-assessment ---------------------------------------------------------------------------


def test_self_assessment_saves_and_updates_rows(world, template, cycle, unit_contact):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    a, b = item(template, "1.1"), item(template, "B1")
    cycles.self_assessment_save(
        actor=unit_contact,
        subject=subject,
        entries={
            a.pk: (D("3.5"), "每季度召开联席会议", "https://example.gov.cn/a"),
            b.pk: (D("2"), "", ""),
        },
    )
    rows = {r.item_id: r for r in SelfAssessment.objects.filter(subject=subject)}
    assert rows[a.pk].points == D("3.5") and rows[a.pk].max_points == D("4")
    assert rows[a.pk].explanation == "每季度召开联席会议"
    assert rows[a.pk].link == "https://example.gov.cn/a"
    assert rows[b.pk].points == D("2")
    cycles.self_assessment_save(
        actor=unit_contact, subject=subject, entries={a.pk: (D("4"), "全年4次", "")}
    )
    rows = {r.item_id: r for r in SelfAssessment.objects.filter(subject=subject)}
    assert (rows[a.pk].points, rows[a.pk].explanation, rows[a.pk].link) == (D("4"), "全年4次", "")
    assert rows[b.pk].points == D("2")  # not in the entries: kept
    entry = (
        AuditEntry.objects.filter(action="assessments.self_assessment.saved").order_by("pk").last()
    )
    assert entry.actor == unit_contact
    assert entry.changes["1.1"] == [
        ["3.50", "每季度召开联席会议", "https://example.gov.cn/a"],
        ["4", "全年4次", ""],
    ]


def test_self_assessment_errors_name_the_item_and_save_nothing(world, template, cycle):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    good, over, negative, linked, idle = (
        item(template, code) for code in ("1.1", "1.2", "1.3", "2.1", "2.2")
    )
    with pytest.raises(ValidationError) as error:
        cycles.self_assessment_save(
            actor=None,
            subject=subject,
            entries={
                good.pk: (D("2"), "", ""),
                over.pk: (D("3.5"), "", ""),
                negative.pk: (D("-1"), "", ""),
                linked.pk: (D("1"), "", "javascript:alert(1)"),
                idle.pk: (None, "只有说明", ""),
            },
        )
    errors = {k: v[0].message for k, v in error.value.error_dict.items()}
    assert errors == {
        f"points_{over.pk}": "Item 1.2: at most 3.00 points.",
        f"points_{negative.pk}": "Item 1.3: points cannot be negative.",
        f"link_{linked.pk}": "Item 2.1: the link is not a web address (http:// or https://).",
        f"points_{idle.pk}": (
            "Item 2.2: give the claimed points, or clear the explanation and link."
        ),
    }
    assert not SelfAssessment.objects.exists()


def test_self_assessment_refuses_three_decimals_and_long_explanations(world, template, cycle):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    a, b = item(template, "1.1"), item(template, "1.2")
    with pytest.raises(ValidationError) as error:
        cycles.self_assessment_save(
            actor=None,
            subject=subject,
            entries={a.pk: (D("1.125"), "", ""), b.pk: (D("1"), "长" * 1001, "")},
        )
    assert set(error.value.error_dict) == {f"points_{a.pk}", f"explanation_{b.pk}"}


def test_clearing_an_item_deletes_it_unless_it_has_evidence(world, template, cycle, unit_contact):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    a, b = item(template, "1.1"), item(template, "1.2")
    cycles.self_assessment_save(
        actor=unit_contact,
        subject=subject,
        entries={a.pk: (D("1"), "", ""), b.pk: (D("1"), "", "")},
    )
    claim_b = SelfAssessment.objects.get(subject=subject, item=b)
    cycles.evidence_add(actor=unit_contact, self_assessment=claim_b, upload=pdf())
    with pytest.raises(ValidationError) as error:
        cycles.self_assessment_save(
            actor=unit_contact,
            subject=subject,
            entries={a.pk: (None, "", ""), b.pk: (None, "", "")},
        )
    assert "Item 1.2 has evidence files" in error.value.error_dict[f"points_{b.pk}"][0].message
    assert SelfAssessment.objects.filter(subject=subject).count() == 2
    cycles.self_assessment_save(actor=unit_contact, subject=subject, entries={a.pk: (None, "", "")})
    assert list(SelfAssessment.objects.filter(subject=subject)) == [claim_b]


def test_self_assessment_is_closed_once_scoring_starts(world, template, cycle, gd_officer):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    with pytest.raises(ValidationError) as error:
        cycles.self_assessment_save(
            actor=None, subject=subject, entries={item(template, "1.1").pk: (D("1"), "", "")}
        )
    assert error.value.messages == [f"The self-assessment of “{cycle.name}” is closed."]


# -- evidence ----------------------------------------------------------------------------------


@pytest.fixture
def claim(world, template, cycle, unit_contact):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    a = item(template, "1.1")
    cycles.self_assessment_save(
        actor=unit_contact, subject=subject, entries={a.pk: (D("3"), "", "")}
    )
    return SelfAssessment.objects.get(subject=subject, item=a)


def test_evidence_is_stored_under_a_random_name_with_the_detected_type(claim, unit_contact):
    evidence = cycles.evidence_add(
        actor=unit_contact, self_assessment=claim, upload=png("会议纪要.pdf")
    )
    evidence.refresh_from_db()
    assert evidence.original_name == "会议纪要.pdf"
    assert evidence.content_type == "image/png"
    assert evidence.size == len(PNG)
    stored = evidence.file.name.rsplit("/", 1)[-1]
    assert len(stored) == len("0" * 32 + ".png") and stored.endswith(".png")
    assert "会议纪要" not in evidence.file.name
    with evidence.file.open("rb") as handle:
        assert handle.read() == PNG
    assert AuditEntry.objects.filter(action="assessments.evidence.added").count() == 1


def test_evidence_refuses_html_named_pdf_with_the_file_and_item_named(claim, unit_contact):
    upload = SimpleUploadedFile("报告.pdf", b"<!DOCTYPE html><script>alert(1)</script>")
    with pytest.raises(ValidationError) as error:
        cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=upload)
    (message,) = error.value.error_dict[f"evidence_{claim.item_id}"]
    assert "“报告.pdf” is not an accepted file type" in message.message
    assert not Evidence.objects.exists()


def test_evidence_takes_at_most_five_files_per_item(claim, unit_contact):
    for i in range(cycles.EVIDENCE_PER_ITEM_MAX):
        cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf(f"{i}.pdf"))
    with pytest.raises(ValidationError) as error:
        cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf("6.pdf"))
    assert "Item 1.1 has 5 evidence files already" in error.value.messages[0]
    assert Evidence.objects.count() == 5


def test_evidence_remove_deletes_row_and_file(
    claim, unit_contact, django_capture_on_commit_callbacks
):
    evidence = cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf())
    storage, name = evidence.file.storage, evidence.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        cycles.evidence_remove(actor=unit_contact, evidence=evidence)
    assert not Evidence.objects.exists()
    assert not storage.exists(name)
    assert AuditEntry.objects.filter(action="assessments.evidence.removed").count() == 1


def test_evidence_cannot_change_after_self_assessment(claim, unit_contact, cycle, gd_officer):
    evidence = cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf())
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    with pytest.raises(ValidationError):
        cycles.evidence_add(actor=unit_contact, self_assessment=claim, upload=pdf())
    with pytest.raises(ValidationError):
        cycles.evidence_remove(actor=unit_contact, evidence=evidence)
    assert Evidence.objects.count() == 1


# -- phases ------------------------------------------------------------------------------------


def test_start_scoring_opens_the_review_and_assigns_the_panel(world, cycle, gd_officer):
    for i in range(1, 4):
        review_services.panel_member_add(
            actor=None, review=cycle.review, user=make_user(f"gd_cycle_r{i}")
        )
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.SCORING
    assert Review.objects.get(pk=cycle.review_id).phase == Review.Phase.OPEN
    assert Assignment.objects.filter(subject__review=cycle.review).count() == 12
    assert AuditEntry.objects.filter(action="assessments.cycle.scoring").count() == 1
    with pytest.raises(ValidationError):
        cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)


def test_start_scoring_without_a_panel_assigns_nobody(cycle, gd_officer):
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    assert not Assignment.objects.exists()


def test_publish_refuses_before_scoring(cycle, gd_officer):
    with pytest.raises(ValidationError) as error:
        cycles.cycle_publish(actor=gd_officer, cycle=cycle)
    assert error.value.messages == [f"“{cycle.name}” is not in scoring."]


def test_full_cycle_publishes_exact_scores_and_profiles(world, template, cycle, gd_officer):
    subjects = subjects_of(cycle)
    sz1, sz2, gz1, gz2 = (subjects[u.pk] for u in gd_units(world))
    cycles.self_assessment_save(
        actor=None, subject=sz2, entries={item(template, "6.1").pk: (D("5"), "", "")}
    )
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    reviewers = [make_user(f"cycle_r{i}") for i in range(1, 4)]
    members = [
        review_services.panel_member_add(actor=None, review=cycle.review, user=u) for u in reviewers
    ]
    for subject in (sz1, sz2, gz1, gz2):
        for member in members:
            review_services.assignment_add(actor=gd_officer, subject=subject, member=member)
    r1, r2, r3 = reviewers
    # sz1: safety in full by one reviewer, a bonus by another.
    submit(r1, sz1, sheet_input(template, {"safety": D("1")}, D("0.8")))  # 0.8×86 + 14 = 82.80
    submit(r2, sz1, sheet_input(template, {}, D("0.6")))  # 60.00
    submit(r3, sz1, sheet_input(template, {}, D("0.9"), bonus={"B1": D("3")}))  # 90 + 3 = 93.00
    # sz2: a veto on one sheet.
    veto = VetoCondition.objects.get(scheme=template, code="V1")
    submit(r1, sz2, sheet_input(template, {}, D("0.9"), vetoes={veto.pk: "重大安全责任事故"}))
    submit(r2, sz2, sheet_input(template, {}, D("0.9")))
    # gz1: under the pass mark. gz2: no sheet submitted.
    for reviewer in reviewers:
        submit(reviewer, gz1, sheet_input(template, {}, D("0.5")))
    cycles.cycle_publish(actor=gd_officer, cycle=cycle)

    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED and cycle.published_at is not None
    assert Review.objects.get(pk=cycle.review_id).phase == Review.Phase.CLOSED
    results = {s.pk: s for s in cycle.review.subjects.all()}
    others = dict.fromkeys(
        (
            "coordination",
            "efficiency",
            "service",
            "transparency",
            "rule_of_law",
            "integrity",
            "culture",
            "long_term",
        ),
        "76.67",
    )
    first = results[sz1.pk]
    # (82.80 + 60.00 + 93.00) / 3
    assert (first.result_score, first.result_passed, first.result_vetoed) == (
        D("78.60"),
        True,
        False,
    )
    # safety: (100% + 60% + 90%) / 3; the others (80% + 60% + 90%) / 3; the bonus is no area's.
    assert first.result_profile == {**others, "safety": "83.33"}
    assert first.published_at == cycle.published_at
    second = results[sz2.pk]
    assert (second.result_score, second.result_passed, second.result_vetoed) == (
        D("90.00"),
        False,
        True,
    )
    assert set(second.result_profile.values()) == {"90.00"}
    third = results[gz1.pk]
    assert (third.result_score, third.result_passed, third.result_vetoed) == (
        D("50.00"),
        False,
        False,
    )
    fourth = results[gz2.pk]
    assert (fourth.result_score, fourth.result_passed, fourth.result_vetoed) == (None, None, False)
    assert fourth.result_profile == {}
    assert AuditEntry.objects.filter(action="assessments.subject.result_published").count() == 4
    published = AuditEntry.objects.get(action="assessments.cycle.published")
    assert published.changes["passed"] == 1 and published.actor == gd_officer
    with pytest.raises(ValidationError):
        cycles.cycle_publish(actor=gd_officer, cycle=cycle)


def test_profiles_are_one_query(world, template, cycle, gd_officer, django_assert_num_queries):
    cycles.cycle_start_scoring(actor=gd_officer, cycle=cycle)
    reviewer = make_user("cycle_profile_r")
    member = review_services.panel_member_add(actor=None, review=cycle.review, user=reviewer)
    for subject in cycle.review.subjects.all():
        review_services.assignment_add(actor=None, subject=subject, member=member)
        submit(reviewer, subject, sheet_input(template, {"culture": D("0.5")}, D("1")))
    with django_assert_num_queries(1):
        profiles = cycles.area_profiles(cycle.review)
    assert len(profiles) == 4
    assert all(p["culture"] == "50.00" and p["safety"] == "100.00" for p in profiles.values())


# -- the reviewer's dossier --------------------------------------------------------------------


def test_dossier_shows_each_claim_under_its_item_in_two_queries(
    world, template, cycle, unit_contact, django_assert_num_queries
):
    subject = subjects_of(cycle)[world.sz.units[0].pk]
    items = items_of(template)[:12]
    cycles.self_assessment_save(
        actor=unit_contact,
        subject=subject,
        entries={i.pk: (D("1"), f"说明{i.code}", "https://example.gov.cn/x") for i in items},
    )
    for claim in SelfAssessment.objects.filter(subject=subject):
        cycles.evidence_add(
            actor=unit_contact, self_assessment=claim, upload=pdf(f"{claim.item_id}.pdf")
        )
    subject = type(subject).objects.select_related("review__scheme").get(pk=subject.pk)
    with django_assert_num_queries(2):  # claims with items + their evidence
        dossier = cycle_dossier(subject)
    assert set(dossier.by_item) == {i.pk for i in items}
    first = dossier.by_item[items[0].pk]
    assert "说明1.1" in first and "https://example.gov.cn/x" in first
    evidence = Evidence.objects.get(self_assessment__item=items[0])
    assert f"/assessments/cycles/evidence/{evidence.pk}/" in first
    assert dossier.context["n_claimed"] == 12 and dossier.context["n_evidence"] == 12
    assert dossier_for(subject).template == "assessments/cycles/_dossier.html"


def test_units_in_other_reviews_keep_the_plain_dossier(gd_subjects):
    assert dossier_for(gd_subjects[0]).template == "assessments/dossiers/_summary.html"

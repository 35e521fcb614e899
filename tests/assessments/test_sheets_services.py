"""Score sheets: drafts, submission, locking, reopening, and every refusal naming the item."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from assessments.models import Item, Review, Score, ScoreSheet, VetoCondition
from assessments.services import reviews as review_services
from assessments.services.sheets import (
    SheetInput,
    points_field,
    score_sheet_reopen,
    score_sheet_save,
    veto_reason_field,
)
from civport.models import AuditEntry
from tests.assessments.fixtures import full_input, submit_sheet
from tests.conftest import require_postgresql

pytestmark = pytest.mark.usefixtures("in_english")  # the messages are asserted in English


@pytest.fixture
def gz_subject(gd_subjects):
    """Guangzhou's first unit: nobody on the panel works there."""
    return gd_subjects[2]


@pytest.fixture
def member(gd_review):
    return gd_review.panel.get(user__username="gd_r2")


@pytest.fixture
def assigned(gz_subject, member):
    review_services.assignment_add(actor=None, subject=gz_subject, member=member)
    return member.user


def _items(scheme, kind=Item.Kind.STANDARD):
    return list(Item.objects.filter(scheme=scheme, kind=kind).order_by("pk"))


def test_draft_keeps_partial_points_and_submit_stores_the_weighted_total(gz_subject, assigned):
    scheme = gz_subject.review.scheme
    first = _items(scheme)[0]
    sheet = score_sheet_save(
        actor=assigned,
        subject=gz_subject,
        data=SheetInput(points={first.pk: Decimal("2.5")}, notes={first.pk: "材料齐全"}),
        revision=0,
    )
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.total is None
    assert sheet.revision == 1
    assert Score.objects.get(sheet=sheet).points == Decimal("2.5")

    sheet = submit_sheet(assigned, gz_subject, Decimal("1"))
    # Full marks on every standard item and no bonus: exactly the base.
    assert sheet.total == Decimal("100.00")
    assert sheet.is_submitted and sheet.submitted_at is not None


def test_bonus_is_added_on_top_within_the_cap(gz_subject, assigned):
    scheme = gz_subject.review.scheme
    data = full_input(scheme, Decimal("0.5"))
    b1, b2 = _items(scheme, Item.Kind.BONUS)
    data.points.update({b1.pk: Decimal("3"), b2.pk: Decimal("1.5")})
    sheet = score_sheet_save(actor=assigned, subject=gz_subject, data=data, revision=0, submit=True)
    assert sheet.bonus == Decimal("4.50")
    assert sheet.total == Decimal("54.50")


def test_bonus_over_the_cap_is_refused(gz_subject, assigned):
    scheme = gz_subject.review.scheme
    scheme.bonus_cap = Decimal("4")
    scheme.save(update_fields=["bonus_cap"])
    data = full_input(scheme)
    b1, b2 = _items(scheme, Item.Kind.BONUS)
    data.points.update({b1.pk: Decimal("3"), b2.pk: Decimal("2")})
    with pytest.raises(ValidationError) as error:
        score_sheet_save(actor=assigned, subject=gz_subject, data=data, revision=0)
    assert "B1" in str(error.value.message_dict["bonus"]) and "4" in str(error.value)
    assert not ScoreSheet.objects.filter(subject=gz_subject).exclude(revision=0).exists()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (Decimal("4.01"), "at most 4.00"),
        (Decimal("-1"), "negative"),
        (Decimal("1.005"), "two decimal"),
    ],
)
def test_bad_points_are_refused_naming_the_item(gz_subject, assigned, value, words):
    item = _items(gz_subject.review.scheme)[0]  # 1.1, at most 4 points
    with pytest.raises(ValidationError) as error:
        score_sheet_save(
            actor=assigned,
            subject=gz_subject,
            data=SheetInput(points={item.pk: value}),
            revision=0,
        )
    message = " ".join(error.value.message_dict[points_field(item.pk)])
    assert "1.1" in message and words in message
    assert not Score.objects.exists()


def test_submit_with_missing_items_names_each_one(gz_subject, assigned):
    scheme = gz_subject.review.scheme
    data = full_input(scheme)
    missing = _items(scheme)[:2]
    for item in missing:
        del data.points[item.pk]
    with pytest.raises(ValidationError) as error:
        score_sheet_save(actor=assigned, subject=gz_subject, data=data, revision=0, submit=True)
    for item in missing:
        assert item.code in " ".join(error.value.message_dict[points_field(item.pk)])
    assert not ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED).exists()
    assert not Score.objects.exists()


def test_a_veto_needs_a_reason_and_disqualifies_once_given(gz_subject, assigned):
    condition = VetoCondition.objects.get(scheme=gz_subject.review.scheme, code="V1")
    data = full_input(gz_subject.review.scheme, vetoes={condition.pk: "  "})
    with pytest.raises(ValidationError) as error:
        score_sheet_save(actor=assigned, subject=gz_subject, data=data, revision=0, submit=True)
    assert "V1" in " ".join(error.value.message_dict[veto_reason_field(condition.pk)])

    data.vetoes = {condition.pk: "2025年3月发生重大安全责任事故"}
    sheet = score_sheet_save(actor=assigned, subject=gz_subject, data=data, revision=0, submit=True)
    assert sheet.has_veto
    assert sheet.vetoes.get().reason == "2025年3月发生重大安全责任事故"


def test_a_stale_revision_is_refused_and_keeps_the_newer_save(gz_subject, assigned):
    item = _items(gz_subject.review.scheme)[0]
    score_sheet_save(
        actor=assigned,
        subject=gz_subject,
        data=SheetInput(points={item.pk: Decimal("3")}),
        revision=0,
    )
    with pytest.raises(ValidationError, match="saved elsewhere"):
        score_sheet_save(
            actor=assigned,
            subject=gz_subject,
            data=SheetInput(points={item.pk: Decimal("1")}),
            revision=0,
        )
    assert Score.objects.get().points == Decimal("3")


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_at_once_one_wins_the_other_is_told(world, template):
    # Two real connections save the same new sheet from revision 0 at the same moment: the row
    # lock serialises them and the second one is refused instead of overwriting the first.
    from tests.assessments.fixtures import make_user

    require_postgresql("a row lock held by one connection while another waits for it")

    review = review_services.review_create(
        actor=None, name="r", round_key="x", authority=world.gd, scheme=template
    )
    review_services.review_set_phase(actor=None, review=review, phase=Review.Phase.OPEN)
    user = make_user("tabs")
    member = review_services.panel_member_add(actor=None, review=review, user=user)
    unit = world.gz.units[0]
    subject = review_services.subject_attach(
        actor=None, review=review, target=unit, title=unit.name, authority=unit.authority, unit=unit
    )
    review_services.assignment_add(actor=None, subject=subject, member=member)
    item = Item.objects.filter(scheme=template).first()
    barrier = threading.Barrier(2)
    outcomes = []

    def tab(points):
        try:
            barrier.wait()
            translation.activate("en")  # each thread has its own active language
            score_sheet_save(
                actor=user,
                subject=subject,
                data=SheetInput(points={item.pk: Decimal(points)}),
                revision=0,
            )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(p,)) for p in ("1", "2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[-1] == "saved"
    assert "saved elsewhere" in sorted(outcomes)[0]
    sheet = ScoreSheet.objects.get()
    assert sheet.revision == 1 and sheet.scores.count() == 1


def test_a_submitted_sheet_is_locked_until_the_office_reopens_it(gz_subject, assigned, gd_officer):
    sheet = submit_sheet(assigned, gz_subject)
    with pytest.raises(ValidationError, match="locked"):
        submit_sheet(assigned, gz_subject)
    with pytest.raises(ValidationError) as error:
        score_sheet_reopen(actor=gd_officer, sheet=sheet, reason=" ")
    assert "reason" in error.value.message_dict

    score_sheet_reopen(actor=gd_officer, sheet=sheet, reason="第3项评分依据不足，请复核")
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.total is None
    entry = AuditEntry.objects.get(action="assessments.sheet.reopened")
    assert entry.actor == gd_officer and entry.changes["reason"] == "第3项评分依据不足，请复核"
    again = submit_sheet(assigned, gz_subject, Decimal("0.5"))
    assert again.total == Decimal("50.00")


def test_scores_after_the_review_closed_are_refused(gz_subject, assigned):
    review_services.review_set_phase(actor=None, review=gz_subject.review, phase="closed")
    with pytest.raises(ValidationError, match="closed"):
        submit_sheet(assigned, gz_subject)


def test_an_unassigned_reviewer_cannot_score(gz_subject, gd_review):
    other = gd_review.panel.get(user__username="gd_r3").user
    with pytest.raises(ValidationError, match="not assigned"):
        submit_sheet(other, gz_subject)


def test_the_database_refuses_points_above_the_maximum_and_a_second_sheet(gz_subject, assigned):
    sheet = score_sheet_save(actor=assigned, subject=gz_subject, data=SheetInput(), revision=0)
    item = _items(gz_subject.review.scheme)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            sheet=sheet, item=item, points=Decimal("5"), max_points=item.max_points
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(subject=gz_subject, reviewer=assigned)


def test_every_save_is_audited(gz_subject, assigned):
    submit_sheet(assigned, gz_subject)
    assert (
        AuditEntry.objects.filter(action="assessments.sheet.submitted", actor=assigned).count() == 1
    )

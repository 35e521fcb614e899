"""Writes to score sheets: save a draft, submit, reopen.

Every save names the sheet's revision it was based on; a save based on an older revision (the
same sheet saved meanwhile in another tab) is refused instead of silently overwriting. Errors
are keyed by the scoring form's field names (`points_<item id>`, `veto_reason_<condition id>`)
and name the item, so a reviewer sees exactly what to fix; nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Assignment,
    Item,
    Review,
    Score,
    ScoreSheet,
    VetoCondition,
    VetoMark,
)
from civport.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from assessments.models import Subject

CENT = Decimal("0.01")


def points_field(item_id: int) -> str:
    return f"points_{item_id}"


def note_field(item_id: int) -> str:
    return f"note_{item_id}"


def veto_field(condition_id: int) -> str:
    return f"veto_{condition_id}"


def veto_reason_field(condition_id: int) -> str:
    return f"veto_reason_{condition_id}"


@dataclass
class SheetInput:
    """What a reviewer entered: points and notes per item id, reasons per vetoed condition."""

    points: dict[int, Decimal | None] = field(default_factory=dict)  # item id → Decimal or None
    notes: dict[int, str] = field(default_factory=dict)  # item id → str
    vetoes: dict[int, str] = field(
        default_factory=dict
    )  # condition id → reason ("" when none given)
    comment: str = ""


def parse_points(raw: object) -> Decimal | None:
    """A reviewer's entry as Decimal, None when blank; ValueError when it is not a number."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


def running_total(
    scheme_items: Iterable[Item], points: Mapping[int, Decimal | None], bonus_cap: Decimal
) -> Decimal:
    """The weighted total for entered points ({item id: Decimal}), as the submit will store it."""
    standard = Decimal(0)
    bonus = Decimal(0)
    for item in scheme_items:
        value = points.get(item.pk)
        if value is None:
            continue
        if item.kind == Item.Kind.BONUS:
            bonus += value
        else:
            standard += value * item.coefficient
    return (standard.quantize(CENT) + min(bonus, bonus_cap)).quantize(CENT)


def _check_open(review: Review, sheet: ScoreSheet | None = None) -> None:
    if not review.is_open:
        raise ValidationError(_("Scoring for “%(review)s” is closed.") % {"review": review.name})
    if sheet is not None and sheet.is_submitted:
        raise ValidationError(_("This sheet is submitted and locked."))


def _check_assigned(subject: Subject, actor: User | None) -> None:
    if not Assignment.objects.filter(subject=subject, member__user=actor).exists():
        raise ValidationError(_("You are not assigned to score this subject."))


def _validate(
    items: Iterable[Item],
    conditions: Sequence[VetoCondition],
    data: SheetInput,
    bonus_cap: Decimal,
    *,
    complete: bool,
) -> None:
    errors = {}
    bonus = Decimal(0)
    bonus_codes = []
    for item in items:
        value = data.points.get(item.pk)
        name = points_field(item.pk)
        if value is None:
            if complete and item.kind == Item.Kind.STANDARD:
                errors[name] = _("Item %(code)s has no points yet.") % {"code": item.code}
            continue
        if value < 0:
            errors[name] = _("Item %(code)s: points cannot be negative.") % {"code": item.code}
        elif value > item.max_points:
            errors[name] = _("Item %(code)s: at most %(max)s points.") % {
                "code": item.code,
                "max": item.max_points,
            }
        elif cast(int, value.as_tuple().exponent) < -2:
            errors[name] = _("Item %(code)s: use at most two decimal places.") % {"code": item.code}
        elif item.kind == Item.Kind.BONUS:
            bonus += value
            bonus_codes.append(item.code)
        note = data.notes.get(item.pk, "")
        if len(note) > 500:
            errors[note_field(item.pk)] = _("Item %(code)s: the note is too long.") % {
                "code": item.code
            }
    if bonus > bonus_cap:
        errors["bonus"] = _(
            "Bonus items %(codes)s add up to %(sum)s points; the cap is %(cap)s."
        ) % {"codes": "、".join(bonus_codes), "sum": bonus, "cap": bonus_cap}
    known = {c.pk: c for c in conditions}
    for condition_id, reason in data.vetoes.items():
        condition = known.get(condition_id)
        if condition is None:
            raise ValueError(f"unknown veto condition {condition_id}")
        if not (reason or "").strip():
            errors[veto_reason_field(condition_id)] = _(
                "Veto condition %(code)s: give the reason."
            ) % {"code": condition.code}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def score_sheet_save(
    *, actor: User, subject: Subject, data: SheetInput, revision: int, submit: bool = False
) -> ScoreSheet:
    """Save the reviewer's draft (and, with `submit`, submit it) in one transaction.

    `revision` is the sheet revision the form was loaded with (0 for a new sheet).
    """
    review = subject.review
    _check_assigned(subject, actor)
    # Lock the sheet row: two tabs saving at once are serialised and the second sees the
    # first one's revision. A stored draft (every autosave but the first) is one locking read,
    # ordered by its key alone: the default ordering joins the subject and the review, and
    # FOR UPDATE would lock those rows too, making every reviewer's save wait for the others'.
    sheet = (
        ScoreSheet.objects.select_for_update()
        .filter(subject=subject, reviewer=actor)
        .order_by("pk")
        .first()
    )
    if sheet is None:
        sheet, _created = ScoreSheet.objects.get_or_create(subject=subject, reviewer=actor)
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    # The audit entry names the sheet by its subject and reviewer, both at hand.
    sheet.subject, sheet.reviewer = subject, actor
    review = Review.objects.select_related("scheme").get(pk=review.pk)
    _check_open(review, sheet)
    if revision is not None and revision != sheet.revision:
        raise ValidationError(
            _(
                "This sheet was saved elsewhere (another tab or window) after you opened it. "
                "Reload the page to see the latest version; your entry was not saved."
            )
        )
    scheme = review.scheme
    items = list(Item.objects.filter(scheme=scheme))
    conditions = list(VetoCondition.objects.filter(scheme=scheme))
    _validate(items, conditions, data, scheme.bonus_cap, complete=submit)
    before = {s.item_id: (s.points, s.note) for s in Score.objects.filter(sheet=sheet)}
    rows = []
    for item in items:
        value = data.points.get(item.pk)
        if value is None:
            continue
        rows.append(
            Score(
                sheet=sheet,
                item=item,
                points=value,
                max_points=item.max_points,
                note=data.notes.get(item.pk, ""),
            )
        )
    entered = {row.item_id for row in rows}
    Score.objects.filter(sheet=sheet).exclude(item_id__in=entered).delete()
    Score.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["sheet", "item"],
        update_fields=["points", "note", "max_points"],
    )
    VetoMark.objects.filter(sheet=sheet).exclude(condition_id__in=data.vetoes).delete()
    VetoMark.objects.bulk_create(
        [
            VetoMark(sheet=sheet, condition_id=cid, reason=reason.strip())
            for cid, reason in data.vetoes.items()
        ],
        update_conflicts=True,
        unique_fields=["sheet", "condition"],
        update_fields=["reason"],
    )
    changes = {
        str(row.item_id): [
            str(before[row.item_id][0]) if row.item_id in before else None,
            str(row.points),
        ]
        for row in rows
        if before.get(row.item_id, (None,))[0] != row.points
    }
    sheet.comment = data.comment
    sheet.revision += 1
    fields = ["comment", "revision", "updated_at"]
    if submit:
        totals = Score.objects.filter(sheet=sheet).aggregate(
            standard=Sum(F("points") * F("item__coefficient"), filter=Q(item__kind="standard")),
            bonus=Sum("points", filter=Q(item__kind="bonus")),
        )
        bonus = min(totals["bonus"] or Decimal(0), scheme.bonus_cap)
        sheet.bonus = bonus.quantize(CENT)
        sheet.total = ((totals["standard"] or Decimal(0)).quantize(CENT) + sheet.bonus).quantize(
            CENT
        )
        sheet.has_veto = bool(data.vetoes)
        sheet.status = ScoreSheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
        fields += ["bonus", "total", "has_veto", "status", "submitted_at"]
    sheet.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="assessments.sheet.submitted" if submit else "assessments.sheet.saved",
        obj=sheet,
        changes={"points": changes, "vetoes": sorted(data.vetoes), "total": sheet.total},
    )
    return sheet


@transaction.atomic
def score_sheet_reopen(*, actor: User | None, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The office sends a submitted sheet back to its reviewer, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the sheet.")})
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if not sheet.is_submitted:
        raise ValidationError(_("Only a submitted sheet can be reopened."))
    before_total = sheet.total
    sheet.status = ScoreSheet.Status.DRAFT
    sheet.total = None
    sheet.bonus = None
    sheet.has_veto = False
    sheet.submitted_at = None
    sheet.revision += 1
    sheet.save(
        update_fields=[
            "status",
            "total",
            "bonus",
            "has_veto",
            "submitted_at",
            "revision",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="assessments.sheet.reopened",
        obj=sheet,
        changes={"reason": reason, "total": [before_total, None]},
    )
    return sheet

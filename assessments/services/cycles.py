"""Writes to the annual assessment cycle (年度考核): open, self-assess, score, publish.

A cycle is one review of participating units: `self_assessment → scoring → published`. While
the self-assessment is open, each unit claims points item by item with an explanation, a link
and evidence files; then the office opens the review and reviewers score as in any review; on
publication each subject gets its result (score, 达标 or not, vetoed, profile by area), read from
the ranking's aggregate query and one aggregate over the scores. Who may call which service is
checked by the views (`assessments.views.cycles`); the services check the cycle's phase.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Cycle,
    Evidence,
    Item,
    Review,
    Score,
    ScoreSheet,
    SelfAssessment,
    Subject,
)
from assessments.selectors import review_ranking
from assessments.services import reviews as review_services
from civport.audit import audit_record, audit_record_many
from civport.uploads import stored_file_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from assessments.models import Scheme
    from campaigns.models import Authority, Unit

EVIDENCE_PER_ITEM_MAX = 5
EXPLANATION_MAX = cast(int, SelfAssessment._meta.get_field("explanation").max_length)
LINK_MAX = cast(int, SelfAssessment._meta.get_field("link").max_length)
PERCENT = Decimal("0.01")
WEIGHTED: DecimalField[Any, Any] = DecimalField(max_digits=20, decimal_places=10)


def points_field(item_id: int) -> str:
    return f"points_{item_id}"


def explanation_field(item_id: int) -> str:
    return f"explanation_{item_id}"


def link_field(item_id: int) -> str:
    return f"link_{item_id}"


def evidence_field(item_id: int) -> str:
    return f"evidence_{item_id}"


ROUND_PREFIX = "cycle-"


def round_key_for(year: int) -> str:
    return f"{ROUND_PREFIX}{year}"


def is_cycle_review(review: Review) -> bool:
    """Whether a review is an annual cycle's, without a query (its round key says so)."""
    return review.round_key.startswith(ROUND_PREFIX)


def _cycle_of(subject: Subject) -> Cycle:
    return Cycle.objects.select_related("review").get(review_id=subject.review_id)


def _require_status(cycle: Cycle, status: Cycle.Status) -> None:
    if cycle.status == status:
        return
    messages = {
        Cycle.Status.SELF_ASSESSMENT: _("The self-assessment of “%(cycle)s” is closed."),
        Cycle.Status.SCORING: _("“%(cycle)s” is not in scoring."),
        Cycle.Status.PUBLISHED: _("“%(cycle)s” is not published yet."),
    }
    raise ValidationError(messages[status] % {"cycle": cycle.name})


# -- opening -----------------------------------------------------------------------------------
@transaction.atomic
def cycle_open(
    *,
    actor: User | None,
    name: str,
    year: int,
    authority: Authority,
    scheme: Scheme,
    units: Iterable[Unit],
    reviewers_per_subject: int = 3,
    self_assessment_due_on: date | None = None,
    due_on: date | None = None,
) -> Cycle:
    """Open a cycle: its review on `scheme` and one subject per unit, in self-assessment."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the cycle a name.")
    if not scheme.is_published:
        errors["scheme"] = _("A cycle assesses on a published scheme only.")
    elif not authority.path.startswith(scheme.authority.path):
        errors["scheme"] = _(
            "“%(scheme)s” belongs to another authority; choose a scheme of your authority or "
            "one above it."
        ) % {"scheme": scheme}
    units = list(units)
    if not units:
        errors["units"] = _("There are no active participating units to assess.")
    outside = [u.name for u in units if not u.authority.path.startswith(authority.path)]
    if outside:
        errors["units"] = _("These units lie outside %(authority)s: %(units)s.") % {
            "authority": authority.name,
            "units": "、".join(outside[:10]),
        }
    if due_on and self_assessment_due_on and due_on < self_assessment_due_on:
        errors["due_on"] = _("Scoring cannot be due before the self-assessment.")
    if errors:
        raise ValidationError(errors)
    round_key = round_key_for(year)
    if Review.objects.filter(round_key=round_key, authority=authority).exists():
        raise ValidationError(
            {
                "year": _("%(authority)s has an assessment cycle for %(year)s already.")
                % {"authority": authority.name, "year": year}
            }
        )
    review = review_services.review_create(
        actor=actor,
        name=name,
        round_key=round_key,
        authority=authority,
        scheme=scheme,
        reviewers_per_subject=reviewers_per_subject,
        due_on=due_on,
    )
    cycle = Cycle(
        name=name,
        year=year,
        review=review,
        self_assessment_due_on=self_assessment_due_on,
    )
    cycle.full_clean()
    cycle.save()
    for unit in units:
        review_services.subject_attach(
            actor=actor,
            review=review,
            target=unit,
            title=unit.name,
            category=unit.category,
            authority=unit.authority,
            unit=unit,
        )
    audit_record(
        actor=actor,
        action="assessments.cycle.opened",
        obj=cycle,
        changes={
            "year": year,
            "authority": authority,
            "scheme": scheme.pk,
            "review": review.pk,
            "units": len(units),
        },
    )
    return cycle


# -- self-assessment ---------------------------------------------------------------------------
def _check_link(link: str, item: Item) -> str | None:
    if not link:
        return None
    if len(link) > LINK_MAX:
        return _("Item %(code)s: the link is too long (at most %(max)s characters).") % {
            "code": item.code,
            "max": LINK_MAX,
        }
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        return _("Item %(code)s: the link is not a web address (http:// or https://).") % {
            "code": item.code
        }
    return None


@transaction.atomic
def self_assessment_save(
    *,
    actor: User | None,
    subject: Subject,
    entries: Mapping[int, tuple[Decimal | None, str | None, str | None]],
) -> Subject:
    """Save a unit's claims: {item id: (points or None, explanation, link)}, all or nothing.

    Items not in `entries` keep what they have. An item given no points, explanation or link
    is cleared, unless it has evidence files (they would be lost)."""
    # Lock the subject: two tabs saving the same unit's claims are serialised.
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    cycle = _cycle_of(subject)
    _require_status(cycle, Cycle.Status.SELF_ASSESSMENT)
    items = {i.pk: i for i in Item.objects.filter(scheme_id=cycle.review.scheme_id)}
    existing = {
        row.item_id: row
        for row in SelfAssessment.objects.filter(subject=subject).prefetch_related("evidence")
    }
    errors = {}
    rows, cleared = [], []
    for item_id, (points, explanation, link) in entries.items():
        item = items.get(item_id)
        if item is None:
            raise ValueError(f"item {item_id} is not in the cycle's scheme")
        explanation = (explanation or "").strip()
        link = (link or "").strip()
        name = points_field(item.pk)
        if points is None:
            current = existing.get(item.pk)
            if explanation or link:
                errors[name] = _(
                    "Item %(code)s: give the claimed points, or clear the explanation and link."
                ) % {"code": item.code}
            elif current is not None and current.evidence.all():
                errors[name] = _(
                    "Item %(code)s has evidence files; give the claimed points or remove the "
                    "files first."
                ) % {"code": item.code}
            elif current is not None:
                cleared.append(item.pk)
            continue
        if points < 0:
            errors[name] = _("Item %(code)s: points cannot be negative.") % {"code": item.code}
        elif points > item.max_points:
            errors[name] = _("Item %(code)s: at most %(max)s points.") % {
                "code": item.code,
                "max": item.max_points,
            }
        elif cast(int, points.as_tuple().exponent) < -2:
            errors[name] = _("Item %(code)s: use at most two decimal places.") % {"code": item.code}
        if len(explanation) > EXPLANATION_MAX:
            errors[explanation_field(item.pk)] = _(
                "Item %(code)s: the explanation is too long (at most %(max)s characters)."
            ) % {"code": item.code, "max": EXPLANATION_MAX}
        link_error = _check_link(link, item)
        if link_error:
            errors[link_field(item.pk)] = link_error
        rows.append(
            SelfAssessment(
                subject=subject,
                item=item,
                points=points,
                max_points=item.max_points,
                explanation=explanation,
                link=link,
            )
        )
    if errors:
        raise ValidationError(errors)
    changes = {}
    for row in rows:
        before = existing.get(row.item_id)
        old = (str(before.points), before.explanation, before.link) if before else None
        new = (str(row.points), row.explanation, row.link)
        if old != new:
            changes[items[row.item_id].code] = [old, new]
    for item_id in cleared:
        before = existing[item_id]
        changes[items[item_id].code] = [
            (str(before.points), before.explanation, before.link),
            None,
        ]
    if cleared:
        SelfAssessment.objects.filter(subject=subject, item_id__in=cleared).delete()
    SelfAssessment.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["subject", "item"],
        update_fields=["points", "max_points", "explanation", "link", "updated_at"],
    )
    if changes:
        audit_record(
            actor=actor,
            action="assessments.self_assessment.saved",
            obj=subject,
            changes=changes,
        )
    return subject


@transaction.atomic
def evidence_add(
    *, actor: User | None, self_assessment: SelfAssessment, upload: UploadedFile
) -> Evidence:
    """Attach a file to a claim; refused when its type or size is not accepted, or when the
    item has its maximum number of files."""
    # Lock the claim: two uploads at once cannot both take the last free place.
    self_assessment = (
        SelfAssessment.objects.select_for_update()
        .select_related("item", "subject")
        .get(pk=self_assessment.pk)
    )
    item = self_assessment.item
    cycle = _cycle_of(self_assessment.subject)
    _require_status(cycle, Cycle.Status.SELF_ASSESSMENT)
    field = evidence_field(item.pk)
    if self_assessment.evidence.count() >= EVIDENCE_PER_ITEM_MAX:
        raise ValidationError(
            {
                field: _(
                    "Item %(code)s has %(max)s evidence files already; remove one before "
                    "adding “%(name)s”."
                )
                % {"code": item.code, "max": EVIDENCE_PER_ITEM_MAX, "name": upload.name}
            }
        )
    return stored_file_add(
        Evidence,
        upload,
        field=field,
        actor=actor,
        action="assessments.evidence.added",
        changes={"subject": self_assessment.subject_id, "item": item.code},
        self_assessment=self_assessment,
    )


@transaction.atomic
def evidence_remove(*, actor: User | None, evidence: Evidence) -> None:
    evidence = Evidence.objects.select_related(
        "self_assessment__subject", "self_assessment__item"
    ).get(pk=evidence.pk)
    cycle = _cycle_of(evidence.self_assessment.subject)
    _require_status(cycle, Cycle.Status.SELF_ASSESSMENT)
    stored = evidence.file.name
    storage = evidence.file.storage
    audit_record(
        actor=actor,
        action="assessments.evidence.removed",
        obj=evidence,
        changes={
            "subject": evidence.self_assessment.subject_id,
            "item": evidence.self_assessment.item.code,
            "name": evidence.original_name,
        },
    )
    evidence.delete()
    # The file goes once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))


# -- scoring and publication -------------------------------------------------------------------
@transaction.atomic
def cycle_start_scoring(*, actor: User | None, cycle: Cycle) -> Cycle:
    """Close the self-assessment and open the review; with a panel, assign reviewers at once."""
    # Lock the cycle: two clicks on "start scoring" act once.
    cycle = Cycle.objects.select_for_update().select_related("review").get(pk=cycle.pk)
    _require_status(cycle, Cycle.Status.SELF_ASSESSMENT)
    cycle.status = Cycle.Status.SCORING
    cycle.save(update_fields=["status"])
    review = review_services.review_set_phase(
        actor=actor, review=cycle.review, phase=Review.Phase.OPEN
    )
    assigned = 0
    if review.panel.filter(is_active=True).exists():
        created, _short = review_services.assignment_auto(actor=actor, review=review)
        assigned = len(created)
    audit_record(
        actor=actor,
        action="assessments.cycle.scoring",
        obj=cycle,
        changes={
            "status": [Cycle.Status.SELF_ASSESSMENT, Cycle.Status.SCORING],
            "assigned": assigned,
        },
    )
    return cycle


def area_profiles(review: Review) -> dict[int, dict[str, str]]:
    """{subject id: {area code: percent}}: per area, the mean over the subject's submitted
    sheets of the area's weighted points as a share of the area's weight, in percent.

    One aggregate query over the scores grouped by subject and area. A sheet's weighted points
    in an area are SUM(points × coefficient) over its standard items, and the area's weight on
    the scheme's base is SUM(max points × coefficient); every submitted sheet scores every
    standard item, so the ratio of the sums is the mean of the sheets' shares."""
    rows = (
        Score.objects.filter(
            sheet__subject__review=review,
            sheet__status=ScoreSheet.Status.SUBMITTED,
            item__kind=Item.Kind.STANDARD,
        )
        .order_by()
        .values("sheet__subject_id", code=F("item__indicator__scheme_area__area__code"))
        .annotate(
            earned=Sum(
                ExpressionWrapper(F("points") * F("item__coefficient"), output_field=WEIGHTED)
            ),
            possible=Sum(
                ExpressionWrapper(F("max_points") * F("item__coefficient"), output_field=WEIGHTED)
            ),
        )
    )
    profiles: dict[int, dict[str, str]] = {}
    for row in rows:
        if not row["possible"]:
            continue
        share = (Decimal(100) * row["earned"] / row["possible"]).quantize(PERCENT)
        profiles.setdefault(row["sheet__subject_id"], {})[row["code"]] = str(share)
    return profiles


@transaction.atomic
def cycle_publish(*, actor: User | None, cycle: Cycle) -> Cycle:
    """Close the review and publish every subject's result (通报)."""
    # Lock the cycle: a second publish waits and then finds it published.
    cycle = Cycle.objects.select_for_update().select_related("review__scheme").get(pk=cycle.pk)
    _require_status(cycle, Cycle.Status.SCORING)
    review = review_services.review_set_phase(
        actor=actor, review=cycle.review, phase=Review.Phase.CLOSED
    )
    scheme = cycle.review.scheme
    profiles = area_profiles(review)
    now = timezone.now()
    subjects = []
    for row in review_ranking(review):
        scored = row.sheets_submitted > 0
        subjects.append(
            Subject(
                pk=row.pk,
                title=row.title,
                result_score=row.score if scored else None,
                result_vetoed=bool(row.is_vetoed),
                result_passed=(row.score >= scheme.pass_mark and not row.is_vetoed)
                if scored
                else None,
                result_profile=profiles.get(row.pk, {}),
                published_at=now,
            )
        )
    Subject.objects.bulk_update(
        subjects,
        ["result_score", "result_vetoed", "result_passed", "result_profile", "published_at"],
    )
    cycle.status = Cycle.Status.PUBLISHED
    cycle.published_at = now
    cycle.save(update_fields=["status", "published_at"])
    audit_record_many(
        actor=actor,
        action="assessments.subject.result_published",
        objects=subjects,
        changes_for=lambda s: {
            "score": s.result_score,
            "passed": s.result_passed,
            "vetoed": s.result_vetoed,
            "profile": s.result_profile,
        },
    )
    passed = sum(1 for s in subjects if s.result_passed)
    audit_record(
        actor=actor,
        action="assessments.cycle.published",
        obj=cycle,
        changes={
            "status": [Cycle.Status.SCORING, Cycle.Status.PUBLISHED],
            "subjects": len(subjects),
            "passed": passed,
        },
    )
    return cycle

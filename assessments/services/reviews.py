"""Writes to reviews: the review itself, its panel, its subjects, assignments and conflicts.

Assignment gives each subject k reviewers from the panel, never one with a conflict of interest
(the reviewer's own unit or port authority, or a declared conflict), balancing the load and
breaking ties with a random order seeded by the review, so running it again on the same data
gives the same answer. Each assignment carries a guardian object permission on the subject.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import (
    Assignment,
    Conflict,
    PanelMember,
    Review,
    ScoreSheet,
    Subject,
    SubjectUserObjectPermission,
)
from campaigns.models import Authority, Unit
from civport.audit import audit_record, audit_record_many

if TYPE_CHECKING:
    from django.contrib.auth.models import Permission, User
    from django.db.models import Model, QuerySet

    from assessments.models import Scheme

SCORE_SUBJECT = "score_subject"


def _score_permission() -> Permission:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="assessments", codename=SCORE_SUBJECT)


MAX_REVIEWERS_PER_SUBJECT = 9


def scheme_usable_by(scheme: Scheme, authority: Authority) -> bool:
    """A review runs on a published scheme of its own authority or of one above it (a national
    template, the province's own version)."""
    return scheme.is_published and authority.path.startswith(scheme.authority.path)


@transaction.atomic
def review_create(
    *,
    actor: User | None,
    name: str,
    round_key: str,
    authority: Authority,
    scheme: Scheme,
    reviewers_per_subject: int = 5,
    due_on: date | None = None,
) -> Review:
    name, round_key = (name or "").strip(), (round_key or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the review a name.")
    if not round_key:
        errors["round_key"] = _("Give the round the review belongs to, such as 2025-2026.")
    if not scheme.is_published:
        errors["scheme"] = _("A review scores on a published scheme only.")
    elif not scheme_usable_by(scheme, authority):
        errors["scheme"] = _(
            "“%(scheme)s” belongs to another authority; choose a scheme of %(authority)s or a "
            "national template."
        ) % {"scheme": scheme, "authority": authority.name}
    if not 1 <= (reviewers_per_subject or 0) <= MAX_REVIEWERS_PER_SUBJECT:
        errors["reviewers_per_subject"] = _("A subject needs between 1 and %(max)d reviewers.") % {
            "max": MAX_REVIEWERS_PER_SUBJECT
        }
    if round_key and Review.objects.filter(round_key=round_key, authority=authority).exists():
        errors["round_key"] = _("%(authority)s has a review for the round %(round)s already.") % {
            "authority": authority.name,
            "round": round_key,
        }
    if errors:
        raise ValidationError(errors)
    review = Review(
        name=name,
        round_key=round_key,
        authority=authority,
        scheme=scheme,
        reviewers_per_subject=reviewers_per_subject,
        due_on=due_on,
    )
    review.full_clean()
    review.save()
    audit_record(
        actor=actor,
        action="assessments.review.created",
        obj=review,
        changes={"round": round_key, "authority": authority, "scheme": scheme.pk},
    )
    return review


@transaction.atomic
def review_set_phase(*, actor: User | None, review: Review, phase: str) -> Review:
    """Open a review for scoring or close it; a closed review takes no more scores."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if phase not in Review.Phase.values:
        raise ValueError(phase)
    if review.phase == phase:
        return review
    before = review.phase
    review.phase = phase
    review.save(update_fields=["phase"])
    audit_record(
        actor=actor,
        action=f"assessments.review.{phase}",
        obj=review,
        changes={"phase": [before, phase]},
    )
    return review


def _where_errors(review: Review, unit: Unit | None, authority: Authority | None) -> dict[str, str]:
    """Where a reviewer works must lie within the review's authority."""
    errors = {}
    if authority is not None and (
        authority.pk == review.authority_id or not authority.path.startswith(review.authority.path)
    ):
        errors["authority"] = _("Choose an authority within %(authority)s.") % {
            "authority": review.authority.name
        }
    if unit is not None:
        if not unit.authority.path.startswith(review.authority.path):
            errors["unit"] = _("Choose a unit within %(authority)s.") % {
                "authority": review.authority.name
            }
        elif authority is not None and not unit.authority.path.startswith(authority.path):
            errors["unit"] = _("%(unit)s does not belong to %(authority)s.") % {
                "unit": unit.name,
                "authority": authority.name,
            }
    return errors


def _name(member: PanelMember) -> str:
    return member.user.get_username()


@transaction.atomic
def panel_member_add(
    *,
    actor: User | None,
    review: Review,
    user: User,
    unit: Unit | None = None,
    authority: Authority | None = None,
) -> PanelMember:
    """Seat `user` on the review's panel, with where they work (for conflicts of interest).

    Adding is allowed in any phase. Seating someone already on the panel changes where they
    work, with the same check as `panel_member_update`."""
    errors = _where_errors(review, unit, authority)
    if not user.is_active:
        errors["username"] = _("The account %(username)s is deactivated.") % {
            "username": user.get_username()
        }
    if errors:
        raise ValidationError(errors)
    member, created = PanelMember.objects.get_or_create(
        review=review, user=user, defaults={"unit": unit, "authority": authority}
    )
    if not created:
        return panel_member_update(actor=actor, member=member, unit=unit, authority=authority)
    audit_record(
        actor=actor,
        action="assessments.panel.member_added",
        obj=member,
        changes={"review": review.pk, "user": user.pk, "unit": unit, "authority": authority},
    )
    return member


@transaction.atomic
def panel_member_update(
    *,
    actor: User | None,
    member: PanelMember,
    unit: Unit | None = None,
    authority: Authority | None = None,
) -> PanelMember:
    """Change where a reviewer works. Their assignments are checked again: if one would become
    a conflict of interest, the change is refused, naming the subjects (the office withdraws
    those assignments first)."""
    # Locked so an assignment cannot be added between the check and the change.
    member = (
        PanelMember.objects.select_for_update()
        .select_related("review__authority", "user")
        .get(pk=member.pk)
    )
    before = (member.unit_id, member.authority_id)
    if before == (getattr(unit, "pk", None), getattr(authority, "pk", None)):
        return member
    errors = _where_errors(member.review, unit, authority)
    if errors:
        raise ValidationError(errors)
    member.unit, member.authority = unit, authority
    conflicted = [
        a.subject.title
        for a in Assignment.objects.filter(member=member)
        .select_related("subject")
        .order_by("subject__title", "pk")
        if conflict_reason(member, a.subject)
    ]
    if conflicted:
        raise ValidationError(
            _(
                "%(reviewer)s is assigned to subjects this would make a conflict of interest: "
                "%(subjects)s. Withdraw those assignments first."
            )
            % {
                "reviewer": _name(member),
                "subjects": "、".join(f"“{title}”" for title in conflicted),
            }
        )
    member.save(update_fields=["unit", "authority"])
    audit_record(
        actor=actor,
        action="assessments.panel.member_changed",
        obj=member,
        changes={
            "unit": [before[0], member.unit_id],
            "authority": [before[1], member.authority_id],
        },
    )
    return member


@transaction.atomic
def panel_member_set_active(
    *, actor: User | None, member: PanelMember, is_active: bool
) -> PanelMember:
    """Deactivate or reactivate a seat. A deactivated reviewer gets no new assignments and
    cannot open what they were assigned (the access helper needs an active seat); their
    assignments, drafts and submitted sheets stay, so reactivating gives everything back."""
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.is_active == is_active:
        return member
    member.is_active = is_active
    member.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action=f"assessments.panel.member_{'reactivated' if is_active else 'deactivated'}",
        obj=member,
        changes={"is_active": [not is_active, is_active]},
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor: User | None, member: PanelMember) -> None:
    """Take a reviewer off the panel; refused while they have assignments, sheets or declared
    conflicts in the review (deactivating is the way then)."""
    member = PanelMember.objects.select_for_update().select_related("user").get(pk=member.pk)
    count = Assignment.objects.filter(member=member).count()
    if count:
        raise ValidationError(
            ngettext(
                "%(reviewer)s has %(count)d assignment; withdraw it first, or deactivate the "
                "reviewer instead.",
                "%(reviewer)s has %(count)d assignments; withdraw them first, or deactivate the "
                "reviewer instead.",
                count,
            )
            % {"reviewer": _name(member), "count": count}
        )
    # A kept sheet would lose its seat, and a declared conflict would go with the seat (the
    # reviewer could then be assigned that subject once seated again).
    has_sheets = ScoreSheet.objects.filter(
        subject__review_id=member.review_id, reviewer_id=member.user_id
    ).exists()
    if has_sheets or Conflict.objects.filter(member=member).exists():
        raise ValidationError(
            _(
                "%(reviewer)s has score sheets or declared conflicts of interest in this review; "
                "deactivate the reviewer instead."
            )
            % {"reviewer": _name(member)}
        )
    audit_record(
        actor=actor,
        action="assessments.panel.member_removed",
        obj=member.review,
        changes={"user": member.user_id, "unit": member.unit_id, "authority": member.authority_id},
    )
    member.delete()


def _province_of(authority: Authority) -> Authority | None:
    codes = authority.path.split("/")
    if len(codes) < 3:
        return None
    return Authority.objects.filter(path="/".join(codes[:2]) + "/").first()


@transaction.atomic
def subject_attach(
    *,
    actor: User | None,
    review: Review,
    target: Model,
    title: str,
    authority: Authority,
    category: str = "",
    summary: str = "",
    unit: Unit | None = None,
) -> Subject:
    """Put `target` (any model instance) up for scoring in `review`; idempotent per target."""
    content_type = ContentType.objects.get_for_model(target)
    subject, created = Subject.objects.get_or_create(
        review=review,
        content_type=content_type,
        object_id=target.pk,
        defaults={
            "title": title,
            "category": category,
            "summary": summary,
            "authority": authority,
            "province": _province_of(authority),
            "unit": unit,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="assessments.subject.attached",
            obj=subject,
            changes={"review": review.pk, "target": f"{content_type.model}:{target.pk}"},
        )
    return subject


@dataclass(frozen=True)
class SubjectTarget:
    """What `subjects_attach` puts up for scoring: `target` and how the subject shows it."""

    target: Model
    title: str
    authority: Authority
    category: str = ""
    summary: str = ""
    unit: Unit | None = None


@transaction.atomic
def subjects_attach(
    *, actor: User | None, review: Review, targets: Sequence[SubjectTarget]
) -> list[Subject]:
    """`subject_attach` for many targets at once (a round's nominations): one read of what is
    attached already, one of the provinces, one insert and one audit insert. Targets already
    attached are left as they are; returns the subjects created."""
    if not targets:
        return []
    by_type: dict[ContentType, list[SubjectTarget]] = {}
    for item in targets:
        content_type = ContentType.objects.get_for_model(item.target)
        by_type.setdefault(content_type, []).append(item)
    have = set(
        Subject.objects.filter(review=review, content_type__in=list(by_type)).values_list(
            "content_type_id", "object_id"
        )
    )
    province_paths = {
        "/".join(item.authority.path.split("/")[:2]) + "/"
        for item in targets
        if len(item.authority.path.split("/")) >= 3
    }
    provinces = {a.path: a for a in Authority.objects.filter(path__in=province_paths)}

    def province_of(authority: Authority) -> Authority | None:
        codes = authority.path.split("/")
        return provinces.get("/".join(codes[:2]) + "/") if len(codes) >= 3 else None

    rows = [
        Subject(
            review=review,
            content_type=content_type,
            object_id=item.target.pk,
            title=item.title,
            category=item.category,
            summary=item.summary,
            authority=item.authority,
            province=province_of(item.authority),
            unit=item.unit,
        )
        for content_type, items in by_type.items()
        for item in items
        if (content_type.pk, item.target.pk) not in have
    ]
    created = Subject.objects.bulk_create(rows, batch_size=1000)
    audit_record_many(
        actor=actor,
        action="assessments.subject.attached",
        objects=created,
        changes_for=lambda s: {
            "review": review.pk,
            "target": f"{s.content_type.model}:{s.object_id}",
        },
    )
    return created


def conflict_reason(
    member: PanelMember, subject: Subject, declared: Collection[tuple[int, int]] = ()
) -> str:
    """Why `member` may not score `subject`, or "" when they may."""
    if member.unit_id and member.unit_id == subject.unit_id:
        return _("the reviewer works at the subject's unit")
    if member.authority_id and member.authority_id == subject.authority_id:
        return _("the reviewer works at the subject's port authority")
    if (member.pk, subject.pk) in declared:
        return _("the reviewer declared a conflict of interest")
    return ""


def _declared(review: Review) -> set[tuple[int, int]]:
    return set(
        Conflict.objects.filter(subject__review=review).values_list("member_id", "subject_id")
    )


def _grant(members_subjects: Iterable[tuple[PanelMember, Subject]]) -> None:
    permission = _score_permission()
    SubjectUserObjectPermission.objects.bulk_create(
        [
            SubjectUserObjectPermission(
                permission=permission, user_id=member.user_id, content_object_id=subject.pk
            )
            for member, subject in members_subjects
        ],
        ignore_conflicts=True,
    )


def _revoke(user_id: int, subject_id: int) -> None:
    SubjectUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id=subject_id, permission__codename=SCORE_SUBJECT
    ).delete()


@transaction.atomic
def assignment_auto(
    *, actor: User | None, review: Review
) -> tuple[list[Assignment], list[Subject]]:
    """Fill every subject up to k reviewers; returns the new assignments.

    Existing assignments are kept. Subjects are handled in id order; for each, the eligible
    members are sorted by current load, then by a random order seeded with the review's id.
    """
    review = Review.objects.select_for_update().get(pk=review.pk)
    k = review.reviewers_per_subject
    members = list(
        review.panel.filter(is_active=True).annotate(load=Count("assignments")).order_by("pk")
    )
    if not members:
        raise ValidationError(_("The review has no reviewers on its panel."))
    tiebreak = {
        m.pk: i for i, m in enumerate(random.Random(review.pk).sample(members, len(members)))
    }
    load = {m.pk: m.load for m in members}
    existing: dict[int, set[int]] = {}
    for subject_id, member_id in Assignment.objects.filter(subject__review=review).values_list(
        "subject_id", "member_id"
    ):
        existing.setdefault(subject_id, set()).add(member_id)
    declared = _declared(review)
    created = []
    short = []
    for subject in review.subjects.order_by("pk"):
        have = existing.get(subject.pk, set())
        need = k - len(have)
        if need <= 0:
            continue
        eligible = [
            m for m in members if m.pk not in have and not conflict_reason(m, subject, declared)
        ]
        eligible.sort(key=lambda m: (load[m.pk], tiebreak[m.pk]))
        chosen = eligible[:need]
        if len(chosen) < need:
            short.append(subject)
        for member in chosen:
            load[member.pk] += 1
            created.append(Assignment(subject=subject, member=member, source="automatic"))
    Assignment.objects.bulk_create(created)
    _grant((a.member, a.subject) for a in created)
    audit_record_many(
        actor=actor,
        action="assessments.assignment.created",
        objects=created,
        changes_for=lambda a: {"subject": a.subject_id, "reviewer": a.member.user_id},
    )
    return created, short


@transaction.atomic
def assignment_add(*, actor: User | None, subject: Subject, member: PanelMember) -> Assignment:
    """The office assigns one reviewer by hand; a conflict of interest is refused."""
    if member.review_id != subject.review_id:
        raise ValidationError(_("The reviewer is on another review's panel."))
    if not member.is_active:
        raise ValidationError(
            _("%(reviewer)s is deactivated; reactivate the reviewer first.")
            % {"reviewer": member.user.get_username()}
        )
    reason = conflict_reason(member, subject, _declared(subject.review))
    if reason:
        raise ValidationError(
            _("%(reviewer)s cannot score “%(subject)s”: %(reason)s.")
            % {"reviewer": member.user.get_username(), "subject": subject.title, "reason": reason}
        )
    assignment, created = Assignment.objects.get_or_create(
        subject=subject, member=member, defaults={"source": Assignment.Source.MANUAL}
    )
    if created:
        _grant([(member, subject)])
        audit_record(
            actor=actor,
            action="assessments.assignment.created",
            obj=assignment,
            changes={"subject": subject.pk, "reviewer": member.user_id, "source": "manual"},
        )
    return assignment


def _withdraw(assignment: Assignment) -> None:
    """Remove an assignment with its permission and its draft sheet; a submitted sheet stays."""
    member, subject = assignment.member, assignment.subject
    sheet = ScoreSheet.objects.filter(subject=subject, reviewer_id=member.user_id).first()
    if sheet is not None and sheet.is_submitted:
        raise ValidationError(
            _("%(reviewer)s has submitted a sheet for “%(subject)s”; reopen it first.")
            % {"reviewer": member.user.get_username(), "subject": subject.title}
        )
    if sheet is not None:
        sheet.delete()
    assignment.delete()
    _revoke(member.user_id, subject.pk)


@transaction.atomic
def assignment_remove(*, actor: User | None, assignment: Assignment) -> None:
    _withdraw(assignment)
    audit_record(
        actor=actor,
        action="assessments.assignment.removed",
        obj=assignment.subject,
        changes={"reviewer": assignment.member.user_id},
    )


@transaction.atomic
def conflict_declare(*, actor: User, subject: Subject, reason: str) -> None:
    """The reviewer declares a conflict: the assignment, its permission and any draft go."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the conflict of interest.")})
    member = PanelMember.objects.select_related("user").get(review=subject.review, user=actor)
    assignment = Assignment.objects.filter(subject=subject, member=member).first()
    if assignment is not None:
        _withdraw(assignment)
    Conflict.objects.get_or_create(subject=subject, member=member, defaults={"reason": reason})
    audit_record(
        actor=actor,
        action="assessments.conflict.declared",
        obj=subject,
        changes={"reviewer": actor.pk, "reason": reason},
    )


def subjects_short_of_reviewers(review: Review) -> QuerySet[Subject]:
    """Subjects with fewer than k assignments (for the office's warning)."""
    return review.subjects.annotate(n=Count("assignments")).filter(
        Q(n__lt=review.reviewers_per_subject)
    )


# --- units put up for scoring from the portal ---------------------------------------------------


# The round key of the reviews an award round makes (`awards.Round.review_key`).
NOMINATIONS_KEY_PREFIX = "award-"


def takes_units(review: Review) -> bool:
    """Whether the office may put units of its area up in the review: a review of units only
    (one made in the portal, or a cycle's), never a round's review of nominations."""
    unit_type = ContentType.objects.get_for_model(Unit)
    return (
        review.phase != Review.Phase.CLOSED
        and not Subject.objects.filter(review=review).exclude(content_type=unit_type).exists()
    )


def unit_subject_ids(review: Review) -> list[int]:
    """The ids of the units already put up in the review."""
    unit_type = ContentType.objects.get_for_model(Unit)
    return list(
        Subject.objects.filter(review=review, content_type=unit_type).values_list(
            "object_id", flat=True
        )
    )


@transaction.atomic
def unit_subjects_add(
    *, actor: User | None, review: Review, units: Iterable[Unit]
) -> list[Subject]:
    """Put units of the review's area up for scoring; units outside it are refused."""
    units = list(units)
    outside = [u for u in units if not u.authority.path.startswith(review.authority.path)]
    if outside:
        raise ValidationError({"units": _("Choose units of the review's area.")})
    if not takes_units(review):
        raise ValidationError({"units": _("Units cannot be added to this review.")})
    return subjects_attach(
        actor=actor,
        review=review,
        targets=[
            SubjectTarget(
                target=unit,
                title=unit.name,
                category="unit",
                authority=unit.authority,
                unit=unit,
            )
            for unit in units
        ],
    )

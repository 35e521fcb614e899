"""Writes to reviews: the review itself, its panel, its subjects, assignments and conflicts.

Assignment gives each subject k reviewers from the panel, never one with a conflict of interest
(the reviewer's own unit or port authority, or a declared conflict), balancing the load and
breaking ties with a random order seeded by the review, so running it again on the same data
gives the same answer. Each assignment carries a guardian object permission on the subject.
"""

import random

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from assessments.models import (
    Assignment,
    Conflict,
    PanelMember,
    Review,
    ScoreSheet,
    Subject,
    SubjectUserObjectPermission,
)
from campaigns.models import Authority
from civport.audit import audit_record, audit_record_many

SCORE_SUBJECT = "score_subject"


def _score_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="assessments", codename=SCORE_SUBJECT)


@transaction.atomic
def review_create(
    *, actor, name, round_key, authority, scheme, reviewers_per_subject=5, due_on=None
):
    if not scheme.is_published:
        raise ValidationError({"scheme": _("A review scores on a published scheme only.")})
    if Review.objects.filter(round_key=round_key, authority=authority).exists():
        raise ValidationError(_("This authority has a review for this round already."))
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
def review_set_phase(*, actor, review, phase):
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


@transaction.atomic
def panel_member_add(*, actor, review, user, unit=None, authority=None):
    member, created = PanelMember.objects.get_or_create(
        review=review, user=user, defaults={"unit": unit, "authority": authority}
    )
    if not created and (member.unit_id, member.authority_id) != (
        getattr(unit, "pk", None),
        getattr(authority, "pk", None),
    ):
        member.unit, member.authority = unit, authority
        member.save(update_fields=["unit", "authority"])
    if created:
        audit_record(
            actor=actor,
            action="assessments.panel.member_added",
            obj=member,
            changes={"review": review.pk, "user": user.pk, "unit": unit, "authority": authority},
        )
    return member


def _province_of(authority):
    codes = authority.path.split("/")
    if len(codes) < 3:
        return None
    return Authority.objects.filter(path="/".join(codes[:2]) + "/").first()


@transaction.atomic
def subject_attach(*, actor, review, target, title, authority, category="", summary="", unit=None):
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


def conflict_reason(member, subject, declared=()):
    """Why `member` may not score `subject`, or "" when they may."""
    if member.unit_id and member.unit_id == subject.unit_id:
        return _("the reviewer works at the subject's unit")
    if member.authority_id and member.authority_id == subject.authority_id:
        return _("the reviewer works at the subject's port authority")
    if (member.pk, subject.pk) in declared:
        return _("the reviewer declared a conflict of interest")
    return ""


def _declared(review):
    return set(
        Conflict.objects.filter(subject__review=review).values_list("member_id", "subject_id")
    )


def _grant(members_subjects):
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


def _revoke(user_id, subject_id):
    SubjectUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id=subject_id, permission__codename=SCORE_SUBJECT
    ).delete()


@transaction.atomic
def assignment_auto(*, actor, review):
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
    existing = {}
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
def assignment_add(*, actor, subject, member):
    """The office assigns one reviewer by hand; a conflict of interest is refused."""
    if member.review_id != subject.review_id:
        raise ValidationError(_("The reviewer is on another review's panel."))
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


def _withdraw(assignment):
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
def assignment_remove(*, actor, assignment):
    _withdraw(assignment)
    audit_record(
        actor=actor,
        action="assessments.assignment.removed",
        obj=assignment.subject,
        changes={"reviewer": assignment.member.user_id},
    )


@transaction.atomic
def conflict_declare(*, actor, subject, reason):
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


def subjects_short_of_reviewers(review):
    """Subjects with fewer than k assignments (for the office's warning)."""
    return review.subjects.annotate(n=Count("assignments")).filter(
        Q(n__lt=review.reviewers_per_subject)
    )

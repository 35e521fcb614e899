"""Reviews: a panel scoring a set of subjects on one scheme, with its members, assignments,
conflicts, score sheets, scores and veto marks (DESIGN §7). Other apps attach their objects to a
subject through a generic key, so this app never imports them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from assessments.models.schemes import POINTS, Item, Scheme, VetoCondition
from campaigns.models import Authority, Unit

__all__ = [
    "Assignment",
    "Conflict",
    "PanelMember",
    "Review",
    "Score",
    "ScoreSheet",
    "Subject",
    "SubjectGroupObjectPermission",
    "SubjectUserObjectPermission",
    "VetoMark",
]


class Review(models.Model):
    """One panel scoring a set of subjects on one published scheme.

    The office of `authority` runs it: assigns reviewers, reopens sheets, sees the ranking.
    `round_key` names what the review belongs to (an award round, an annual cycle), so a panel is
    per authority and round.
    """

    class Phase(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        OPEN = "open", _("open for scoring")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=120)
    round_key = models.CharField(_("round"), max_length=60)
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="reviews"
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="reviews"
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=Phase.choices, default=Phase.PREPARING
    )
    reviewers_per_subject = models.PositiveSmallIntegerField(
        _("reviewers per subject"), default=5, validators=[MinValueValidator(1)]
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round_key", "authority"], name="review_once_per_round_and_authority"
            ),
            models.CheckConstraint(
                condition=Q(reviewers_per_subject__gte=1), name="review_needs_reviewers"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.phase == self.Phase.OPEN


class PanelMember(models.Model):
    """A reviewer on a review's panel. `unit` and `authority` are where the reviewer works, for
    the conflict-of-interest rule (same unit or same port authority as the subject)."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="panel"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="panel_seats",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("own unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("own authority"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["review", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="panel_seat_once"),
        ]

    def __str__(self):
        return f"{self.review} · {self.user}"


class Subject(models.Model):
    """What is scored: a nomination, a unit in an annual cycle … attached by a generic key.

    `authority` is where the subject sits (its port authority, or the province for an organizer)
    and `unit` its unit, if any; both feed the conflict-of-interest rule. `province` is kept for
    the queue's filter. The published result fields are written once, by the publishing service.
    """

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="subjects"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="assessment_subjects",
    )
    province = models.ForeignKey(
        Authority,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_subjects",
    )
    result_score = models.DecimalField(_("score"), **POINTS, null=True, blank=True)
    result_passed = models.BooleanField(_("meets the standard"), null=True, blank=True)
    result_vetoed = models.BooleanField(_("vetoed"), default=False)
    result_profile = models.JSONField(_("profile by area"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment subject")
        verbose_name_plural = _("assessment subjects")
        ordering = ["review", "category", "title", "pk"]
        permissions = [("score_subject", _("Can score the subject"))]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "content_type", "object_id"], name="subject_once_per_review"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.title


class Assignment(models.Model):
    """A reviewer asked to score a subject. The guardian permission follows the row."""

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", _("automatic")
        MANUAL = "manual", _("manual")

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="assignments"
    )
    member = models.ForeignKey(
        PanelMember,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["subject", "member"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "member"], name="assignment_once"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.member.user}"


class Conflict(models.Model):
    """A declared conflict of interest: the reviewer never scores the subject."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="conflicts"
    )
    member = models.ForeignKey(
        PanelMember, verbose_name=_("reviewer"), on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(fields=["subject", "member"], name="conflict_once"),
        ]

    def __str__(self):
        return f"{self.member.user} ⟂ {self.subject}"


class ScoreSheet(models.Model):
    """One reviewer's scores for one subject. `total`, `bonus` and `has_veto` are written by
    the submit service from the scores (one aggregate query) and cleared on reopening, so a
    round's ranking reads only sheets. `revision` counts saves, so two tabs saving the same
    sheet cannot overwrite each other unnoticed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.CASCADE, related_name="sheets"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="score_sheets",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("overall comment"), blank=True)
    total = models.DecimalField(_("total"), **POINTS, null=True, blank=True)
    bonus = models.DecimalField(_("bonus"), **POINTS, null=True, blank=True)
    has_veto = models.BooleanField(_("veto"), default=False)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["subject", "reviewer"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "reviewer"], name="sheet_once_per_reviewer_and_subject"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", total__isnull=True, submitted_at__isnull=True)
                | Q(status="submitted", total__isnull=False, submitted_at__isnull=False),
                name="sheet_total_only_when_submitted",
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self):
        return f"{self.subject} · {self.reviewer}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class Score(models.Model):
    """Points for one item on one sheet. `max_points` is the item's maximum, copied by the
    service, so the database itself refuses points above it."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("scoring item"), on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField(_("points"), **POINTS)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="score_once_per_item"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="score_within_item_maximum",
                violation_error_message=_("Points must lie between 0 and the item's maximum."),
            ),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.points}"


class VetoMark(models.Model):
    """A veto condition a reviewer found met, with the required reason."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="vetoes"
    )
    condition = models.ForeignKey(
        VetoCondition, verbose_name=_("veto condition"), on_delete=models.PROTECT
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("veto mark")
        verbose_name_plural = _("veto marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "condition"], name="veto_mark_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="veto_mark_has_reason"),
        ]

    def __str__(self):
        return f"{self.condition.code}: {self.reason[:40]}"


class SubjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE)


class SubjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE)

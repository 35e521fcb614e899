"""Assessment schemes, reviews, score sheets and the annual assessment cycle (DESIGN §7).

A scheme is a versioned tree: the nine construction areas → indicators → scoring items, plus
veto conditions. A published version is frozen; every score points at the item (and so at the
version) it was given on. A review is one panel scoring a set of subjects on one scheme: a
province's review of an award round, the national review, or an annual cycle's scoring. Other
apps attach their objects (a nomination, a unit) to a subject through a generic key, so this app
never imports them.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from campaigns.models import Authority, ConstructionArea, Unit

POINTS = {"max_digits": 7, "decimal_places": 2}
ZERO = Decimal("0")


class Scheme(models.Model):
    """One version of an assessment scheme. `family` groups the versions of one scheme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Filing(models.TextChoices):
        NOT_FILED = "not_filed", _("not filed")
        SUBMITTED = "submitted", _("submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RETURNED = "returned", _("returned with comments")

    class Aggregation(models.TextChoices):
        MEAN = "mean", _("mean")
        TRIMMED_MEAN = "trimmed_mean", _("trimmed mean")

    family = models.SlugField(_("scheme code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="schemes",
    )
    is_template = models.BooleanField(
        _("national template"),
        default=False,
        help_text=_("A national template that provinces derive their own versions from."),
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("derived from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derivatives",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    base_points = models.DecimalField(
        _("base points"), **POINTS, default=Decimal("100"), validators=[MinValueValidator(1)]
    )
    bonus_cap = models.DecimalField(
        _("bonus cap"), **POINTS, default=ZERO, validators=[MinValueValidator(0)]
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        **POINTS,
        default=Decimal("60"),
        help_text=_("A subject at or above this score meets the standard (达标)."),
    )
    aggregation = models.CharField(
        _("aggregation"),
        max_length=14,
        choices=Aggregation.choices,
        default=Aggregation.TRIMMED_MEAN,
    )
    trim_from = models.PositiveSmallIntegerField(
        _("trim from"),
        default=5,
        validators=[MinValueValidator(3)],
        help_text=_("With this many submitted sheets or more, drop one highest and one lowest."),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold"),
        **POINTS,
        default=Decimal("15"),
        help_text=_("Flag a subject when its highest and lowest sheet differ by more than this."),
    )
    weight_tolerance = models.DecimalField(
        _("weight tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0)],
        help_text=_(
            "A derived version may move each area's weight by at most this share of the "
            "template's weight."
        ),
    )
    filing = models.CharField(
        _("filing"), max_length=12, choices=Filing.choices, default=Filing.NOT_FILED
    )
    filing_comment = models.TextField(_("comments on the filing"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="scheme_version_once"),
            models.CheckConstraint(
                condition=Q(bonus_cap__gte=0) & Q(base_points__gt=0) & Q(trim_from__gte=3),
                name="scheme_settings_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="published") | Q(published_at__isnull=True),
                name="scheme_published_at_only_when_published",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class SchemeArea(models.Model):
    """A construction area in a scheme, with its weight (the weights share the base points)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="areas"
    )
    area = models.ForeignKey(
        ConstructionArea, verbose_name=_("construction area"), on_delete=models.PROTECT
    )
    weight = models.DecimalField(
        _("weight"), **POINTS, validators=[MinValueValidator(0)], default=Decimal("1")
    )

    class Meta:
        verbose_name = _("scheme area")
        verbose_name_plural = _("scheme areas")
        ordering = ["scheme", "area__order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "area"], name="scheme_area_once"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="scheme_area_weight_positive"),
        ]

    def __str__(self):
        return f"{self.scheme} · {self.area}"


class Indicator(models.Model):
    """An indicator (考核指标) within one area of a scheme."""

    scheme_area = models.ForeignKey(
        SchemeArea, verbose_name=_("area"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme_area", "order", "pk"]

    def __str__(self):
        return self.name


class Item(models.Model):
    """A scoring item. A standard item counts towards the weighted total; a bonus item adds its
    points on top, with the scheme's cap on all bonus points together.

    `coefficient` turns points into their share of the base: for a standard item it is
    base × (area weight / all area weights) × (item weight / the area's item weights) / max
    points. It is recomputed by the services whenever a draft's tree changes and frozen with the
    version, so a sheet's total is one SUM(points × coefficient) in the database.
    """

    class Kind(models.TextChoices):
        STANDARD = "standard", _("standard item")
        BONUS = "bonus", _("bonus item")

    class Method(models.TextChoices):
        DOCUMENTS = "documents", _("document review")
        SITE_VISIT = "site_visit", _("site visit")
        QUESTIONNAIRE = "questionnaire", _("questionnaire survey")
        ONLINE_SURVEY = "online_survey", _("online survey")
        BRIEFING = "briefing", _("briefing")
        CONSULTATION = "consultation", _("consultation")

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.TextField(_("requirement"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STANDARD)
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, validators=[MinValueValidator(Decimal("0.01"))]
    )
    weight = models.DecimalField(
        _("weight"), **POINTS, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    method = models.CharField(
        _("collection method"), max_length=14, choices=Method.choices, default=Method.DOCUMENTS
    )
    deduction_rule = models.TextField(_("deduction rule"), blank=True)
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=16, decimal_places=10, default=ZERO, editable=False
    )

    class Meta:
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        ordering = ["scheme", "indicator__scheme_area__area__order", "indicator__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="item_code_once_per_scheme"),
            models.CheckConstraint(
                condition=Q(max_points__gt=0) & Q(weight__gte=0), name="item_points_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:40]}"


class VetoCondition(models.Model):
    """A condition that disqualifies a subject whatever its score (一票否决)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="vetoes"
    )
    code = models.CharField(_("code"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.TextField(_("condition"))
    lookback_months = models.PositiveSmallIntegerField(
        _("look-back window (months)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("Only events within this many months before the assessment count."),
    )

    class Meta:
        verbose_name = _("veto condition")
        verbose_name_plural = _("veto conditions")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="veto_code_once_per_scheme"),
            models.CheckConstraint(condition=Q(lookback_months__gte=1), name="veto_lookback_set"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:40]}"


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


class Cycle(models.Model):
    """An annual assessment cycle (年度考核) of participating units, scored by one review."""

    class Status(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("self-assessment")
        SCORING = "scoring", _("scoring")
        PUBLISHED = "published", _("published")

    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    review = models.OneToOneField(
        Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="cycle"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SELF_ASSESSMENT
    )
    self_assessment_due_on = models.DateField(_("self-assessment due on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        ordering = ["-year", "pk"]

    def __str__(self):
        return self.name


class SelfAssessment(models.Model):
    """A unit's own claim for one item, with its explanation and evidence."""

    subject = models.ForeignKey(
        Subject,
        verbose_name=_("subject"),
        on_delete=models.CASCADE,
        related_name="self_assessments",
    )
    item = models.ForeignKey(Item, verbose_name=_("scoring item"), on_delete=models.PROTECT)
    points = models.DecimalField(_("claimed points"), **POINTS)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    explanation = models.CharField(_("explanation"), max_length=1000, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["subject", "item"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "item"], name="self_assessment_once"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="self_assessment_within_maximum",
                violation_error_message=_("Points must lie between 0 and the item's maximum."),
            ),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.points}"


class Evidence(models.Model):
    """A file attached to a self-assessment; stored under a random name, served after an
    access check only."""

    self_assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["self_assessment", "uploaded_at"]

    def __str__(self):
        return self.original_name


class SubjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE)


class SubjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Subject, on_delete=models.CASCADE)

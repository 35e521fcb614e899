"""The campaign's work between award rounds: co-construction plans with their commitments,
activities with evidence, agreements between units, special campaigns, inspection visits with
their findings and rectification items (DESIGN §7 "Campaign work")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisation import Authority, ConstructionArea, Person, Port, Unit
from civport.models import StoredFile

__all__ = [
    "Activity",
    "ActivityEvidence",
    "ActivitySummary",
    "Agreement",
    "Commitment",
    "Finding",
    "Inspection",
    "Plan",
    "Rectification",
    "RectificationEvidence",
    "SpecialCampaign",
]


def _link_list(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- plans ----------------------------------------------------------------------------------


class Plan(models.Model):
    """A port authority's annual co-construction plan (共建活动计划), made with its units."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("port authority"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("co-construction plan")
        verbose_name_plural = _("co-construction plans")
        ordering = ["-year", "authority__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year"],
                name="plan_once_per_authority_year",
                violation_error_message=_("This port authority already has a plan for the year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="plan_year_range",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return self.title


class Commitment(models.Model):
    """A unit's commitment in a plan for one construction area."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="commitments"
    )
    area = models.ForeignKey(
        ConstructionArea, verbose_name=_("construction area"), on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="commitments"
    )
    goal = models.TextField(_("goal"))
    owner_person = models.ForeignKey(
        Person,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_name = models.CharField(_("name of the person in charge"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"))
    target_activities = models.PositiveSmallIntegerField(_("target number of activities"))

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "area__order", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "area"],
                name="commitment_once_per_unit_area",
                violation_error_message=_(
                    "The unit already has a commitment for this area in the plan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False) | ~Q(owner_name=""),
                name="commitment_has_owner",
                violation_error_message=_("Name the owner: a person or a name."),
            ),
            models.CheckConstraint(
                condition=Q(target_activities__gte=1),
                name="commitment_target_positive",
                violation_error_message=_("The target is at least one activity."),
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.area_id}"


# --- special campaigns and agreements ---------------------------------------------------------


class SpecialCampaign(models.Model):
    """A special co-construction campaign (专项共建), e.g. on integrity, run by an authority."""

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="special_campaigns",
    )
    name = models.CharField(_("name"), max_length=200)
    theme_area = models.ForeignKey(
        ConstructionArea, verbose_name=_("theme area"), on_delete=models.PROTECT
    )
    members = models.ManyToManyField(
        Unit, verbose_name=_("member units"), related_name="special_campaigns"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="special_campaign_period_ordered",
                violation_error_message=_("The end must not precede the start."),
            ),
        ]
        indexes = [models.Index(fields=["authority", "-starts_on"])]

    def __str__(self):
        return self.name


class Agreement(models.Model):
    """A business or integrity co-construction agreement (共建协议) between units."""

    class Kind(models.TextChoices):
        BUSINESS = "business", _("business co-construction")
        INTEGRITY = "integrity", _("integrity co-construction")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parties = models.ManyToManyField(Unit, verbose_name=_("parties"), related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    terms = models.TextField(_("terms"))
    file = models.FileField(_("file"), upload_to="work/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("co-construction agreement")
        verbose_name_plural = _("co-construction agreements")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("signed_on")),
                name="agreement_validity_ordered",
                violation_error_message=_("The agreement cannot end before it was signed."),
            ),
        ]
        indexes = [models.Index(fields=["authority", "-signed_on"])]

    def __str__(self):
        return self.title


# --- activities -------------------------------------------------------------------------------


class Activity(models.Model):
    """A co-construction activity logged by a unit or a port authority."""

    class Form(models.TextChoices):
        MEDIA = "media", _("media publicity")
        VISIT = "visit", _("visits to units and enterprises")
        SYMPOSIUM = "symposium", _("symposiums and Q&A meetings")
        SURVEY = "survey", _("questionnaire surveys")
        SPECIAL_CAMPAIGN = "special_campaign", _("special co-construction campaigns")
        AGREEMENT = "agreement", _("co-construction agreements")
        TRAINING = "training", _("lectures, training and safety education")
        CULTURE_SPORTS = "culture_sports", _("cultural and sports activities")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        VERIFIED = "verified", _("verified")
        MORE_REQUESTED = "more_requested", _("more requested")

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("port authority"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("logged by unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    occurred_on = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    areas = models.ManyToManyField(
        ConstructionArea, verbose_name=_("construction areas"), related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    participant_units = models.ManyToManyField(
        Unit, verbose_name=_("participating units"), related_name="joined_activities", blank=True
    )
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    links = models.TextField(_("links"), blank=True, help_text=_("One web address per line."))
    special_campaign = models.ForeignKey(
        SpecialCampaign,
        verbose_name=_("special campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="more_requested") | ~Q(review_comment=""),
                name="activity_more_requested_has_comment",
                violation_error_message=_("Say what more is needed."),
            ),
        ]
        indexes = [
            # The list's default order, and each filter with it.
            models.Index(fields=["-occurred_on", "-id"], name="activity_recent"),
            models.Index(fields=["authority", "-occurred_on"], name="activity_authority_date"),
            models.Index(fields=["unit", "-occurred_on"], name="activity_unit_date"),
            models.Index(fields=["status", "-occurred_on"], name="activity_status_date"),
            models.Index(fields=["form", "-occurred_on"], name="activity_form_date"),
        ]

    def __str__(self):
        return self.title

    @property
    def link_list(self):
        return _link_list(self.links)

    @property
    def is_editable_by_unit(self):
        return self.status in (self.Status.SUBMITTED, self.Status.MORE_REQUESTED)


class ActivitySummary(models.Model):
    """How many activities an authority logged in a year, by status: one row for the activities
    themselves (`area` empty) and one per construction area (an activity in two areas counts in
    both). Derived data, kept by the activity services in the same transaction as the activity
    (campaigns.summaries) and rebuilt from the activities by `manage.py activity_summary_rebuild`;
    the dashboards read it instead of the activities."""

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("port authority"),
        on_delete=models.CASCADE,
        related_name="activity_summaries",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(
        ConstructionArea,
        verbose_name=_("construction area"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    verified = models.PositiveIntegerField(_("verified"), default=0)
    more_requested = models.PositiveIntegerField(_("more requested"), default=0)

    COUNTS = {
        Activity.Status.SUBMITTED: "submitted",
        Activity.Status.VERIFIED: "verified",
        Activity.Status.MORE_REQUESTED: "more_requested",
    }

    class Meta:
        verbose_name = _("activity summary")
        verbose_name_plural = _("activity summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "authority", "area"],
                condition=Q(area__isnull=False),
                name="activity_summary_area_once",
            ),
            models.UniqueConstraint(
                fields=["year", "authority"],
                condition=Q(area__isnull=True),
                name="activity_summary_once",
            ),
        ]
        # The dashboards read a year's rows, all of them or those of the authorities below one.
        indexes = [models.Index(fields=["year", "authority"], name="activity_summary_year")]

    def __str__(self):
        return f"{self.authority_id} · {self.year} · {self.area_id or '-'}"


class ActivityEvidence(StoredFile):
    file = models.FileField(_("file"), upload_to="work/%Y/%m/")
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta:
        verbose_name = _("activity evidence file")
        verbose_name_plural = _("activity evidence files")
        ordering = ["activity", "uploaded_at", "pk"]


# --- inspections and rectifications -------------------------------------------------------------


class Inspection(models.Model):
    """An inspection visit (巡访检查) by an authority to ports and units."""

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("inspecting authority"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    visited_on = models.DateField(_("date of visit"))
    inspectors = models.CharField(_("inspectors"), max_length=300)
    ports = models.ManyToManyField(
        Port, verbose_name=_("ports visited"), related_name="inspections", blank=True
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("units visited"), related_name="inspections", blank=True
    )
    summary = models.TextField(_("summary"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inspection visit")
        verbose_name_plural = _("inspection visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["authority", "-visited_on"])]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} · {self.inspectors}"


class Finding(models.Model):
    """What an inspection found; one needing a fix has a rectification item."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection visit"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    text = models.TextField(_("finding"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return self.text[:80]


class Rectification(models.Model):
    """A finding a unit must fix by a date (整改)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        SENT_BACK = "sent_back", _("sent back")
        CLOSED = "closed", _("closed")

    PENDING = (Status.OPEN, Status.SENT_BACK)

    finding = models.OneToOneField(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    # The finding's inspection, kept here so that lists filter and order on one table.
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection visit"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="rectifications"
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent_back") | ~Q(review_comment=""),
                name="rectification_sent_back_has_comment",
                violation_error_message=_("Say why the answer is sent back."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"]) | ~Q(answer=""),
                name="rectification_answered_has_answer",
                violation_error_message=_("An answered item needs the answer."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="rectification_status_due"),
            models.Index(fields=["owner_unit", "due_on"], name="rectification_unit_due"),
        ]

    def __str__(self):
        return self.finding.text[:80] if Rectification.finding.is_cached(self) else str(self.pk)

    def is_overdue_on(self, day):
        return self.status in self.PENDING and self.due_on < day


class RectificationEvidence(StoredFile):
    file = models.FileField(_("file"), upload_to="work/%Y/%m/")
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification item"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )

    class Meta:
        verbose_name = _("rectification evidence file")
        verbose_name_plural = _("rectification evidence files")
        ordering = ["rectification", "uploaded_at", "pk"]

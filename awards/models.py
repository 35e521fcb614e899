"""The biennial national award round (DESIGN §4, §7).

A round runs `draft → nominating → provincial_review → national_review → public_notice → decided
→ closed` from the admin. Port officers nominate ports, units and people of their area, provincial
officers nominate organizers; each province's panel scores its nominations in an assessments
review (round key `Round.review_key`), the provincial officer submits a ranked list within the
quota, the national panel scores the recommended nominations, the office decides, the candidates
are published for objections, and the honours are granted with a certificate each.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Scheme, VetoCondition
from campaigns.models import Authority, Person, Port, Unit


class Title(models.TextChoices):
    """The four national titles (section 四(十一) of the founding document)."""

    CIVILIZED_PORT = "civilized_port", _("National civilized port")
    ADVANCED_UNIT = "advanced_unit", _("National advanced unit")
    ADVANCED_INDIVIDUAL = "advanced_individual", _("National advanced individual")
    ADVANCED_ORGANIZER = "advanced_organizer", _("National advanced organizer")


# The letter of each title in a certificate number, in the order the titles are listed.
TITLE_LETTERS = {
    Title.CIVILIZED_PORT: "A",
    Title.ADVANCED_UNIT: "B",
    Title.ADVANCED_INDIVIDUAL: "C",
    Title.ADVANCED_ORGANIZER: "D",
}


class Round(models.Model):
    class Phase(models.TextChoices):
        DRAFT = "draft", _("draft")
        NOMINATING = "nominating", _("nominating")
        PROVINCIAL_REVIEW = "provincial_review", _("provincial review")
        NATIONAL_REVIEW = "national_review", _("national review")
        PUBLIC_NOTICE = "public_notice", _("public notice")
        DECIDED = "decided", _("decided")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("e.g. 2025-2026"))
    name = models.CharField(_("name"), max_length=150)
    start_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        _("last year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="award_rounds"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    nominations_due_on = models.DateField(_("nominations due on"), null=True, blank=True)
    provincial_review_due_on = models.DateField(
        _("provincial review due on"), null=True, blank=True
    )
    national_review_due_on = models.DateField(_("national review due on"), null=True, blank=True)
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("reviewers per nomination"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice in working days"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    notice_starts_on = models.DateField(_("public notice starts on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    issuing_office = models.CharField(
        _("issuing office"), max_length=100, default="国家口岸管理办公室"
    )
    decision_number = models.CharField(
        _("document number"), max_length=60, blank=True, help_text=_("e.g. 署岸发〔2026〕12号")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-start_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="round_years_in_order",
                violation_error_message=_("The last year cannot come before the first."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def years_label(self):
        """As the campaign writes it: 2025—2026年度."""
        return f"{self.start_year}—{self.end_year}年度"

    @property
    def review_key(self):
        """The `round_key` of this round's assessments reviews."""
        return f"award-{self.code}"


class Quota(models.Model):
    """How many nominations of a title a province may recommend in a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("award round"), on_delete=models.CASCADE, related_name="quotas"
    )
    province = models.ForeignKey(
        Authority,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Authority.Level.PROVINCIAL},
    )
    title = models.CharField(pgettext_lazy("award", "title"), max_length=30, choices=Title.choices)
    quota = models.PositiveSmallIntegerField(_("quota"))

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["round", "province__path", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "province", "title"],
                name="quota_once_per_province_and_title",
                violation_error_message=_("This province has a quota for this title already."),
            ),
        ]

    def __str__(self):
        return f"{self.province} · {self.get_title_display()} · {self.quota}"


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday on a weekday, or a make-up
    working day (调休) on a weekend. Counting working days reads these rows once."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("public holiday")
        WORKDAY = "workday", _("make-up working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"


class Nomination(models.Model):
    """One nominee put up for one title in one round, with its dossier.

    Exactly one of `port`, `unit`, `person`, `organizer` is set, the one the title calls for.
    `authority` is the nominating authority (the port authority, or the province for an
    organizer) and `province` its province; `unit` is also set for a person (their unit), so
    conflicts of interest and scoping need no join through the nominee. The nominee's names are
    copied into the `nominee_*` fields when the nomination is submitted.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RECOMMENDED = "recommended", _("recommended")
        NOT_RECOMMENDED = "not_recommended", _("not recommended")
        CANDIDATE = "candidate", _("candidate")
        REJECTED = "rejected", _("not selected")
        AWARDED = "awarded", _("awarded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    DEEDS_MIN = 200
    DEEDS_MAX = 5000
    SUMMARY_MAX = 300

    round = models.ForeignKey(
        Round, verbose_name=_("award round"), on_delete=models.PROTECT, related_name="nominations"
    )
    title = models.CharField(pgettext_lazy("award", "title"), max_length=30, choices=Title.choices)
    port = models.ForeignKey(
        Port,
        verbose_name=_("port"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    organizer = models.ForeignKey(
        Authority,
        verbose_name=_("organizing authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizer_nominations",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("nominating authority"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    province = models.ForeignKey(
        Authority, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    deeds = models.TextField(_("deeds"), blank=True)
    summary = models.CharField(_("short deeds"), max_length=SUMMARY_MAX, blank=True)
    nominee_name = models.CharField(_("nominee"), max_length=200, blank=True)
    nominee_unit_name = models.CharField(_("nominee's unit"), max_length=200, blank=True)
    nominee_detail = models.CharField(_("nominee's details"), max_length=200, blank=True)
    recommended_position = models.PositiveSmallIntegerField(
        _("position in the recommendation list"), null=True, blank=True
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["round", "province__path", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        title="civilized_port",
                        port__isnull=False,
                        unit__isnull=True,
                        person__isnull=True,
                        organizer__isnull=True,
                    )
                    | Q(
                        title="advanced_unit",
                        port__isnull=True,
                        unit__isnull=False,
                        person__isnull=True,
                        organizer__isnull=True,
                    )
                    | Q(
                        title="advanced_individual",
                        port__isnull=True,
                        unit__isnull=False,
                        person__isnull=False,
                        organizer__isnull=True,
                    )
                    | Q(
                        title="advanced_organizer",
                        port__isnull=True,
                        unit__isnull=True,
                        person__isnull=True,
                        organizer__isnull=False,
                    )
                ),
                name="nomination_nominee_matches_title",
                violation_error_message=_("The nominee does not match the title."),
            ),
            # One nomination per nominee per round; a withdrawn one no longer counts.
            models.UniqueConstraint(
                fields=["round", "port"],
                condition=Q(port__isnull=False) & ~Q(status="withdrawn"),
                name="nomination_once_per_port",
                violation_error_message=_("This port is nominated in this round already."),
            ),
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(title="advanced_unit") & ~Q(status="withdrawn"),
                name="nomination_once_per_unit",
                violation_error_message=_("This unit is nominated in this round already."),
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(person__isnull=False) & ~Q(status="withdrawn"),
                name="nomination_once_per_person",
                violation_error_message=_("This person is nominated in this round already."),
            ),
            models.UniqueConstraint(
                fields=["round", "organizer"],
                condition=Q(organizer__isnull=False) & ~Q(status="withdrawn"),
                name="nomination_once_per_organizer",
                violation_error_message=_("This authority is nominated in this round already."),
            ),
            models.UniqueConstraint(
                fields=["round", "province", "title", "recommended_position"],
                condition=Q(recommended_position__isnull=False),
                name="nomination_recommended_position_once",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "province", "title", "status"]),
            models.Index(fields=["round", "status", "title"]),
            models.Index(fields=["authority", "round"]),
        ]

    def __str__(self):
        return self.nominee_name or f"{self.get_title_display()} #{self.pk}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class VetoDeclaration(models.Model):
    """The nominator's answer to one veto condition of the round's scheme."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="veto_declarations",
    )
    condition = models.ForeignKey(
        VetoCondition,
        verbose_name=_("veto condition"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    applies = models.BooleanField(_("applies"))
    note = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("veto declaration")
        verbose_name_plural = _("veto declarations")
        ordering = ["nomination", "condition__order"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "condition"], name="veto_declared_once"),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.condition}"


class NominationEvidence(models.Model):
    """A file in a nomination's dossier; stored under a random name, served after an access
    check only."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="nominations/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["nomination", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Opinion(models.Model):
    """One link of the chain of opinions on a nomination: port → province → national."""

    class Level(models.TextChoices):
        PORT = "port", _("port authority")
        PROVINCE = "province", _("provincial authority")
        NATIONAL = "national", _("national office")

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["nomination", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "level"], name="opinion_once_per_level"),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.get_level_display()}"


class Recommendation(models.Model):
    """A province's recommendation list for a round: the opinion, and once submitted, locked.
    The list itself is the province's nominations with a `recommended_position`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    round = models.ForeignKey(
        Round,
        verbose_name=_("award round"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    province = models.ForeignKey(
        Authority, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    opinion = models.TextField(_("province's opinion"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("recommendation list")
        verbose_name_plural = _("recommendation lists")
        ordering = ["round", "province__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "province"], name="recommendation_once_per_province"
            ),
        ]

    def __str__(self):
        return f"{self.round} · {self.province}"


class Objection(models.Model):
    """An objection (异议) to a candidate filed during the public notice."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("telephone"), max_length=30)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("work unit"), max_length=150, blank=True)
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "nomination"])]

    def __str__(self):
        return f"{self.nomination} · {self.get_status_display()}"


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RENDERING = "rendering", _("rendering")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Honour(models.Model):
    """A title granted: the certificate's number, its public verification code and its PDF.

    The recipient's names are copied from the nomination's snapshot, so the board and the
    certificate keep what was decided even if the unit is renamed later.
    """

    nomination = models.OneToOneField(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="honour",
    )
    round = models.ForeignKey(
        Round, verbose_name=_("award round"), on_delete=models.PROTECT, related_name="honours"
    )
    title = models.CharField(pgettext_lazy("award", "title"), max_length=30, choices=Title.choices)
    province = models.ForeignKey(
        Authority, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    recipient_unit = models.CharField(_("recipient's unit"), max_length=200, blank=True)
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    render_status = models.CharField(
        _("certificate"),
        max_length=10,
        choices=RenderStatus.choices,
        default=RenderStatus.PENDING,
    )
    # When the render was last asked for: the sweeper queues again what waits too long.
    render_queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    render_claimed_at = models.DateTimeField(_("rendering since"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    pdf = models.FileField(_("certificate PDF"), upload_to="certificates/", blank=True)
    render_error = models.TextField(_("last error"), blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["round", "title", "province__path", "number"]
        indexes = [
            models.Index(fields=["round", "title", "province"]),
            models.Index(fields=["render_status", "render_claimed_at"]),
        ]

    def __str__(self):
        return f"{self.number} {self.recipient}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class DecisionDocument(models.Model):
    """The round's commendation decision (表彰决定) as a PDF, rendered by a task."""

    round = models.OneToOneField(
        Round,
        verbose_name=_("award round"),
        on_delete=models.PROTECT,
        related_name="decision_document",
    )
    render_status = models.CharField(
        _("status"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.PENDING
    )
    # When the render was last asked for: the sweeper queues again what waits too long.
    render_queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    render_claimed_at = models.DateTimeField(_("rendering since"), null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    pdf = models.FileField(_("decision PDF"), upload_to="decisions/", blank=True)
    render_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")

    def __str__(self):
        return str(self.round)

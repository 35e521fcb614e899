"""Provincial filings (备案) with the national office, and consultations (征求意见) of the
leading group offices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisation import Authority, Unit
from civport.models import StoredFile

__all__ = [
    "Consultation",
    "Filing",
    "FilingAttachment",
    "FilingVersion",
]


class Filing(models.Model):
    """One of a province's three documents filed with the national office.

    `draft → submitted → acknowledged | returned (with comments) → resubmitted → …`. Each
    submission is kept as a `FilingVersion` with its text and attachments; the filing holds the
    working text and the current state, so the national office's matrix reads one row per
    province and kind."""

    class Kind(models.TextChoices):
        IMPLEMENTATION_OPINION = "implementation_opinion", _("implementation opinion")
        ASSESSMENT_STANDARD = "assessment_standard", _("assessment standard")
        EVALUATION_METHOD = "evaluation_method", _("evaluation method")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RETURNED = "returned", _("returned")
        RESUBMITTED = "resubmitted", _("resubmitted")

    WAITING = (Status.SUBMITTED, Status.RESUBMITTED)
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # Filed by publishing the document where it is made, not written here: the assessment
    # standard is the province's own assessment scheme, and each version it publishes is the
    # next version of this filing (`services.filing_publication_record`).
    FROM_PUBLICATION = (Kind.ASSESSMENT_STANDARD,)

    authority = models.ForeignKey(
        Authority,
        verbose_name=_("provincial authority"),
        on_delete=models.PROTECT,
        related_name="filings",
    )
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    version_count = models.PositiveSmallIntegerField(_("versions submitted"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["authority__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "kind"], name="filing_once_per_kind"),
            models.CheckConstraint(
                condition=Q(status="draft", version_count=0, submitted_at__isnull=True)
                | (~Q(status="draft") & Q(version_count__gt=0) & Q(submitted_at__isnull=False)),
                name="filing_submitted_has_version",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="filing_status_submitted")]

    def __str__(self):
        return f"{self.authority.name} · {self.get_kind_display()}"

    @property
    def is_waiting(self):
        return self.status in self.WAITING

    @property
    def is_editable(self):
        return self.status in self.EDITABLE and not self.is_from_publication

    @property
    def is_from_publication(self):
        return self.kind in self.FROM_PUBLICATION


class FilingAttachment(StoredFile):
    """A file of a filing. Never changed once uploaded; removing it from the working set keeps
    the row (and the file) for the versions that list it."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="filings/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing attachment")
        verbose_name_plural = _("filing attachments")
        ordering = ["uploaded_at", "id"]


class FilingVersion(models.Model):
    """One submission of a filing as it was sent, with the national office's answer to it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        RETURNED = "returned", _("returned")

    filing = models.ForeignKey(
        Filing, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    attachments = models.ManyToManyField(
        FilingAttachment, verbose_name=_("attachments"), related_name="versions", blank=True
    )
    # Empty only for a version carried over from before the publication was the filing.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    # A version filed by a publication: where the published document is read, and what the
    # publishing app found worth the national office's attention (e.g. weights outside the
    # template's tolerance), one sentence a line. Both are written once, with the version.
    source_url = models.CharField(_("published document"), max_length=300, blank=True)
    warnings = models.TextField(_("warnings"), blank=True)
    outcome = models.CharField(
        _("answer"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    comments = models.TextField(_("comments"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("filing version")
        verbose_name_plural = _("filing versions")
        ordering = ["filing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "number"], name="filing_version_number"),
            models.CheckConstraint(
                condition=Q(outcome="pending", answered_at__isnull=True)
                | (~Q(outcome="pending") & Q(answered_at__isnull=False)),
                name="filing_version_answered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | ~Q(comments=""),
                name="filing_version_return_has_comments",
                violation_error_message=_("A returned filing needs comments."),
            ),
        ]

    def __str__(self):
        return f"{self.filing} · v{self.number}"


class Consultation(models.Model):
    """A unit asks the leading group office of its authority for its opinion on applying for
    another title (e.g. 文明单位); the office agrees or disagrees with remarks by a due date.

    An answer gets a reference number of the answering authority, numbered per year
    (`reference_year`, `reference_number`), printed on the PDF letter."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        AGREED = "agreed", _("agreed")
        DISAGREED = "disagreed", _("disagreed")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="consultations"
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("answering authority"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("title applied for"), max_length=100)
    awarding_body = models.CharField(_("awarding body"), max_length=100, blank=True)
    reasons = models.TextField(_("reasons"))
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    remarks = models.TextField(_("remarks"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reference_year = models.PositiveSmallIntegerField(_("reference year"), null=True, blank=True)
    reference_number = models.PositiveIntegerField(_("reference number"), null=True, blank=True)
    # As printed on the letter, e.g. 深圳口岸办〔2026〕7号; written once with the answer.
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title"],
                condition=Q(status="pending"),
                name="consultation_one_open_per_title",
                violation_error_message=_(
                    "This unit already has an unanswered consultation for this title."
                ),
            ),
            models.UniqueConstraint(
                fields=["authority", "reference_year", "reference_number"],
                name="consultation_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(
                    status="pending",
                    answered_at__isnull=True,
                    reference_number__isnull=True,
                )
                | (
                    ~Q(status="pending")
                    & Q(answered_at__isnull=False)
                    & Q(reference_number__isnull=False)
                    & Q(reference_year__isnull=False)
                ),
                name="consultation_answer_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="disagreed") | ~Q(remarks=""),
                name="consultation_disagreement_has_remarks",
                violation_error_message=_("A disagreement needs remarks."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="consultation_status_due")]

    def __str__(self):
        return f"{self.unit.name} · {self.title}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

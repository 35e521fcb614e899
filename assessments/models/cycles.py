"""The annual assessment cycle: self-assessments and their evidence (DESIGN §7)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.reviews import Review, Subject
from assessments.models.schemes import POINTS, Item
from civport.models import StoredFile

__all__ = [
    "Cycle",
    "Evidence",
    "SelfAssessment",
]


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


class Evidence(StoredFile):
    """A file attached to a self-assessment; stored under a random name, served after an
    access check only."""

    self_assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["self_assessment", "uploaded_at"]

"""What the public sends to a port: feedback (suggestions and complaints) followed with a
tracking code, and answers to the port authority's satisfaction surveys.

Nothing public is ever addressed by a sequential id. A feedback item's tracking code is shown once
to the submitter and stored only as its SHA-256 (the code carries 80 random bits, so an unsalted
hash cannot be reversed by trying codes). A survey's open link and its invitation codes are random
too; an invitation answers once, which a unique key on the answer enforces.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisation import Agency, Port

__all__ = [
    "SCALE_MAX",
    "SCALE_MIN",
    "Feedback",
    "Survey",
    "SurveyDimension",
    "SurveyGroup",
    "SurveyInvitation",
    "SurveyRating",
    "SurveyResponse",
]

SCALE_MIN = 1
SCALE_MAX = 5


class Feedback(models.Model):
    """A suggestion or complaint about a port, sent by anyone without logging in."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", _("suggestion")
        COMPLAINT = "complaint", _("complaint")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    port = models.ForeignKey(
        Port, verbose_name=_("port"), on_delete=models.PROTECT, related_name="feedback_items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    name = models.CharField(_("name"), max_length=50, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    # SHA-256 hex of the tracking code; the code itself is never stored.
    tracking_hash = models.CharField(_("tracking code hash"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.TextField(_("reason for closing"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The office list: one port (or a few), newest first, optionally by status or kind.
            models.Index(fields=["port", "-created_at"], name="feedback_port_created"),
            models.Index(fields=["port", "status", "-created_at"], name="feedback_port_status"),
            models.Index(fields=["-created_at"], name="feedback_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="feedback_answered_has_answer",
                violation_error_message=_("An answered item needs its answer."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d}" if self.created_at else ""


class Survey(models.Model):
    """A satisfaction survey of one port: respondent groups rate the port's agencies on a few
    dimensions, from 1 (very dissatisfied) to 5 (very satisfied)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Mode(models.TextChoices):
        OPEN_LINK = "open_link", _("open link (repeat answers allowed)")
        INVITATION = "invitation", _("single-use invitations (one answer per code)")

    port = models.ForeignKey(
        Port, verbose_name=_("port"), on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=150)
    introduction = models.TextField(_("introduction"), blank=True)
    period_start = models.DateField(_("answers from"))
    period_end = models.DateField(_("answers until"))
    mode = models.CharField(_("answer mode"), max_length=12, choices=Mode.choices)
    # The random part of the open link; invitation surveys are answered through their codes.
    public_code = models.CharField(_("link code"), max_length=32, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("agencies rated"), related_name="surveys"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-period_start", "-pk"]
        indexes = [models.Index(fields=["port", "-period_start"], name="survey_port_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_period_ordered",
                violation_error_message=_("The period must not end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title


class SurveyGroup(models.Model):
    """A respondent group (enterprises, travellers …) a respondent says they belong to."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="survey_group_name_once"),
            models.UniqueConstraint(fields=["survey", "order"], name="survey_group_order_once"),
        ]

    def __str__(self):
        return self.name


class SurveyDimension(models.Model):
    """A dimension each agency is rated on (service attitude, efficiency, fees …)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="dimensions"
    )
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "name"], name="survey_dimension_name_once"),
            models.UniqueConstraint(fields=["survey", "order"], name="survey_dimension_order_once"),
        ]

    def __str__(self):
        return self.name


class SurveyInvitation(models.Model):
    """A single-use code for a survey that allows one answer per respondent."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "pk"]

    def __str__(self):
        return self.code


class SurveyResponse(models.Model):
    """One respondent's answer: their group, their ratings and an optional comment."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses"
    )
    group = models.ForeignKey(
        SurveyGroup,
        verbose_name=_("respondent group"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    # One answer per invitation: the one-to-one key is the database's guarantee.
    invitation = models.OneToOneField(
        SurveyInvitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response",
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["survey", "group"], name="survey_response_group")]

    def __str__(self):
        return f"{self.survey} · {self.submitted_at:%Y-%m-%d}" if self.submitted_at else ""


class SurveyRating(models.Model):
    """One score: an agency on a dimension, by one respondent."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("survey answer"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    dimension = models.ForeignKey(
        SurveyDimension, verbose_name=_("dimension"), on_delete=models.PROTECT
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "agency", "dimension"], name="survey_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCALE_MIN) & Q(score__lte=SCALE_MAX),
                name="survey_rating_on_scale",
                violation_error_message=_("A score runs from 1 to 5."),
            ),
        ]

    def __str__(self):
        return str(self.score)

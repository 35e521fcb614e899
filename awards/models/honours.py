"""Honours granted at the end of a round, with their certificates, and the decision documents
(DESIGN §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models.nominations import Nomination
from awards.models.rounds import Round, Title
from campaigns.models import Authority, LeadingGroupResolution

__all__ = [
    "DecisionDocument",
    "Honour",
    "RenderStatus",
]


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
    def title_name(self):
        """The title as the round names it (a province's own titles in its round); select
        `round__authority` with the honour."""
        return self.round.title_name(self.title)

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
    # The leading group's resolution approving the candidates, which the decision cites.
    approval = models.ForeignKey(
        LeadingGroupResolution,
        verbose_name=_("approving resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")

    def __str__(self):
        return str(self.round)

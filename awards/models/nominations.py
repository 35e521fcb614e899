"""Nominations and what is attached to them on the way: veto declarations, evidence, opinions,
the provinces' recommendations and the objections raised during the public notice (DESIGN §7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import VetoCondition
from awards.models.rounds import Round, Title
from campaigns.models import Authority, Person, Port, Unit
from civport.models import StoredFile

__all__ = [
    "Nomination",
    "NominationEvidence",
    "Objection",
    "Opinion",
    "Recommendation",
    "VetoDeclaration",
]


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
    # Honours the nominee holds from earlier rounds (a province's own title, say), cited in the
    # dossier: picked from the nominee's honours, never typed.
    cited_honours = models.ManyToManyField(
        "awards.Honour",
        verbose_name=_("honours cited"),
        blank=True,
        related_name="cited_by",
    )
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


class NominationEvidence(StoredFile):
    """A file in a nomination's dossier; stored under a random name, served after an access
    check only."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to="nominations/%Y/%m/")
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["nomination", "uploaded_at", "pk"]


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

"""Assessment schemes: the versioned tree of construction areas, indicators and scoring items,
plus veto conditions (DESIGN §7). A published version is frozen."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Authority, ConstructionArea, FilingVersion

__all__ = [
    "POINTS",
    "ZERO",
    "Indicator",
    "Item",
    "Scheme",
    "SchemeArea",
    "VetoCondition",
]


POINTS = {"max_digits": 7, "decimal_places": 2}
ZERO = Decimal("0")


class Scheme(models.Model):
    """One version of an assessment scheme. `family` groups the versions of one scheme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # A province's version is its assessment standard filed for the record (备案): publishing
    # it writes the next version of the province's filing, and the national office's answer
    # (acknowledged, or comments) is read from there. There is no second state to keep in step.
    filing_version = models.OneToOneField(
        FilingVersion,
        verbose_name=_("filing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scheme",
    )
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
            models.CheckConstraint(
                condition=Q(status="published") | Q(filing_version__isnull=True),
                name="scheme_filed_only_when_published",
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

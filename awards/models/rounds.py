"""The award round, its titles, quotas and the working-day calendar (DESIGN §4, §7)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Scheme
from campaigns.models import Authority

__all__ = [
    "PROVINCIAL_TITLES",
    "TITLE_LETTERS",
    "CalendarDay",
    "Quota",
    "Round",
    "Title",
]


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


# The titles a province confers in its own round (省级文明口岸 / 先进单位 / 先进个人): the same
# kinds of nominee as the national titles, named for the province. Organizers are national only.
PROVINCIAL_TITLES = {
    Title.CIVILIZED_PORT: _("Provincial civilized port"),
    Title.ADVANCED_UNIT: _("Provincial advanced unit"),
    Title.ADVANCED_INDIVIDUAL: _("Provincial advanced individual"),
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
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("issuing authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award_rounds",
        help_text=_("The national office, or a province running its own round."),
    )
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
    # The work conference at which the titles are conferred (四(十二): 在两年一次的全国共建文明
    # 口岸活动工作会议上进行命名表彰); the decision and the honours board cite it.
    conference_name = models.CharField(
        _("work conference"),
        max_length=150,
        blank=True,
        help_text=_("e.g. 2025—2026年度全国共建文明口岸活动工作会议"),
    )
    conference_on = models.DateField(_("work conference held on"), null=True, blank=True)
    conference_place = models.CharField(_("work conference place"), max_length=100, blank=True)
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
    def is_provincial(self):
        """A province's own round (select `authority` with the round where this is read)."""
        return self.authority_id is not None and self.authority.level == Authority.Level.PROVINCIAL

    def title_choices(self):
        """The titles this round confers, as (code, name)."""
        if self.is_provincial:
            return list(PROVINCIAL_TITLES.items())
        return list(Title.choices)

    def title_name(self, title):
        """The name of `title` in this round (a province's titles are named for the province)."""
        if self.is_provincial:
            return PROVINCIAL_TITLES.get(title, title)
        return Title(title).label

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

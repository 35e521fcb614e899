"""The campaign's organisation: authorities, leading groups, agencies, ports, units, people."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Use letters, digits, '-', '_' or '.' (at most 40 characters, no spaces)."),
)
PATH_SEPARATOR = "/"


class ConstructionArea(models.Model):
    """One of the nine construction areas (九项建设); seeded by a migration."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    description = models.TextField(_("scope"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), unique=True)

    class Meta:
        verbose_name = _("construction area")
        verbose_name_plural = _("construction areas")
        ordering = ["order"]

    def __str__(self):
        return self.name


class Authority(models.Model):
    """A port management authority in the three-tier hierarchy (a county tier is allowed).

    `path` is the materialised path of codes from the root, each followed by "/", so that
    everything below an authority is `path__startswith=authority.path` on one indexed column.
    """

    class Level(models.TextChoices):
        NATIONAL = "national", _("national office")
        PROVINCIAL = "provincial", _("provincial authority")
        PORT = "port", _("port authority")
        COUNTY = "county", _("county authority")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    # The office's own contact details (not personal information; the contact directory shows
    # them whole to everyone who sees the authority).
    office_phone = models.CharField(_("office telephone"), max_length=40, blank=True)
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_email = models.EmailField(_("office e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["path"]
        permissions = [
            ("manage_authority", _("Can manage the authority and everything below it")),
            ("manage_accounts", _("Can manage the accounts and roles of the levels below")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="national") & Q(parent__isnull=True))
                | (~Q(level="national") & Q(parent__isnull=False)),
                name="authority_only_national_is_root",
                violation_error_message=_("Only the national office has no parent authority."),
            ),
        ]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class to use an index.
            models.Index(
                fields=["path"], name="authority_path_like", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level"]),
        ]

    def __str__(self):
        return self.name

    @property
    def depth(self):
        return self.path.count(PATH_SEPARATOR)

    def child_path(self, code):
        return f"{self.path}{code}{PATH_SEPARATOR}"

    def is_within(self, other):
        """True when this authority is `other` or lies below it."""
        return self.path.startswith(other.path)


class Agency(models.Model):
    """A participating agency of the leading groups (海关, 边检, 海事 …), with its validity.

    Agencies are reorganised from time to time: 出入境检验检疫 was merged into 海关 in 2018,
    which `valid_until` and `successor` record.
    """

    # The local governments' port management offices (地方政府口岸管理机构): they organise the
    # campaign and take no part in the advanced-unit evaluation (四(十一)).
    PORT_OFFICE = "PORT_OFFICE"

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="agency_validity_ordered",
                violation_error_message=_("The end of validity must not precede its start."),
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("pk")),
                name="agency_not_own_successor",
                violation_error_message=_("An agency cannot be its own successor."),
            ),
        ]

    def __str__(self):
        return self.name

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class LeadingGroup(models.Model):
    """The leading group (领导小组) an authority chairs; its office sits at the authority."""

    authority = models.OneToOneField(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        related_name="leading_group",
    )
    name = models.CharField(_("name"), max_length=150)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    agencies = models.ManyToManyField(
        Agency, through="LeadingGroupMember", related_name="leading_groups"
    )
    # The office (办公室) is the authority's own staff; these say who heads it and what it does.
    office_head = models.CharField(_("head of the office"), max_length=50, blank=True)
    office_head_post = models.CharField(_("post of the office head"), max_length=100, blank=True)
    office_duties = models.TextField(_("duties of the office"), blank=True)

    class Meta:
        verbose_name = _("leading group")
        verbose_name_plural = _("leading groups")

    def __str__(self):
        return self.name


class LeadingGroupMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead agency")
        MEMBER = "member", _("member agency")

    group = models.ForeignKey(
        LeadingGroup,
        verbose_name=_("leading group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # The person the agency sends to the group (成员), as the group's documents name them.
    representative = models.CharField(_("representative"), max_length=50, blank=True)
    representative_post = models.CharField(
        _("post of the representative"), max_length=100, blank=True
    )

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "agency"], name="leading_group_member_once"),
        ]

    def __str__(self):
        return f"{self.group} · {self.agency}"


MONTHS_ALL = (1 << 12) - 1


class Port(models.Model):
    """A legal port of entry (口岸)."""

    class Type(models.TextChoices):
        WATER = "water", _("water")
        LAND = "land", _("land")
        AIR = "air", _("air")

    class Subtype(models.TextChoices):
        SEA = "sea", _("sea")
        RIVER = "river", _("river")
        RAIL = "rail", _("rail")
        ROAD = "road", _("road")
        AIR = "air", _("air")

    class PortClass(models.TextChoices):
        FIRST = "first", _("class I")
        SECOND = "second", _("class II")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SEASONAL = "seasonal", _("seasonal")
        SUSPENDED = "suspended", _("suspended")
        CLOSED = "closed", _("closed")

    SUBTYPES_BY_TYPE = {
        Type.WATER: (Subtype.SEA, Subtype.RIVER),
        Type.LAND: (Subtype.RAIL, Subtype.ROAD),
        Type.AIR: (Subtype.AIR,),
    }

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    port_type = models.CharField(_("port type"), max_length=8, choices=Type.choices)
    subtype = models.CharField(_("subtype"), max_length=8, choices=Subtype.choices)
    port_class = models.CharField(
        _("class"), max_length=8, choices=PortClass.choices, default=PortClass.FIRST
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # Bit n-1 set = open in month n; only meaningful for seasonal ports.
    seasonal_months = models.PositiveSmallIntegerField(_("seasonal months"), default=0)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("port authority"),
        on_delete=models.PROTECT,
        related_name="ports",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("port")
        verbose_name_plural = _("ports")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(port_type="water") & Q(subtype__in=["sea", "river"]))
                | (Q(port_type="land") & Q(subtype__in=["rail", "road"]))
                | (Q(port_type="air") & Q(subtype="air")),
                name="port_subtype_matches_type",
                violation_error_message=_("The subtype does not belong to the port type."),
            ),
            models.CheckConstraint(
                condition=Q(seasonal_months__lte=MONTHS_ALL),
                name="port_seasonal_months_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="seasonal") | Q(seasonal_months__gt=0),
                name="port_seasonal_has_months",
                violation_error_message=_("A seasonal port needs the months it is open."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def months(self):
        return [m for m in range(1, 13) if self.seasonal_months & (1 << (m - 1))]

    @staticmethod
    def months_to_mask(months):
        mask = 0
        for month in months:
            mask |= 1 << (int(month) - 1)
        return mask


class Unit(models.Model):
    """A participating unit (参与单位) working at a port, owned by an authority."""

    class Category(models.TextChoices):
        FACILITY = "facility", _("facility management")
        INSPECTION = "inspection", _("inspection")
        OPERATION = "operation", _("operation and service")
        # Its own context: "other" as an activity's form is plain 其他.
        OTHER = "other", pgettext_lazy("unit category", "other")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT
    )
    port = models.ForeignKey(
        Port,
        verbose_name=_("port"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("owning authority"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_units",
    )
    office_phone = models.CharField(_("office telephone"), max_length=40, blank=True)
    office_address = models.CharField(_("office address"), max_length=200, blank=True)
    office_email = models.EmailField(_("office e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        ordering = ["code"]
        permissions = [("manage_unit", _("Can manage the unit's people and records"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="unit_not_own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
            ),
        ]
        indexes = [models.Index(fields=["authority", "name"])]

    def __str__(self):
        return self.name


class Person(models.Model):
    """A member of a unit's staff: only what an award dossier needs."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class PoliticalStatus(models.TextChoices):
        CPC = "cpc", _("CPC member")
        CYL = "cyl", _("Communist Youth League member")
        DEMOCRATIC = "democratic", _("democratic party member")
        MASSES = "masses", _("ordinary citizen")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("name in pinyin"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_on = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=12, choices=PoliticalStatus.choices, blank=True
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    joined_work_on = models.DateField(_("started work on"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["code"]
        indexes = [models.Index(fields=["unit", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_on__isnull=True)
                | Q(joined_work_on__isnull=True)
                | Q(joined_work_on__gt=models.F("birth_on")),
                name="person_work_after_birth",
                violation_error_message=_("The start of work must come after the date of birth."),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role at an authority or a unit. The permission itself is a guardian grant
    made by the same service; this row says which role the grant stands for."""

    class Role(models.TextChoices):
        NATIONAL_OFFICE = "national_office", _("national office")
        PROVINCIAL_OFFICER = "provincial_officer", _("provincial officer")
        PORT_OFFICER = "port_officer", _("port officer")
        UNIT_CONTACT = "unit_contact", _("unit contact")
        # A reviewer account of a province: grants no object permission (so no scope); review
        # panels offer these accounts as candidates.
        REVIEWER = "reviewer", _("reviewer")

    AUTHORITY_LEVEL_FOR_ROLE = {
        Role.NATIONAL_OFFICE: ("national",),
        Role.PROVINCIAL_OFFICER: ("provincial",),
        Role.PORT_OFFICER: ("port", "county"),
        Role.REVIEWER: ("national", "provincial"),
    }
    # Roles that stand for no guardian permission.
    ROLES_WITHOUT_PERMISSION = (Role.REVIEWER,)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    # The account-manager duty (分级管理): the holder manages the accounts and roles of the level
    # below within this authority; stands for the `manage_accounts` grant on the authority.
    manages_accounts = models.BooleanField(_("manages accounts"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="unit_contact") & Q(unit__isnull=False) & Q(authority__isnull=True)
                )
                | (~Q(role="unit_contact") & Q(unit__isnull=True) & Q(authority__isnull=False)),
                name="membership_target_matches_role",
                violation_error_message=_(
                    "A unit contact belongs to a unit; every other role to an authority."
                ),
            ),
            models.CheckConstraint(
                condition=Q(manages_accounts=False)
                | Q(role__in=["national_office", "provincial_officer", "port_officer"]),
                name="membership_duty_for_officers",
                violation_error_message=_("Only an officer of an authority manages accounts."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "authority"],
                condition=Q(authority__isnull=False),
                name="membership_once_per_authority",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="membership_once_per_unit",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.authority or self.unit}"


# Direct foreign keys for guardian's object permissions, so that scope queries join on integer
# keys instead of casting guardian's generic text object_pk.
class AuthorityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Authority, on_delete=models.CASCADE)


class AuthorityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Authority, on_delete=models.CASCADE)


class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

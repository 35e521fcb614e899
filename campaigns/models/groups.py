"""What a leading group (领导小组) does: its leader and deputies, its meetings (会议) and the
resolutions (决议) they adopt, with their files.

A resolution may approve something another app keeps: the award round's list of candidates
that the issuing authority's leading group reviews before the commendation decision. Such a
resolution names what it approves by a key the other app gives (`approves_key`) and keeps the
label it had then (`approves_label`), so campaigns never refers to the apps above it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisation import Agency, LeadingGroup
from civport.models import StoredFile

__all__ = [
    "LeadingGroupMeeting",
    "LeadingGroupOfficer",
    "LeadingGroupResolution",
    "ResolutionAttachment",
]


class LeadingGroupOfficer(models.Model):
    """The group's leader (组长) or one of its deputies (副组长)."""

    class Role(models.TextChoices):
        LEADER = "leader", _("leader")
        DEPUTY = "deputy", _("deputy leader")

    group = models.ForeignKey(
        LeadingGroup,
        verbose_name=_("leading group"),
        on_delete=models.CASCADE,
        related_name="officers",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("leader or deputy of a leading group")
        verbose_name_plural = _("leaders and deputies of leading groups")
        ordering = ["group", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="leader"),
                name="leading_group_one_leader",
                violation_error_message=_("A leading group has one leader."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class LeadingGroupMeeting(models.Model):
    """A meeting of the group: who attended, its agenda and minutes."""

    group = models.ForeignKey(
        LeadingGroup,
        verbose_name=_("leading group"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=150)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=150, blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=100, blank=True)
    agencies_present = models.ManyToManyField(
        Agency, verbose_name=_("member agencies present"), related_name="+", blank=True
    )
    attendees = models.TextField(_("attendees"), help_text=_("One person a line, with their post."))
    agenda = models.TextField(_("agenda"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("leading group meeting")
        verbose_name_plural = _("leading group meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["group", "-held_on"])]

    def __str__(self):
        return self.title


class LeadingGroupResolution(models.Model):
    """A resolution (决议) adopted at a meeting, numbered within it. Once recorded it is not
    changed: what it approved may have been acted on."""

    meeting = models.ForeignKey(
        LeadingGroupMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text of the resolution"))
    approves_key = models.CharField(_("approves"), max_length=60, blank=True, db_index=True)
    approves_label = models.CharField(_("approves"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="resolution_number_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(approves_key="") | ~Q(approves_label=""),
                name="resolution_approval_labelled",
            ),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.number}"


class ResolutionAttachment(StoredFile):
    """A file of a resolution (the approved list, the signed minutes), checked by content."""

    resolution = models.ForeignKey(
        LeadingGroupResolution,
        verbose_name=_("resolution"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="resolutions/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("resolution attachment")
        verbose_name_plural = _("resolution attachments")
        ordering = ["uploaded_at", "id"]

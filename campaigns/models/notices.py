"""Notices (通知公告) from one level of the hierarchy to the levels below it.

A notice is written as a draft by its sending authority and published once. Publication
resolves its audience into one `NoticeReceipt` per recipient authority or unit, so that the
sender's table of who has read and who has acknowledged is one query, and each recipient's
reading and acknowledgement is one row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.organisation import Authority, Unit
from civport.models import StoredFile

__all__ = [
    "Notice",
    "NoticeAttachment",
    "NoticeReceipt",
]


class Notice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Audience(models.TextChoices):
        # National office: all provinces; a province: all its port authorities.
        CHILDREN = "children", _("every authority one level below")
        # National office: chosen provinces; a province: chosen port authorities.
        CHOSEN = "chosen", _("chosen authorities one level below")
        # The participating units below the sender (a port authority: its units).
        UNITS = "units", _("participating units below")
        # Every authority and every participating unit below the sender.
        ALL_LEVELS = "all_levels", _("every authority and unit below")

    sender = models.ForeignKey(
        Authority,
        verbose_name=_("sending authority"),
        on_delete=models.PROTECT,
        related_name="notices_sent",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    # As printed on the notice, e.g. 署文明办〔2026〕3号.
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    issued_on = models.DateField(_("date of issue"))
    audience = models.CharField(_("recipients"), max_length=12, choices=Audience.choices)
    chosen = models.ManyToManyField(
        Authority,
        verbose_name=_("chosen authorities"),
        related_name="+",
        blank=True,
    )
    requires_acknowledgement = models.BooleanField(_("acknowledgement requested"), default=False)
    acknowledge_by = models.DateField(_("acknowledge by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="notice_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(requires_acknowledgement=False, acknowledge_by__isnull=True)
                | Q(requires_acknowledgement=True, acknowledge_by__isnull=False),
                name="notice_acknowledgement_has_date",
                violation_error_message=_("A notice that asks for acknowledgement needs a date."),
            ),
        ]
        indexes = [
            models.Index(fields=["sender", "status"], name="notice_sender_status"),
            models.Index(fields=["status", "acknowledge_by"], name="notice_status_ack_by"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class NoticeAttachment(StoredFile):
    """A file of a notice, checked by content when uploaded; fixed once the notice is out."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="notices/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["uploaded_at", "id"]


class NoticeReceipt(models.Model):
    """One recipient authority or unit of a published notice: when it was first read and
    acknowledged, and by whom. `path` is the recipient's authority path (a unit's owning
    authority's), copied at publication so that scoping a user's notices needs no join."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts"
    )
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    path = models.CharField(_("path"), max_length=255, editable=False)
    first_read_at = models.DateTimeField(_("first read at"), null=True, blank=True)
    first_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first read by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["notice", "path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(authority__isnull=False, unit__isnull=True)
                | Q(authority__isnull=True, unit__isnull=False),
                name="notice_receipt_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["notice", "authority"],
                condition=Q(authority__isnull=False),
                name="notice_receipt_once_per_authority",
            ),
            models.UniqueConstraint(
                fields=["notice", "unit"],
                condition=Q(unit__isnull=False),
                name="notice_receipt_once_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(first_read_at__isnull=False),
                name="notice_receipt_acknowledged_was_read",
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="notice_receipt_path_like", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"{self.notice} · {self.authority or self.unit}"

    @property
    def is_read(self):
        return self.first_read_at is not None

    @property
    def is_acknowledged(self):
        return self.acknowledged_at is not None

"""Writes of notices (通知公告) from one level to the levels below, and their reminders.

A notice is a draft of its sending authority until published; publishing resolves its audience
into one receipt per recipient authority or unit (as the hierarchy stands then) and tells the
recipients' people. A recipient's first reading is recorded once; a user who manages the
recipient acknowledges it (已阅). Every write is audited; texts are plain text with paragraphs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.access import can_send_from
from campaigns.models import Authority, Notice, NoticeAttachment, NoticeReceipt
from campaigns.scope import scope_for
from campaigns.selectors.notices import (
    AUDIENCES_BY_LEVEL,
    can_acknowledge,
    notice_recipient_users,
    notice_recipients,
    own_authority_ids,
    own_unit_ids,
)
from campaigns.services.filings import check_plain_text
from civport.audit import audit_record, diff, snapshot
from civport.notifications import local_today, notify
from civport.uploads import stored_file_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

# Recipients that have not acknowledged are reminded from this many days before the date.
NOTICE_REMIND_DAYS = 3
ATTACHMENTS_MAX = 20
NOTICE_FIELDS = (
    "title",
    "body",
    "document_number",
    "issued_on",
    "audience",
    "requires_acknowledgement",
    "acknowledge_by",
)
RECEIPT_BATCH = 1000


def _later(message: str, **params: object) -> Callable[[], str]:
    """A text `notify` renders in each recipient's language."""
    return lambda: _(message) % {k: str(v) for k, v in params.items()}


def _notice_url(notice: Notice) -> str:
    return reverse("campaigns:notice-detail", args=[notice.pk])


def _locked(notice: Notice) -> Notice:
    # Edits and publication of one notice are serialised: a second publisher finds it published.
    return Notice.objects.select_for_update().select_related("sender").get(pk=notice.pk)


def _check_sender(actor: User | None, sender: Authority) -> None:
    if actor is not None and not can_send_from(scope_for(actor), sender):
        raise ValidationError(
            _("You may only send notices of the authority you work at, to the levels below it.")
        )


def _clean(
    *,
    sender: Authority,
    title: str,
    body: str,
    document_number: str,
    issued_on: datetime.date | None,
    audience: str,
    chosen: Iterable[Authority] | None,
    requires_acknowledgement: bool,
    acknowledge_by: datetime.date | None,
) -> tuple[dict[str, Any], list[Authority]]:
    title, body = (title or "").strip(), (body or "").strip()
    document_number = (document_number or "").strip()
    errors = {}
    for name, value in (("title", title), ("body", body), ("issued_on", issued_on)):
        if not value:
            errors[name] = _("This field is required.")
    if audience not in AUDIENCES_BY_LEVEL.get(sender.level, ()):  # type: ignore[call-overload]
        errors["audience"] = _("%(sender)s cannot address this audience.") % {"sender": sender.name}
    chosen = list(chosen or [])
    if audience == Notice.Audience.CHOSEN:
        if not chosen:
            errors["chosen"] = _("Choose at least one authority.")
        elif any(a.parent_id != sender.pk for a in chosen):
            errors["chosen"] = _("A notice goes only to the authorities directly below its sender.")
    else:
        chosen = []
    if requires_acknowledgement and not acknowledge_by:
        errors["acknowledge_by"] = _("Give the date by which the notice is to be acknowledged.")
    if not requires_acknowledgement:
        acknowledge_by = None
    if acknowledge_by and issued_on and acknowledge_by < issued_on:
        errors["acknowledge_by"] = _("The acknowledgement cannot be due before the date of issue.")
    if errors:
        raise ValidationError(errors)
    check_plain_text(title=title, body=body, document_number=document_number)
    return {
        "title": title,
        "body": body,
        "document_number": document_number,
        "issued_on": issued_on,
        "audience": audience,
        "requires_acknowledgement": bool(requires_acknowledgement),
        "acknowledge_by": acknowledge_by,
    }, chosen


def _check_number_free(
    sender: Authority, document_number: str, *, exclude: Notice | None = None
) -> None:
    if not document_number:
        return
    taken = Notice.objects.filter(sender=sender, document_number=document_number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(
            {
                "document_number": _("%(sender)s has already used this document number.")
                % {"sender": sender.name}
            }
        )


@transaction.atomic
def notice_create(
    *,
    actor: User | None,
    sender: Authority,
    title: str,
    body: str,
    issued_on: datetime.date,
    audience: str,
    document_number: str = "",
    chosen: Iterable[Authority] = (),
    requires_acknowledgement: bool = False,
    acknowledge_by: datetime.date | None = None,
) -> Notice:
    """Write the draft of a notice of `sender` to the levels below it."""
    _check_sender(actor, sender)
    data, chosen = _clean(
        sender=sender,
        title=title,
        body=body,
        document_number=document_number,
        issued_on=issued_on,
        audience=audience,
        chosen=chosen,
        requires_acknowledgement=requires_acknowledgement,
        acknowledge_by=acknowledge_by,
    )
    _check_number_free(sender, data["document_number"])
    notice = Notice(sender=sender, created_by=actor, **data)
    notice.full_clean()
    notice.save()
    notice.chosen.set(chosen)
    audit_record(
        actor=actor,
        action="campaigns.notice.created",
        obj=notice,
        changes={
            "sender": sender.pk,
            **snapshot(notice, NOTICE_FIELDS),
            "chosen": sorted(a.pk for a in chosen),
        },
    )
    return notice


@transaction.atomic
def notice_update(
    *,
    actor: User | None,
    notice: Notice,
    title: str,
    body: str,
    issued_on: datetime.date,
    audience: str,
    document_number: str = "",
    chosen: Iterable[Authority] = (),
    requires_acknowledgement: bool = False,
    acknowledge_by: datetime.date | None = None,
) -> Notice:
    """Change a draft; a published notice stays as it was sent."""
    notice = _locked(notice)
    _check_sender(actor, notice.sender)
    if not notice.is_draft:
        raise ValidationError(_("This notice has been published and can no longer be changed."))
    data, chosen = _clean(
        sender=notice.sender,
        title=title,
        body=body,
        document_number=document_number,
        issued_on=issued_on,
        audience=audience,
        chosen=chosen,
        requires_acknowledgement=requires_acknowledgement,
        acknowledge_by=acknowledge_by,
    )
    _check_number_free(notice.sender, data["document_number"], exclude=notice)
    before = snapshot(notice, NOTICE_FIELDS)
    chosen_before = sorted(notice.chosen.values_list("pk", flat=True))
    for name, value in data.items():
        setattr(notice, name, value)
    changes = diff(before, notice, NOTICE_FIELDS)
    chosen_after = sorted(a.pk for a in chosen)
    if chosen_after != chosen_before:
        changes["chosen"] = [chosen_before, chosen_after]
        notice.chosen.set(chosen)
    if changes:
        notice.full_clean()
        notice.save(update_fields=[*data, "updated_at"])
        audit_record(actor=actor, action="campaigns.notice.updated", obj=notice, changes=changes)
    return notice


@transaction.atomic
def notice_attachment_add(
    *, actor: User | None, notice: Notice, upload: UploadedFile
) -> NoticeAttachment:
    """Attach a file (checked by content and size) to a draft."""
    notice = _locked(notice)
    _check_sender(actor, notice.sender)
    if not notice.is_draft:
        raise ValidationError({"file": _("This notice has been published; files cannot be added.")})
    if notice.attachments.count() >= ATTACHMENTS_MAX:
        raise ValidationError(
            {
                "file": _("A notice has at most %(max)s files; remove one first.")
                % {"max": ATTACHMENTS_MAX}
            }
        )
    return stored_file_add(
        NoticeAttachment,
        upload,
        field="file",
        actor=actor,
        action="campaigns.notice.attachment_added",
        obj=notice,
        pk_key="attachment",
        notice=notice,
    )


@transaction.atomic
def notice_attachment_remove(*, actor: User | None, attachment: NoticeAttachment) -> Notice:
    """Remove a file from a draft (the file goes once the removal is committed)."""
    notice = _locked(attachment.notice)
    _check_sender(actor, notice.sender)
    if not notice.is_draft:
        raise ValidationError(_("This notice has been published; files cannot be removed."))
    deleted, _rows = NoticeAttachment.objects.filter(pk=attachment.pk, notice=notice).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="campaigns.notice.attachment_removed",
            obj=notice,
            changes={"attachment": attachment.pk, "name": attachment.original_name},
        )
        stored = attachment.file
        transaction.on_commit(lambda: stored.delete(save=False))
    return notice


@transaction.atomic
def notice_publish(
    *, actor: User | None, notice: Notice, today: datetime.date | None = None
) -> Notice:
    """Publish a draft: one receipt per recipient authority and unit, a notification to their
    people, and no change afterwards."""
    today = today or local_today()
    notice = _locked(notice)
    _check_sender(actor, notice.sender)
    if not notice.is_draft:
        raise ValidationError(_("This notice has been published already."))
    if notice.requires_acknowledgement and notice.acknowledge_by < today:  # type: ignore[operator]
        raise ValidationError(
            {"acknowledge_by": _("The acknowledgement date has passed; choose a later one.")}
        )
    authorities, units = notice_recipients(notice)
    if not authorities and not units:
        raise ValidationError(_("Nobody would receive this notice: choose its recipients."))
    receipts = [NoticeReceipt(notice=notice, authority=a, path=a.path) for a in authorities] + [
        NoticeReceipt(notice=notice, unit=u, path=u.authority.path) for u in units
    ]
    NoticeReceipt.objects.bulk_create(receipts, batch_size=RECEIPT_BATCH)
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = timezone.now()
    notice.published_by = actor
    notice.recipient_count = len(receipts)
    notice.save(
        update_fields=["status", "published_at", "published_by", "recipient_count", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="campaigns.notice.published",
        obj=notice,
        changes={
            "status": [Notice.Status.DRAFT, Notice.Status.PUBLISHED],
            "authorities": [a.pk for a in authorities],
            "units": [u.pk for u in units],
        },
    )
    saved = NoticeReceipt.objects.filter(notice=notice).only("pk", "authority", "unit")
    users = {u.pk: u for group in notice_recipient_users(saved).values() for u in group}
    notify(
        users=users.values(),
        key=f"notice-published:{notice.pk}",
        title=_later(
            gettext_noop("Notice from %(sender)s: %(title)s"),
            sender=notice.sender.name,
            title=notice.title,
        ),
        body=notice.document_number,
        url=_notice_url(notice),
        today=today,
    )
    return notice


def notice_read(*, actor: User, notice: Notice) -> int:
    """Record the first reading of a published notice for each of the actor's own recipients
    that had not read it yet; returns how many were recorded (0 on every later visit)."""
    if notice.is_draft:
        return 0
    scope = scope_for(actor)
    authority_ids, unit_ids = own_authority_ids(scope), own_unit_ids(scope)
    if not authority_ids and not unit_ids:
        return 0
    own = Q(authority_id__in=authority_ids) | Q(unit_id__in=unit_ids)
    # Read outside a transaction: every visit asks, and only a first visit writes.
    unread = list(
        NoticeReceipt.objects.filter(own, notice=notice, first_read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not unread:
        return 0
    with transaction.atomic():
        # Conditional: of two readers at once, only the first is recorded.
        count = NoticeReceipt.objects.filter(pk__in=unread, first_read_at__isnull=True).update(
            first_read_at=timezone.now(), first_read_by=actor
        )
        if count:
            audit_record(
                actor=actor,
                action="campaigns.notice.read",
                obj=notice,
                changes={"receipts": unread},
            )
    return count


@transaction.atomic
def notice_acknowledge(*, actor: User, receipt: NoticeReceipt) -> NoticeReceipt:
    """Acknowledge (已阅) a notice for one recipient; the actor manages that recipient."""
    # Lock the receipt row only: of two managers acknowledging at once, the second is told.
    receipt = (
        NoticeReceipt.objects.select_for_update(of=("self",))
        .select_related("notice", "authority", "unit")
        .get(pk=receipt.pk)
    )
    if not can_acknowledge(scope_for(actor), receipt):
        raise ValidationError(_("Only a manager of the recipient may acknowledge this notice."))
    if receipt.notice.status != Notice.Status.PUBLISHED:
        raise ValidationError(_("This notice has not been published."))
    if receipt.is_acknowledged:
        raise ValidationError(_("This notice has been acknowledged already."))
    now = timezone.now()
    fields = ["acknowledged_at", "acknowledged_by"]
    if receipt.first_read_at is None:
        receipt.first_read_at, receipt.first_read_by = now, actor
        fields += ["first_read_at", "first_read_by"]
    receipt.acknowledged_at, receipt.acknowledged_by = now, actor
    receipt.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="campaigns.notice.acknowledged",
        obj=receipt.notice,
        changes={
            "receipt": receipt.pk,
            "authority": receipt.authority_id,
            "unit": receipt.unit_id,
        },
    )
    return receipt


# --- reminders (run daily by the beat task in campaigns.tasks) ---------------------------------


def notice_reminders_send(*, today: datetime.date) -> int:
    """Remind the people of every recipient that has not acknowledged a notice due within
    NOTICE_REMIND_DAYS days or overdue: one notice per user and notice a day (the engine's
    rule). Returns how many were sent."""
    pending = list(
        NoticeReceipt.objects.filter(
            notice__status=Notice.Status.PUBLISHED,
            notice__requires_acknowledgement=True,
            notice__acknowledge_by__lte=today + datetime.timedelta(days=NOTICE_REMIND_DAYS),
            acknowledged_at__isnull=True,
        )
        .select_related("notice", "notice__sender")
        .order_by("notice__acknowledge_by", "notice_id", "pk")
    )
    if not pending:
        return 0
    users_by_receipt = notice_recipient_users(pending)
    by_notice: dict[int, tuple[Notice, dict[int, User]]] = {}
    for receipt in pending:
        notice, users = by_notice.setdefault(receipt.notice_id, (receipt.notice, {}))
        for user in users_by_receipt[receipt.pk]:
            users[user.pk] = user
    sent = 0
    for notice, users in by_notice.values():
        overdue = notice.acknowledge_by < today  # type: ignore[operator]
        message = (
            gettext_noop("Overdue since %(date)s: acknowledge the notice %(title)s")
            if overdue
            else gettext_noop("Due on %(date)s: acknowledge the notice %(title)s")
        )
        sent += notify(
            users=users.values(),
            key=f"notice-unacknowledged:{notice.pk}",
            title=_later(message, date=notice.acknowledge_by.isoformat(), title=notice.title),  # type: ignore[union-attr]
            body=_later(gettext_noop("From %(sender)s"), sender=notice.sender.name),
            url=_notice_url(notice),
            today=today,
        )
    return sent

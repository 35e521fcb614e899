"""Writes of provincial filings and consultations, and their reminders.

Every transition locks its row, checks the state it starts from, writes one audit entry and
tells the other side through `civport.notifications.notify` (e-mail after commit). Texts are
plain text with line breaks: markup is refused with a message naming the field, and pages show
the text escaped.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.models import Authority, Consultation, Filing, FilingAttachment, FilingVersion
from campaigns.selectors.filings import (
    authority_office_users,
    filing_current_attachments,
    national_office_users,
    unit_contact_users,
)
from civport.audit import audit_record, diff, snapshot
from civport.notifications import local_today, notify
from civport.uploads import stored_file_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from campaigns.models import Unit

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A submitted filing unanswered this many days is brought to the national office's attention.
FILING_ANSWER_DAYS = 7
# An unanswered consultation due within this many days (or overdue) is recalled to its office.
CONSULTATION_REMIND_DAYS = 3
# A consultation is answered within this many days at most.
CONSULTATION_DUE_MAX_DAYS = 180
ATTACHMENTS_MAX = 20
FILING_FIELDS = ("title", "text")


def _later(message: str, **params: object) -> Callable[[], str]:
    """A text `notify` renders in each recipient's language."""
    return lambda: _(message) % {k: str(v) for k, v in params.items()}


def check_plain_text(**fields: str | None) -> None:
    """Refuse markup in plain-text fields, naming each field that has some."""
    errors = {
        name: _(
            "Write plain text: HTML tags and scripts (such as <script>) are not accepted. "
            "Line breaks are kept."
        )
        for name, value in fields.items()
        if value and nh3.is_html(value)
    }
    if errors:
        raise ValidationError(errors)


def _required(**fields: object) -> None:
    errors = {name: _("This field is required.") for name, value in fields.items() if not value}
    if errors:
        raise ValidationError(errors)


def _locked(filing: Filing) -> Filing:
    # Transitions of one filing are serialised: two officers (or an officer and the national
    # office) acting at once see each other's result instead of overwriting it.
    return Filing.objects.select_for_update().select_related("authority").get(pk=filing.pk)


def _from_publication_message() -> str:
    return _(
        "The assessment standard is filed by publishing the province's assessment scheme; "
        "it is not written here."
    )


def _require_written_here(filing: Filing) -> None:
    if filing.is_from_publication:
        raise ValidationError(_from_publication_message())


def _require_status(filing: Filing, allowed: Collection[str], message: str) -> None:
    if filing.status not in allowed:
        raise ValidationError(message)


def _filing_url(filing: Filing) -> str:
    return reverse("campaigns:filing-detail", args=[filing.pk])


# --- filings ----------------------------------------------------------------------------------


@transaction.atomic
def filing_create(
    *, actor: User | None, authority: Authority, kind: str, title: str, text: str = ""
) -> Filing:
    """Start the draft of one of a province's documents."""
    if authority.level != Authority.Level.PROVINCIAL:
        raise ValidationError(_("Only a provincial authority files documents."))
    if kind not in Filing.Kind.values:
        raise ValidationError({"kind": _("Choose one of the three documents.")})
    if kind in Filing.FROM_PUBLICATION:
        raise ValidationError(_from_publication_message())
    title, text = (title or "").strip(), text or ""
    _required(title=title)
    check_plain_text(title=title, text=text)
    if Filing.objects.filter(authority=authority, kind=kind).exists():
        raise ValidationError(
            _("%(province)s already has a filing for the %(kind)s; open it to change it.")
            % {"province": authority.name, "kind": Filing.Kind(kind).label}
        )
    filing = Filing(authority=authority, kind=kind, title=title, text=text, created_by=actor)
    filing.full_clean()
    filing.save()
    audit_record(
        actor=actor,
        action="campaigns.filing.created",
        obj=filing,
        changes={"authority": authority.pk, "kind": kind, **snapshot(filing, FILING_FIELDS)},
    )
    return filing


@transaction.atomic
def filing_update(*, actor: User | None, filing: Filing, title: str, text: str) -> Filing:
    """Change the working text of a draft or a returned filing."""
    filing = _locked(filing)
    _require_written_here(filing)
    _require_status(
        filing,
        Filing.EDITABLE,
        _("This filing is with the national office and cannot be changed now."),
    )
    title, text = (title or "").strip(), text or ""
    _required(title=title)
    check_plain_text(title=title, text=text)
    before = snapshot(filing, FILING_FIELDS)
    filing.title, filing.text = title, text
    changes = diff(before, filing, FILING_FIELDS)
    if changes:
        filing.full_clean()
        filing.save(update_fields=["title", "text", "updated_at"])
        audit_record(actor=actor, action="campaigns.filing.updated", obj=filing, changes=changes)
    return filing


@transaction.atomic
def filing_attachment_add(
    *, actor: User | None, filing: Filing, upload: UploadedFile
) -> FilingAttachment:
    """Attach a file (checked by content and size) to a draft or returned filing."""
    filing = _locked(filing)
    _require_written_here(filing)
    _require_status(
        filing,
        Filing.EDITABLE,
        _("This filing is with the national office; files cannot be added now."),
    )
    if filing_current_attachments(filing).count() >= ATTACHMENTS_MAX:
        raise ValidationError(
            {
                "file": _("A filing has at most %(max)s files; remove one first.")
                % {"max": ATTACHMENTS_MAX}
            }
        )
    return stored_file_add(
        FilingAttachment,
        upload,
        field="file",
        actor=actor,
        action="campaigns.filing.attachment_added",
        obj=filing,
        pk_key="attachment",
        filing=filing,
    )


@transaction.atomic
def filing_attachment_remove(*, actor: User | None, attachment: FilingAttachment) -> Filing:
    """Take a file out of the working set. The row and the file stay for the versions that
    list it."""
    filing = _locked(attachment.filing)
    _require_written_here(filing)
    _require_status(
        filing,
        Filing.EDITABLE,
        _("This filing is with the national office; files cannot be removed now."),
    )
    updated = FilingAttachment.objects.filter(
        pk=attachment.pk, filing=filing, removed_at__isnull=True
    ).update(removed_at=timezone.now())
    if updated:
        audit_record(
            actor=actor,
            action="campaigns.filing.attachment_removed",
            obj=filing,
            changes={"attachment": attachment.pk, "name": attachment.original_name},
        )
    return filing


@transaction.atomic
def filing_submit(*, actor: User, filing: Filing) -> Filing:
    """Send the working text and files to the national office as a new version."""
    filing = _locked(filing)
    _require_written_here(filing)
    _require_status(
        filing,
        Filing.EDITABLE,
        _("This filing has been submitted already and awaits the national office's answer.")
        if filing.is_waiting
        else _("This filing has been acknowledged; it cannot be submitted again."),
    )
    if not filing.text.strip():
        raise ValidationError({"text": _("Write the document's text before submitting it.")})
    now = timezone.now()
    version = FilingVersion.objects.create(
        filing=filing,
        number=filing.version_count + 1,
        title=filing.title,
        text=filing.text,
        submitted_by=actor,
        submitted_at=now,
    )
    attachments = list(filing_current_attachments(filing))
    version.attachments.set(attachments)
    previous = filing.status
    filing.status = (
        Filing.Status.SUBMITTED if previous == Filing.Status.DRAFT else Filing.Status.RESUBMITTED
    )
    filing.version_count = version.number
    filing.submitted_at = now
    filing.answered_at = None
    filing.save(
        update_fields=["status", "version_count", "submitted_at", "answered_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="campaigns.filing.submitted",
        obj=filing,
        changes={
            "status": [previous, filing.status],
            "version": version.number,
            "attachments": [a.pk for a in attachments],
        },
    )
    notify(
        users=national_office_users(),
        key=f"filing-submitted:{version.pk}",
        title=_later(
            gettext_noop("%(province)s submitted its %(kind)s (version %(number)s)"),
            province=filing.authority.name,
            kind=Filing.Kind(filing.kind).label,
            number=version.number,
        ),
        body=filing.title,
        url=_filing_url(filing),
    )
    return filing


@transaction.atomic
def filing_publication_record(
    *,
    actor: User | None,
    authority: Authority,
    kind: str,
    title: str,
    text: str,
    source_url: str = "",
    warnings: Sequence[str] = (),
) -> FilingVersion:
    """File a document the province has just published elsewhere in the portal (its
    assessment scheme is its assessment standard): the publication is the next version of the
    province's one filing of that kind, whatever the national office said of the last one.

    Called by the publishing service inside its own transaction, so the publication and its
    filing are written together or not at all. The document is in force already; the national
    office acknowledges it or comments on it, and its answer never takes it out of force."""
    if authority.level != Authority.Level.PROVINCIAL:
        raise ValidationError(_("Only a provincial authority files documents."))
    if kind not in Filing.FROM_PUBLICATION:
        raise ValueError(f"{kind} is filed by submitting its text, not by a publication")
    filing = (
        Filing.objects.select_for_update()
        .select_related("authority")
        .filter(authority=authority, kind=kind)
        .first()
    )
    if filing is None:
        filing = Filing(authority=authority, kind=kind, title=title[:200], created_by=actor)
    now = timezone.now()
    previous = filing.status
    filing.title, filing.text = title[:200], text
    filing.status = (
        Filing.Status.SUBMITTED if filing.version_count == 0 else Filing.Status.RESUBMITTED
    )
    filing.version_count += 1
    filing.submitted_at = now
    filing.answered_at = None
    # The system publishes too (an import, the demo): the filing then has no author.
    filing.full_clean(exclude=["created_by"])
    filing.save()
    version = FilingVersion.objects.create(
        filing=filing,
        number=filing.version_count,
        title=filing.title,
        text=text,
        submitted_by=actor,
        submitted_at=now,
        source_url=source_url,
        warnings="\n".join(warnings),
    )
    audit_record(
        actor=actor,
        action="campaigns.filing.published",
        obj=filing,
        changes={
            "status": [previous, filing.status],
            "version": version.number,
            "source": source_url,
            "warnings": list(warnings),
        },
    )
    notify(
        users=national_office_users(),
        key=f"filing-submitted:{version.pk}",
        title=_later(
            gettext_noop("%(province)s published its %(kind)s (version %(number)s)"),
            province=filing.authority.name,
            kind=Filing.Kind(filing.kind).label,
            number=version.number,
        ),
        body=version.warnings or filing.title,
        url=_filing_url(filing),
    )
    return version


def _answer(
    *,
    actor: User,
    filing: Filing,
    outcome: str,
    status: str,
    comments: str,
    action: str,
    message: str,
) -> Filing:
    filing = _locked(filing)
    _require_status(
        filing,
        Filing.WAITING,
        _("This filing is not awaiting an answer; it may have been answered already."),
    )
    version = FilingVersion.objects.select_for_update().get(
        filing=filing, number=filing.version_count
    )
    now = timezone.now()
    version.outcome = outcome
    version.comments = comments
    version.answered_by = actor
    version.answered_at = now
    version.full_clean()
    version.save(update_fields=["outcome", "comments", "answered_by", "answered_at"])
    previous = filing.status
    filing.status = status
    filing.answered_at = now
    filing.save(update_fields=["status", "answered_at", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=filing,
        changes={"status": [previous, status], "version": version.number, "comments": comments},
    )
    officers = authority_office_users(filing.authority)
    notify(
        users=[u for u in officers if u.pk != actor.pk],
        key=f"filing-answered:{version.pk}",
        title=_later(
            message,
            kind=Filing.Kind(filing.kind).label,
            number=version.number,
        ),
        body=comments,
        url=_filing_url(filing),
    )
    return filing


@transaction.atomic
def filing_acknowledge(*, actor: User, filing: Filing, comments: str = "") -> Filing:
    """The national office acknowledges the submitted version."""
    check_plain_text(comments=comments)
    return _answer(
        actor=actor,
        filing=filing,
        outcome=FilingVersion.Outcome.ACKNOWLEDGED,
        status=Filing.Status.ACKNOWLEDGED,
        comments=(comments or "").strip(),
        action="campaigns.filing.acknowledged",
        message=gettext_noop("The national office acknowledged your %(kind)s (version %(number)s)"),
    )


@transaction.atomic
def filing_return(*, actor: User, filing: Filing, comments: str) -> Filing:
    """The national office returns the submitted version with comments for a resubmission.

    A document filed by its publication stays in force: the comments go back to the province,
    which may publish a new version."""
    comments = (comments or "").strip()
    _required(comments=comments)
    check_plain_text(comments=comments)
    message = (
        gettext_noop(
            "The national office commented on your %(kind)s (version %(number)s); it stays "
            "in force, and you may publish a new version"
        )
        if filing.is_from_publication
        else gettext_noop(
            "The national office returned your %(kind)s (version %(number)s) with comments"
        )
    )
    return _answer(
        actor=actor,
        filing=filing,
        outcome=FilingVersion.Outcome.RETURNED,
        status=Filing.Status.RETURNED,
        comments=comments,
        action="campaigns.filing.returned",
        message=message,
    )


# --- consultations ----------------------------------------------------------------------------


def _consultation_url(consultation: Consultation) -> str:
    return reverse("campaigns:consultation-detail", args=[consultation.pk])


@transaction.atomic
def consultation_ask(
    *,
    actor: User,
    unit: Unit,
    title: str,
    reasons: str,
    due_on: datetime.date,
    awarding_body: str = "",
    today: datetime.date | None = None,
) -> Consultation:
    """A unit asks its authority's leading group office for its opinion on applying for a
    title; the office answers by `due_on`."""
    today = today or local_today()
    title, reasons = (title or "").strip(), (reasons or "").strip()
    awarding_body = (awarding_body or "").strip()
    _required(title=title, reasons=reasons, due_on=due_on)
    check_plain_text(title=title, reasons=reasons, awarding_body=awarding_body)
    if due_on <= today:
        raise ValidationError({"due_on": _("The answer must be due after today.")})
    if due_on > today + datetime.timedelta(days=CONSULTATION_DUE_MAX_DAYS):
        raise ValidationError(
            {
                "due_on": _("The answer must be due within %(days)s days.")
                % {"days": CONSULTATION_DUE_MAX_DAYS}
            }
        )
    if not unit.is_active:
        raise ValidationError({"unit": _("This unit is no longer active.")})
    if Consultation.objects.filter(
        unit=unit, title=title, status=Consultation.Status.PENDING
    ).exists():
        raise ValidationError(
            {"title": _("This unit already has an unanswered consultation for this title.")}
        )
    consultation = Consultation(
        unit=unit,
        authority=unit.authority,
        title=title,
        awarding_body=awarding_body,
        reasons=reasons,
        due_on=due_on,
        asked_by=actor,
    )
    consultation.full_clean()
    consultation.save()
    audit_record(
        actor=actor,
        action="campaigns.consultation.asked",
        obj=consultation,
        changes={
            "unit": unit.pk,
            "authority": unit.authority_id,
            "title": title,
            "due_on": due_on,
        },
    )
    notify(
        users=[u for u in authority_office_users(unit.authority) if u.pk != actor.pk],
        key=f"consultation-asked:{consultation.pk}",
        title=_later(
            gettext_noop("%(unit)s asks for your opinion on applying for %(title)s"),
            unit=unit.name,
            title=title,
        ),
        body=_later(gettext_noop("Answer due on %(date)s."), date=due_on.isoformat()),
        url=_consultation_url(consultation),
    )
    return consultation


def _next_reference(authority: Authority, year: int) -> int:
    # Lock the authority row so two answers of one office never take the same number; the
    # unique constraint (authority, year, number) backs this up.
    Authority.objects.select_for_update().filter(pk=authority.pk).first()
    last = Consultation.objects.filter(authority=authority, reference_year=year).aggregate(
        n=Max("reference_number")
    )["n"]
    return (last or 0) + 1


@transaction.atomic
def consultation_answer(
    *, actor: User, consultation: Consultation, agrees: bool, remarks: str = ""
) -> Consultation:
    """The office agrees or disagrees (with remarks); the answer gets its reference number."""
    remarks = (remarks or "").strip()
    check_plain_text(remarks=remarks)
    if not agrees and not remarks:
        raise ValidationError({"remarks": _("Say why the office disagrees.")})
    consultation = (
        Consultation.objects.select_for_update()
        .select_related("authority", "unit")
        .get(pk=consultation.pk)
    )
    if not consultation.is_pending:
        raise ValidationError(_("This consultation has been answered already."))
    now = timezone.now()
    year = now.astimezone(SHANGHAI).year
    authority = consultation.authority
    number = _next_reference(authority, year)
    consultation.status = Consultation.Status.AGREED if agrees else Consultation.Status.DISAGREED
    consultation.remarks = remarks
    consultation.answered_by = actor
    consultation.answered_at = now
    consultation.reference_year = year
    consultation.reference_number = number
    consultation.reference = f"{authority.short_name or authority.name}〔{year}〕{number}号"
    consultation.full_clean()
    consultation.save(
        update_fields=[
            "status",
            "remarks",
            "answered_by",
            "answered_at",
            "reference_year",
            "reference_number",
            "reference",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="campaigns.consultation.answered",
        obj=consultation,
        changes={
            "status": ["pending", consultation.status],
            "remarks": remarks,
            "reference": consultation.reference,
        },
    )
    recipients = {u.pk: u for u in unit_contact_users(consultation.unit)}
    recipients.setdefault(consultation.asked_by_id, consultation.asked_by)
    recipients.pop(actor.pk, None)
    notify(
        users=recipients.values(),
        key=f"consultation-answered:{consultation.pk}",
        title=_later(
            gettext_noop("%(office)s answered your consultation on %(title)s: %(answer)s"),
            office=authority.name,
            title=consultation.title,
            answer=consultation.get_status_display(),
        ),
        body=remarks,
        url=_consultation_url(consultation),
    )
    return consultation


# --- reminders (run daily by the beat tasks in campaigns.tasks) --------------------------------


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)


def filing_reminders_send(*, today: datetime.date) -> int:
    """Remind the national office of filings submitted FILING_ANSWER_DAYS days ago or more
    and still unanswered: one notice per filing and user a day. Returns how many were sent."""
    before = _start_of(today - datetime.timedelta(days=FILING_ANSWER_DAYS - 1))
    waiting = list(
        Filing.objects.filter(status__in=Filing.WAITING, submitted_at__lt=before)
        .select_related("authority")
        .order_by("submitted_at", "pk")
    )
    if not waiting:
        return 0
    users = list(national_office_users())
    sent = 0
    for filing in waiting:
        days = (today - filing.submitted_at.astimezone(SHANGHAI).date()).days  # type: ignore[union-attr]
        sent += notify(
            users=users,
            key=f"filing-unanswered:{filing.pk}:{filing.version_count}",
            title=_later(
                gettext_noop("%(province)s's %(kind)s has waited %(days)s days for your answer"),
                province=filing.authority.name,
                kind=Filing.Kind(filing.kind).label,
                days=days,
            ),
            body=filing.title,
            url=_filing_url(filing),
            today=today,
        )
    return sent


def consultation_reminders_send(*, today: datetime.date) -> int:
    """Remind each office of its unanswered consultations due within
    CONSULTATION_REMIND_DAYS days or overdue: one notice per consultation and user a day.
    Returns how many were sent."""
    pending = list(
        Consultation.objects.filter(
            status=Consultation.Status.PENDING,
            due_on__lte=today + datetime.timedelta(days=CONSULTATION_REMIND_DAYS),
        )
        .select_related("unit", "authority")
        .order_by("due_on", "pk")
    )
    office_users = {}
    sent = 0
    for consultation in pending:
        authority = consultation.authority
        if authority.pk not in office_users:
            office_users[authority.pk] = authority_office_users(authority)
        overdue = consultation.due_on < today
        message = (
            gettext_noop("Overdue since %(date)s: the consultation of %(unit)s on %(title)s")
            if overdue
            else gettext_noop("Due on %(date)s: the consultation of %(unit)s on %(title)s")
        )
        sent += notify(
            users=office_users[authority.pk],
            key=f"consultation-unanswered:{consultation.pk}",
            title=_later(
                message,
                date=consultation.due_on.isoformat(),
                unit=consultation.unit.name,
                title=consultation.title,
            ),
            url=_consultation_url(consultation),
            today=today,
        )
    return sent

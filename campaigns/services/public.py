"""Writes for what the public sends to a port: feedback items and survey answers, and the port
authority's handling of them (answers, status changes, survey building, invitations).

Public writes have no actor (the audit entry still records the address the request came from).
Every text the public or an officer types is reduced to plain text with nh3 before it is stored,
so nothing stored can carry markup; templates then escape it as usual.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    Feedback,
    Survey,
    SurveyDimension,
    SurveyGroup,
    SurveyInvitation,
    SurveyRating,
    SurveyResponse,
)
from campaigns.models.public import SCALE_MAX, SCALE_MIN
from civport.audit import audit_record, snapshot
from civport.text import plain_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model

    from campaigns.models import Agency, Port

_M = TypeVar("_M", bound="Model")

# Codes people may have to read out or type: no 0/O, 1/I/L. 16 characters of 31 ≈ 79 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_CODE_LENGTH = 16
LINK_CODE_BYTES = 16  # secrets.token_urlsafe → 22 characters
INVITATIONS_MAX = 1000
FEEDBACK_TEXT_MAX = 5000
SURVEY_FIELDS = ("port", "title", "introduction", "period_start", "period_end", "mode")


# --- helpers ----------------------------------------------------------------------------------


def normalise_code(code: str | None) -> str:
    """A tracking code as typed (any case, spaces or dashes) in its stored form."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def tracking_hash(code: str | None) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX, easier to read out."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(TRACKING_CODE_LENGTH))


def new_link_code() -> str:
    return secrets.token_urlsafe(LINK_CODE_BYTES)


def _locked(model: type[_M], pk: int) -> _M:
    # Locked so that two officers acting on one item at once apply their changes one by one.
    return model.objects.select_for_update().get(pk=pk)  # type: ignore[attr-defined,no-any-return]


# --- feedback ---------------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *, port: Port, kind: str, text: str, name: str = "", contact: str = ""
) -> tuple[Feedback, str]:
    """Store a suggestion or complaint from the public; returns (item, tracking code). The
    code is shown once to the submitter and only its hash is kept."""
    text = plain_text(text)
    errors = {}
    if not text:
        errors["text"] = _("Please describe your suggestion or complaint.")
    elif len(text) > FEEDBACK_TEXT_MAX:
        errors["text"] = _("Please keep the text under %(max)s characters.") % {
            "max": FEEDBACK_TEXT_MAX
        }
    if errors:
        raise ValidationError(errors)
    for _attempt in range(3):
        code = new_tracking_code()
        item = Feedback(
            port=port,
            kind=kind,
            text=text,
            name=plain_text(name),
            contact=plain_text(contact),
            tracking_hash=tracking_hash(code),
        )
        item.full_clean()
        try:
            # A savepoint, so that the vanishingly rare repeated code can be retried.
            with transaction.atomic():
                item.save()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - three 79-bit collisions in a row
        raise RuntimeError("no free tracking code")
    audit_record(
        actor=None,
        action="campaigns.feedback.submitted",
        obj=item,
        changes={"port": port.pk, "kind": kind, "anonymous": not item.name},
    )
    return item, code


def _feedback_change(
    actor: User | None, item: Feedback, action: str, fields: Sequence[str], changes: dict[str, Any]
) -> Feedback:
    item.full_clean()
    item.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=action, obj=item, changes=changes)
    return item


@transaction.atomic
def feedback_start(*, actor: User | None, feedback: Feedback) -> Feedback:
    """Received → in progress: an officer has taken the item up."""
    item = _locked(Feedback, feedback.pk)
    if item.status != Feedback.Status.RECEIVED:
        raise ValidationError(_("Only a received item can be taken up."))
    item.status = Feedback.Status.IN_PROGRESS
    return _feedback_change(
        actor,
        item,
        "campaigns.feedback.started",
        ["status"],
        {"status": [Feedback.Status.RECEIVED, Feedback.Status.IN_PROGRESS]},
    )


@transaction.atomic
def feedback_answer(*, actor: User | None, feedback: Feedback, answer: str) -> Feedback:
    """Give (or revise) the answer the submitter sees; the item becomes answered."""
    item = _locked(Feedback, feedback.pk)
    if item.status == Feedback.Status.CLOSED:
        raise ValidationError(_("A closed item cannot be answered."))
    answer = plain_text(answer)
    if not answer:
        raise ValidationError({"answer": _("Please write the answer.")})
    before = snapshot(item, ("status", "answer"))
    item.status = Feedback.Status.ANSWERED
    item.answer = answer
    item.answered_at = timezone.now()
    item.answered_by = actor
    return _feedback_change(
        actor,
        item,
        "campaigns.feedback.answered",
        ["status", "answer", "answered_at", "answered_by"],
        {"status": [before["status"], item.status], "answer": [before["answer"], answer]},
    )


@transaction.atomic
def feedback_close(*, actor: User | None, feedback: Feedback, reason: str = "") -> Feedback:
    """Close an item. An item closed without an answer needs a reason, shown to the
    submitter."""
    item = _locked(Feedback, feedback.pk)
    if item.status == Feedback.Status.CLOSED:
        raise ValidationError(_("This item is already closed."))
    reason = plain_text(reason)
    if not reason and not item.answer:
        raise ValidationError(
            {"reason": _("Please give the submitter a reason for closing without an answer.")}
        )
    before = item.status
    item.status = Feedback.Status.CLOSED
    item.close_reason = reason
    item.closed_at = timezone.now()
    return _feedback_change(
        actor,
        item,
        "campaigns.feedback.closed",
        ["status", "close_reason", "closed_at"],
        {"status": [before, item.status], "close_reason": reason},
    )


def feedback_contact_viewed(*, actor: User | None, feedback: Feedback) -> None:
    """Record that an officer outside the port's authority read a visitor's whole contact."""
    audit_record(actor=actor, action="campaigns.feedback.contact_viewed", obj=feedback, changes={})


# --- surveys: building ------------------------------------------------------------------------


def _names(values: Iterable[str], field: str) -> list[str]:
    """Clean, de-duplicated names in the order given; an error on `field` when none."""
    seen, names = set(), []
    for value in values:
        name = plain_text(value)
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError(
                {field: _("“%(name)s” is longer than 50 characters.") % {"name": name[:60]}}
            )
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _survey_parts(
    groups: Iterable[str], dimensions: Iterable[str], agencies: Sequence[Agency]
) -> tuple[list[str], list[str]]:
    groups = _names(groups, "groups")
    dimensions = _names(dimensions, "dimensions")
    errors = {}
    if not groups:
        errors["groups"] = _("Name at least one respondent group.")
    if not dimensions:
        errors["dimensions"] = _("Name at least one dimension.")
    if not agencies:
        errors["agencies"] = _("Choose at least one agency to rate.")
    if errors:
        raise ValidationError(errors)
    return groups, dimensions


def _survey_write_parts(
    survey: Survey, groups: Sequence[str], dimensions: Sequence[str], agencies: Sequence[Agency]
) -> None:
    SurveyGroup.objects.bulk_create(
        SurveyGroup(survey=survey, name=name, order=i) for i, name in enumerate(groups, 1)
    )
    SurveyDimension.objects.bulk_create(
        SurveyDimension(survey=survey, name=name, order=i) for i, name in enumerate(dimensions, 1)
    )
    survey.agencies.set(agencies)


@transaction.atomic
def survey_create(
    *,
    actor: User | None,
    port: Port,
    title: str,
    period_start: date,
    period_end: date,
    mode: str,
    groups: Iterable[str],
    dimensions: Iterable[str],
    agencies: Sequence[Agency],
    introduction: str = "",
) -> Survey:
    """A draft survey with its respondent groups, dimensions and rated agencies."""
    groups, dimensions = _survey_parts(groups, dimensions, agencies)
    survey = Survey(
        port=port,
        title=plain_text(title),
        introduction=plain_text(introduction),
        period_start=period_start,
        period_end=period_end,
        mode=mode,
        public_code=new_link_code(),
    )
    survey.full_clean()
    survey.save()
    _survey_write_parts(survey, groups, dimensions, agencies)
    audit_record(
        actor=actor,
        action="campaigns.survey.created",
        obj=survey,
        changes={
            **snapshot(survey, SURVEY_FIELDS),
            "groups": groups,
            "dimensions": dimensions,
            "agencies": sorted(a.pk for a in agencies),
        },
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User | None,
    survey: Survey,
    title: str,
    period_start: date,
    period_end: date,
    mode: str,
    groups: Iterable[str],
    dimensions: Iterable[str],
    agencies: Sequence[Agency],
    introduction: str = "",
) -> Survey:
    """Change a survey while it is a draft (no answers can exist yet); the groups and
    dimensions are replaced by the lists given. Its port stays."""
    survey = _locked(Survey, survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Only a draft survey can be changed."))
    groups, dimensions = _survey_parts(groups, dimensions, agencies)
    survey.title = plain_text(title)
    survey.introduction = plain_text(introduction)
    survey.period_start = period_start
    survey.period_end = period_end
    survey.mode = mode
    survey.full_clean()
    survey.save(
        update_fields=["title", "introduction", "period_start", "period_end", "mode", "updated_at"]
    )
    survey.groups.all().delete()
    survey.dimensions.all().delete()
    _survey_write_parts(survey, groups, dimensions, agencies)
    audit_record(
        actor=actor,
        action="campaigns.survey.updated",
        obj=survey,
        changes={
            **snapshot(survey, SURVEY_FIELDS),
            "groups": groups,
            "dimensions": dimensions,
            "agencies": sorted(a.pk for a in agencies),
        },
    )
    return survey


@transaction.atomic
def survey_open(*, actor: User | None, survey: Survey) -> Survey:
    """Draft → open: the survey takes answers (within its period) and can no longer change."""
    survey = _locked(Survey, survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Only a draft survey can be opened."))
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="campaigns.survey.opened",
        obj=survey,
        changes={"status": ["draft", "open"]},
    )
    return survey


@transaction.atomic
def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    """Open → closed: no more answers."""
    survey = _locked(Survey, survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="campaigns.survey.closed",
        obj=survey,
        changes={"status": ["open", "closed"]},
    )
    return survey


@transaction.atomic
def survey_invitations_create(
    *, actor: User | None, survey: Survey, count: int
) -> list[SurveyInvitation]:
    """`count` new single-use invitation codes for a survey answered by invitation."""
    if survey.mode != Survey.Mode.INVITATION:
        raise ValidationError(_("This survey is answered through its open link, not invitations."))
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError(_("A closed survey takes no more answers."))
    if not 1 <= count <= INVITATIONS_MAX:
        raise ValidationError(
            {
                "count": _("Create between 1 and %(max)s invitations at a time.")
                % {"max": INVITATIONS_MAX}
            }
        )
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(survey=survey, code=new_link_code()) for _i in range(count)
    )
    audit_record(
        actor=actor,
        action="campaigns.survey.invitations_created",
        obj=survey,
        changes={"count": count},
    )
    return invitations


# --- surveys: answering -----------------------------------------------------------------------


def survey_refusal(
    survey: Survey, *, today: date, invitation: SurveyInvitation | None = None
) -> str | None:
    """Why the survey cannot be answered now (a message for the respondent), or None."""
    if survey.status == Survey.Status.DRAFT:
        return _("This survey is not open yet.")
    if survey.status == Survey.Status.CLOSED:
        return _("This survey is closed. Thank you for your interest.")
    if today < survey.period_start:
        return _("This survey opens on %(date)s.") % {"date": survey.period_start.isoformat()}
    if today > survey.period_end:
        return _("This survey ended on %(date)s. Thank you for your interest.") % {
            "date": survey.period_end.isoformat()
        }
    if invitation is not None and invitation.used_at is not None:
        return _(
            "This invitation has already been used to answer the survey. Each invitation "
            "answers once."
        )
    return None


@transaction.atomic
def survey_answer_submit(
    *,
    survey: Survey,
    group: SurveyGroup,
    scores: Mapping[tuple[int, int], int],
    comment: str = "",
    invitation: SurveyInvitation | None = None,
    today: date | None = None,
) -> SurveyResponse:
    """Store one respondent's answer. `scores` maps (agency id, dimension id) to a score from
    1 to 5; cells left out were not rated. With an invitation, the invitation is used up in the
    same transaction; its one-to-one key on the answer refuses a second answer even if two
    arrive at once."""
    today = today or timezone.localdate()
    # As stored now: the survey may have been closed since the caller read it.
    survey = Survey.objects.get(pk=survey.pk)
    if invitation is not None:
        # Locked so that two answers sent at once with one code are decided one after the other.
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.survey_id != survey.pk:
            raise ValidationError(_("This invitation belongs to another survey."))
    elif survey.mode == Survey.Mode.INVITATION:
        raise ValidationError(_("This survey is answered through a personal invitation link."))
    refusal = survey_refusal(survey, today=today, invitation=invitation)
    if refusal:
        raise ValidationError(refusal, code="refused")
    if group.survey_id != survey.pk:
        raise ValidationError({"group": _("Choose one of the survey's respondent groups.")})
    agency_ids = set(survey.agencies.values_list("pk", flat=True))
    dimension_ids = set(survey.dimensions.values_list("pk", flat=True))
    cleaned = {}
    for (agency_id, dimension_id), score in scores.items():
        if agency_id not in agency_ids or dimension_id not in dimension_ids:
            raise ValidationError(_("A rating does not belong to this survey."))
        if score is None:
            continue
        if not SCALE_MIN <= score <= SCALE_MAX:
            raise ValidationError(_("A score runs from 1 to 5."))
        cleaned[(agency_id, dimension_id)] = score
    if not cleaned:
        raise ValidationError(_("Please rate at least one agency on one dimension."))
    comment = plain_text(comment)
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Please keep the comment under 2000 characters.")})
    response = SurveyResponse.objects.create(
        survey=survey, group=group, invitation=invitation, comment=comment
    )
    SurveyRating.objects.bulk_create(
        SurveyRating(response=response, agency_id=a, dimension_id=d, score=s)
        for (a, d), s in cleaned.items()
    )
    if invitation is not None:
        invitation.used_at = response.submitted_at
        invitation.save(update_fields=["used_at"])
    audit_record(
        actor=None,
        action="campaigns.survey_response.submitted",
        obj=response,
        changes={
            "survey": survey.pk,
            "group": group.pk,
            "ratings": len(cleaned),
            "invitation": invitation.pk if invitation else None,
        },
    )
    return response

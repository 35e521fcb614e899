"""Writes to nominations: creating one, its dossier (deeds, veto declarations, evidence),
submission with the first opinion, and withdrawal.

Who nominates whom follows DESIGN §4 and §6 (see `awards.access`): a port officer puts up the
open ports, active units and active people of their area; a provincial officer (for their
province) or the national office puts up provincial and port authorities as organizers. The
database keeps one nomination per nominee per round; the service says so first, and says the
same when two nominators race past that check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from assessments.models import VetoCondition
from awards.access import may_nominate, may_submit_nomination
from awards.models import (
    Honour,
    Nomination,
    NominationEvidence,
    Opinion,
    Quota,
    Round,
    Title,
    VetoDeclaration,
)
from awards.selectors.honours import citable_honours
from awards.selectors.nominations import NOMINEE_FIELD, ORGANIZER_LEVELS, nomination_vetoes
from awards.services.opinions import opinion_write
from campaigns.models import Agency, Authority, Person, Port, Unit
from campaigns.scope import scope_for
from civport.audit import audit_record
from civport.text import plain_text
from civport.uploads import stored_file_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from campaigns.scope import Scope

    Nominee: TypeAlias = Port | Unit | Person | Authority

EVIDENCE_MAX = 20
EVIDENCE_DESCRIPTION_MAX = cast(int, NominationEvidence._meta.get_field("description").max_length)
VETO_NOTE_MAX = 1000

# Once the province has chosen, a nomination leaves the nominator's hands; later withdrawals
# (an upheld objection, a decision of the office) pass `by_office=True`.
NOMINATOR_MAY_WITHDRAW_IN = (Round.Phase.NOMINATING, Round.Phase.PROVINCIAL_REVIEW)
FINAL = (Nomination.Status.WITHDRAWN, Nomination.Status.AWARDED)

NOMINEE_MODEL = {
    Title.CIVILIZED_PORT: Port,
    Title.ADVANCED_UNIT: Unit,
    Title.ADVANCED_INDIVIDUAL: Person,
    Title.ADVANCED_ORGANIZER: Authority,
}
# The database constraint of "one nomination per nominee per round", by title.
ONCE_CONSTRAINT = {
    Title.CIVILIZED_PORT: "nomination_once_per_port",
    Title.ADVANCED_UNIT: "nomination_once_per_unit",
    Title.ADVANCED_INDIVIDUAL: "nomination_once_per_person",
    Title.ADVANCED_ORGANIZER: "nomination_once_per_organizer",
}


def veto_field(condition_id: int) -> str:
    """The form field of the answer to one veto condition (the service names it in errors)."""
    return f"veto_{condition_id}"


def veto_note_field(condition_id: int) -> str:
    return f"veto_{condition_id}_note"


def province_path(path: str) -> str:
    """`CN/GD/GD-SZ/` → `CN/GD/`."""
    return "/".join(path.split("/")[:2]) + "/"


def _date(day: date) -> str:
    return formats.date_format(day, "Y-m-d")


def nominations_open_error(round: Round, today: date | None = None) -> str:
    """Why `round` takes no nomination or submission today, or ""."""
    today = today or timezone.localdate()
    if round.phase != Round.Phase.NOMINATING:
        return _("The round %(round)s is not taking nominations; it is in %(phase)s.") % {
            "round": round.name,
            "phase": round.get_phase_display(),
        }
    if round.nominations_due_on is not None and today > round.nominations_due_on:
        return _("Nominations for %(round)s closed on %(date)s.") % {
            "round": round.name,
            "date": _date(round.nominations_due_on),
        }
    return ""


# --- the nominee -----------------------------------------------------------------------------


def nominee_of(nomination: Nomination) -> Nominee | None:
    return cast("Nominee | None", getattr(nomination, NOMINEE_FIELD[nomination.title]))


def _nominee_path(title: str, nominee: Nominee) -> str:
    if title == Title.ADVANCED_INDIVIDUAL:
        return cast(Person, nominee).unit.authority.path
    if title == Title.ADVANCED_ORGANIZER:
        return cast(Authority, nominee).path
    return cast("Port | Unit", nominee).authority.path


def _is_port_office(unit: Unit) -> bool:
    return (
        unit.agency_id is not None
        and Agency.objects.filter(pk=unit.agency_id, code=Agency.PORT_OFFICE).exists()
    )


def _eligibility_error(title: str, nominee: Any) -> str:
    """Why `nominee` (of the title's kind) cannot stand for `title` at all, or ""."""
    if title == Title.CIVILIZED_PORT and nominee.status != Port.Status.OPEN:
        return _("%(name)s is %(status)s; only an open port can be nominated.") % {
            "name": nominee.name,
            "status": nominee.get_status_display(),
        }
    if title == Title.ADVANCED_UNIT and not nominee.is_active:
        return _("%(name)s is no longer active and cannot be nominated.") % {"name": nominee.name}
    if title == Title.ADVANCED_UNIT and _is_port_office(nominee):
        # 四(十一): they organise the campaign, and are judged as its organisers instead.
        return _(
            "%(name)s is a local government port management office: such offices do not take "
            "part in the advanced-unit evaluation; nominate the authority as an organizer."
        ) % {"name": nominee.name}
    if title == Title.ADVANCED_INDIVIDUAL:
        if not nominee.is_active:
            return _("%(name)s is no longer active and cannot be nominated.") % {
                "name": nominee.name
            }
        if not nominee.unit.is_active:
            return _("%(name)s works at %(unit)s, which is no longer active.") % {
                "name": nominee.name,
                "unit": nominee.unit.name,
            }
    if title == Title.ADVANCED_ORGANIZER:
        if nominee.level not in ORGANIZER_LEVELS:
            return _("Only a provincial or local port authority can be nominated as an organizer.")
        if not nominee.is_active:
            return _("%(name)s is no longer active and cannot be nominated.") % {
                "name": nominee.name
            }
    return ""


def _scope_error(scope: Scope, title: str, nominee: Any) -> str:
    if may_nominate(scope, title, _nominee_path(title, nominee)):
        return ""
    if title == Title.ADVANCED_ORGANIZER:
        return _(
            "Organizers are nominated by the provincial officer of their province or by the "
            "national office."
        )
    return _(
        "Ports, units and people are nominated by the port officer of their own area; this "
        "nominee is outside yours."
    )


def _owning_authority(title: str, nominee: Any) -> Authority:
    """The nominating authority: the nominee's own, or for an organizer its province."""
    if title == Title.CIVILIZED_PORT:
        return cast(Port, nominee).authority
    if title == Title.ADVANCED_UNIT:
        return cast(Unit, nominee).authority
    if title == Title.ADVANCED_INDIVIDUAL:
        return cast(Person, nominee).unit.authority
    if nominee.level == Authority.Level.PROVINCIAL:
        return cast(Authority, nominee)
    return Authority.objects.get(path=province_path(nominee.path))


def _already_nominated_message(nominee: Nominee) -> str:
    return _("%(name)s is nominated in this round already.") % {"name": nominee.name}


def _snapshot(title: str, nominee: Any) -> tuple[str, str, str]:
    """The nominee's names as they are now, in the portal's language (they are data)."""
    with translation.override(settings.LANGUAGE_CODE):
        if title == Title.CIVILIZED_PORT:
            detail = f"{nominee.get_subtype_display()} · {nominee.get_port_class_display()}"
            return nominee.name, "", detail
        if title == Title.ADVANCED_UNIT:
            return nominee.name, nominee.name, nominee.get_category_display()
        if title == Title.ADVANCED_INDIVIDUAL:
            return nominee.name, nominee.unit.name, nominee.position
        return nominee.name, "", nominee.get_level_display()


# --- creating --------------------------------------------------------------------------------


@transaction.atomic
def _provincial_quota_error(
    round: Round, title: str, authority: Authority, province: Authority
) -> str:
    """In a province's own round, a port authority of the province nominates within its quota
    for the title (drafts count: a nomination is a place taken)."""
    if province.pk != round.authority_id:
        return _("This round is %(province)s's own: nominate from its port authorities.") % {
            "province": cast(Authority, round.authority).name
        }
    quota = next(
        (
            q
            for q in Quota.objects.filter(round=round, title=title).select_related("province")
            if authority.path.startswith(q.province.path)
        ),
        None,
    )
    if quota is None:
        return _("Your port authority has no quota for this title in this round.")
    taken = (
        Nomination.objects.filter(
            round=round, title=title, authority__path__startswith=quota.province.path
        )
        .exclude(status=Nomination.Status.WITHDRAWN)
        .count()
    )
    if taken >= quota.quota:
        return _("The quota of %(authority)s for this title (%(quota)d) is used up.") % {
            "authority": quota.province.name,
            "quota": quota.quota,
        }
    return ""


def nomination_create(
    *, actor: User, round: Round, title: str, nominee: Nominee | None
) -> Nomination:
    """A draft nomination of `nominee` for `title` in `round`, by a nominator whose area holds
    the nominee. Refused with a reason naming the field (round, title or nominee)."""
    if title not in Title.values:
        raise ValidationError({"title": _("Choose one of the four titles.")})
    title = Title(title)
    round = Round.objects.select_related("authority").get(pk=round.pk)
    if title not in dict(round.title_choices()):
        raise ValidationError({"title": _("This round does not confer this title.")})
    closed = nominations_open_error(round)
    if closed:
        raise ValidationError({"round": closed})
    if nominee is None:
        raise ValidationError({"nominee": _("Choose the nominee.")})
    # The kind first, then the area (so nothing is said of a nominee outside it), then its state.
    if not isinstance(nominee, NOMINEE_MODEL[title]):
        problem = _("This nominee does not fit the title: choose one from the list.")
    else:
        problem = _scope_error(scope_for(actor), title, nominee) or _eligibility_error(
            title, nominee
        )
    if problem:
        raise ValidationError({"nominee": problem})
    field = NOMINEE_FIELD[title]
    taken = (
        Nomination.objects.filter(round=round, title=title, **{field: nominee})
        .exclude(status=Nomination.Status.WITHDRAWN)
        .exists()
    )
    if taken:
        raise ValidationError({"nominee": _already_nominated_message(nominee)})
    authority = _owning_authority(title, nominee)
    province = (
        authority
        if authority.level == Authority.Level.PROVINCIAL
        else Authority.objects.get(path=province_path(authority.path))
    )
    if round.is_provincial:
        problem = _provincial_quota_error(round, title, authority, province)
        if problem:
            raise ValidationError({"nominee": problem})
    name, unit_name, detail = _snapshot(title, nominee)
    nomination = Nomination(
        round=round,
        title=title,
        authority=authority,
        province=province,
        status=Nomination.Status.DRAFT,
        nominee_name=name,
        nominee_unit_name=unit_name,
        nominee_detail=detail[:200],
        created_by=actor,
        **{field: nominee},
    )
    if title == Title.ADVANCED_INDIVIDUAL:
        nomination.unit = cast(Person, nominee).unit
    try:
        # A savepoint: a nomination racing past the check above fails on the constraint, and
        # the outer transaction stays usable to report it.
        with transaction.atomic():
            nomination.save()
    except IntegrityError as error:
        if ONCE_CONSTRAINT[title] in str(error):
            raise ValidationError({"nominee": _already_nominated_message(nominee)}) from None
        raise
    audit_record(
        actor=actor,
        action="awards.nomination.created",
        obj=nomination,
        changes={
            "round": round.pk,
            "title": title.value,
            field: nominee.pk,
            "authority": authority.pk,
        },
    )
    return nomination


# --- the dossier -----------------------------------------------------------------------------


def _lock_draft(nomination: Nomination) -> Nomination:
    """The nomination, locked (two editors or uploads at once are applied one after the
    other), if it is still a draft."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=nomination.pk)
    )
    if not nomination.is_draft:
        raise ValidationError(
            _("This nomination is %(status)s; its dossier can no longer be changed.")
            % {"status": nomination.get_status_display()}
        )
    return nomination


def _deeds_errors(deeds: str, summary: str) -> dict[str, str]:
    errors = {}
    if len(deeds) > Nomination.DEEDS_MAX:
        errors["deeds"] = _(
            "The deeds are %(length)s characters long; at most %(max)s are allowed."
        ) % {"length": len(deeds), "max": Nomination.DEEDS_MAX}
    if len(summary) > Nomination.SUMMARY_MAX:
        errors["summary"] = _(
            "The short deeds are %(length)s characters long; at most %(max)s are allowed."
        ) % {"length": len(summary), "max": Nomination.SUMMARY_MAX}
    return errors


@transaction.atomic
def nomination_update(
    *, actor: User | None, nomination: Nomination, deeds: str, summary: str
) -> Nomination:
    """Save the deeds and the short deeds of a draft as plain text; the maximum lengths apply
    now, the minimum at submission."""
    nomination = _lock_draft(nomination)
    deeds, summary = plain_text(deeds), plain_text(summary)
    errors = _deeds_errors(deeds, summary)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in (("deeds", deeds), ("summary", summary)):
        if getattr(nomination, name) != value:
            changes[name] = [len(getattr(nomination, name)), len(value)]
            setattr(nomination, name, value)
    if changes:
        nomination.save(update_fields=["deeds", "summary", "updated_at"])
        audit_record(
            actor=actor, action="awards.nomination.updated", obj=nomination, changes=changes
        )
    return nomination


@transaction.atomic
def veto_declarations_save(
    *, actor: User | None, nomination: Nomination, answers: Mapping[int, tuple[bool, str]]
) -> Nomination:
    """Record the nominator's answers to the round's veto conditions: `answers` maps a
    condition id to (applies, note); a condition that applies needs an explanation."""
    nomination = _lock_draft(nomination)
    conditions = {
        c.pk: c for c in VetoCondition.objects.filter(scheme_id=nomination.round.scheme_id)
    }
    errors = {}
    cleaned = {}
    for condition_id, (applies, note) in answers.items():
        condition = conditions.get(condition_id)
        if condition is None:
            errors[veto_field(condition_id)] = _(
                "This veto condition is not one of the round's scheme."
            )
            continue
        note = plain_text(note)
        if applies and not note:
            errors[veto_note_field(condition_id)] = _(
                "Veto condition %(code)s applies: explain what happened."
            ) % {"code": condition.code}
        elif len(note) > VETO_NOTE_MAX:
            errors[veto_note_field(condition_id)] = _(
                "The explanation of %(code)s is %(length)s characters long; at most %(max)s "
                "are allowed."
            ) % {"code": condition.code, "length": len(note), "max": VETO_NOTE_MAX}
        cleaned[condition_id] = (bool(applies), note)
    if errors:
        raise ValidationError(errors)
    existing = {d.condition_id: d for d in VetoDeclaration.objects.filter(nomination=nomination)}
    created, updated, changes = [], [], {}
    for condition_id, (applies, note) in cleaned.items():
        declaration = existing.get(condition_id)
        code = conditions[condition_id].code
        if declaration is None:
            created.append(
                VetoDeclaration(
                    nomination=nomination, condition_id=condition_id, applies=applies, note=note
                )
            )
            changes[code] = applies
        elif (declaration.applies, declaration.note) != (applies, note):
            declaration.applies, declaration.note = applies, note
            updated.append(declaration)
            changes[code] = applies
    VetoDeclaration.objects.bulk_create(created)
    VetoDeclaration.objects.bulk_update(updated, ["applies", "note"])
    if changes:
        audit_record(
            actor=actor,
            action="awards.nomination.vetoes_declared",
            obj=nomination,
            changes=changes,
        )
    return nomination


@transaction.atomic
def nomination_dossier_save(
    *,
    actor: User | None,
    nomination: Nomination,
    deeds: str,
    summary: str,
    answers: Mapping[int, tuple[bool, str]],
) -> Nomination:
    """The edit screen's save: deeds and veto declarations together, or neither, with the
    errors of both at once."""
    errors: dict[str, Any] = {}
    for service, kwargs in (
        (nomination_update, {"deeds": deeds, "summary": summary}),
        (veto_declarations_save, {"answers": answers}),
    ):
        try:
            # A savepoint each, so the second one still runs and reports after the first failed.
            with transaction.atomic():
                service(actor=actor, nomination=nomination, **kwargs)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return nomination


@transaction.atomic
def evidence_add(
    *, actor: User | None, nomination: Nomination, upload: UploadedFile, description: str = ""
) -> NominationEvidence:
    """Attach a file to a draft's dossier; refused when its type or size is not accepted, or
    when the dossier holds its maximum number of files."""
    nomination = _lock_draft(nomination)
    description = plain_text(description)
    if len(description) > EVIDENCE_DESCRIPTION_MAX:
        raise ValidationError(
            {
                "description": _("Describe the file in at most %(max)s characters.")
                % {"max": EVIDENCE_DESCRIPTION_MAX}
            }
        )
    if NominationEvidence.objects.filter(nomination=nomination).count() >= EVIDENCE_MAX:
        raise ValidationError(
            {
                "upload": _(
                    "The dossier has %(max)s files already; remove one before adding “%(name)s”."
                )
                % {"max": EVIDENCE_MAX, "name": getattr(upload, "name", "")}
            }
        )
    return stored_file_add(
        NominationEvidence,
        upload,
        field="upload",
        actor=actor,
        action="awards.nomination.evidence_added",
        obj=nomination,
        pk_key="evidence",
        nomination=nomination,
        description=description,
    )


@transaction.atomic
def evidence_remove(*, actor: User | None, evidence: NominationEvidence) -> None:
    evidence = NominationEvidence.objects.select_related("nomination").get(pk=evidence.pk)
    _lock_draft(evidence.nomination)
    stored, storage = evidence.file.name, evidence.file.storage
    audit_record(
        actor=actor,
        action="awards.nomination.evidence_removed",
        obj=evidence.nomination,
        changes={"evidence": evidence.pk, "name": evidence.original_name},
    )
    evidence.delete()
    # The file goes once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))


# --- submission ------------------------------------------------------------------------------


def submission_problems(
    nomination: Nomination, conditions: Iterable[VetoCondition]
) -> dict[str, str]:
    """What stands between a draft and its submission, as {field: message}. `conditions` are
    the round's veto conditions with their `declaration` (see `nomination_vetoes`)."""
    errors = {}
    deeds, summary = nomination.deeds, nomination.summary
    if len(deeds) < Nomination.DEEDS_MIN:
        errors["deeds"] = _("The deeds are %(length)s characters long; write at least %(min)s.") % {
            "length": len(deeds),
            "min": Nomination.DEEDS_MIN,
        }
    if not summary:
        errors["summary"] = _("Write the short deeds shown in the public notice.")
    errors.update(_deeds_errors(deeds, summary))
    for condition in conditions:
        declaration = condition.declaration  # type: ignore[attr-defined]
        if declaration is None:
            errors[veto_field(condition.pk)] = _(
                "Declare whether veto condition %(code)s applies."
            ) % {"code": condition.code}
        elif declaration.applies:
            errors[veto_field(condition.pk)] = _(
                "Veto condition %(code)s applies (%(text)s); the nomination cannot be submitted."
            ) % {"code": condition.code, "text": condition.text}
    return errors


@transaction.atomic
def nomination_submit(*, actor: User, nomination: Nomination, opinion: str) -> Nomination:
    """Submit a draft with the nominating authority's opinion: before the deadline, with deeds
    of the right length and every veto condition declared and none applying. The nominee's
    names are copied now."""
    # Locked: a second submit, or an edit, waits and then sees the nomination as it is.
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related(
            "round", "authority", "port", "unit__authority", "person__unit", "organizer"
        )
        .get(pk=nomination.pk)
    )
    if not may_submit_nomination(scope_for(actor), nomination):
        raise PermissionDenied
    if not nomination.is_draft:
        raise ValidationError(
            _("This nomination is %(status)s already.")
            % {"status": nomination.get_status_display()}
        )
    errors = {}
    closed = nominations_open_error(nomination.round)
    if closed:
        errors["round"] = closed
    errors.update(submission_problems(nomination, nomination_vetoes(nomination)))
    if not (opinion or "").strip():
        errors["opinion"] = _("Write the opinion of %(authority)s.") % {
            "authority": nomination.authority.name
        }
    if errors:
        raise ValidationError(errors)
    name, unit_name, detail = _snapshot(nomination.title, nominee_of(nomination))
    nomination.nominee_name = name
    nomination.nominee_unit_name = unit_name
    nomination.nominee_detail = detail[:200]
    nomination.status = Nomination.Status.SUBMITTED
    nomination.submitted_by = actor
    nomination.submitted_at = timezone.now()
    nomination.save(
        update_fields=[
            "nominee_name",
            "nominee_unit_name",
            "nominee_detail",
            "status",
            "submitted_by",
            "submitted_at",
            "updated_at",
        ]
    )
    level = (
        Opinion.Level.PROVINCE
        if nomination.title == Title.ADVANCED_ORGANIZER
        else Opinion.Level.PORT
    )
    opinion_write(
        actor=actor,
        nomination=nomination,
        level=level,
        authority=nomination.authority,
        text=plain_text(opinion),
    )
    audit_record(
        actor=actor,
        action="awards.nomination.submitted",
        obj=nomination,
        changes={
            "status": [Nomination.Status.DRAFT, Nomination.Status.SUBMITTED],
            "nominee_name": name,
        },
    )
    return nomination


# --- withdrawal ------------------------------------------------------------------------------


@transaction.atomic
def nomination_withdraw(
    *, actor: User | None, nomination: Nomination, reason: str, by_office: bool = False
) -> Nomination:
    """Withdraw a nomination with its reason. The nominator may do so while nominations are
    open or the province has not yet submitted its list; the office at any time before the
    decision."""
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round")
        .get(pk=nomination.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    if nomination.status in FINAL:
        raise ValidationError(
            _("This nomination is %(status)s and cannot be withdrawn.")
            % {"status": nomination.get_status_display()}
        )
    if not by_office and (
        nomination.round.phase not in NOMINATOR_MAY_WITHDRAW_IN
        or nomination.status not in (Nomination.Status.DRAFT, Nomination.Status.SUBMITTED)
    ):
        raise ValidationError(
            _(
                "The province has made its choice; only the national office can withdraw the "
                "nomination now."
            )
        )
    before = nomination.status
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.withdrawn_reason = reason
    nomination.withdrawn_at = timezone.now()
    nomination.recommended_position = None
    nomination.save(
        update_fields=[
            "status",
            "withdrawn_reason",
            "withdrawn_at",
            "recommended_position",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action="awards.nomination.withdrawn",
        obj=nomination,
        changes={"status": [before, nomination.status], "reason": reason},
    )
    return nomination


@transaction.atomic
def nomination_honours_cite(
    *, actor: User | None, nomination: Nomination, honours: Iterable[Honour | int]
) -> Nomination:
    """Cite in the dossier honours the nominee holds from other decided rounds (picked from
    `citable_honours`, never typed); the choice replaces the previous one. Drafts only."""
    nomination = _lock_draft(nomination)
    wanted = {getattr(h, "pk", h) for h in honours}
    allowed = set(citable_honours(nomination).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"honours": _("Cite only honours the nominee holds from other decided rounds.")}
        )
    before = set(nomination.cited_honours.values_list("pk", flat=True))
    if before == wanted:
        return nomination
    nomination.cited_honours.set(wanted)
    audit_record(
        actor=actor,
        action="awards.nomination.honours_cited",
        obj=nomination,
        changes={"cited_honours": [sorted(before), sorted(wanted)]},
    )
    return nomination

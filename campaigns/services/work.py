"""Every write of the campaign's work: plans and commitments, activities and their review,
agreements, special campaigns, inspections, findings and rectification items, and the daily
reminder about overdue items.

Each service is one transaction with an audit entry, checks what a form could not (that a unit
lies in the record's area, that a transition is allowed from the current state) and says clearly
why it refuses. Whether the actor may act at all is the caller's check (the access helpers in
campaigns.selectors.work); transitions re-read their row with a lock so that two people acting at
once cannot both move it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import nh3
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agreement,
    Authority,
    Commitment,
    Finding,
    Inspection,
    Membership,
    Plan,
    Rectification,
    RectificationEvidence,
    SpecialCampaign,
)
from campaigns.selectors.work import (
    ACTIVITY_LEVELS,
    INSPECTION_LEVELS,
    PLAN_LEVELS,
    rectification_overdue,
)
from campaigns.services.summaries import activity_contribution, summary_change
from civport.audit import audit_record, diff, snapshot
from civport.notifications import notify
from civport.uploads import stored_file_row, upload_check

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import Model

    from campaigns.models import ConstructionArea, Person, Port, Unit
    from civport.uploads import CheckedUpload

_M = TypeVar("_M", bound="Model")
_E = TypeVar("_E", ActivityEvidence, RectificationEvidence)

ACTIVITY_FILES_MAX = 10
RECTIFICATION_FILES_MAX = 10
LINKS_MAX = 10
# Rich text keeps a few harmless tags; everything else (scripts, styles, event handlers) goes.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_url = URLValidator(schemes=["http", "https"])


def sanitise(text: str | None) -> str:
    """Rich text with only harmless tags and http(s)/mailto links left."""
    return nh3.clean(
        (text or "").strip(),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
    )


def _require_text(field: str, value: str | None, message: str) -> None:
    if not (value or "").strip():
        raise ValidationError({field: message})


def _within(unit: Unit, authority: Authority) -> bool:
    return unit.authority.path.startswith(authority.path)


def _check_units_within(field: str, units: Iterable[Unit], authority: Authority) -> None:
    outside = [u.name for u in units if not _within(u, authority)]
    if outside:
        raise ValidationError(
            {
                field: _("%(units)s are not in the area of %(authority)s.")
                % {"units": "、".join(outside), "authority": authority.name}
            }
        )


def _check_level(authority: Authority, levels: Collection[str], message: str) -> None:
    if authority.level not in levels:
        raise ValidationError({"authority": message})


def _clean_links(text: str | None) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > LINKS_MAX:
        raise ValidationError({"links": _("Give at most %(max)s links.") % {"max": LINKS_MAX}})
    for line in lines:
        try:
            _url(line)
        except ValidationError:
            raise ValidationError(
                {"links": _("“%(link)s” is not a web address (http or https).") % {"link": line}}
            ) from None
    return "\n".join(lines)


def _check_uploads(
    field: str, uploads: Sequence[UploadedFile], *, have: int, limit: int
) -> list[tuple[UploadedFile, CheckedUpload]]:
    """Check every file before anything is written: the whole submission is refused if one
    file is."""
    if have + len(uploads) > limit:
        raise ValidationError(
            {
                field: _("At most %(max)s files may be attached; there are %(have)s already.")
                % {"max": limit, "have": have}
            }
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, upload_check(upload)))
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise ValidationError({field: errors})
    return checked


def _store_files(
    model: type[_E],
    checked: Iterable[tuple[UploadedFile, CheckedUpload]],
    *,
    actor: User | None,
    **owner: Any,
) -> list[_E]:
    """Save checked uploads; a file written before a failed insert is deleted again."""
    stored = []
    try:
        for upload, info in checked:
            row = stored_file_row(model, upload, info, actor=actor, **owner)
            stored.append(row)
            row.save()
    except BaseException:
        for row in stored:
            row.file.storage.delete(row.file.name)
        raise
    return stored


def _lock(model: type[_M], pk: int) -> _M:
    return model.objects.select_for_update().get(pk=pk)  # type: ignore[attr-defined,no-any-return]


def _activity_transition(
    *,
    actor: User | None,
    activity: Activity,
    status: str,
    action: str,
    fields: Sequence[str],
    changes: dict[str, Any],
) -> Activity:
    """Move a locked activity to `status`, and its count in the summary with it."""
    area_ids = list(activity.areas.values_list("pk", flat=True))
    counted = activity_contribution(activity, area_ids)
    activity.status = status
    summary_change(before=counted, after=activity_contribution(activity, area_ids))
    return _transition(
        actor=actor, instance=activity, action=action, fields=fields, changes=changes
    )


def _transition(
    *, actor: User | None, instance: _M, action: str, fields: Sequence[str], changes: dict[str, Any]
) -> _M:
    instance.full_clean()
    instance.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=action, obj=instance, changes=changes)
    return instance


# --- plans ----------------------------------------------------------------------------------

PLAN_FIELDS = ("authority", "year", "title", "status")
COMMITMENT_FIELDS = (
    "plan",
    "area",
    "unit",
    "goal",
    "owner_person",
    "owner_name",
    "due_on",
    "target_activities",
)


@transaction.atomic
def plan_create(*, actor: User | None, authority: Authority, year: int, title: str) -> Plan:
    _check_level(authority, PLAN_LEVELS, _("A co-construction plan belongs to a port authority."))
    plan = Plan(authority=authority, year=year, title=title.strip(), created_by=actor)
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor,
        action="campaigns.plan.created",
        obj=plan,
        changes=snapshot(plan, PLAN_FIELDS),
    )
    return plan


@transaction.atomic
def plan_update(*, actor: User | None, plan: Plan, title: str) -> Plan:
    plan = _lock(Plan, plan.pk)
    before = plan.title
    plan.title = title.strip()
    if plan.title == before:
        return plan
    return _transition(
        actor=actor,
        instance=plan,
        action="campaigns.plan.updated",
        fields=["title"],
        changes={"title": [before, plan.title]},
    )


def _require_draft(plan: Plan) -> None:
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(
            _("The plan is published; reopen it as a draft to change its commitments.")
        )


@transaction.atomic
def commitment_add(
    *,
    actor: User | None,
    plan: Plan,
    area: ConstructionArea,
    unit: Unit,
    goal: str,
    due_on: date | None,
    target_activities: int,
    owner_person: Person | None = None,
    owner_name: str = "",
) -> Commitment:
    plan = _lock(Plan, plan.pk)
    _require_draft(plan)
    authority = Authority.objects.get(pk=plan.authority_id)
    errors = {}
    if not _within(unit, authority):
        errors["unit"] = _(
            "%(unit)s is not in the area of %(authority)s; a plan commits only the port "
            "authority's own units."
        ) % {"unit": unit.name, "authority": authority.name}
    if owner_person is not None and not _within(owner_person.unit, authority):
        errors["owner_person"] = _("%(person)s does not work in %(authority)s's area.") % {
            "person": owner_person.name,
            "authority": authority.name,
        }
    if due_on and due_on.year != plan.year:
        errors["due_on"] = _("The due date lies in the plan's year %(year)s.") % {"year": plan.year}
    if owner_person is None and not (owner_name or "").strip():
        errors["owner_name"] = _("Name the owner: choose a person or write a name.")
    if errors:
        raise ValidationError(errors)
    commitment = Commitment(
        plan=plan,
        area=area,
        unit=unit,
        goal=sanitise(goal),
        owner_person=owner_person,
        owner_name=(owner_name or "").strip(),
        due_on=due_on,  # type: ignore[misc]
        target_activities=target_activities,
    )
    _require_text("goal", commitment.goal, _("Describe the goal."))
    commitment.full_clean()
    commitment.save()
    audit_record(
        actor=actor,
        action="campaigns.commitment.added",
        obj=commitment,
        changes=snapshot(commitment, COMMITMENT_FIELDS),
    )
    return commitment


@transaction.atomic
def commitment_remove(*, actor: User | None, commitment: Commitment) -> None:
    plan = _lock(Plan, commitment.plan_id)
    _require_draft(plan)
    audit_record(
        actor=actor,
        action="campaigns.commitment.removed",
        obj=commitment,
        changes=snapshot(commitment, COMMITMENT_FIELDS),
    )
    commitment.delete()


@transaction.atomic
def plan_publish(*, actor: User | None, plan: Plan) -> Plan:
    plan = _lock(Plan, plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("The plan is already published."))
    if not plan.commitments.exists():
        raise ValidationError(_("Add at least one commitment before publishing the plan."))
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    return _transition(
        actor=actor,
        instance=plan,
        action="campaigns.plan.published",
        fields=["status", "published_at"],
        changes={"status": [Plan.Status.DRAFT, Plan.Status.PUBLISHED]},
    )


@transaction.atomic
def plan_reopen(*, actor: User | None, plan: Plan) -> Plan:
    plan = _lock(Plan, plan.pk)
    if plan.status != Plan.Status.PUBLISHED:
        raise ValidationError(_("Only a published plan can be reopened."))
    plan.status = Plan.Status.DRAFT
    return _transition(
        actor=actor,
        instance=plan,
        action="campaigns.plan.reopened",
        fields=["status"],
        changes={"status": [Plan.Status.PUBLISHED, Plan.Status.DRAFT]},
    )


# --- activities -------------------------------------------------------------------------------

ACTIVITY_FIELDS = (
    "authority",
    "unit",
    "occurred_on",
    "form",
    "title",
    "description",
    "participant_count",
    "links",
    "special_campaign",
    "status",
)
ACTIVITY_EDITABLE = (
    "occurred_on",
    "form",
    "title",
    "description",
    "participant_count",
    "links",
    "special_campaign",
)


def _check_activity(
    activity: Activity,
    *,
    areas: Collection[ConstructionArea],
    participant_units: Iterable[Unit],
    today: date,
) -> None:
    authority = activity.authority
    errors = {}
    if authority.level not in ACTIVITY_LEVELS:
        errors["authority"] = _("An activity belongs to a port or provincial authority.")
    if activity.unit_id and not _within(activity.unit, authority):  # type: ignore[arg-type]
        errors["unit"] = _("%(unit)s is not in the area of %(authority)s.") % {
            "unit": activity.unit.name,  # type: ignore[union-attr]
            "authority": authority.name,
        }
    if activity.occurred_on and activity.occurred_on > today:
        errors["occurred_on"] = _("An activity is logged once it has taken place.")
    if not areas:
        errors["areas"] = _("Choose at least one construction area.")
    outside = [u.name for u in participant_units if not _within(u, authority)]
    if outside:
        errors["participant_units"] = _("%(units)s are not in the area of %(authority)s.") % {
            "units": "、".join(outside),
            "authority": authority.name,
        }
    campaign = activity.special_campaign
    if campaign is not None and not (
        authority.path.startswith(campaign.authority.path)
        or campaign.authority.path.startswith(authority.path)
    ):
        errors["special_campaign"] = _("The special campaign is run in another area.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(
    *,
    actor: User | None,
    authority: Authority,
    occurred_on: date,
    form: str,
    areas: Collection[ConstructionArea],
    title: str,
    description: str,
    unit: Unit | None = None,
    participant_units: Collection[Unit] = (),
    participant_count: int = 0,
    links: str = "",
    special_campaign: SpecialCampaign | None = None,
    uploads: Sequence[UploadedFile] = (),
    verified: bool = False,
    today: date | None = None,
) -> Activity:
    """Log an activity. `verified` is for an officer of the activity's own authority logging
    its work: there is nobody above to confirm it, so it is recorded as verified."""
    today = today or timezone.localdate()
    activity = Activity(
        authority=authority,
        unit=unit,
        occurred_on=occurred_on,
        form=form,
        title=(title or "").strip(),
        description=sanitise(description),
        participant_count=participant_count or 0,
        links=_clean_links(links),
        special_campaign=special_campaign,
        created_by=actor,
    )
    _require_text("description", activity.description, _("Describe the activity."))
    _check_activity(activity, areas=areas, participant_units=participant_units, today=today)
    checked = _check_uploads("uploads", list(uploads), have=0, limit=ACTIVITY_FILES_MAX)
    if verified:
        activity.status = Activity.Status.VERIFIED
        activity.reviewed_by = actor
        activity.reviewed_at = timezone.now()
    activity.full_clean()
    activity.save()
    activity.areas.set(areas)
    activity.participant_units.set(participant_units)
    summary_change(after=activity_contribution(activity, [a.pk for a in areas]))
    files = _store_files(ActivityEvidence, checked, actor=actor, activity=activity)
    audit_record(
        actor=actor,
        action="campaigns.activity.created",
        obj=activity,
        changes={
            **snapshot(activity, ACTIVITY_FIELDS),
            "areas": sorted(a.pk for a in areas),
            "participant_units": sorted(u.pk for u in participant_units),
            "files": [f.original_name for f in files],
        },
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: User | None,
    activity: Activity,
    areas: Collection[ConstructionArea],
    participant_units: Collection[Unit],
    uploads: Sequence[UploadedFile] = (),
    today: date | None = None,
    **data: Any,
) -> Activity:
    """Change an activity that is not verified yet. One asked for more goes back to the port
    authority as submitted."""
    unknown = set(data) - set(ACTIVITY_EDITABLE)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be changed here")
    today = today or timezone.localdate()
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("authority", "unit")
        .get(pk=activity.pk)
    )
    if activity.status == Activity.Status.VERIFIED:
        raise ValidationError(_("The activity is verified and can no longer be changed."))
    before = snapshot(activity, ACTIVITY_FIELDS)
    before_areas = sorted(activity.areas.values_list("pk", flat=True))
    before_units = sorted(activity.participant_units.values_list("pk", flat=True))
    counted = activity_contribution(activity, before_areas)
    for name, value in data.items():
        setattr(activity, name, value)
    activity.title = (activity.title or "").strip()
    activity.description = sanitise(activity.description)
    activity.links = _clean_links(activity.links)
    _require_text("description", activity.description, _("Describe the activity."))
    _check_activity(activity, areas=areas, participant_units=participant_units, today=today)
    have = activity.evidence.count()
    checked = _check_uploads("uploads", list(uploads), have=have, limit=ACTIVITY_FILES_MAX)
    resubmitted = activity.status == Activity.Status.MORE_REQUESTED
    if resubmitted:
        activity.status = Activity.Status.SUBMITTED
    activity.full_clean()
    activity.save()
    activity.areas.set(areas)
    activity.participant_units.set(participant_units)
    summary_change(before=counted, after=activity_contribution(activity, [a.pk for a in areas]))
    files = _store_files(ActivityEvidence, checked, actor=actor, activity=activity)
    after = snapshot(activity, ACTIVITY_FIELDS)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    after_areas = sorted(a.pk for a in areas)
    after_units = sorted(u.pk for u in participant_units)
    if after_areas != before_areas:
        changes["areas"] = [before_areas, after_areas]
    if after_units != before_units:
        changes["participant_units"] = [before_units, after_units]
    if files:
        changes["files_added"] = [f.original_name for f in files]
    audit_record(
        actor=actor,
        action="campaigns.activity.resubmitted" if resubmitted else "campaigns.activity.updated",
        obj=activity,
        changes=changes,
    )
    return activity


@transaction.atomic
def activity_evidence_remove(*, actor: User | None, evidence: ActivityEvidence) -> None:
    activity = _lock(Activity, evidence.activity_id)
    if activity.status == Activity.Status.VERIFIED:
        raise ValidationError(_("The activity is verified; its evidence stays as it is."))
    name, storage = evidence.file.name, evidence.file.storage
    audit_record(
        actor=actor,
        action="campaigns.activity.evidence_removed",
        obj=activity,
        changes={"file": evidence.original_name},
    )
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def activity_verify(*, actor: User | None, activity: Activity) -> Activity:
    activity = _lock(Activity, activity.pk)
    if activity.status != Activity.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted activity can be verified."))
    activity.reviewed_by = actor
    activity.reviewed_at = timezone.now()
    return _activity_transition(
        actor=actor,
        activity=activity,
        status=Activity.Status.VERIFIED,
        action="campaigns.activity.verified",
        fields=["status", "reviewed_by", "reviewed_at"],
        changes={"status": [Activity.Status.SUBMITTED, Activity.Status.VERIFIED]},
    )


@transaction.atomic
def activity_request_more(*, actor: User | None, activity: Activity, comment: str) -> Activity:
    comment = sanitise(comment)
    _require_text("comment", comment, _("Say what more is needed."))
    activity = _lock(Activity, activity.pk)
    if activity.status != Activity.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted activity can be sent back for more."))
    activity.review_comment = comment
    activity.reviewed_by = actor
    activity.reviewed_at = timezone.now()
    return _activity_transition(
        actor=actor,
        activity=activity,
        status=Activity.Status.MORE_REQUESTED,
        action="campaigns.activity.more_requested",
        fields=["status", "review_comment", "reviewed_by", "reviewed_at"],
        changes={
            "status": [Activity.Status.SUBMITTED, Activity.Status.MORE_REQUESTED],
            "comment": comment,
        },
    )


# --- agreements and special campaigns -----------------------------------------------------------


@transaction.atomic
def agreement_create(
    *,
    actor: User | None,
    authority: Authority,
    title: str,
    kind: str,
    parties: Collection[Unit],
    signed_on: date,
    terms: str,
    valid_until: date | None = None,
    upload: UploadedFile | None = None,
) -> Agreement:
    _check_level(
        authority, ACTIVITY_LEVELS, _("An agreement is recorded by a port or provincial authority.")
    )
    if len(parties) < 2:
        raise ValidationError({"parties": _("An agreement has at least two parties.")})
    _check_units_within("parties", parties, authority)
    agreement = Agreement(
        authority=authority,
        title=(title or "").strip(),
        kind=kind,
        signed_on=signed_on,
        valid_until=valid_until,
        terms=sanitise(terms),
        created_by=actor,
    )
    _require_text("terms", agreement.terms, _("Write the terms of the agreement."))
    checked = _check_uploads("upload", [upload] if upload else [], have=0, limit=1)
    agreement.full_clean(exclude=["file"])
    if checked:
        upload, info = checked[0]
        upload.seek(0)
        agreement.file.save(info.stored_name, upload, save=False)
        agreement.file_name = info.original_name
        agreement.file_type = info.content_type
    try:
        agreement.save()
        agreement.parties.set(parties)
        audit_record(
            actor=actor,
            action="campaigns.agreement.created",
            obj=agreement,
            changes={
                **snapshot(
                    agreement, ("authority", "title", "kind", "signed_on", "valid_until", "terms")
                ),
                "parties": sorted(u.pk for u in parties),
                "file": agreement.file_name,
            },
        )
    except BaseException:
        if agreement.file:
            agreement.file.storage.delete(agreement.file.name)
        raise
    return agreement


@transaction.atomic
def special_campaign_create(
    *,
    actor: User | None,
    authority: Authority,
    name: str,
    theme_area: ConstructionArea,
    members: Collection[Unit],
    starts_on: date,
    ends_on: date | None,
    goals: str,
) -> SpecialCampaign:
    if not members:
        raise ValidationError({"members": _("Choose the member units.")})
    _check_units_within("members", members, authority)
    campaign = SpecialCampaign(
        authority=authority,
        name=(name or "").strip(),
        theme_area=theme_area,
        starts_on=starts_on,
        ends_on=ends_on,  # type: ignore[misc]
        goals=sanitise(goals),
        created_by=actor,
    )
    _require_text("goals", campaign.goals, _("Write the campaign's goals."))
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end must not precede the start.")})
    campaign.full_clean()
    campaign.save()
    campaign.members.set(members)
    audit_record(
        actor=actor,
        action="campaigns.special_campaign.created",
        obj=campaign,
        changes={
            **snapshot(
                campaign, ("authority", "name", "theme_area", "starts_on", "ends_on", "goals")
            ),
            "members": sorted(u.pk for u in members),
        },
    )
    return campaign


AGREEMENT_FIELDS = ("authority", "title", "kind", "signed_on", "valid_until", "terms")
AGREEMENT_EDITABLE = ("title", "kind", "signed_on", "valid_until", "terms")


@transaction.atomic
def agreement_update(
    *,
    actor: User | None,
    agreement: Agreement,
    parties: Collection[Unit],
    upload: UploadedFile | None = None,
    **data: Any,
) -> Agreement:
    """Change an agreement's title, kind, parties, dates and terms; a new file replaces the
    stored one, which is deleted once the change is committed. Its authority stays."""
    unknown = set(data) - set(AGREEMENT_EDITABLE)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be changed here")
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("authority")
        .get(pk=agreement.pk)
    )
    authority = agreement.authority
    parties = list(parties)
    if len(parties) < 2:
        raise ValidationError({"parties": _("An agreement has at least two parties.")})
    _check_units_within("parties", parties, authority)
    before = snapshot(agreement, AGREEMENT_FIELDS)
    before_parties = sorted(agreement.parties.values_list("pk", flat=True))
    for name, value in data.items():
        setattr(agreement, name, value)
    agreement.title = (agreement.title or "").strip()
    agreement.terms = sanitise(agreement.terms)
    _require_text("terms", agreement.terms, _("Write the terms of the agreement."))
    checked = _check_uploads("upload", [upload] if upload else [], have=0, limit=1)
    agreement.full_clean(exclude=["file"])
    changes = diff(before, agreement, AGREEMENT_FIELDS)
    after_parties = sorted(u.pk for u in parties)
    if after_parties != before_parties:
        changes["parties"] = [before_parties, after_parties]
    if not changes and not checked:
        return agreement
    old_file, old_name = agreement.file.name, agreement.file_name
    storage = agreement.file.storage
    if checked:
        upload, info = checked[0]
        upload.seek(0)
        agreement.file.save(info.stored_name, upload, save=False)
        agreement.file_name = info.original_name
        agreement.file_type = info.content_type
        changes["file"] = [old_name, agreement.file_name]
    try:
        agreement.save()
        agreement.parties.set(parties)
        audit_record(
            actor=actor, action="campaigns.agreement.updated", obj=agreement, changes=changes
        )
    except BaseException:
        if checked:
            storage.delete(agreement.file.name)
        raise
    if checked and old_file:
        transaction.on_commit(lambda: storage.delete(old_file))
    return agreement


SPECIAL_CAMPAIGN_FIELDS = ("authority", "name", "theme_area", "starts_on", "ends_on", "goals")
SPECIAL_CAMPAIGN_EDITABLE = ("name", "theme_area", "starts_on", "ends_on", "goals")


@transaction.atomic
def special_campaign_update(
    *, actor: User | None, campaign: SpecialCampaign, members: Collection[Unit], **data: Any
) -> SpecialCampaign:
    """Change a special campaign's name, theme area, member units, period and goals; its
    authority stays."""
    unknown = set(data) - set(SPECIAL_CAMPAIGN_EDITABLE)
    if unknown:
        raise ValueError(f"{', '.join(sorted(unknown))} cannot be changed here")
    campaign = (
        SpecialCampaign.objects.select_for_update(of=("self",))
        .select_related("authority")
        .get(pk=campaign.pk)
    )
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Choose the member units.")})
    _check_units_within("members", members, campaign.authority)
    before = snapshot(campaign, SPECIAL_CAMPAIGN_FIELDS)
    before_members = sorted(campaign.members.values_list("pk", flat=True))
    for name, value in data.items():
        setattr(campaign, name, value)
    campaign.name = (campaign.name or "").strip()
    campaign.goals = sanitise(campaign.goals)
    _require_text("goals", campaign.goals, _("Write the campaign's goals."))
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("The end must not precede the start.")})
    campaign.full_clean()
    changes = diff(before, campaign, SPECIAL_CAMPAIGN_FIELDS)
    after_members = sorted(u.pk for u in members)
    if after_members != before_members:
        changes["members"] = [before_members, after_members]
    if not changes:
        return campaign
    campaign.save()
    campaign.members.set(members)
    audit_record(
        actor=actor, action="campaigns.special_campaign.updated", obj=campaign, changes=changes
    )
    return campaign


# --- inspections and rectifications ----------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *,
    actor: User | None,
    authority: Authority,
    visited_on: date,
    inspectors: str,
    summary: str,
    ports: Collection[Port] = (),
    units: Collection[Unit] = (),
    today: date | None = None,
) -> Inspection:
    today = today or timezone.localdate()
    _check_level(
        authority,
        INSPECTION_LEVELS,
        _("An inspection visit is recorded by a port, provincial or national authority."),
    )
    errors = {}
    if visited_on and visited_on > today:
        errors["visited_on"] = _("An inspection visit is recorded once it has taken place.")
    if not ports and not units:
        errors["ports"] = _("Choose the ports or units visited.")
    outside = [p.name for p in ports if not p.authority.path.startswith(authority.path)]
    if outside:
        errors["ports"] = _("%(ports)s are not in the area of %(authority)s.") % {
            "ports": "、".join(outside),
            "authority": authority.name,
        }
    if errors:
        raise ValidationError(errors)
    _check_units_within("units", units, authority)
    inspection = Inspection(
        authority=authority,
        visited_on=visited_on,
        inspectors=(inspectors or "").strip(),
        summary=sanitise(summary),
        created_by=actor,
    )
    _require_text("summary", inspection.summary, _("Summarise the visit."))
    inspection.full_clean()
    inspection.save()
    inspection.ports.set(ports)
    inspection.units.set(units)
    audit_record(
        actor=actor,
        action="campaigns.inspection.created",
        obj=inspection,
        changes={
            **snapshot(inspection, ("authority", "visited_on", "inspectors", "summary")),
            "ports": sorted(p.pk for p in ports),
            "units": sorted(u.pk for u in units),
        },
    )
    return inspection


@transaction.atomic
def finding_add(
    *,
    actor: User | None,
    inspection: Inspection,
    text: str,
    owner_unit: Unit | None = None,
    due_on: date | None = None,
) -> tuple[Finding, Rectification | None]:
    """Record a finding; with an owner unit and a due date it becomes a rectification item."""
    text = sanitise(text)
    _require_text("text", text, _("Write the finding."))
    authority = Authority.objects.get(pk=inspection.authority_id)
    errors = {}
    if owner_unit is not None:
        if not _within(owner_unit, authority):
            errors["owner_unit"] = _("%(unit)s is not in the area of %(authority)s.") % {
                "unit": owner_unit.name,
                "authority": authority.name,
            }
        if due_on is None:
            errors["due_on"] = _("A finding to rectify needs a due date.")
        elif due_on < inspection.visited_on:
            errors["due_on"] = _("The due date cannot precede the visit.")
    elif due_on is not None:
        errors["owner_unit"] = _("Choose the unit that must rectify the finding.")
    if errors:
        raise ValidationError(errors)
    finding = Finding(inspection=inspection, text=text)
    finding.full_clean()
    finding.save()
    changes: dict[str, Any] = {"text": text}
    item = None
    if owner_unit is not None:
        item = Rectification(
            finding=finding,
            inspection=inspection,
            owner_unit=owner_unit,
            due_on=due_on,  # type: ignore[misc]
        )
        item.full_clean()
        item.save()
        changes.update(rectification=item.pk, owner_unit=owner_unit.pk, due_on=due_on)
    audit_record(actor=actor, action="campaigns.finding.added", obj=finding, changes=changes)
    return finding, item


@transaction.atomic
def rectification_answer(
    *, actor: User | None, item: Rectification, answer: str, uploads: Sequence[UploadedFile] = ()
) -> Rectification:
    answer = sanitise(answer)
    _require_text("answer", answer, _("Say what was done to rectify the finding."))
    item = _lock(Rectification, item.pk)
    if item.status not in Rectification.PENDING:
        raise ValidationError(_("This item is not waiting for an answer."))
    have = item.evidence.count()
    checked = _check_uploads("uploads", list(uploads), have=have, limit=RECTIFICATION_FILES_MAX)
    before = item.status
    item.status = Rectification.Status.ANSWERED
    item.answer = answer
    item.answered_by = actor
    item.answered_at = timezone.now()
    _transition(
        actor=actor,
        instance=item,
        action="campaigns.rectification.answered",
        fields=["status", "answer", "answered_by", "answered_at"],
        changes={"status": [before, item.status], "answer": answer},
    )
    files = _store_files(RectificationEvidence, checked, actor=actor, rectification=item)
    if files:
        audit_record(
            actor=actor,
            action="campaigns.rectification.evidence_added",
            obj=item,
            changes={"files": [f.original_name for f in files]},
        )
    return item


@transaction.atomic
def rectification_close(*, actor: User | None, item: Rectification) -> Rectification:
    item = _lock(Rectification, item.pk)
    if item.status != Rectification.Status.ANSWERED:
        raise ValidationError(_("Only an answered item can be closed."))
    item.status = Rectification.Status.CLOSED
    item.closed_at = timezone.now()
    item.reviewed_by = actor
    return _transition(
        actor=actor,
        instance=item,
        action="campaigns.rectification.closed",
        fields=["status", "closed_at", "reviewed_by"],
        changes={"status": [Rectification.Status.ANSWERED, Rectification.Status.CLOSED]},
    )


@transaction.atomic
def rectification_send_back(
    *, actor: User | None, item: Rectification, comment: str
) -> Rectification:
    comment = sanitise(comment)
    _require_text("comment", comment, _("Say why the answer is sent back."))
    item = _lock(Rectification, item.pk)
    if item.status != Rectification.Status.ANSWERED:
        raise ValidationError(_("Only an answered item can be sent back."))
    item.status = Rectification.Status.SENT_BACK
    item.review_comment = comment
    item.reviewed_by = actor
    return _transition(
        actor=actor,
        instance=item,
        action="campaigns.rectification.sent_back",
        fields=["status", "review_comment", "reviewed_by"],
        changes={
            "status": [Rectification.Status.ANSWERED, Rectification.Status.SENT_BACK],
            "comment": comment,
        },
    )


def rectification_reminder_recipients(item: Rectification) -> list[User]:
    """The owner unit's contacts and the port officers of the unit's port authority (or of
    the authorities above it up to the inspecting one, where the unit's own has none)."""
    unit_authority = item.owner_unit.authority
    prefixes = []
    parts = unit_authority.path.split("/")[:-1]
    for i in range(len(parts), 0, -1):
        prefixes.append("/".join(parts[:i]) + "/")
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__in=Membership.objects.filter(
                role=Membership.Role.UNIT_CONTACT, unit_id=item.owner_unit_id
            )
            | Membership.objects.filter(
                role=Membership.Role.PORT_OFFICER,
                authority__path__in=prefixes,
            ),
        )
        .distinct()
        .order_by("pk")
    )


def rectification_reminders_send(*, today: date | None = None) -> int:
    """Remind the owner unit's contacts and the port officers of every overdue item; notify
    sends each person at most one reminder per item and day. Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for item in rectification_overdue(today).select_related("owner_unit__authority"):
        users = rectification_reminder_recipients(item)
        if not users:
            continue
        unit, finding = item.owner_unit.name, strip_tags(item.finding.text)[:120]
        due, days = item.due_on.isoformat(), (today - item.due_on).days
        # Callables: notify renders them in each recipient's language.
        sent += notify(
            users=users,
            key=f"rectification-overdue:{item.pk}",
            title=lambda unit=unit: _("Rectification overdue: %(unit)s") % {"unit": unit},
            body=lambda finding=finding, due=due, days=days: (
                _(
                    "The rectification item “%(finding)s” was due on %(due)s and is %(days)s days "
                    "overdue."
                )
                % {"finding": finding, "due": due, "days": days}
            ),
            url=reverse("campaigns:rectification-detail", args=[item.pk]),
            today=today,
        )
    return sent

"""Writes to rounds: creating and editing one, its quotas, the holiday calendar, advancing its
phases, and the reviews that score its nominations.

A round moves `draft → nominating → provincial_review → national_review → public_notice →
decided → closed`, one step at a time, through `round_advance`. Each step first checks its
preconditions (`round_preconditions`, also shown in the admin before the office clicks) and
refuses with every reason at once; then it does the step's work in the same transaction: the
reviews created, the nominations put up for scoring and assigned, reviews opened and closed,
the public notice's dates counted in working days, the honours granted.

A province runs its own round with the same machinery (`round.authority` is the province): its
own titles, quotas per port authority, its own scheme and panel. Its round has no national
review: the province's recommendation list is its list of candidates, published for the
public notice before the province decides.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Review, Scheme
from assessments.services import reviews as review_services
from awards.models import CalendarDay, Nomination, Objection, Quota, Recommendation, Round, Title
from awards.selectors.approvals import approval_refusal
from awards.selectors.rounds import national_office, provinces
from awards.workdays import working_days_span
from campaigns.models import Authority
from civport.audit import audit_record, audit_record_many, diff, snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User


Phase = Round.Phase
Status = Nomination.Status

PHASES = list(Phase.values)

ROUND_FIELDS = (
    "code",
    "name",
    "start_year",
    "end_year",
    "scheme",
    "nominations_due_on",
    "provincial_review_due_on",
    "national_review_due_on",
    "reviewers_per_nomination",
    "notice_working_days",
    "issuing_office",
    "decision_number",
    "conference_name",
    "conference_on",
    "conference_place",
)

# Until when each field may be changed: the last phase in which it is still open. The code
# names the reviews, the scheme and k are what they were created with; the deadlines and the
# notice length matter until their phase is over; the decision's details until it is made.
EDITABLE_UNTIL = {
    "code": Phase.DRAFT,
    "start_year": Phase.DRAFT,
    "end_year": Phase.DRAFT,
    "scheme": Phase.DRAFT,
    "reviewers_per_nomination": Phase.DRAFT,
    "nominations_due_on": Phase.NOMINATING,
    "provincial_review_due_on": Phase.PROVINCIAL_REVIEW,
    "national_review_due_on": Phase.NATIONAL_REVIEW,
    "notice_working_days": Phase.NATIONAL_REVIEW,
    "name": Phase.PUBLIC_NOTICE,
    "issuing_office": Phase.PUBLIC_NOTICE,
    "decision_number": Phase.PUBLIC_NOTICE,
    # The decision cites the conference, so it is known before the decision is made.
    "conference_name": Phase.PUBLIC_NOTICE,
    "conference_on": Phase.PUBLIC_NOTICE,
    "conference_place": Phase.PUBLIC_NOTICE,
}

# Quotas are set before the provinces start choosing.
QUOTA_PHASES = (Phase.DRAFT, Phase.NOMINATING)
MAX_QUOTA = 999

# Nominations that went into a province's review (whatever the province made of them since).
IN_PROVINCIAL_REVIEW = (Status.SUBMITTED, Status.RECOMMENDED, Status.NOT_RECOMMENDED)
NAMED_AT_MOST = 10


def today() -> datetime.date:
    """The date in China (TIME_ZONE is Asia/Shanghai): deadlines are dates there."""
    return timezone.localdate()


def phases(round: Round) -> list[str]:
    """The phases the round goes through: a province's own round has no national review."""
    if _is_provincial(round):
        return [phase for phase in PHASES if phase != Phase.NATIONAL_REVIEW]
    return PHASES


# The due date of each phase, by the phase it ends.
DUE_DATES = (
    (Phase.NOMINATING, "nominations_due_on"),
    (Phase.PROVINCIAL_REVIEW, "provincial_review_due_on"),
    (Phase.NATIONAL_REVIEW, "national_review_due_on"),
)


def round_dates_warnings(round: Round, *, on: datetime.date | None = None) -> list[str]:
    """The due dates of phases the round has not finished that lie before `on` (today in China):
    saved as given, since a round may be entered late, but worth a word to the person saving."""
    on = on or today()
    steps = phases(round)
    here = steps.index(round.phase)
    warnings = []
    for phase, name in DUE_DATES:
        due = getattr(round, name)
        if phase not in steps or due is None or steps.index(phase) < here or due >= on:
            continue
        warnings.append(
            _("%(field)s (%(date)s) is in the past.")
            % {
                "field": str(cast(Any, Round._meta.get_field(name)).verbose_name).capitalize(),
                "date": due.isoformat(),
            }
        )
    return warnings


def _is_provincial(round: Round | None) -> bool:
    return round is not None and round.authority_id is not None and round.is_provincial


def next_phase(round: Round) -> str | None:
    steps = phases(round)
    index = steps.index(round.phase)
    return steps[index + 1] if index + 1 < len(steps) else None


def editable_fields(round: Round | None) -> set[str]:
    """The round's fields that may still be changed in its phase."""
    if round is None or round.pk is None:
        return set(ROUND_FIELDS)
    here = PHASES.index(round.phase)
    return {name for name, until in EDITABLE_UNTIL.items() if here <= PHASES.index(until)}


def _names(authorities: Iterable[Authority]) -> str:
    names = [a.short_name or a.name for a in authorities]
    if len(names) > NAMED_AT_MOST:
        rest = len(names) - NAMED_AT_MOST
        names = [
            *names[:NAMED_AT_MOST],
            ngettext("%(count)d more", "%(count)d more", rest) % {"count": rest},
        ]
    return "、".join(names)


def _province_names(ids: Iterable[int]) -> str:
    return _names(Authority.objects.filter(pk__in=ids).order_by("path"))


# --- the round itself ---------------------------------------------------------------------


def round_errors(
    values: Mapping[str, Any], round: Round | None = None, *, authority: Authority | None = None
) -> dict[str, Any]:
    """What is wrong with the round's values (a dict of every field, as they would be saved),
    by field: years, deadlines in order, the scheme, the fields closed in the round's phase.
    Shared by the services and the admin's form, so the form shows the errors on its fields.
    `authority` is the issuing province of a new provincial round (the round's own otherwise)."""
    errors = {}
    if round is not None and round.authority_id is not None:
        authority = round.authority
    province = (
        authority
        if authority is not None and authority.level == Authority.Level.PROVINCIAL
        else None
    )
    if round is not None and round.pk is not None:
        open_fields = editable_fields(round)
        for name in ROUND_FIELDS:
            if name in values and name not in open_fields:
                before = getattr(round, name)
                if values[name] != before:
                    errors[name] = _(
                        "This can no longer be changed: the round is in its %(phase)s phase."
                    ) % {"phase": round.get_phase_display()}
        if round.phase != Phase.DRAFT:
            for name in (
                "nominations_due_on",
                "provincial_review_due_on",
                "national_review_due_on",
            ):
                if name in values and values[name] is None and getattr(round, name) is not None:
                    errors.setdefault(name, _("A round under way keeps its due dates."))
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end != start + 1:
        errors.setdefault(
            "end_year",
            _("A round covers two consecutive years, such as 2025—2026; the last year is %(year)d.")
            % {"year": start + 1},
        )
    if start and end and "end_year" not in errors:
        overlapping = Round.objects.filter(start_year__lte=end, end_year__gte=start)
        # Each issuing authority runs one round for two years; a province's and the national
        # round run side by side.
        if province is not None:
            overlapping = overlapping.filter(authority=province)
        else:
            overlapping = overlapping.exclude(authority__level=Authority.Level.PROVINCIAL)
        if round is not None and round.pk is not None:
            overlapping = overlapping.exclude(pk=round.pk)
        other = overlapping.first()
        if other is not None:
            errors.setdefault(
                "start_year",
                _("The round “%(round)s” already covers these years.") % {"round": other.name},
            )
    scheme = values.get("scheme")
    if scheme is not None and "scheme" not in errors:
        if not scheme.is_published:
            errors["scheme"] = _("Choose a published scheme; “%(scheme)s” is a draft.") % {
                "scheme": scheme
            }
        elif province is not None and scheme.authority_id != province.pk:
            errors["scheme"] = _(
                "Choose a scheme of %(province)s; “%(scheme)s” belongs to %(authority)s."
            ) % {"province": province.name, "scheme": scheme, "authority": scheme.authority.name}
        elif province is None and scheme.authority.level != Authority.Level.NATIONAL:
            errors["scheme"] = _(
                "Choose a national scheme; “%(scheme)s” belongs to %(authority)s."
            ) % {"scheme": scheme, "authority": scheme.authority.name}
    nominations = values.get("nominations_due_on")
    provincial = values.get("provincial_review_due_on")
    national = values.get("national_review_due_on")
    if nominations and provincial and provincial <= nominations:
        errors.setdefault(
            "provincial_review_due_on",
            _("The provincial review must be due after the nominations."),
        )
    if province is not None:
        pass  # a province's round has no national review
    elif national and provincial and national <= provincial:
        errors.setdefault(
            "national_review_due_on",
            _("The national review must be due after the provincial review."),
        )
    elif national and nominations and not provincial and national <= nominations:
        errors.setdefault(
            "national_review_due_on",
            _("The national review must be due after the nominations."),
        )
    return errors


def _clean_text(values: dict[str, Any]) -> dict[str, Any]:
    for name in (
        "code",
        "name",
        "issuing_office",
        "decision_number",
        "conference_name",
        "conference_place",
    ):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    return values


@transaction.atomic
def round_create(*, actor: User | None, authority: Authority | None = None, **fields: Any) -> Round:
    """A new round, in draft: the office then sets quotas and advances it to nominating.
    `authority` is the issuing authority: a province for its own round (issued in its name),
    the national office otherwise."""
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    values = _clean_text(dict(fields))
    if authority is not None and authority.level == Authority.Level.PROVINCIAL:
        values["issuing_office"] = values.get("issuing_office") or authority.name
        values.pop("national_review_due_on", None)
    elif authority is not None and authority.level != Authority.Level.NATIONAL:
        raise ValidationError({"authority": _("A round is issued by a province or nationally.")})
    round = Round(authority=authority, **values)
    errors = round_errors(values, authority=authority)
    try:
        round.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    round.save()
    audit_record(
        actor=actor,
        action="awards.round.created",
        obj=round,
        changes={**snapshot(round, ROUND_FIELDS), "authority": round.authority_id},
    )
    return round


@transaction.atomic
def round_save(*, actor: User | None, round: Round, **fields: Any) -> Round:
    """Change a round's fields; those its phase has closed are refused. In a round under way,
    new due dates reach its reviews, and a province added since gets its review."""
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    # Locked: advancing reads these values, and must not see half of a change.
    round = (
        Round.objects.select_for_update(of=("self",))
        .select_related("scheme", "authority")
        .get(pk=round.pk)
    )
    fields = _clean_text(dict(fields))
    values = {name: getattr(round, name) for name in ROUND_FIELDS} | fields
    errors = round_errors(values, round)
    before = snapshot(round, ROUND_FIELDS)
    for name, value in fields.items():
        setattr(round, name, value)
    try:
        round.full_clean(validate_unique=True)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    changes = diff(before, round, ROUND_FIELDS)
    if not changes:
        return round
    round.save(update_fields=[*changes, "updated_at"])
    if round.phase != Phase.DRAFT:
        round_reviews_ensure(actor=actor, round=round)
        _reviews_due_on(actor=actor, round=round, changes=changes)
    audit_record(actor=actor, action="awards.round.updated", obj=round, changes=changes)
    return round


def _reviews_due_on(*, actor: User | None, round: Round, changes: Mapping[str, Any]) -> None:
    """The reviews carry the round's due dates (reviewers see them in their queue)."""
    for name, national in (("provincial_review_due_on", False), ("national_review_due_on", True)):
        if name not in changes:
            continue
        level = Q(authority__level=Authority.Level.NATIONAL)
        reviews = Review.objects.filter(round_key=round.review_key).filter(
            level if national else ~level
        )
        changed = list(reviews.exclude(due_on=getattr(round, name)))
        reviews.update(due_on=getattr(round, name))
        audit_record_many(
            actor=actor,
            action="assessments.review.due_on_changed",
            objects=changed,
            changes_for=lambda review, name=name: {"due_on": [review.due_on, getattr(round, name)]},
        )


@transaction.atomic
def round_reviews_ensure(*, actor: User | None, round: Round) -> list[Review]:
    """One review per province and one national, on the round's scheme, so every office can
    set up its panel while nominations come in. Safe to run again."""
    existing = set(
        Review.objects.filter(round_key=round.review_key).values_list("authority_id", flat=True)
    )
    made = []
    issuers = [round.authority] if _is_provincial(round) else [*provinces(), national_office()]
    for authority in issuers:
        if authority is None or authority.pk in existing:
            continue
        made.append(
            review_services.review_create(
                actor=actor,
                name=_("%(round)s · %(authority)s")
                % {"round": round.name, "authority": authority.short_name or authority.name},
                round_key=round.review_key,
                authority=authority,
                scheme=round.scheme,
                reviewers_per_subject=round.reviewers_per_nomination,
                due_on=(
                    round.national_review_due_on
                    if authority.level == authority.Level.NATIONAL
                    else round.provincial_review_due_on
                ),
            )
        )
    return made


# --- quotas -------------------------------------------------------------------------------


def _lock_for_quotas(round: Round) -> Round:
    # Locked so that quotas cannot change while the round advances past the phases they are
    # open in.
    round = (
        Round.objects.select_for_update(of=("self",)).select_related("authority").get(pk=round.pk)
    )
    if round.phase not in QUOTA_PHASES:
        raise ValidationError(
            {
                "quota": _(
                    "Quotas can be changed while the round is in draft or nominating only; "
                    "it is in its %(phase)s phase."
                )
                % {"phase": round.get_phase_display()}
            }
        )
    return round


def quota_errors(
    *, province: Authority | None, title: str, quota: object, round: Round | None = None
) -> dict[str, str]:
    """What is wrong with a quota. In a national round a quota is a province's; in a
    province's own round, one of its port authorities' (in `province`)."""
    errors = {}
    if _is_provincial(round):
        issuer = cast(Round, round).authority
        if (
            province is None
            or province.level != Authority.Level.PORT
            or issuer is None
            or not province.path.startswith(issuer.path)
        ):
            errors["province"] = _("Choose a port authority of the province.")
        if title not in dict(cast(Round, round).title_choices()):
            errors["title"] = _("Choose one of the round's titles.")
    else:
        if province is None or province.level != Authority.Level.PROVINCIAL:
            errors["province"] = _("Choose a provincial authority.")
        if title not in Title.values:
            errors["title"] = _("Choose one of the four titles.")
    if not isinstance(quota, int) or isinstance(quota, bool) or not 0 <= quota <= MAX_QUOTA:
        errors["quota"] = _("A quota is a whole number from 0 to %(max)d.") % {"max": MAX_QUOTA}
    return errors


@transaction.atomic
def quota_set(
    *, actor: User | None, round: Round, province: Authority, title: str, quota: int
) -> Quota:
    """How many nominations of `title` the province may recommend (0: none)."""
    round = _lock_for_quotas(round)
    errors = quota_errors(province=province, title=title, quota=quota, round=round)
    if errors:
        raise ValidationError(errors)
    row = Quota.objects.filter(round=round, province=province, title=title).first()
    if row is None:
        row = Quota.objects.create(round=round, province=province, title=title, quota=quota)
        before = None
    elif row.quota == quota:
        return row
    else:
        before = row.quota
        row.quota = quota
        row.save(update_fields=["quota"])
    audit_record(
        actor=actor,
        action="awards.quota.set",
        obj=row,
        changes={
            "round": round.pk,
            "province": province.pk,
            "title": title,
            "quota": [before, quota],
        },
    )
    return row


@transaction.atomic
def quota_delete(*, actor: User | None, quota: Quota) -> None:
    _lock_for_quotas(quota.round)
    audit_record(
        actor=actor,
        action="awards.quota.deleted",
        obj=quota,
        changes={
            "round": quota.round_id,
            "province": quota.province_id,
            "title": quota.title,
            "quota": [quota.quota, None],
        },
    )
    quota.delete()


@transaction.atomic
def quotas_import(
    *, actor: User | None, round: Round, rows: Iterable[tuple[Authority, str, int]]
) -> dict[str, int]:
    """Apply a checked quota sheet: `rows` are (province, title, quota). All or nothing; rows
    already as in the file are left alone. Returns {"create": n, "update": n, "unchanged": n}."""
    round = _lock_for_quotas(round)
    existing = {(q.province_id, q.title): q for q in Quota.objects.filter(round=round)}
    creates, updates, counts = [], [], {"create": 0, "update": 0, "unchanged": 0}
    for province, title, quota in rows:
        errors = quota_errors(province=province, title=title, quota=quota, round=round)
        if errors:
            raise ValidationError(errors)
        row = existing.get((province.pk, title))
        if row is None:
            row = Quota(round=round, province=province, title=title, quota=quota)
            row.before = None  # type: ignore[attr-defined]
            creates.append(row)
            existing[(province.pk, title)] = row
            counts["create"] += 1
        elif row.quota != quota:
            row.before = row.quota  # type: ignore[attr-defined]
            row.quota = quota
            updates.append(row)
            counts["update"] += 1
        else:
            counts["unchanged"] += 1
    Quota.objects.bulk_create(creates)
    Quota.objects.bulk_update(updates, ["quota"])
    audit_record_many(
        actor=actor,
        action="awards.quota.set",
        objects=[*creates, *updates],
        changes_for=lambda q: {
            "round": round.pk,
            "province": q.province_id,
            "title": q.title,
            "quota": [q.before, q.quota],
            "imported": True,
        },
    )
    return counts


# --- the holiday calendar -----------------------------------------------------------------


def calendar_day_errors(*, day: Any, kind: str, name: str = "") -> dict[str, str]:
    """What is wrong with a calendar entry, by field. A make-up working day falls on a weekend
    (any other day is a working day already)."""
    errors = {}
    if not isinstance(day, datetime.date):
        errors["day"] = _("Enter a date.")
    if kind not in CalendarDay.Kind.values:
        errors["kind"] = _("Choose a public holiday or a make-up working day.")
    elif kind == CalendarDay.Kind.WORKDAY and "day" not in errors and day.weekday() < 5:
        errors["kind"] = _(
            "%(day)s is a weekday, a working day already; a make-up working day is a Saturday "
            "or a Sunday."
        ) % {"day": day.isoformat()}
    if len(name or "") > cast(int, CalendarDay._meta.get_field("name").max_length):
        errors["name"] = _("The name is too long.")
    return errors


@transaction.atomic
def calendar_day_set(
    *, actor: User | None, day: datetime.date, kind: str, name: str = ""
) -> CalendarDay:
    """Enter a public holiday or a make-up working day (调休); an entry for the day is replaced."""
    name = (name or "").strip()
    errors = calendar_day_errors(day=day, kind=kind, name=name)
    if errors:
        raise ValidationError(errors)
    entry = CalendarDay.objects.select_for_update().filter(day=day).first()
    if entry is None:
        entry = CalendarDay.objects.create(day=day, kind=kind, name=name)
        changes = {"kind": [None, kind], "name": [None, name]}
    else:
        before = snapshot(entry, ("kind", "name"))
        entry.kind, entry.name = kind, name
        changes = diff(before, entry, ("kind", "name"))
        if not changes:
            return entry
        entry.save(update_fields=list(changes))
    audit_record(actor=actor, action="awards.calendar_day.set", obj=entry, changes=changes)
    return entry


@transaction.atomic
def calendar_day_delete(*, actor: User | None, entry: CalendarDay) -> None:
    audit_record(
        actor=actor,
        action="awards.calendar_day.deleted",
        obj=entry,
        changes={"day": entry.day, "kind": [entry.kind, None]},
    )
    entry.delete()


# --- phases -------------------------------------------------------------------------------


def _reviews(round: Round) -> dict[int, Any]:
    return {
        review.authority_id: review
        for review in Review.objects.filter(round_key=round.review_key)
        .select_related("authority")
        .annotate(active=Count("panel", filter=Q(panel__is_active=True)))
    }


def _dates_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    nominations = round.nominations_due_on
    provincial = round.provincial_review_due_on
    national = round.national_review_due_on
    if nominations is None:
        reasons.append(_("Set the date nominations are due."))
    elif nominations < on:
        reasons.append(
            _("The nominations' due date (%(date)s) has passed; set a later one.")
            % {"date": nominations.isoformat()}
        )
    if provincial is None:
        reasons.append(_("Set the date the provincial review is due."))
    elif nominations and provincial <= nominations:
        reasons.append(_("The provincial review must be due after the nominations."))
    if _is_provincial(round):
        pass  # a province's own round has no national review
    elif national is None:
        reasons.append(_("Set the date the national review is due."))
    elif provincial and national <= provincial:
        reasons.append(_("The national review must be due after the provincial review."))
    return reasons


def _draft_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    scheme = Scheme.objects.select_related("authority").get(pk=round.scheme_id)
    if not scheme.is_published:
        reasons.append(_("The scheme “%(scheme)s” is not published.") % {"scheme": scheme})
    elif _is_provincial(round):
        if scheme.authority_id != round.authority_id:
            reasons.append(
                _("The scheme “%(scheme)s” is not the province's own scheme.") % {"scheme": scheme}
            )
    elif scheme.authority.level != Authority.Level.NATIONAL:
        reasons.append(_("The scheme “%(scheme)s” is not a national scheme.") % {"scheme": scheme})
    if not round.quotas.filter(quota__gt=0).exists():
        if _is_provincial(round):
            reasons.append(
                _("No quota is set: give at least one port authority a quota for a title.")
            )
        else:
            reasons.append(_("No quota is set: give at least one province a quota for a title."))
    return reasons + _dates_reasons(round, on)


def _short_panels(
    reviews: Mapping[int, Any], province_ids: Iterable[int], k: int
) -> list[tuple[Authority, int]]:
    """Provinces (and their active reviewers) whose panel has fewer than k active members."""
    short = []
    for province in Authority.objects.filter(pk__in=province_ids).order_by("path"):
        review = reviews.get(province.pk)
        active = review.active if review else 0
        if active < k:
            short.append((province, active))
    return short


def _nominating_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    if round.nominations_due_on is None:
        reasons.append(_("Set the date nominations are due."))
    elif on <= round.nominations_due_on:
        reasons.append(
            _("Nominations are open until %(date)s; the provincial review can start the day after.")
            % {"date": round.nominations_due_on.isoformat()}
        )
    submitted = set(
        round.nominations.filter(status=Status.SUBMITTED)
        .order_by()
        .values_list("province_id", flat=True)
        .distinct()
    )
    if not submitted:
        reasons.append(_("No nomination has been submitted."))
        return reasons
    k = round.reviewers_per_nomination
    short = _short_panels(_reviews(round), submitted, k)
    if short:
        reasons.append(
            ngettext(
                "%(count)d province has fewer than %(k)d active reviewers on its panel: "
                "%(provinces)s.",
                "%(count)d provinces have fewer than %(k)d active reviewers on their panels: "
                "%(provinces)s.",
                len(short),
            )
            % {
                "count": len(short),
                "k": k,
                "provinces": "、".join(
                    f"{p.short_name or p.name} ({active})" for p, active in short
                ),
            }
        )
    return reasons


def _national_panel_reason(round: Round, reviews: Mapping[int, Any]) -> str | None:
    k = round.reviewers_per_nomination
    national = next(
        (r for r in reviews.values() if r.authority.level == Authority.Level.NATIONAL), None
    )
    active = national.active if national else 0
    if active < k:
        return ngettext(
            "The national panel has %(active)d active reviewer; each nomination needs %(k)d.",
            "The national panel has %(active)d active reviewers; each nomination needs %(k)d.",
            active,
        ) % {"active": active, "k": k}
    return None


def _provincial_review_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    in_review = set(
        round.nominations.filter(status__in=IN_PROVINCIAL_REVIEW)
        .order_by()
        .values_list("province_id", flat=True)
        .distinct()
    )
    listed = set(
        Recommendation.objects.filter(
            round=round, status=Recommendation.Status.SUBMITTED
        ).values_list("province_id", flat=True)
    )
    missing = in_review - listed
    if missing:
        reasons.append(
            ngettext(
                "%(count)d province has not submitted its recommendation list: %(provinces)s.",
                "%(count)d provinces have not submitted their recommendation lists: %(provinces)s.",
                len(missing),
            )
            % {"count": len(missing), "provinces": _province_names(missing)}
        )
    if not round.nominations.filter(status=Status.RECOMMENDED).exists():
        reasons.append(_("No nomination has been recommended."))
    if _is_provincial(round):
        # The province's list is the list of candidates: no national panel scores it.
        return reasons
    reason = _national_panel_reason(round, _reviews(round))
    if reason:
        reasons.append(reason)
    return reasons


def _national_review_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    counts = round.nominations.aggregate(
        undecided=Count("pk", filter=Q(status=Status.RECOMMENDED)),
        candidates=Count("pk", filter=Q(status=Status.CANDIDATE)),
    )
    if counts["undecided"]:
        reasons.append(
            ngettext(
                "%(count)d recommended nomination has no decision yet.",
                "%(count)d recommended nominations have no decision yet.",
                counts["undecided"],
            )
            % {"count": counts["undecided"]}
        )
    if not counts["candidates"]:
        reasons.append(_("No nomination has been approved as a candidate."))
    return reasons


def _public_notice_reasons(round: Round, on: datetime.date) -> list[str]:
    reasons = []
    if round.notice_ends_on is None:
        reasons.append(_("The public notice has no dates."))
    elif on <= round.notice_ends_on:
        reasons.append(
            _("The public notice runs until %(date)s; the decision can be made the day after.")
            % {"date": round.notice_ends_on.isoformat()}
        )
    open_objections = Objection.objects.filter(
        nomination__round=round, status=Objection.Status.OPEN
    ).count()
    if open_objections:
        reasons.append(
            ngettext(
                "%(count)d objection is still open.",
                "%(count)d objections are still open.",
                open_objections,
            )
            % {"count": open_objections}
        )
    if not round.nominations.filter(status=Status.CANDIDATE).exists():
        reasons.append(_("No candidate remains."))
    if not round.decision_number.strip():
        reasons.append(_("Enter the document number of the commendation decision."))
    # The titles are conferred after the issuing authority's leading group reviewed the list.
    reason = approval_refusal(round, on)
    if reason:
        reasons.append(reason)
    return reasons


def _decided_reasons(round: Round, on: datetime.date) -> list[str]:
    from awards.services.honours import documents_ready

    done, total, problems = documents_ready(round)
    reasons = []
    if done < total:
        reasons.append(
            ngettext(
                "%(count)d of %(total)d documents is not rendered yet.",
                "%(count)d of %(total)d documents are not rendered yet.",
                total - done,
            )
            % {"count": total - done, "total": total}
        )
    reasons.extend(str(problem) for problem in problems)
    return reasons


REASONS = {
    Phase.DRAFT: _draft_reasons,
    Phase.NOMINATING: _nominating_reasons,
    Phase.PROVINCIAL_REVIEW: _provincial_review_reasons,
    Phase.NATIONAL_REVIEW: _national_review_reasons,
    Phase.PUBLIC_NOTICE: _public_notice_reasons,
    Phase.DECIDED: _decided_reasons,
}


def round_preconditions(round: Round, *, on: datetime.date | None = None) -> list[str]:
    """Why the round cannot move to its next phase yet: a list of messages, empty when it can.
    `on` is the day to judge deadlines by (today in China by default)."""
    if next_phase(round) is None:
        return [_("The round is closed; it has no next phase.")]
    return REASONS[round.phase](round, on or today())  # type: ignore[index]


# What each step does once its preconditions hold.


def _attach(*, actor: User | None, review: Review, nominations: Sequence[Nomination]) -> None:
    review_services.subjects_attach(
        actor=actor,
        review=review,
        targets=[
            review_services.SubjectTarget(
                target=nomination,
                title=nomination.nominee_name or str(nomination),
                category=nomination.title,
                authority=nomination.authority,
                unit=nomination.unit,
                summary=nomination.summary,
            )
            for nomination in nominations
        ],
    )


def _assign_and_open(*, actor: User | None, review: Review, warnings: list[str]) -> None:
    _created, short = review_services.assignment_auto(actor=actor, review=review)
    if short:
        warnings.append(
            ngettext(
                "%(review)s: %(count)d nomination is short of reviewers (conflicts of "
                "interest); assign one by hand.",
                "%(review)s: %(count)d nominations are short of reviewers (conflicts of "
                "interest); assign them by hand.",
                len(short),
            )
            % {"review": review.name, "count": len(short)}
        )
    review_services.review_set_phase(actor=actor, review=review, phase=Review.Phase.OPEN)


def _to_nominating(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    made = round_reviews_ensure(actor=actor, round=round)
    return {"reviews_created": len(made)}


def _to_provincial_review(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    reviews = {
        review.authority_id: review
        for review in Review.objects.filter(round_key=round.review_key).select_related(
            "authority", "scheme"
        )
    }
    nominations = list(
        round.nominations.filter(status=Status.SUBMITTED)
        .select_related("authority", "unit")
        .order_by("province__path", "title", "pk")
    )
    by_province: dict[int, list[Nomination]] = {}
    for nomination in nominations:
        by_province.setdefault(nomination.province_id, []).append(nomination)
    for province_id, batch in by_province.items():
        review = reviews[province_id]
        _attach(actor=actor, review=review, nominations=batch)
        _assign_and_open(actor=actor, review=review, warnings=warnings)
    return {"nominations": len(nominations), "reviews_opened": len(by_province)}


def _to_national_review(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    reviews = list(
        Review.objects.filter(round_key=round.review_key).select_related("authority", "scheme")
    )
    national = next(r for r in reviews if r.authority.level == Authority.Level.NATIONAL)
    for review in reviews:
        if review is not national and review.phase != Review.Phase.CLOSED:
            review_services.review_set_phase(actor=actor, review=review, phase=Review.Phase.CLOSED)
    # A nomination the province left off its list is not recommended, whatever the list's
    # service already did about it.
    left_off = list(round.nominations.filter(status=Status.SUBMITTED))
    round.nominations.filter(pk__in=[n.pk for n in left_off]).update(
        status=Status.NOT_RECOMMENDED, updated_at=timezone.now()
    )
    audit_record_many(
        actor=actor,
        action="awards.nomination.not_recommended",
        objects=left_off,
        changes_for=lambda n: {"status": [Status.SUBMITTED, Status.NOT_RECOMMENDED]},
    )
    recommended = list(
        round.nominations.filter(status=Status.RECOMMENDED)
        .select_related("authority", "unit")
        .order_by("title", "province__path", "recommended_position", "pk")
    )
    _attach(actor=actor, review=national, nominations=recommended)
    _assign_and_open(actor=actor, review=national, warnings=warnings)
    return {"nominations": len(recommended), "not_recommended": len(left_off)}


def _province_list_to_candidates(*, actor: User | None, round: Round) -> dict[str, Any]:
    """In a province's own round the province's recommendation list makes the candidates;
    the nominations it left off are not recommended."""
    now = timezone.now()
    left_off = list(round.nominations.filter(status=Status.SUBMITTED))
    round.nominations.filter(pk__in=[n.pk for n in left_off]).update(
        status=Status.NOT_RECOMMENDED, updated_at=now
    )
    audit_record_many(
        actor=actor,
        action="awards.nomination.not_recommended",
        objects=left_off,
        changes_for=lambda n: {"status": [Status.SUBMITTED, Status.NOT_RECOMMENDED]},
    )
    listed = list(round.nominations.filter(status=Status.RECOMMENDED))
    round.nominations.filter(pk__in=[n.pk for n in listed]).update(
        status=Status.CANDIDATE, decided_at=now, updated_at=now
    )
    audit_record_many(
        actor=actor,
        action="awards.nomination.decided",
        objects=listed,
        changes_for=lambda n: {"status": [Status.RECOMMENDED, Status.CANDIDATE]},
    )
    return {"candidates": len(listed), "not_recommended": len(left_off)}


def _to_public_notice(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    effects: dict[str, Any] = {}
    closing = Review.objects.filter(round_key=round.review_key)
    if _is_provincial(round):
        effects = _province_list_to_candidates(actor=actor, round=round)
    else:
        closing = closing.filter(authority__level=Authority.Level.NATIONAL)
    for review in closing.exclude(phase=Review.Phase.CLOSED):
        review_services.review_set_phase(actor=actor, review=review, phase=Review.Phase.CLOSED)
    starts, ends = working_days_span(on, round.notice_working_days)
    round.notice_starts_on, round.notice_ends_on = starts, ends
    round.save(update_fields=["notice_starts_on", "notice_ends_on", "updated_at"])
    return {**effects, "notice_starts_on": starts, "notice_ends_on": ends}


def _to_decided(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    from awards.services.honours import honours_grant

    # The decision's date is on the certificates and in the decision: set before granting.
    round.decided_on = on
    round.save(update_fields=["decided_on", "updated_at"])
    honours_grant(actor=actor, round=round)
    return {"decided_on": on}


def _to_closed(
    *, actor: User | None, round: Round, on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    return {}


STEPS = {
    Phase.NOMINATING: _to_nominating,
    Phase.PROVINCIAL_REVIEW: _to_provincial_review,
    Phase.NATIONAL_REVIEW: _to_national_review,
    Phase.PUBLIC_NOTICE: _to_public_notice,
    Phase.DECIDED: _to_decided,
    Phase.CLOSED: _to_closed,
}


@transaction.atomic
def round_advance(*, actor: User | None, round: Round) -> Round:
    """Move the round to its next phase, or refuse with every unmet precondition.

    Returns the round; `round.warnings` lists what the office should look at although the step
    was made (nominations left short of reviewers by conflicts of interest)."""
    # Locked for the whole step: two clicks (or a click and the changelist action) must not
    # both advance, and quotas and dates must not change under the checks.
    round = (
        Round.objects.select_for_update(of=("self",))
        .select_related("scheme", "authority")
        .get(pk=round.pk)
    )
    target = next_phase(round)
    on = today()
    reasons = round_preconditions(round, on=on)
    if reasons:
        raise ValidationError({"phase": reasons})
    before = round.phase
    round.phase = target  # type: ignore[assignment]
    warnings: list[str] = []
    round.save(update_fields=["phase", "updated_at"])
    effects = STEPS[target](actor=actor, round=round, on=on, warnings=warnings)  # type: ignore[index]
    audit_record(
        actor=actor,
        action=f"awards.round.{target}",
        obj=round,
        changes={"phase": [before, target], **effects},
    )
    round.warnings = warnings  # type: ignore[attr-defined]
    return round

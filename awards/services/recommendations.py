"""Writes to a province's recommendation list, within the quota.

The list is the province's submitted nominations with a `recommended_position` (1..n per
title); the `Recommendation` row holds the province's opinion and, once submitted, locks the
list. Both services take a row lock on that `Recommendation` row before reading anything, so
two officers saving or submitting at the same moment are serialised: the second one reads the
first one's list, and the quota check can never be passed by two transactions together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from awards.models import Nomination, Opinion, Recommendation, Round, Title
from awards.selectors.recommendations import ranking_by_nomination
from awards.services.opinions import opinion_write
from campaigns.models import Authority
from campaigns.scope import scope_for
from civport.audit import audit_record, audit_record_many

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The deadline is a calendar day in China: the list may be changed until its end there.
CHINA = ZoneInfo("Asia/Shanghai")
OPINION_MAX = 2000


def review_closed(round: Round, today: date | None = None) -> bool:
    """Whether the provincial review's deadline has passed (it runs to the end of its day)."""
    today = today or timezone.localdate(timezone=CHINA)
    return round.provincial_review_due_on is not None and today > round.provincial_review_due_on


def _check_may_manage(actor: User | None, province: Authority) -> None:
    if (
        actor is None
        or province.level != Authority.Level.PROVINCIAL
        or not scope_for(actor).edits_path(province.path)
    ):
        raise PermissionDenied


def _open_list(
    actor: User | None, round: Round, province: Authority
) -> tuple[Recommendation, Round]:
    """Lock the province's list row and check that it may still be changed; returns it with a
    fresh copy of the round."""
    _check_may_manage(actor, province)
    # The row lock on the list header serialises every save and submit of this province's list
    # (get_or_create: a concurrent first save waits on the unique index, then reads the row).
    recommendation, _created = Recommendation.objects.select_for_update().get_or_create(
        round=round, province=province
    )
    round = Round.objects.get(pk=round.pk)
    if recommendation.status == Recommendation.Status.SUBMITTED:
        raise ValidationError(
            _("%(province)s submitted its recommendation list on %(date)s; the list is locked.")
            % {
                "province": province.name,
                "date": formats.date_format(
                    timezone.localtime(recommendation.submitted_at, CHINA).date()
                ),
            }
        )
    if round.phase != Round.Phase.PROVINCIAL_REVIEW:
        raise ValidationError(
            _(
                "The recommendation list is made during the provincial review; the round is "
                "in the phase “%(phase)s”."
            )
            % {"phase": round.get_phase_display()}
        )
    if review_closed(round):
        raise ValidationError(
            _("The provincial review closed on %(date)s; the list can no longer be changed.")
            % {"date": formats.date_format(round.provincial_review_due_on)}  # type: ignore[arg-type]
        )
    return recommendation, round


def _submitted_nominations(round: Round, province: Authority) -> list[Nomination]:
    """The province's submitted nominations, locked: a withdrawal of one of them waits for this
    transaction, and one withdrawn meanwhile is no longer among them."""
    return list(
        Nomination.objects.select_for_update()
        .filter(round=round, province=province, status=Nomination.Status.SUBMITTED)
        .order_by("pk")
    )


def _as_ids(values: Iterable[Any] | None) -> list[int]:
    ids = []
    for value in values or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError(
                {"choices": _("“%(value)s” is not a nomination.") % {"value": value}}
            ) from None
    return ids


def _check_choices(
    *,
    round: Round,
    province: Authority,
    choices: Mapping[str, Iterable[Any] | None],
    submitted: Sequence[Nomination],
    quotas: Mapping[str, int],
) -> dict[str, list[Nomination]]:
    """The chosen lists by title, as {title: [nominations]}, after checking every rule; raises
    one ValidationError keyed by title with every problem found."""
    unknown = set(choices) - set(Title.values)
    if unknown:
        raise ValidationError(
            {"choices": _("Unknown title: %(titles)s.") % {"titles": ", ".join(sorted(unknown))}}
        )
    wanted = {title: _as_ids(choices.get(title)) for title in Title.values}
    own = {n.pk: n for n in submitted}
    strangers = {pk for ids in wanted.values() for pk in ids if pk not in own}
    others = {n.pk: n for n in Nomination.objects.filter(pk__in=strangers)} if strangers else {}
    ranking = ranking_by_nomination(round, province)
    errors = {}
    chosen: dict[str, list[Nomination]] = {}
    for title in Title.values:
        problems = []
        seen = set()
        chosen[title] = []
        for pk in wanted[title]:
            nomination = own.get(pk)
            if nomination is None:
                other = others.get(pk)
                if other is None or other.round_id != round.pk or other.province_id != province.pk:
                    problems.append(
                        _(
                            "Nomination no. %(id)s is not a nomination of %(province)s in this "
                            "round."
                        )
                        % {"id": pk, "province": province.name}
                    )
                else:
                    problems.append(
                        _("%(name)s is %(status)s; only submitted nominations can be recommended.")
                        % {"name": other, "status": other.get_status_display()}
                    )
                continue
            if pk in seen:
                problems.append(_("%(name)s is chosen twice.") % {"name": nomination})
                continue
            seen.add(pk)
            if nomination.title != title:
                problems.append(
                    _("%(name)s is nominated for “%(title)s”, not for this title.")
                    % {"name": nomination, "title": nomination.get_title_display()}
                )
                continue
            row = ranking.get(pk)
            if row is None or not row.sheets_submitted:
                problems.append(
                    _("%(name)s has no submitted score sheet yet and cannot be recommended.")
                    % {"name": nomination}
                )
                continue
            if row.is_vetoed:
                problems.append(
                    _(
                        "%(name)s is disqualified by a veto in the provincial review and "
                        "cannot be recommended."
                    )
                    % {"name": nomination}
                )
                continue
            chosen[title].append(nomination)
        quota = quotas.get(title, 0)
        if len(wanted[title]) > quota:
            problems.append(
                _("“%(title)s”: %(count)d chosen, but the quota of %(province)s is %(quota)d.")
                % {
                    "title": Title(title).label,
                    "count": len(wanted[title]),
                    "province": province.name,
                    "quota": quota,
                }
            )
        if problems:
            errors[title] = problems
    if errors:
        raise ValidationError(errors)
    return chosen


def _quotas(round: Round, province: Authority) -> dict[str, int]:
    if round.authority_id is not None and round.authority_id == province.pk:
        # A province's own round: its list holds up to its port authorities' quotas together.
        totals: dict[str, int] = {}
        for title, quota in round.quotas.values_list("title", "quota"):
            totals[title] = totals.get(title, 0) + quota
        return totals
    return dict(round.quotas.filter(province=province).values_list("title", "quota"))


def _write_positions(
    submitted: Sequence[Nomination], chosen: Mapping[str, Sequence[Nomination]], now: datetime
) -> list[Nomination]:
    """Positions 1..n per title for the chosen nominations, none for the others. Cleared first:
    the positions are unique per title, checked row by row."""
    positions = {n.pk: i for ids in chosen.values() for i, n in enumerate(ids, start=1)}
    changed = [n for n in submitted if n.recommended_position != positions.get(n.pk)]
    if not changed:
        return []
    Nomination.objects.filter(
        pk__in=[n.pk for n in changed if n.recommended_position is not None]
    ).update(recommended_position=None, updated_at=now)
    for nomination in changed:
        nomination.recommended_position = positions.get(nomination.pk)
        nomination.updated_at = now
    Nomination.objects.bulk_update(
        [n for n in changed if n.recommended_position is not None],
        ["recommended_position", "updated_at"],
    )
    return changed


def _id_lists(chosen: Mapping[str, Sequence[Nomination]]) -> dict[str, list[int]]:
    return {
        title: [n.pk for n in nominations] for title, nominations in chosen.items() if nominations
    }


@transaction.atomic
def recommendation_save(
    *,
    actor: User | None,
    round: Round,
    province: Authority,
    choices: Mapping[str, Iterable[Any] | None],
    opinion: str,
) -> Recommendation:
    """Save the province's draft list: `choices` is {title: [nomination ids in order]}; a title
    left out has nobody chosen. The opinion may still be blank in a draft."""
    recommendation, round = _open_list(actor, round, province)
    opinion = (opinion or "").strip()
    if len(opinion) > OPINION_MAX:
        raise ValidationError(
            {
                "opinion": _("The opinion is too long: at most %(max)d characters.")
                % {"max": OPINION_MAX}
            }
        )
    submitted = _submitted_nominations(round, province)
    chosen = _check_choices(
        round=round,
        province=province,
        choices=choices,
        submitted=submitted,
        quotas=_quotas(round, province),
    )
    _write_positions(submitted, chosen, timezone.now())
    recommendation.opinion = opinion
    recommendation.save(update_fields=["opinion", "updated_at"])
    audit_record(
        actor=actor,
        action="awards.recommendation.saved",
        obj=recommendation,
        changes={"choices": _id_lists(chosen), "opinion": opinion},
    )
    return recommendation


@transaction.atomic
def recommendation_submit(
    *, actor: User, round: Round, province: Authority, opinion: str | None = None
) -> Recommendation:
    """Submit the province's list as saved (with `opinion` replacing the saved one if given):
    the chosen nominations become recommended, each with the province's opinion; the
    province's other submitted nominations are not recommended; the list is locked."""
    recommendation, round = _open_list(actor, round, province)
    opinion = (recommendation.opinion if opinion is None else opinion).strip()
    if not opinion:
        raise ValidationError(
            {"opinion": _("Write the province's opinion before submitting the list.")}
        )
    if len(opinion) > OPINION_MAX:
        raise ValidationError(
            {
                "opinion": _("The opinion is too long: at most %(max)d characters.")
                % {"max": OPINION_MAX}
            }
        )
    submitted = _submitted_nominations(round, province)
    on_list = sorted(
        (n for n in submitted if n.recommended_position is not None),
        key=lambda n: (n.title, n.recommended_position),
    )
    # Checked again: scores may have come in, or a veto, since the draft was saved.
    chosen = _check_choices(
        round=round,
        province=province,
        choices={title: [n.pk for n in on_list if n.title == title] for title in Title.values},
        submitted=submitted,
        quotas=_quotas(round, province),
    )
    now = timezone.now()
    # Closes the gaps a withdrawal may have left in the positions.
    _write_positions(submitted, chosen, now)
    chosen_ids = {n.pk for nominations in chosen.values() for n in nominations}
    recommended = [n for n in submitted if n.pk in chosen_ids]
    not_recommended = [n for n in submitted if n.pk not in chosen_ids]
    for nomination in submitted:
        nomination.status = (
            Nomination.Status.RECOMMENDED
            if nomination.pk in chosen_ids
            else Nomination.Status.NOT_RECOMMENDED
        )
        nomination.updated_at = now
    Nomination.objects.bulk_update(submitted, ["status", "updated_at"])
    for nomination in recommended:
        opinion_write(
            actor=actor,
            nomination=nomination,
            level=Opinion.Level.PROVINCE,
            authority=province,
            text=opinion,
        )
    recommendation.status = Recommendation.Status.SUBMITTED
    recommendation.opinion = opinion
    recommendation.submitted_by = actor
    recommendation.submitted_at = now
    recommendation.save(
        update_fields=["status", "opinion", "submitted_by", "submitted_at", "updated_at"]
    )
    for action, nominations in (
        ("awards.nomination.recommended", recommended),
        ("awards.nomination.not_recommended", not_recommended),
    ):
        audit_record_many(
            actor=actor,
            action=action,
            objects=nominations,
            changes_for=lambda n: {
                "status": [Nomination.Status.SUBMITTED, n.status],
                "position": n.recommended_position,
            },
        )
    audit_record(
        actor=actor,
        action="awards.recommendation.submitted",
        obj=recommendation,
        changes={
            "recommended": _id_lists(chosen),
            "not_recommended": [n.pk for n in not_recommended],
        },
    )
    return recommendation

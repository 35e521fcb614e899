"""Daily reminders of the award round, sent by the beat tasks in awards.tasks (installed by
`manage.py schedules_install`).

- nominations due within CIVPORT_AWARD_REMINDER_DAYS days → the port officers of every port
  authority with a draft nomination or nothing submitted in the round;
- a review of the round due within that many days, or overdue → its reviewers with assigned
  nominations not yet scored and submitted;
- the provincial review running → the provincial officers of every province with submitted
  nominations and no submitted recommendation list.

Each reminder reads its recipients in a fixed number of grouped queries, whatever their number,
and notifies them through `civport.notifications.notify`, whose key names the round and the
reason: run twice in a day (or redelivered), it sends nothing new.
"""

import datetime
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from assessments.models import Assignment, Review, ScoreSheet
from awards.models import Nomination, Recommendation, Round
from campaigns.models import (
    Authority,
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    Membership,
)
from campaigns.scope import MANAGE_AUTHORITY
from civport.notifications import notify

# Nominations the province has on its table: submitted, whatever came of them since.
NOT_SUBMITTED = (Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN)
PORT_LEVELS = Membership.AUTHORITY_LEVEL_FOR_ROLE[Membership.Role.PORT_OFFICER]


def reminder_days():
    return settings.CIVPORT_AWARD_REMINDER_DAYS


def _officer_pairs(role, authorities):
    """{(authority id, user id)} of the holders of `role` at `authorities` (a queryset) and of
    everyone holding the manage grant on one of them, to themselves or through a group: one
    query."""
    members = (
        Membership.objects.filter(role=role, authority__in=authorities)
        .order_by()
        .values_list("authority_id", "user_id")
    )
    direct = (
        AuthorityUserObjectPermission.objects.filter(
            permission__codename=MANAGE_AUTHORITY, content_object__in=authorities
        )
        .order_by()
        .values_list("content_object_id", "user_id")
    )
    grouped = (
        AuthorityGroupObjectPermission.objects.filter(
            permission__codename=MANAGE_AUTHORITY,
            content_object__in=authorities,
            group__user__isnull=False,
        )
        .order_by()
        .values_list("content_object_id", "group__user")
    )
    return set(members.union(direct, grouped))


def _active_users(user_ids):
    """The active users among `user_ids`, by id: one query."""
    if not user_ids:
        return {}
    return {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    }


def _later(message, **params):
    """A text notify renders in each recipient's language; a callable parameter is rendered
    then too."""

    def render():
        values = {key: value() if callable(value) else value for key, value in params.items()}
        return _(message) % values

    return render


def _days_left(due, today):
    days = (due - today).days
    if days <= 0:
        return _("today")
    return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}


# --- nominations -----------------------------------------------------------------------------


def nomination_deadline_reminders_send(*, today):
    """Remind the port officers of a round whose nominations are due within the reminder
    period, where their port authority has a draft or nothing submitted. Returns how many
    notices were sent."""
    rounds = list(
        Round.objects.filter(
            phase=Round.Phase.NOMINATING,
            nominations_due_on__gte=today,
            nominations_due_on__lte=today + datetime.timedelta(days=reminder_days()),
        ).order_by("nominations_due_on", "pk")
    )
    sent = 0
    for round in rounds:
        of_round = Nomination.objects.filter(round=round, authority=OuterRef("pk"))
        waiting = Authority.objects.filter(level__in=PORT_LEVELS, is_active=True).filter(
            Exists(of_round.filter(status=Nomination.Status.DRAFT))
            | ~Exists(of_round.exclude(status__in=NOT_SUBMITTED))
        )
        pairs = _officer_pairs(Membership.Role.PORT_OFFICER, waiting)
        users = _active_users({user for _authority, user in pairs})
        if not users:
            continue
        due = round.nominations_due_on
        sent += notify(
            users=users.values(),
            key=f"awards:nominations-due:{round.pk}",
            title=_later(
                gettext_noop("Nominations for the %(round)s close %(when)s (%(date)s)"),
                round=round.name,
                when=partial(_days_left, due, today),
                date=due.isoformat(),
            ),
            body=_later(
                gettext_noop(
                    "Your port authority has a draft nomination or has submitted none yet. "
                    "Submit the nominations before the deadline: drafts not submitted by then "
                    "are not considered. If your port authority nominates nobody this time, no "
                    "action is needed."
                )
            ),
            url=reverse("awards:nomination-list"),
            today=today,
        )
    return sent


# --- reviews ---------------------------------------------------------------------------------


def _review_due_on(review, round):
    """The review's own due date, or the round's deadline for its level."""
    if review.due_on:
        return review.due_on
    if review.authority.level == Authority.Level.NATIONAL:
        return round.national_review_due_on
    return round.provincial_review_due_on


def review_deadline_reminders_send(*, today):
    """Remind the reviewers of the round's open reviews due within the reminder period or
    overdue, who have assigned nominations without a submitted sheet. Returns how many notices
    were sent."""
    rounds = {
        round.review_key: round
        for round in Round.objects.filter(
            phase__in=(Round.Phase.PROVINCIAL_REVIEW, Round.Phase.NATIONAL_REVIEW)
        )
    }
    if not rounds:
        return 0
    horizon = today + datetime.timedelta(days=reminder_days())
    due = {}
    for review in Review.objects.filter(
        round_key__in=rounds, phase=Review.Phase.OPEN
    ).select_related("authority"):
        round = rounds[review.round_key]
        due_on = _review_due_on(review, round)
        if due_on is not None and due_on <= horizon:
            due[review.pk] = (round, due_on)
    if not due:
        return 0
    submitted = ScoreSheet.objects.filter(
        subject=OuterRef("subject"),
        reviewer=OuterRef("member__user"),
        status=ScoreSheet.Status.SUBMITTED,
    )
    withdrawn = Nomination.objects.filter(
        round__in=[round.pk for round in rounds.values()], status=Nomination.Status.WITHDRAWN
    ).values("pk")
    pairs = set(
        Assignment.objects.filter(subject__review_id__in=due, member__is_active=True)
        .exclude(Exists(submitted))
        # A withdrawn nomination is no longer scored, whether or not it left the review.
        .exclude(subject__object_id__in=withdrawn)
        .order_by()
        .values_list("subject__review_id", "member__user_id")
        .distinct()
    )
    users = _active_users({user for _review, user in pairs})
    # One notice per round and deadline, however many reviews of it a reviewer sits on.
    groups = {}
    for review_id, user_id in pairs:
        if user_id in users:
            groups.setdefault(due[review_id], {})[user_id] = users[user_id]
    sent = 0
    for (round, due_on), recipients in sorted(
        groups.items(), key=lambda item: (item[0][1], item[0][0].pk)
    ):
        if due_on < today:
            message = gettext_noop("Scoring for the %(round)s was due on %(date)s")
        else:
            message = gettext_noop("Scoring for the %(round)s is due %(when)s (%(date)s)")
        sent += notify(
            users=recipients.values(),
            key=f"awards:review-due:{round.pk}:{due_on.isoformat()}",
            title=_later(
                message,
                round=round.name,
                when=partial(_days_left, due_on, today),
                date=due_on.isoformat(),
            ),
            body=_later(
                gettext_noop(
                    "Some of the nominations assigned to you are not scored and submitted yet. "
                    "Please finish them in your scoring queue."
                )
            ),
            url=reverse("assessments:queue"),
            today=today,
        )
    return sent


# --- recommendation lists --------------------------------------------------------------------


def recommendation_reminders_send(*, today):
    """Remind the provincial officers, during the provincial review, of every province that
    has submitted nominations and has not submitted its recommendation list. Returns how many
    notices were sent."""
    sent = 0
    for round in Round.objects.filter(phase=Round.Phase.PROVINCIAL_REVIEW).order_by("pk"):
        provinces = list(
            Authority.objects.filter(level=Authority.Level.PROVINCIAL, is_active=True)
            .filter(
                Exists(
                    Nomination.objects.filter(round=round, province=OuterRef("pk")).exclude(
                        status__in=NOT_SUBMITTED
                    )
                ),
                ~Exists(
                    Recommendation.objects.filter(
                        round=round,
                        province=OuterRef("pk"),
                        status=Recommendation.Status.SUBMITTED,
                    )
                ),
            )
            .order_by("path")
        )
        if not provinces:
            continue
        pairs = _officer_pairs(
            Membership.Role.PROVINCIAL_OFFICER,
            Authority.objects.filter(pk__in=[province.pk for province in provinces]),
        )
        users = _active_users({user for _province, user in pairs})
        due = round.provincial_review_due_on
        if due is None:
            title = _later(
                gettext_noop("Submit the recommendation list for the %(round)s"),
                round=round.name,
            )
        elif due < today:
            title = _later(
                gettext_noop("The recommendation list for the %(round)s was due on %(date)s"),
                round=round.name,
                date=due.isoformat(),
            )
        else:
            title = _later(
                gettext_noop(
                    "The recommendation list for the %(round)s is due %(when)s (%(date)s)"
                ),
                round=round.name,
                when=partial(_days_left, due, today),
                date=due.isoformat(),
            )
        for province in provinces:
            recipients = [
                users[user] for pk, user in sorted(pairs) if pk == province.pk and user in users
            ]
            if not recipients:
                continue
            sent += notify(
                users=recipients,
                key=f"awards:recommendation-due:{round.pk}:{province.pk}",
                title=title,
                body=_later(
                    gettext_noop(
                        "%(province)s has submitted nominations, and its ranked recommendation "
                        "list, with the province's opinion, is not submitted yet."
                    ),
                    province=province.name,
                ),
                url=reverse("awards:recommendation-detail", args=[round.pk, province.pk]),
                today=today,
            )
    return sent

"""The campaign's part of the home page's to-do list, read through the selectors of the lists
it links to: one query per item, and only the items of the roles the user holds."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Activity, Consultation, Feedback, Filing, Membership, Rectification
from campaigns.selectors.filings import consultation_list_for, filing_list_for
from campaigns.selectors.public import feedback_list_for
from campaigns.selectors.work import activity_list_for, rectification_list_for
from civport.todo import Todo

Role = Membership.Role
ANSWERS_SHOWN_DAYS = 14


def _item(label: str, url: str, rows: QuerySet[Any], due: str | None = None) -> list[Todo]:
    """One item for `rows` if there are any: their number and, by `due`, the earliest deadline
    (one query)."""
    if due is None:
        count, first_due = rows.count(), None
    else:
        found = rows.aggregate(n=Count("pk"), due=Min(due))
        count, first_due = found["n"], found["due"]
    return [Todo(label=label, url=url, count=count, due_on=first_due)] if count else []


def _list_url(name: str, **query: str) -> str:
    url = reverse(f"campaigns:{name}")
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


def campaign_todo(user: Any, roles: frozenset[str], today: datetime.date) -> list[Todo]:
    items: list[Todo] = []
    if Role.NATIONAL_OFFICE in roles:
        items += _item(
            _("Filings to acknowledge"),
            _list_url("filing-list"),
            filing_list_for(user).filter(status__in=Filing.WAITING),
        )
    if Role.PROVINCIAL_OFFICER in roles:
        items += _item(
            _("Rectifications answered, waiting to be closed"),
            _list_url("rectification-list", status=Rectification.Status.ANSWERED),
            rectification_list_for(user, edit=True).filter(status=Rectification.Status.ANSWERED),
        )
        items += _item(
            _("Filings returned to you"),
            _list_url("filing-list"),
            filing_list_for(user).filter(status=Filing.Status.RETURNED),
        )
    if Role.PORT_OFFICER in roles:
        items += _item(
            _("Activities to verify"),
            _list_url("activity-list", status=Activity.Status.SUBMITTED),
            activity_list_for(user, edit=True).filter(status=Activity.Status.SUBMITTED),
        )
        items += _item(
            _("Public feedback to answer"),
            _list_url("feedback-list"),
            feedback_list_for(user).filter(
                status__in=(Feedback.Status.RECEIVED, Feedback.Status.IN_PROGRESS)
            ),
        )
        items += _item(
            _("Consultations to answer"),
            _list_url("consultation-list", status=Consultation.Status.PENDING),
            consultation_list_for(user).filter(status=Consultation.Status.PENDING),
            due="due_on",
        )
    if Role.UNIT_CONTACT in roles:
        items += _item(
            _("Rectifications to answer"),
            _list_url("rectification-list"),
            rectification_list_for(user).filter(status__in=Rectification.PENDING),
            due="due_on",
        )
        items += _item(
            _("Consultations awaiting the office's answer"),
            _list_url("consultation-list", status=Consultation.Status.PENDING),
            consultation_list_for(user).filter(status=Consultation.Status.PENDING),
            due="due_on",
        )
        # The answers the office gave lately, until they are old news.
        since = timezone.now() - datetime.timedelta(days=ANSWERS_SHOWN_DAYS)
        items += _item(
            _("Consultations answered in the last two weeks"),
            _list_url("consultation-list"),
            consultation_list_for(user)
            .exclude(status=Consultation.Status.PENDING)
            .filter(answered_at__gte=since),
        )
    return items

"""The load test's accounts and its plan, on top of the national data set (`seed_scale`).

Runs inside Django (`bench/load/run.py` calls `load_prepare`). The scale data's reviewers have
unusable passwords (the benchmarks log in with `force_login`) and every sheet of theirs is
submitted, so a reviewer has nothing to autosave. This module, safe to re-run:

- gives the first 300 synthetic reviewers and 60 officer accounts (`load-officer-NN`, granted
  their roles through `membership_grant`) the load password, hashed once by the configured
  hasher: each login pays the real hashing cost, setting 360 passwords does not;
- reopens one submitted sheet per reviewer through `score_sheet_reopen` (a reviewer whose sheet
  is already a draft keeps it), which is the sheet the simulated reviewer autosaves;
- returns the plan the Locust users read: who logs in, which subject each reviewer scores,
  which pages each officer browses and which public pages the visitors open.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse

from assessments.models import ScoreSheet
from assessments.services.sheets import score_sheet_reopen
from awards.models import Honour
from campaigns import services
from campaigns.models import Authority, Membership
from seeding.scale_assessments import REVIEWER_PREFIX, scale_review
from seeding.scale_work import BENCH_PORT_AUTHORITY

OFFICER_PREFIX = "load-officer-"
REOPEN_REASON = "负载测试：退回草稿，供模拟评审专家自动保存"
# An unknown code: the verify and tracking pages answer it with a plain 404.
UNKNOWN_CODE = "LOADTESTUNKNOWNCODE0000000000000"


class LoadSetupError(Exception):
    """The database lacks what the load test needs (the scale data's round or reviewers)."""


def officer_roles(national, provinces, port_authorities, *, count):
    """(username, role, authority) for `count` officers: a sixth at the national office, a third
    provincial officers spread over the provinces, the rest port officers spread over the port
    authorities (Shenzhen's, the fullest, first)."""
    national_count = max(1, count // 6)
    provincial_count = max(1, count // 3)
    rows = []
    for n in range(count):
        if n < national_count:
            role, authority = Membership.Role.NATIONAL_OFFICE, national
        elif n < national_count + provincial_count:
            k = n - national_count
            role, authority = Membership.Role.PROVINCIAL_OFFICER, provinces[k % len(provinces)]
        else:
            k = n - national_count - provincial_count
            role = Membership.Role.PORT_OFFICER
            authority = port_authorities[k % len(port_authorities)]
        rows.append((f"{OFFICER_PREFIX}{n + 1:02d}", role, authority))
    return rows


def _officer_pages(role, authority):
    lists = [
        reverse("campaigns:home"),
        reverse("campaigns:activity-list"),
        reverse("campaigns:unit-list"),
        reverse("campaigns:port-list"),
        reverse("campaigns:person-list"),
        reverse("campaigns:rectification-list") + "?overdue=on",
        reverse("campaigns:feedback-list"),
        reverse("campaigns:plan-list"),
    ]
    if role == Membership.Role.NATIONAL_OFFICE:
        dashboard = reverse("campaigns:dashboard-national")
    elif role == Membership.Role.PROVINCIAL_OFFICER:
        dashboard = reverse("campaigns:dashboard-province", args=[authority.pk])
    else:
        dashboard = reverse("campaigns:dashboard-port", args=[authority.pk])
    return {"dashboard": [dashboard], "list": lists}


def _reviewer_sheets(review, users):
    """{user id: subject id} of the sheet each reviewer autosaves: a draft when there is one,
    else the first submitted sheet, reopened."""
    sheets = {}
    for sheet in ScoreSheet.objects.filter(subject__review=review, reviewer__in=users).order_by(
        "reviewer_id", "status", "subject_id"
    ):
        current = sheets.get(sheet.reviewer_id)
        if current is None or (current.is_submitted and not sheet.is_submitted):
            sheets[sheet.reviewer_id] = sheet
    missing = [u.username for u in users if u.pk not in sheets]
    if missing:
        raise LoadSetupError(f"reviewers without a sheet in the scale round: {missing[:5]} …")
    for user_id, sheet in sheets.items():
        if sheet.is_submitted:
            sheets[user_id] = score_sheet_reopen(actor=None, sheet=sheet, reason=REOPEN_REASON)
    return {user_id: sheet.subject_id for user_id, sheet in sheets.items()}


@transaction.atomic
def load_prepare(*, password, reviewers=300, officers=60):
    """Set up the accounts and return the plan (JSON-serialisable) for the Locust users."""
    review = scale_review()
    if review is None:
        raise LoadSetupError("the scale data's review round is missing: run seed_scale")
    user_model = get_user_model()
    reviewer_users = list(
        user_model.objects.filter(username__startswith=REVIEWER_PREFIX, panel_seats__review=review)
        .order_by("username")
        .distinct()[:reviewers]
    )
    if len(reviewer_users) < reviewers:
        raise LoadSetupError(
            f"the scale round has {len(reviewer_users)} reviewers; the load test needs {reviewers}"
        )
    subject_of = _reviewer_sheets(review, reviewer_users)

    national = Authority.objects.get(level=Authority.Level.NATIONAL)
    provinces = list(Authority.objects.filter(level=Authority.Level.PROVINCIAL).order_by("code"))
    port_authorities = sorted(
        Authority.objects.filter(level=Authority.Level.PORT),
        key=lambda a: (a.code != BENCH_PORT_AUTHORITY, a.code),
    )
    officer_plan = []
    for username, role, authority in officer_roles(
        national, provinces, port_authorities, count=officers
    ):
        user, _created = user_model.objects.get_or_create(username=username)
        services.membership_grant(actor=None, user=user, role=role, authority=authority)
        officer_plan.append({"username": username, "pages": _officer_pages(role, authority)})

    # One hash for all: the accounts share a salt, which is fine for load-test filler and saves
    # minutes of hashing here; every login still verifies with the configured hasher.
    hashed = make_password(password)
    usernames = [u.username for u in reviewer_users] + [o["username"] for o in officer_plan]
    user_model.objects.filter(username__in=usernames).update(password=hashed, is_active=True)

    codes = list(Honour.objects.order_by("pk").values_list("code", flat=True)[:20])
    return {
        "login_url": reverse("login"),
        "reviewers": [
            {
                "username": u.username,
                "subject": subject_of[u.pk],
                "queue_url": reverse("assessments:queue"),
                "score_url": reverse("assessments:score", args=[subject_of[u.pk]]),
                "autosave_url": reverse("assessments:score-autosave", args=[subject_of[u.pk]]),
            }
            for u in reviewer_users
        ],
        "officers": officer_plan,
        "public": {
            "pages": [
                reverse("awards:honour-board"),
                reverse("awards:notice"),
                reverse("campaigns:public-feedback"),
                reverse("campaigns:feedback-track"),
            ],
            # A known code renders the certificate's page; without decided honours, an unknown
            # one is the 404 a mistyped code gets.
            "verify": [reverse("awards:verify", args=[c]) for c in codes]
            or [reverse("awards:verify", args=[UNKNOWN_CODE])],
            "verify_status": 200 if codes else 404,
            # Tracking codes are stored hashed: a lookup here is always of an unknown code.
            "track": reverse("campaigns:feedback-track", args=[UNKNOWN_CODE]),
        },
    }

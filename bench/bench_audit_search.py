"""The audit administrator's search at 5 million audit entries (GB/T 22239-2019 8.1.4.3).

Inside one transaction that is rolled back at the end (the audit log refuses deletes, and the
sealing bench must not find five million entries to seal), 5,000,000 entries are written by
one `INSERT … SELECT generate_series` spread over two years: 500 accounts, 40 actions, 50,000
client addresses, one entry in 97 a failure. An audit administrator made in the same
transaction then opens filtered first pages of `/audit/`:

- `pages.audit_by_user`: one account's entries over thirty days;
- `pages.audit_by_action`: one action;
- `pages.audit_by_address`: one client address;
- `pages.audit_failures`: the failures;
- `pages.audit_unfiltered`: the newest entries;
- `sql.audit_by_user.median_ms`: the baseline, the bare SQL of the first filter's page (its
  51 rows by the (actor, time) index), timed in the same run.

Budget ≤ 150 ms a page (`pages.*`).
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.common import measure_get, median_ms
from civport.adminroles import AUDIT, admin_roles_install

ENTRIES = 5_000_000
ACCOUNTS = 500
ACTIONS = [
    f"{app}.{noun}.{verb}"
    for app, noun in (
        ("campaigns", "unit"),
        ("campaigns", "person"),
        ("campaigns", "activity"),
        ("campaigns", "rectification"),
        ("assessments", "sheet"),
        ("awards", "nomination"),
        ("awards", "honour"),
        ("civport", "login"),
    )
    for verb in ("created", "updated", "submitted", "deleted", "exported")
]
TWO_YEARS = 2 * 365 * 24 * 3600


class _Rollback(Exception):
    pass


def _fill(actor_ids):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO civport_auditentry
                (actor_id, actor_repr, at, ip_address, action, object_id, object_repr,
                 changes, outcome)
            SELECT (%(actors)s::int[])[1 + (g %% %(n_actors)s)],
                   'bench-' || (g %% %(n_actors)s),
                   now() - ((g::bigint * 7919) %% %(span)s) * interval '1 second',
                   ('10.' || (g %% 200) || '.' || ((g / 200) %% 250) || '.1')::inet,
                   (%(actions)s::text[])[1 + (g %% %(n_actions)s)],
                   (g %% 100000)::text,
                   '基准对象 ' || (g %% 100000),
                   '{"name": ["旧", "新"]}'::jsonb,
                   CASE WHEN g %% 97 = 0 THEN 'failure' ELSE 'success' END
            FROM generate_series(1, %(entries)s) AS g
            """,
            {
                "actors": actor_ids,
                "n_actors": len(actor_ids),
                "span": TWO_YEARS,
                "actions": ACTIONS,
                "n_actions": len(ACTIONS),
                "entries": ENTRIES,
            },
        )
        cursor.execute("ANALYZE civport_auditentry")


def _accounts():
    User = get_user_model()
    existing = set(
        User.objects.filter(username__startswith="bench-audit-").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        User(username=f"bench-audit-{i:03d}")
        for i in range(ACCOUNTS)
        if f"bench-audit-{i:03d}" not in existing
    )
    return list(
        User.objects.filter(username__startswith="bench-audit-")
        .order_by("username")
        .values_list("pk", flat=True)
    )


def _auditor():
    admin_roles_install()
    user = get_user_model().objects.create_user("bench-auditor", is_staff=True)
    user.groups.set([Group.objects.get(name=AUDIT)])
    client = Client()
    client.force_login(user)
    return client


def _measure(ctx, actor_id):
    client = _auditor()
    username = get_user_model().objects.get(pk=actor_id).username
    today = timezone.localdate()
    month_ago = today - datetime.timedelta(days=30)
    search = reverse("audit:entry-list")
    pages = [
        ("audit_by_user", f"{search}?user={username}&since={month_ago}&until={today}"),
        ("audit_by_action", f"{search}?action=awards.honour.updated"),
        ("audit_by_address", f"{search}?ip=10.7.3.1"),
        ("audit_failures", f"{search}?outcome=failure"),
        ("audit_unfiltered", search),
    ]
    for name, url in pages:
        measure_get(ctx, f"pages.{name}", client, url)

    since = timezone.make_aware(datetime.datetime.combine(month_ago, datetime.time.min))

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM civport_auditentry WHERE actor_id = %s AND at >= %s"
                " ORDER BY at DESC, id DESC LIMIT 51",
                [actor_id, since],
            )
            cursor.fetchall()

    ctx.record("sql.audit_by_user.median_ms", median_ms(bare, repeat=ctx.repeat), "ms")


def run(ctx):
    if connection.vendor != "postgresql":
        ctx.fail("audit_search", "needs PostgreSQL (five million rows)")
        return
    try:
        with transaction.atomic():
            actor_ids = _accounts()
            started = timezone.now()
            _fill(actor_ids)
            ctx.log(
                f"  {ENTRIES:,} audit entries written in "
                f"{(timezone.now() - started).total_seconds():.1f}s"
            )
            _measure(ctx, actor_ids[7])
            raise _Rollback
    except _Rollback:
        pass

"""The campaign's day-to-day work at national scale: the activity list and the dashboards.

The data is `seeding.scale_work`'s (100,000 activities over the last year, 10,000
rectification items, 20,000 feedback items; built here when missing). The national office is
`bench_national` (not a superuser, so the scope filter is measured); the port officer is
`bench_port`, at Shenzhen's port authority, which has the most synthetic units.

- `pages.activity_list`: the national office's activity list, first page, newest first.
- `pages.activity_list_port`: the port officer's.
- `pages.national_dashboard`: the national dashboard for this year (one row per province).
- `pages.port_dashboard`: Shenzhen's port authority dashboard for this year, as its officer.
- `pages.rectification_list_overdue`: the national office's overdue rectification items.
"""

from django.urls import reverse

from bench.common import measure_get
from campaigns.models import Authority
from seeding.scale_campaigns import BENCH_NATIONAL
from seeding.scale_work import BENCH_PORT, BENCH_PORT_AUTHORITY, seed_work


def pages(national, port):
    authority = Authority.objects.get(code=BENCH_PORT_AUTHORITY)
    activities = reverse("campaigns:activity-list")
    return [
        ("activity_list", national, activities),
        ("activity_list_port", port, activities),
        ("national_dashboard", national, reverse("campaigns:dashboard-national")),
        ("port_dashboard", port, reverse("campaigns:dashboard-port", args=[authority.pk])),
        (
            "rectification_list_overdue",
            national,
            reverse("campaigns:rectification-list") + "?overdue=on",
        ),
    ]


def run(ctx):
    built = seed_work()
    if not built.skipped:
        steps = ", ".join(f"{name} {s:.1f}s" for name, s in built.timings.items())
        ctx.log(f"  campaign work scale data built in {built.seconds:.1f}s ({steps})")
    national = ctx.client_for(BENCH_NATIONAL)
    port = ctx.client_for(BENCH_PORT)
    for name, client, url in pages(national, port):
        measure_get(ctx, f"pages.{name}", client, url)

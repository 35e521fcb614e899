"""The award round at national scale: the province's nomination list, the national ranking
and the round's admin page, on the round of 3,000 nominations in national review built by
`seeding.scale_awards` (on top of assessments' scored review; both built here when missing).

The province's list is seen by the Guangdong provincial officer; the ranking and the admin page
by the national office, made staff here since the round is run from the admin.
"""

from django.contrib.auth import get_user_model
from django.urls import reverse

from bench.common import measure_get
from seeding.scale_assessments import seed_scale as assessments_seed_scale
from seeding.scale_awards import scale_round, seed_scale
from seeding.scale_campaigns import BENCH_NATIONAL, BENCH_PROVINCIAL


def run(ctx):
    for part, build in (("assessments", assessments_seed_scale), ("awards", seed_scale)):
        built = build()
        if not built.skipped:
            ctx.log(f"  {part} scale data built in {built.seconds:.1f}s")
    round = scale_round()
    get_user_model().objects.filter(username=BENCH_NATIONAL).update(is_staff=True)
    national = ctx.client_for(BENCH_NATIONAL)
    province = ctx.client_for(BENCH_PROVINCIAL)
    measure_get(
        ctx,
        "pages.province_nominations",
        province,
        f"{reverse('awards:nomination-list')}?round={round.pk}",
    )
    measure_get(
        ctx,
        "pages.national_ranking",
        national,
        reverse("admin:awards_round_ranking", args=[round.pk]),
    )
    measure_get(ctx, "pages.round_admin", national, reverse("admin:awards_round_changelist"))

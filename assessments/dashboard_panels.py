"""The assessment profile on the campaign's dashboards.

Registered with `campaigns.dashboards.register_panel` by `register()`, which
`AssessmentsConfig.ready()` calls, so that campaigns shows it without importing this app
(dependencies point one way). For a port (or county) authority it is the nine-area profile of
the latest published annual cycle that assessed the authority's units: per area, the mean over
those units of their published percentages. For a unit it is the unit's own profile in the
latest published cycle that assessed it. One query either way.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Cycle, Subject
from campaigns.dashboards import AreaPanel, register_panel

TWO_PLACES = Decimal("0.01")


def _published_subjects(q):
    """The subjects matching `q` in the latest published cycle that has any: the cycle with the
    latest year, then the latest publication."""
    latest = (
        Cycle.objects.filter(status=Cycle.Status.PUBLISHED)
        .filter(Exists(Subject.objects.filter(q, review_id=OuterRef("review_id"))))
        .order_by("-year", "-published_at", "-pk")
        .values("pk")[:1]
    )
    return (
        Subject.objects.filter(q, review__cycle=Subquery(latest), published_at__isnull=False)
        .values_list(
            "result_profile",
            "review__cycle__name",
            "review__cycle__published_at",
        )
        .order_by("pk")
    )


def _mean_profile(profiles):
    """{area code: mean percent} over the profiles that have the area."""
    sums, counts = {}, {}
    for profile in profiles:
        for code, value in (profile or {}).items():
            sums[code] = sums.get(code, Decimal(0)) + Decimal(str(value))
            counts[code] = counts.get(code, 0) + 1
    return {
        code: (sums[code] / counts[code]).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        for code in sums
    }


def assessment_profile(*, authority=None, unit=None):
    if unit is not None:
        q = Q(unit=unit)
    elif authority is not None:
        q = Q(unit__isnull=False, authority__path__startswith=authority.path)
    else:
        return None
    rows = list(_published_subjects(q))
    scored = [profile for profile, _name, _at in rows if profile]
    if not scored:
        return None
    _profile, cycle_name, published_at = rows[0]
    published = date_format(timezone.localtime(published_at), "DATE_FORMAT")
    if unit is not None:
        caption = _("%(cycle)s, published on %(date)s") % {"cycle": cycle_name, "date": published}
    else:
        caption = ngettext(
            "%(cycle)s, published on %(date)s: the mean of %(count)s unit",
            "%(cycle)s, published on %(date)s: the mean of %(count)s units",
            len(scored),
        ) % {"cycle": cycle_name, "date": published, "count": len(scored)}
    return AreaPanel(
        title=_("Assessment profile (percent of points)"),
        caption=caption,
        values=_mean_profile(scored),
    )


# Imported once from AssessmentsConfig.ready(); registering again only replaces the entry.
def register():
    """Called once by `AssessmentsConfig.ready()`."""
    register_panel("assessment_profile", assessment_profile)

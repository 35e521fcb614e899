"""Dashboards with charts: national (per province), provincial (per port authority), port
authority and unit.

Access follows the scope: the national dashboard is the national office's; a provincial or port
authority's dashboard comes through `access_authority` and a unit's through `access_unit`, so one
out of reach is a 404 like any other object. "My dashboard" sends each user to the one their
highest grant calls for.

Every chart is drawn by static/civport/dashboards.js from the numbers in a `json_script` block
(no inline script), and the same numbers are in a table on the page, which is all there is when
JavaScript is off. Everything the templates show is read here.
"""

from decimal import Decimal

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import dashboards
from campaigns.access import access_authority, access_unit
from campaigns.models import Authority, Filing
from campaigns.scope import scope_for

YEAR_MIN, YEAR_MAX = 2000, 2100
YEARS_OFFERED = 5
PORT_LEVELS = (Authority.Level.PORT, Authority.Level.COUNTY)
FILING_KINDS = len(Filing.Kind.values)


# --- helpers ----------------------------------------------------------------------------------


def _year(request, today):
    """The year asked for in `?year=`, or this year when it is missing or out of range."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today.year
    return year if YEAR_MIN <= year <= YEAR_MAX else today.year


def _years(year, today):
    return sorted({*range(today.year - YEARS_OFFERED + 1, today.year + 1), year}, reverse=True)


def _number(value):
    """A JSON-friendly number for a chart (Decimals become floats; None stays a gap)."""
    return float(value) if isinstance(value, Decimal) else value


def _chart(chart_id, kind, labels, datasets, *, stacked=False, horizontal=False, maximum=None):
    return {
        "id": chart_id,
        "type": kind,
        "labels": labels,
        "datasets": [
            {"label": label, "data": [_number(v) for v in values]} for label, values in datasets
        ],
        "stacked": stacked,
        "horizontal": horizontal,
        "max": maximum,
    }


def _charts(*charts):
    return {c["id"]: c for c in charts if c is not None}


def _dashboard_url(authority):
    if authority.level == Authority.Level.NATIONAL:
        return reverse("campaigns:dashboard-national")
    if authority.level == Authority.Level.PROVINCIAL:
        return reverse("campaigns:dashboard-province", args=[authority.pk])
    return reverse("campaigns:dashboard-port", args=[authority.pk])


def _page(request, template, *, year, today, **context):
    return render(
        request,
        template,
        {"year": year, "years": _years(year, today), "today": today, **context},
    )


# --- my dashboard -------------------------------------------------------------------------------


def dashboard_mine(request):
    """The dashboard of the user's highest grant: national, provincial, port authority, or
    their unit's; without any grant, the home page (which says so). Read from the scope."""
    scope = scope_for(request.user)
    if scope.is_national:
        return redirect("campaigns:dashboard-national")
    authority_grants = sorted(scope.authority_grants(), key=lambda g: (g.path.count("/"), g.path))
    for grant in authority_grants:
        if grant.level == Authority.Level.PROVINCIAL:
            return redirect("campaigns:dashboard-province", grant.object_id)
        if grant.level in PORT_LEVELS:
            return redirect("campaigns:dashboard-port", grant.object_id)
    for grant in scope.unit_grants():
        return redirect("campaigns:dashboard-unit", grant.object_id)
    return redirect("campaigns:home")


# --- national and provincial: one row per authority below ---------------------------------------


def _breakdown_charts(data):
    rows = data.rows
    labels = [
        _("%(name)s (itself)") % {"name": dashboards.authority_label(r.authority, short=True)}
        if r.is_node
        else dashboards.authority_label(r.authority, short=True)
        for r in rows
    ]
    return _charts(
        _chart(
            "chart-activities-by-area",
            "bar",
            labels,
            [
                (
                    dashboards.area_label(area),
                    [r.counts.area_counts[i] for r in rows],
                )
                for i, area in enumerate(data.areas)
            ],
            stacked=True,
            horizontal=True,
        ),
        _chart(
            "chart-rectifications",
            "bar",
            labels,
            [
                (_("Not closed"), [r.counts.rectifications_open for r in rows]),
                (_("Overdue"), [r.counts.rectifications_overdue for r in rows]),
            ],
            horizontal=True,
        ),
        _chart(
            "chart-feedback",
            "bar",
            labels,
            [
                (_("Received"), [r.counts.feedback_received for r in rows]),
                (_("Handled"), [r.counts.feedback_handled for r in rows]),
            ],
            horizontal=True,
        ),
    )


def _breakdown_rows(data):
    """Each row with the link to its own dashboard (the node's own row has none)."""
    for row in data.rows:
        row.label = dashboards.authority_label(row.authority)
        row.url = None if row.is_node else _dashboard_url(row.authority)
    return data.rows


def national_dashboard(request):
    scope = scope_for(request.user)
    if not scope.is_national:
        raise Http404
    root = dashboards.national_root()
    if root is None:
        raise Http404
    today = timezone.localdate()
    year = _year(request, today)
    data = dashboards.breakdown(root, year=year, today=today)
    return _page(
        request,
        "campaigns/dashboards/national.html",
        year=year,
        today=today,
        data=data,
        rows=_breakdown_rows(data),
        area_labels=[dashboards.area_label(a) for a in data.areas],
        charts=_breakdown_charts(data),
        province_count=sum(1 for r in data.rows if not r.is_node),
        provinces_filed_all=sum(
            1 for r in data.rows if not r.is_node and r.counts.filings_filed == FILING_KINDS
        ),
        filing_kinds=FILING_KINDS,
    )


def provincial_dashboard(request, pk):
    province = access_authority(request.user, pk)
    if province.level != Authority.Level.PROVINCIAL:
        raise Http404
    scope = scope_for(request.user)
    today = timezone.localdate()
    year = _year(request, today)
    data = dashboards.breakdown(province, year=year, today=today)
    return _page(
        request,
        "campaigns/dashboards/provincial.html",
        year=year,
        today=today,
        authority=province,
        data=data,
        rows=_breakdown_rows(data),
        area_labels=[dashboards.area_label(a) for a in data.areas],
        charts=_breakdown_charts(data),
        filing_kinds=FILING_KINDS,
        up_url=reverse("campaigns:dashboard-national") if scope.is_national else None,
    )


# --- port authority ------------------------------------------------------------------------------


def _panel_items(data):
    return [{"panel": panel, "chart_id": f"chart-panel-{i}"} for i, panel in enumerate(data.panels)]


def _area_charts(data):
    labels = [row.label for row in data.area_rows]
    charts = [
        _chart(
            "chart-activity-radar",
            "radar",
            labels,
            [
                (_("Activities"), [r.activities for r in data.area_rows]),
                (_("Verified"), [r.verified for r in data.area_rows]),
            ],
        )
    ]
    for i, item in enumerate(_panel_items(data)):
        panel = item["panel"]
        charts.append(
            _chart(
                item["chart_id"],
                "radar",
                labels,
                [(panel.title, [r.panel_values[i] for r in data.area_rows])],
                maximum=100 if panel.percent else None,
            )
        )
    if data.commitments:
        charts.append(
            _chart(
                "chart-plan",
                "bar",
                labels,
                [
                    (_("Planned activities"), [r.target for r in data.area_rows]),
                    (_("Logged toward the plan"), [r.logged for r in data.area_rows]),
                ],
            )
        )
    return charts


def port_dashboard(request, pk):
    authority = access_authority(request.user, pk)
    if authority.level not in PORT_LEVELS:
        raise Http404
    scope = scope_for(request.user)
    today = timezone.localdate()
    year = _year(request, today)
    data = dashboards.port_dashboard(authority, year=year, today=today)
    pending_units = [u for u in data.rectification_units if u.not_closed]
    charts = _area_charts(data)
    if pending_units:
        charts.append(
            _chart(
                "chart-rectifications",
                "bar",
                [u.name for u in pending_units],
                [
                    (_("Awaiting answer"), [u.open for u in pending_units]),
                    (_("Sent back"), [u.sent_back for u in pending_units]),
                    (_("Answered, awaiting verification"), [u.answered for u in pending_units]),
                ],
                stacked=True,
                horizontal=True,
            )
        )
    parent = authority.parent
    return _page(
        request,
        "campaigns/dashboards/port.html",
        year=year,
        today=today,
        authority=authority,
        data=data,
        charts=_charts(*charts),
        panels=_panel_items(data),
        up_url=_dashboard_url(parent) if parent and scope.sees_path(parent.path) else None,
        up_name=dashboards.authority_label(parent) if parent else "",
    )


# --- unit ----------------------------------------------------------------------------------------


def unit_dashboard(request, pk):
    unit = access_unit(request.user, pk)
    scope = scope_for(request.user)
    today = timezone.localdate()
    year = _year(request, today)
    data = dashboards.unit_dashboard(request.user, unit, year=year, today=today)
    authority = unit.authority
    up_url = None
    if scope.sees_path(authority.path) and authority.level in PORT_LEVELS:
        up_url = reverse("campaigns:dashboard-port", args=[authority.pk])
    return _page(
        request,
        "campaigns/dashboards/unit.html",
        year=year,
        today=today,
        unit=unit,
        data=data,
        charts=_charts(*_area_charts(data)),
        panels=_panel_items(data),
        up_url=up_url,
        up_name=dashboards.authority_label(authority),
    )


urlpatterns = [
    path("dashboards/", dashboard_mine, name="dashboard"),
    path("dashboards/national/", national_dashboard, name="dashboard-national"),
    path("dashboards/provinces/<int:pk>/", provincial_dashboard, name="dashboard-province"),
    path("dashboards/port-authorities/<int:pk>/", port_dashboard, name="dashboard-port"),
    path("dashboards/units/<int:pk>/", unit_dashboard, name="dashboard-unit"),
]

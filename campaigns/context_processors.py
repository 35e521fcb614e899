"""Role-aware navigation for every page, built from the user's scope (no extra query)."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from campaigns.scope import scope_for

MAX_GRANT_LINKS = 3

# The campaign's day-to-day work, in menu order: (URL name, label, who gets it). "authority":
# anyone holding a role at an authority (port officer and above, the national office sees all);
# "unit": a unit contact; "filing": provincial officers and the national office; "all": both.
WORK_ENTRIES = (
    ("campaigns:dashboard", _noop("My dashboard"), "all"),
    ("campaigns:filing-list", _noop("Filings"), "filing"),
    ("campaigns:plan-list", _noop("Co-construction plans"), "authority"),
    ("campaigns:activity-list", _noop("Activities"), "all"),
    ("campaigns:inspection-list", _noop("Inspection visits"), "authority"),
    ("campaigns:rectification-list", _noop("Rectification items"), "all"),
    ("campaigns:agreement-list", _noop("Co-construction agreements"), "authority"),
    ("campaigns:special-campaign-list", _noop("Special campaigns"), "authority"),
    ("campaigns:feedback-list", _noop("Public feedback"), "authority"),
    ("campaigns:survey-list", _noop("Satisfaction surveys"), "authority"),
    ("campaigns:consultation-list", _noop("Consultations"), "all"),
)


def _navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {"items": [], "grants": []}
    scope = scope_for(user)
    items = [{"url": reverse("campaigns:home"), "label": _("Home")}]
    # A handful of grants get their own links; beyond that the home page lists them.
    shown = scope.grants if len(scope.grants) <= MAX_GRANT_LINKS else ()
    for grant in (g for g in shown if g.kind == "authority"):
        items.append(
            {
                "url": reverse("campaigns:authority-detail", args=[grant.object_id]),
                "label": grant.name,
            }
        )
    for grant in (g for g in shown if g.kind == "unit"):
        items.append(
            {"url": reverse("campaigns:unit-detail", args=[grant.object_id]), "label": grant.name}
        )
    if scope.is_superuser or scope.view_paths:
        # A unit contact's scope holds no port.
        items.append({"url": reverse("campaigns:port-list"), "label": _("Ports")})
    if not scope.is_empty:
        items += [
            {"url": reverse("campaigns:unit-list"), "label": _("Participating units")},
            {"url": reverse("campaigns:person-list"), "label": _("People")},
        ]
    items += _work_items(scope)
    if scope.can_import:
        items.append({"url": reverse("campaigns:import-start"), "label": _("Import and export")})
    if user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("Administration")})
    path = request.path
    for item in items:
        item["active"] = (item["url"] != "/" and path.startswith(item["url"])) or item[
            "url"
        ] == path
    return {"items": items, "grants": scope.grants}


def _work_items(scope):
    """The day-to-day work entries the user's grants call for; an entry whose screen is not
    installed is left out. Read from the scope alone: no query."""
    has_authority = scope.is_superuser or bool(scope.view_paths)
    has_unit = bool(scope.view_unit_ids)
    files = scope.is_national or any(
        g.level == "provincial" for g in scope.grants if g.kind == "authority"
    )
    wanted = {
        "authority": has_authority,
        "unit": has_unit,
        "all": has_authority or has_unit,
        "filing": files,
    }
    items = []
    for name, label, who in WORK_ENTRIES:
        if not wanted[who]:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": _(label)})
    return items


def navigation(request):
    return {"nav": SimpleLazyObject(lambda: _navigation(request))}

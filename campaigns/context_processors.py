"""Role-aware navigation for every page, built from the user's scope (no extra query)."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from campaigns.scope import scope_for

MAX_GRANT_LINKS = 3


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


def navigation(request):
    return {"nav": SimpleLazyObject(lambda: _navigation(request))}

"""Role-aware navigation for every page, built from the user's scope (no extra query).

The menu is a few sections, each a Bootstrap dropdown whose label is also a plain link to the
section's landing page, so the menu works without JavaScript. `items` keeps every entry in one
flat list as well (in menu order), for code that only asks whether an entry is offered.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.scope import scope_for

MAX_GRANT_LINKS = 3

# The sections, in menu order: (key, label, URL name of the landing page or "" for the first
# entry). The organisation section lands on the unit list, the one screen all its users share.
SECTIONS = (
    ("organisation", gettext_noop("Organisation"), "campaigns:unit-list"),
    ("work", gettext_noop("Campaign work"), ""),
    ("filings", gettext_noop("Filings and consultations"), ""),
    ("public", gettext_noop("Public"), ""),
)

# The campaign's day-to-day work, in menu order: (URL name, label, who gets it, section; no
# section: a link of its own). "authority": anyone holding a role at an authority (port officer
# and above, the national office sees all); "unit": a unit contact; "filing": provincial officers
# and the national office; "all": both.
WORK_ENTRIES = (
    ("campaigns:dashboard", gettext_noop("My dashboard"), "all", None),
    ("campaigns:plan-list", gettext_noop("Co-construction plans"), "authority", "work"),
    ("campaigns:activity-list", gettext_noop("Activities"), "all", "work"),
    ("campaigns:agreement-list", gettext_noop("Co-construction agreements"), "authority", "work"),
    ("campaigns:special-campaign-list", gettext_noop("Special campaigns"), "authority", "work"),
    ("campaigns:inspection-list", gettext_noop("Inspection visits"), "authority", "work"),
    ("campaigns:rectification-list", gettext_noop("Rectification items"), "all", "work"),
    ("campaigns:filing-list", gettext_noop("Filings"), "filing", "filings"),
    ("campaigns:consultation-list", gettext_noop("Consultations"), "all", "filings"),
    ("campaigns:feedback-list", gettext_noop("Public feedback"), "authority", "public"),
    ("campaigns:survey-list", gettext_noop("Satisfaction surveys"), "authority", "public"),
)


def is_active(url, path):
    return (url != "/" and path.startswith(url)) or url == path


def section(label, entries, landing=None):
    """A dropdown of `entries`; its label links to `landing` (default: the first entry)."""
    url = landing or entries[0]["url"]
    return {
        "label": label,
        "url": url,
        "active": any(entry["active"] for entry in entries),
        # Not "items": a template would find every dict's items() method under that name.
        "entries": entries,
    }


def _navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {"items": [], "menu": [], "admin": None, "grants": []}
    scope = scope_for(user)
    path = request.path

    def entry(url, label):
        return {"url": url, "label": label, "active": is_active(url, path)}

    home = entry(reverse("campaigns:home"), _("Home"))
    sections = {key: [] for key, _label, _landing in SECTIONS}
    singles = []
    # A handful of grants get their own links; beyond that the home page lists them.
    shown = scope.grants if len(scope.grants) <= MAX_GRANT_LINKS else ()
    for grant in (g for g in shown if g.kind == "authority"):
        url = reverse("campaigns:authority-detail", args=[grant.object_id])
        sections["organisation"].append(entry(url, grant.name))
    for grant in (g for g in shown if g.kind == "unit"):
        url = reverse("campaigns:unit-detail", args=[grant.object_id])
        sections["organisation"].append(entry(url, grant.name))
    if scope.is_superuser or scope.view_paths:
        # A unit contact's scope holds no port.
        sections["organisation"].append(entry(reverse("campaigns:port-list"), _("Ports")))
    if not scope.is_empty:
        sections["organisation"] += [
            entry(reverse("campaigns:unit-list"), _("Participating units")),
            entry(reverse("campaigns:person-list"), _("People")),
            entry(reverse("campaigns:directory"), _("Contact directory")),
        ]
    if scope.manages_accounts:
        sections["organisation"].append(
            entry(reverse("campaigns:account-list"), _("Accounts and roles"))
        )
    if scope.can_import:
        sections["organisation"].append(
            entry(reverse("campaigns:import-start"), _("Import and export"))
        )
    for name, label, key in _work_entries(scope):
        target = sections[key] if key else singles
        target.append(entry(reverse(name), _(label)))
    admin = entry(reverse("admin:index"), _("Administration")) if user.is_staff else None

    menu = [home, *singles]
    for key, label, landing in SECTIONS:
        entries = sections[key]
        if entries:
            landing_url = reverse(landing) if landing else None
            if landing_url not in {e["url"] for e in entries}:
                landing_url = None
            menu.append(section(_(label), entries, landing_url))
    items = [home, *singles, *(e for key, *_rest in SECTIONS for e in sections[key])]
    if admin:
        items.append(admin)
    return {"items": items, "menu": menu, "admin": admin, "grants": scope.grants}


def _work_entries(scope):
    """The day-to-day work entries the user's grants call for, as (URL name, label, section);
    an entry whose screen is not installed is left out. Read from the scope alone: no query."""
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
    entries = []
    for name, label, who, key in WORK_ENTRIES:
        if not wanted[who]:
            continue
        try:
            reverse(name)
        except NoReverseMatch:
            continue
        entries.append((name, label, key))
    return entries


def navigation(request):
    return {"nav": SimpleLazyObject(lambda: _navigation(request))}

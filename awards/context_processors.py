"""The awards section of the main navigation, from the user's scope (no query).

Anyone holding a role at an authority, or a unit's contact, gets the nominations; the officers
of an authority (national, provincial or port) get the provinces' own rounds, which they run or
nominate in; provincial officers and the national office also get the recommendation lists. `menu` is a list, appended by the base template to the other sections.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.context_processors import is_active, section
from campaigns.models import Authority
from campaigns.scope import scope_for

# (URL name, label, who gets it): "all" anyone with an authority or a unit grant; "authority"
# anyone with an authority grant; "office" provincial officers and the national office.
ENTRIES = (
    ("awards:nomination-list", gettext_noop("Nominations"), "all"),
    ("awards:province-round-list", gettext_noop("Provincial rounds"), "authority"),
    ("awards:recommendation-list", gettext_noop("Recommendation lists"), "office"),
)


def _section(request):
    user = request.user
    if not user.is_authenticated:
        return {"menu": []}
    scope = scope_for(user)
    wanted = {
        "all": not scope.is_empty,
        "authority": scope.is_national or bool(scope.authority_grants()),
        "office": scope.is_national
        or any(g.level == Authority.Level.PROVINCIAL for g in scope.authority_grants()),
    }
    items = []
    for name, label, who in ENTRIES:
        if not wanted[who]:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": _(label), "active": is_active(url, request.path)})
    if not items:
        return {"menu": []}
    return {"menu": [section(_("Awards"), items)]}


def navigation(request):
    return {"awards_nav": SimpleLazyObject(lambda: _section(request))}

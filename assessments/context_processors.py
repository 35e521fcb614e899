"""The assessments section of the main navigation, from the user's scope (no query).

Every signed-in user gets the scoring queue (reviewers hold no authority grant, and an empty
queue says so); those who see part of the hierarchy also get schemes and reviews. The section is
one dropdown shaped like the campaigns sections (see campaigns.context_processors); `menu` is a
list so that the base template appends it to the campaigns menu.
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from campaigns.context_processors import section
from campaigns.scope import scope_for


def _section(request):
    user = request.user
    if not user.is_authenticated:
        return {"menu": []}
    scope = scope_for(user)
    entries = [(reverse("assessments:queue"), _("My scoring"))]
    if scope.is_superuser or scope.view_paths:
        entries += [
            (reverse("assessments:scheme-list"), _("Assessment schemes")),
            (reverse("assessments:review-list"), _("Reviews")),
        ]
    if not scope.is_empty:
        entries.append((reverse("assessments:cycle-list"), _("Annual assessment")))
    items = [
        # Every entry here has pages below its list, which count as the entry's own.
        {"url": url, "label": label, "active": request.path.startswith(url)}
        for url, label in entries
    ]
    return {"menu": [section(_("Assessment"), items)]}


def navigation(request):
    return {"assessments_nav": SimpleLazyObject(lambda: _section(request))}

"""The assessments entries of the main navigation, from the user's scope (no query).

Every signed-in user gets the scoring queue (reviewers hold no authority grant, and an empty
queue says so); those who see part of the hierarchy also get schemes and reviews.
"""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from campaigns.scope import scope_for


def _items(request):
    user = request.user
    if not user.is_authenticated:
        return []
    scope = scope_for(user)
    items = [{"url": reverse("assessments:queue"), "label": _("My scoring")}]
    if scope.is_superuser or scope.view_paths:
        items += [
            {"url": reverse("assessments:scheme-list"), "label": _("Assessment schemes")},
            {"url": reverse("assessments:review-list"), "label": _("Reviews")},
        ]
    if not scope.is_empty:
        items.append({"url": reverse("assessments:cycle-list"), "label": _("Annual assessment")})
    for item in items:
        item["active"] = request.path.startswith(item["url"])
    return items


def navigation(request):
    return {"assessments_nav": SimpleLazyObject(lambda: _items(request))}

"""Pagination of the portal's lists."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page=None):
    """The requested page with its rows read (so the template runs no query), and the query
    string to keep in page links (the filters)."""
    page = Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return {"page": page, "querystring": params.urlencode()}

"""Bases of every app's screens: a view that knows the user's scope, a list page (its filter,
its page of rows and the context the list templates read) and one-shot state transitions.

The scope is the campaigns app's (`campaigns.scope.scope_for`), which this layer cannot import;
the app names it on its AppConfig as `user_scope` and `user_scope()` below calls it.
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.views import View

from civport.hooks import app_hooks
from civport.listing import EXPORT, SORT, Listing, export_response
from civport.pagination import paginate

# Query parameters that choose a page, a tab, an order or a download rather than filter the rows.
NOT_FILTERS = ("page", "tab", SORT, EXPORT)


def user_scope(user):
    """The user's scope, as the one app declaring `AppConfig.user_scope` computes it."""
    hooks = app_hooks("user_scope")
    if len(hooks) != 1:
        raise ImproperlyConfigured("Exactly one app must declare user_scope on its AppConfig.")
    return hooks[0][1](user)


def paginate_list(request, queryset, per_page=None):
    """The requested page with its rows read, the query string to keep in page links (the
    filters), and whether any filter is set."""
    return {
        **paginate(request, queryset, per_page),
        "is_filtered": any(v for k, v in request.GET.items() if k not in NOT_FILTERS),
    }


class ScopedView(View):
    """A screen inside the hierarchy: the user and their scope, resolved once per request."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.user = request.user
        self.scope = user_scope(request.user)


class ScopedListView(ScopedView):
    """A list of what the user's scope holds: filtered by `filterset_class` (a django-filter
    FilterSet given `get_filterset_kwargs()`, when the list filters), sorted by its `columns`
    (civport.listing: `?sort=`), one page read, and the context every list template reads:
    `filterset`, `page`, `querystring`, `is_filtered`, `listing`. `?export=xlsx` downloads the
    whole list as filtered and sorted, with the columns' values, instead of the page."""

    template_name = ""
    filterset_class = None
    per_page = None  # settings.PAGE_SIZE
    columns = ()  # civport.listing.Column, in the page's order
    # What makes the order of equal rows total, so that pages neither overlap nor skip a row.
    tie_breaker = ("pk",)
    # The export's sheet title and its noun in the file name and audit action (`app.noun.
    # list_exported`, the app being the view's); by default the listed model's plural and name.
    export_title = None
    export_noun = None

    def get_queryset(self):
        raise NotImplementedError

    def get_filterset_kwargs(self):
        return {}

    def get_filterset(self, queryset):
        if self.filterset_class is None:
            return None
        return self.filterset_class(
            self.request.GET or None, queryset=queryset, **self.get_filterset_kwargs()
        )

    def get_columns(self):
        """The columns the page shows (a list may leave some out for some users)."""
        return self.columns

    def get_context_data(self, **context):
        """The page's context; a list adds what its template shows beside the rows."""
        return context

    def export(self, listing, rows):
        model = rows.model._meta
        noun = self.export_noun or model.model_name
        return export_response(
            self.request,
            listing,
            rows,
            title=str(self.export_title or capfirst(model.verbose_name_plural)),
            filename=f"{noun}-list",
            action=f"{type(self).__module__.partition('.')[0]}.{noun}.list_exported",
        )

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        context = {} if filterset is None else {"filterset": filterset}
        rows = queryset if filterset is None else filterset.qs
        listing = Listing(self.get_columns(), request.GET, self.tie_breaker)
        rows = listing.order(rows)
        if EXPORT in request.GET:
            return self.export(listing, rows)
        context.update(paginate_list(request, rows, self.per_page), listing=listing)
        return render(request, self.template_name, self.get_context_data(**context))


# --- one-shot transitions ---------------------------------------------------------------------


def refusal_messages(request, error):
    """A service's refusal (its ValidationError) as one error message per reason."""
    for message in error.messages:
        messages.error(request, message)


def transition(request, write, success_message):
    """Run a one-shot transition (`write()`, a service call); its refusal becomes error messages,
    its success `success_message`. Whether it succeeded."""
    try:
        write()
    except ValidationError as error:
        refusal_messages(request, error)
        return False
    messages.success(request, success_message)
    return True


def transition_response(request, write, success_message, to, *args, **kwargs):
    """`transition()`, then a redirect to `to` (a URL, a model, or a URL name with its `args`
    and `kwargs`) whether it succeeded or not."""
    transition(request, write, success_message)
    return redirect(to, *args, **kwargs)

"""Bases of every app's screens: a view that knows the user's scope, a list page (its filter,
its page of rows and the context the list templates read) and one-shot state transitions.

The scope is the campaigns app's (`campaigns.scope.scope_for`), which this layer cannot import;
the app names it on its AppConfig as `user_scope` and `user_scope()` below calls it.
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.shortcuts import redirect, render
from django.views import View

from civport.hooks import app_hooks
from civport.pagination import paginate

# Query parameters that choose a page or a tab rather than filter the rows.
NOT_FILTERS = ("page", "tab")


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
    FilterSet given `get_filterset_kwargs()`, when the list filters), one page read, and the
    context every list template reads: `filterset`, `page`, `querystring`, `is_filtered`."""

    template_name = ""
    filterset_class = None
    per_page = None  # settings.PAGE_SIZE

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

    def get_context_data(self, **context):
        """The page's context; a list adds what its template shows beside the rows."""
        return context

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        context = {} if filterset is None else {"filterset": filterset}
        rows = queryset if filterset is None else filterset.qs
        context.update(paginate_list(request, rows, self.per_page))
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

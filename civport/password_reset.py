"""A forgotten password: by e-mail link where the portal sends e-mail, otherwise by the user's
superior office (a provincial account manager for the province's people, the national office for
provincial officers: `campaigns.services.accounts.account_password_reset`, which forces a change
at the next login).

The e-mail pages are Django's own, limited per network address and audited: who asked (by the
address only, since the page never says whether an account exists) and whose password was set.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from civport.audit import audit_record
from civport.ratelimit import rate_limit_wait, rate_limited_message

# Reset requests allowed per network address and window (seconds).
DEFAULT_LIMIT = (5, 3600)


def email_reset_enabled() -> bool:
    return settings.CIVPORT_PASSWORD_RESET_BY_EMAIL


class _EmailOnly:
    def dispatch(self, request, *args, **kwargs):
        if not email_reset_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(_EmailOnly, auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        minutes = rate_limit_wait(request, "password_reset", DEFAULT_LIMIT)
        if minutes:
            # The form stays filled in.
            form = self.get_form()
            form.is_valid()
            form.add_error(None, rate_limited_message(minutes))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        audit_record(actor=None, action="civport.password.reset_requested")
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(_EmailOnly, auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(_EmailOnly, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action="civport.password.reset_by_email", obj=form.user)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(_EmailOnly, auth_views.PasswordResetCompleteView):
    pass

"""The public notice (公示) of the round's candidates and the objection form, without login.

The pages load nothing from outside, keep CSRF protection, and count objection attempts per
network address in the shared cache (`CIVPORT_RATE_LIMITS["objection"]` overrides the default).
Only the public columns of a candidate are read (`awards.selectors.notice`), and the form's
choice of candidate is limited to the open notice's candidates.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from awards.forms.notice import ObjectionForm
from awards.selectors.notice import (
    notice_candidate_groups,
    notice_candidates,
    notice_is_open,
    notice_round,
)
from awards.services import notice as services
from civport.forms import apply_service_errors
from civport.notifications import local_today
from civport.ratelimit import rate_limit_wait, rate_limited_message

# requests allowed per address, window in seconds
DEFAULT_OBJECTION_LIMIT = (5, 3600)


def _rate_limit(request):
    """None, or the minutes to wait when the address went over its limit."""
    return rate_limit_wait(request, "objection", DEFAULT_OBJECTION_LIMIT)


@login_not_required
def notice(request):
    """The candidates of the round on notice, by title and province."""
    round = notice_round()
    today = local_today()
    context = {"round": round, "groups": [], "is_open": False, "refusal": None}
    if round is not None:
        context |= {
            "groups": notice_candidate_groups(round),
            "is_open": notice_is_open(round, today),
            "refusal": services.notice_refusal(round, today),
        }
    return render(request, "awards/notice/notice.html", context)


@login_not_required
@never_cache
def objection_create(request):
    round = notice_round()
    today = local_today()
    refusal = services.notice_refusal(round, today)
    if refusal:
        return render(
            request,
            "awards/notice/objection_closed.html",
            {"round": round, "refusal": refusal},
            status=409 if request.method == "POST" else 200,
        )
    candidates = notice_candidates(round).select_related("province")
    initial = {"nomination": request.GET.get("candidate")} if request.method == "GET" else None
    form = ObjectionForm(request.POST or None, candidates=candidates, initial=initial)
    limited = None
    if request.method == "POST":
        minutes = _rate_limit(request)
        if minutes:
            # The form stays filled in, so nothing typed is lost.
            limited = rate_limited_message(minutes)
        elif form.is_valid():
            try:
                services.objection_file(today=today, **form.cleaned_data)
            except ValidationError as error:
                if getattr(error, "code", None) == "refused":
                    return render(
                        request,
                        "awards/notice/objection_closed.html",
                        {"round": round, "refusal": error.messages[0]},
                        status=409,
                    )
                apply_service_errors(form, error)
            else:
                return redirect("awards:objection-filed")
    response = render(
        request,
        "awards/notice/objection_form.html",
        {"round": round, "form": form, "limited": limited},
        status=429 if limited else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
def objection_filed(request):
    response = render(request, "awards/notice/objection_filed.html")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns = [
    path("notice/", notice, name="notice"),
    path("notice/objection/", objection_create, name="objection-create"),
    path("notice/objection/filed/", objection_filed, name="objection-filed"),
]

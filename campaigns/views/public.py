"""Public feedback and satisfaction surveys.

Public pages (no login): a port's feedback form, the page showing the new tracking code once,
the tracking page, and a survey's answer page reached through its open link or a single-use
invitation. They load nothing from outside, keep CSRF protection, and count requests per address
in the shared cache (fixed windows; `CIVPORT_RATE_LIMITS` overrides the defaults below).

Office pages: the feedback list and an item's page with its handling forms, the survey list,
builder, page, invitations and results. Single objects come through the access helpers at the end
of `campaigns.selectors.public`; writes through `campaigns.services.public`.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from campaigns.access import access_feedback, access_survey, can_handle_any, handles_path
from campaigns.access.public import sees_contact
from campaigns.filters import FeedbackFilter
from campaigns.forms.public import (
    FeedbackAnswerForm,
    FeedbackCloseForm,
    FeedbackForm,
    InvitationsForm,
    SurveyAnswerForm,
    SurveyForm,
    TrackingCodeForm,
)
from campaigns.models import Survey, SurveyInvitation
from campaigns.selectors import agency_list_current
from campaigns.selectors.public import (
    feedback_get_by_code,
    feedback_list_for,
    ports_handled_by,
    ports_seen_by,
    public_port_get,
    public_port_list,
    survey_for_link,
    survey_invitation_counts,
    survey_list_for,
    survey_results,
    survey_structure,
)
from campaigns.services import public as services
from campaigns.views.hierarchy import HierarchyListView, authority_trail
from civport.audit import audit_export
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.models import AuditEntry
from civport.ratelimit import rate_limit_wait, rate_limited_message
from civport.viewbases import ScopedListView, ScopedView

# bucket: (requests allowed, window in seconds)
DEFAULT_RATE_LIMITS = {
    "feedback": (5, 3600),
    "track": (30, 600),
    "survey": (10, 3600),
}
SESSION_NEW_CODE = "campaigns.feedback.new_code"


def _rate_limit(request, bucket):
    """None, or the minutes to wait when the address went over the bucket's limit."""
    return rate_limit_wait(request, bucket, DEFAULT_RATE_LIMITS[bucket])


def _no_index(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- public: feedback -------------------------------------------------------------------------


@login_not_required
def public_feedback(request, code=None):
    """Without a port code: the ports to choose from. With one: that port's feedback form."""
    if code is None:
        return render(
            request, "campaigns/public/feedback_ports.html", {"ports": list(public_port_list())}
        )
    port = public_port_get(code)
    form = FeedbackForm(request.POST or None)
    limited = None
    if request.method == "POST":
        minutes = _rate_limit(request, "feedback")
        if minutes:
            # The form stays filled in, so nothing typed is lost.
            limited = rate_limited_message(minutes)
        elif form.is_valid():
            try:
                _item, tracking = services.feedback_submit(port=port, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                request.session[SESSION_NEW_CODE] = tracking
                return redirect("campaigns:feedback-submitted")
    return render(
        request,
        "campaigns/public/feedback_form.html",
        {"port": port, "form": form, "limited": limited},
        status=429 if limited else 200,
    )


@login_not_required
@never_cache
def feedback_submitted(request):
    """Shows the new tracking code once; it is not kept anywhere it could be read again."""
    code = request.session.pop(SESSION_NEW_CODE, None)
    if code is None:
        return redirect("campaigns:feedback-track")
    return _no_index(
        render(
            request,
            "campaigns/public/feedback_submitted.html",
            {"code": services.format_code(code), "raw_code": code},
        )
    )


@login_not_required
@never_cache
def feedback_track(request, code=None):
    """Without a code: a form asking for it. With one: the item's status and answer; an
    unknown code is a plain 404, and lookups are rate-limited like submissions."""
    if code is None:
        form = TrackingCodeForm(request.GET or None)
        if request.GET and form.is_valid():
            normalised = services.normalise_code(form.cleaned_data["code"])
            if normalised:
                return redirect("campaigns:feedback-track", code=normalised)
        return _no_index(render(request, "campaigns/public/feedback_track.html", {"form": form}))
    minutes = _rate_limit(request, "track")
    if minutes:
        return _no_index(
            render(
                request,
                "campaigns/public/limited.html",
                {"message": rate_limited_message(minutes)},
                status=429,
            )
        )
    item = feedback_get_by_code(code)
    if item is None:
        raise Http404
    context = {"item": item, "code": services.format_code(services.normalise_code(code))}
    return _no_index(render(request, "campaigns/public/feedback_status.html", context))


# --- public: surveys --------------------------------------------------------------------------


@login_not_required
@never_cache
def survey_answer(request, code):
    survey, invitation = survey_for_link(code)
    today = timezone.localdate()
    refusal = services.survey_refusal(survey, today=today, invitation=invitation)
    groups, dimensions, agencies = survey_structure(survey)
    form = None
    limited = None
    status = 200
    if refusal is None:
        form = SurveyAnswerForm(
            request.POST or None, groups=groups, dimensions=dimensions, agencies=agencies
        )
        if request.method == "POST":
            minutes = _rate_limit(request, "survey")
            if minutes:
                limited, status = rate_limited_message(minutes), 429
            elif form.is_valid():
                try:
                    services.survey_answer_submit(
                        survey=survey, invitation=invitation, today=today, **form.service_data()
                    )
                except ValidationError as error:
                    if getattr(error, "code", None) == "refused":
                        refusal, form, status = error.messages[0], None, 409
                    else:
                        apply_service_errors(form, error)
                else:
                    return redirect("campaigns:survey-answered")
    elif request.method == "POST":
        status = 409
    context = {
        "survey": survey,
        "form": form,
        "refusal": refusal,
        "limited": limited,
        "dimensions": dimensions,
    }
    return _no_index(render(request, "campaigns/public/survey_answer.html", context, status=status))


@login_not_required
def survey_answered(request):
    return render(request, "campaigns/public/survey_answered.html")


# --- office: feedback -------------------------------------------------------------------------


class FeedbackListView(HierarchyListView):
    template_name = "campaigns/public/feedback_list.html"
    filterset_class = FeedbackFilter
    columns = (
        Column("submitted_at", gettext_lazy("submitted at"), sort="created_at", value="created_at"),
        Column("port", gettext_lazy("port"), sort="port__name", value="port.name"),
        Column("kind", gettext_lazy("kind"), sort="kind", value="get_kind_display"),
        # The whole text: the page cuts it short for room only.
        Column("text", gettext_lazy("text")),
        Column(
            "submitter",
            gettext_lazy("submitter"),
            sort="name",
            value=lambda item: item.name or _("anonymous"),
        ),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
    )

    def get_queryset(self):
        return feedback_list_for(self.user)

    def get_filterset_kwargs(self):
        return {"port_choices": list(ports_seen_by(self.user).values_list("pk", "name"))}

    def can_add(self):
        return False


def _history(obj, model_name):
    """The object's audit entries, oldest first (one query)."""
    return list(
        AuditEntry.objects.filter(
            content_type__app_label="campaigns",
            content_type__model=model_name,
            object_id=str(obj.pk),
        )
        .only("at", "actor_repr", "action")
        .order_by("at", "pk")
    )


ACTION_LABELS = {
    "campaigns.feedback.submitted": gettext_lazy("submitted"),
    "campaigns.feedback.started": gettext_lazy("taken up"),
    "campaigns.feedback.answered": gettext_lazy("answered"),
    "campaigns.feedback.closed": gettext_lazy("closed"),
}


class FeedbackDetailView(ScopedView):
    def get(self, request, pk):
        item = access_feedback(self.user, pk)
        return self.render_page(request, item)

    def render_page(
        self, request, item, *, answer_form=None, close_form=None, status=200, revealed=False
    ):
        can_handle = handles_path(self.scope, item.port.authority.path)
        history = _history(item, "feedback")
        for entry in history:
            entry.label = ACTION_LABELS.get(entry.action, entry.action)
        context = {
            "item": item,
            "trail": authority_trail(self.scope, item.port.authority),
            "extra_trail": [
                {"name": _("Public feedback"), "url": reverse("campaigns:feedback-list")}
            ],
            "can_handle": can_handle,
            "contact_visible": revealed or sees_contact(self.scope, item),
            "answer_form": answer_form or FeedbackAnswerForm(initial={"answer": item.answer}),
            "close_form": close_form or FeedbackCloseForm(),
            "history": history,
        }
        return render(request, "campaigns/public/feedback_detail.html", context, status=status)


class _FeedbackActionView(FeedbackDetailView):
    """POST only: access (to handle) → form → service → message → redirect."""

    form_class = None
    form_slot = ""

    def get(self, request, pk):
        return redirect("campaigns:feedback-detail", pk=pk)

    def post(self, request, pk):
        item = access_feedback(self.user, pk, edit=True)
        form = self.form_class(request.POST) if self.form_class else None
        if form is None or form.is_valid():
            try:
                self.write(item, form.cleaned_data if form else {})
            except ValidationError as error:
                if form is None:
                    messages.error(request, " ".join(error.messages))
                    return redirect("campaigns:feedback-detail", pk=pk)
                apply_service_errors(form, error)
            else:
                messages.success(request, self.success_message())
                return redirect("campaigns:feedback-detail", pk=pk)
        item = access_feedback(self.user, pk)
        return self.render_page(request, item, **{self.form_slot: form})


class FeedbackStartView(_FeedbackActionView):
    def write(self, item, data):
        services.feedback_start(actor=self.user, feedback=item)

    def success_message(self):
        return _("The item is now in progress.")


class FeedbackAnswerView(_FeedbackActionView):
    form_class = FeedbackAnswerForm
    form_slot = "answer_form"

    def write(self, item, data):
        services.feedback_answer(actor=self.user, feedback=item, answer=data["answer"])

    def success_message(self):
        return _("The answer was saved; the submitter sees it on the tracking page.")


class FeedbackCloseView(_FeedbackActionView):
    form_class = FeedbackCloseForm
    form_slot = "close_form"

    def write(self, item, data):
        services.feedback_close(actor=self.user, feedback=item, reason=data["reason"])

    def success_message(self):
        return _("The item was closed.")


class FeedbackContactView(FeedbackDetailView):
    """The whole contact of a visitor, shown on request to an officer outside the port's own
    authority; the viewing is audited."""

    def get(self, request, pk):
        return redirect("campaigns:feedback-detail", pk=pk)

    def post(self, request, pk):
        item = access_feedback(self.user, pk)
        if item.contact and not sees_contact(self.scope, item):
            services.feedback_contact_viewed(actor=self.user, feedback=item)
        return self.render_page(request, item, revealed=True)


# --- office: surveys --------------------------------------------------------------------------


class SurveyListView(ScopedListView):
    template_name = "campaigns/public/survey_list.html"
    columns = (
        Column("title", gettext_lazy("title"), sort="title"),
        Column("port", gettext_lazy("port"), sort="port__name", value="port.name"),
        Column(
            "period",
            gettext_lazy("period"),
            sort=("period_start", "period_end"),
            value=lambda survey: f"{survey.period_start:%Y-%m-%d} – {survey.period_end:%Y-%m-%d}",
        ),
        Column("mode", gettext_lazy("answer mode"), sort="mode", value="get_mode_display"),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
        Column("answers", gettext_lazy("answers"), sort="n_responses", value="n_responses"),
    )

    def get_queryset(self):
        return survey_list_for(self.user)

    def get_context_data(self, **context):
        return super().get_context_data(**context, can_add=can_handle_any(self.user))


class _SurveyFormView(ScopedView):
    survey = None

    def form(self, request):
        raise NotImplementedError

    def write(self, data):
        raise NotImplementedError

    def page(self, request, form):
        survey = self.survey
        context = {
            "form": form,
            "title": _("Edit %(title)s") % {"title": survey.title} if survey else _("New survey"),
            "cancel_url": reverse("campaigns:survey-detail", args=[survey.pk])
            if survey
            else reverse("campaigns:survey-list"),
        }
        return render(request, "campaigns/public/survey_form.html", context)

    def get(self, request, **kwargs):
        return self.page(request, self.form(request))

    def post(self, request, **kwargs):
        form = self.form(request)
        if form.is_valid():
            try:
                survey = self.write(form.service_data())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The survey %(title)s was saved.") % {"title": survey})
                return redirect("campaigns:survey-detail", pk=survey.pk)
        return self.page(request, form)


class SurveyCreateView(_SurveyFormView):
    def dispatch(self, request, *args, **kwargs):
        if not can_handle_any(self.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form(self, request):
        return SurveyForm(
            request.POST or None,
            ports=ports_handled_by(self.user),
            agencies=agency_list_current(timezone.localdate()),
        )

    def write(self, data):
        return services.survey_create(actor=self.user, **data)


class SurveyEditView(_SurveyFormView):
    def dispatch(self, request, *args, **kwargs):
        self.survey = access_survey(self.user, kwargs["pk"], edit=True)
        if self.survey.status != Survey.Status.DRAFT:
            messages.error(request, _("Only a draft survey can be changed."))
            return redirect("campaigns:survey-detail", pk=self.survey.pk)
        return super().dispatch(request, *args, **kwargs)

    def form(self, request):
        return SurveyForm(
            request.POST or None,
            ports=ports_handled_by(self.user),
            agencies=agency_list_current(timezone.localdate()),
            survey=self.survey,
            structure=survey_structure(self.survey),
        )

    def write(self, data):
        data.pop("port", None)
        return services.survey_update(actor=self.user, survey=self.survey, **data)


def _survey_link(request, code):
    return request.build_absolute_uri(reverse("campaigns:survey-answer", args=[code]))


class SurveyDetailView(ScopedView):
    def get(self, request, pk):
        survey = access_survey(self.user, pk)
        groups, dimensions, agencies = survey_structure(survey)
        is_invitation = survey.mode == Survey.Mode.INVITATION
        context = {
            "survey": survey,
            "trail": authority_trail(self.scope, survey.port.authority),
            "extra_trail": [
                {"name": _("Satisfaction surveys"), "url": reverse("campaigns:survey-list")}
            ],
            "groups": groups,
            "dimensions": dimensions,
            "agencies": agencies,
            "can_manage": handles_path(self.scope, survey.port.authority.path),
            "link": None if is_invitation else _survey_link(request, survey.public_code),
            "invitations": survey_invitation_counts(survey) if is_invitation else None,
            "invitations_form": InvitationsForm() if is_invitation else None,
            "n_responses": survey.responses.count(),
        }
        return render(request, "campaigns/public/survey_detail.html", context)


def _survey_action(service, message):
    @require_POST
    def view(request, pk):
        survey = access_survey(request.user, pk, edit=True)
        try:
            service(actor=request.user, survey=survey)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message())
        return redirect("campaigns:survey-detail", pk=pk)

    return view


survey_open = _survey_action(
    services.survey_open, lambda: _("The survey is open; share its link with respondents.")
)
survey_close = _survey_action(services.survey_close, lambda: _("The survey is closed."))


@require_POST
def survey_invitations(request, pk):
    survey = access_survey(request.user, pk, edit=True)
    form = InvitationsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("campaigns:survey-detail", pk=pk)
    try:
        created = services.survey_invitations_create(
            actor=request.user, survey=survey, count=form.cleaned_data["count"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(count)s invitations were created; download the list of links to send them.")
            % {"count": len(created)},
        )
    return redirect("campaigns:survey-detail", pk=pk)


def _csv_cell(value):
    # Spreadsheets run cells starting with these characters as formulas.
    value = str(value)
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def survey_invitations_export(request, pk):
    """The survey's invitation links as CSV (UTF-8 with BOM, which spreadsheets read)."""
    survey = access_survey(request.user, pk, edit=True)
    if survey.mode != Survey.Mode.INVITATION:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-invitations.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Invitation code"), _("Link"), _("Used at")])
    rows = (
        SurveyInvitation.objects.filter(survey=survey).order_by("pk").values_list("code", "used_at")
    )
    count = 0
    for code, used_at in rows.iterator(chunk_size=1000):
        used = timezone.localtime(used_at).strftime("%Y-%m-%d %H:%M") if used_at else ""
        writer.writerow([_csv_cell(code), _survey_link(request, code), used])
        count += 1
    audit_export(
        actor=request.user,
        action="campaigns.survey.invitations_exported",
        obj=survey,
        fmt="csv",
        rows=count,
    )
    return response


class SurveyResultsView(ScopedView):
    def get(self, request, pk):
        survey = access_survey(self.user, pk)
        results = survey_results(survey, overall_title=_("All respondents"), group_title="{group}")
        context = {
            "survey": survey,
            "trail": authority_trail(self.scope, survey.port.authority),
            "extra_trail": [
                {"name": _("Satisfaction surveys"), "url": reverse("campaigns:survey-list")},
                {
                    "name": survey.title,
                    "url": reverse("campaigns:survey-detail", args=[survey.pk]),
                },
            ],
            "results": results,
            "tables": [results.overall, *results.by_group],
        }
        return render(request, "campaigns/public/survey_results.html", context)


urlpatterns = [
    # Public pages. The two `public-feedback` and `feedback-track` entries reverse with or
    # without their code.
    path("public/feedback/", public_feedback, name="public-feedback"),
    path("public/ports/<str:code>/feedback/", public_feedback, name="public-feedback"),
    path("public/feedback/submitted/", feedback_submitted, name="feedback-submitted"),
    path("public/feedback/track/", feedback_track, name="feedback-track"),
    path("public/feedback/track/<str:code>/", feedback_track, name="feedback-track"),
    path("public/surveys/thanks/", survey_answered, name="survey-answered"),
    path("public/surveys/<str:code>/", survey_answer, name="survey-answer"),
    # The port authority's pages.
    path("feedback/", FeedbackListView.as_view(), name="feedback-list"),
    path("feedback/<int:pk>/", FeedbackDetailView.as_view(), name="feedback-detail"),
    path("feedback/<int:pk>/start/", FeedbackStartView.as_view(), name="feedback-start"),
    path("feedback/<int:pk>/answer/", FeedbackAnswerView.as_view(), name="feedback-answer"),
    path("feedback/<int:pk>/close/", FeedbackCloseView.as_view(), name="feedback-close"),
    path("feedback/<int:pk>/contact/", FeedbackContactView.as_view(), name="feedback-contact"),
    path("surveys/", SurveyListView.as_view(), name="survey-list"),
    path("surveys/new/", SurveyCreateView.as_view(), name="survey-create"),
    path("surveys/<int:pk>/", SurveyDetailView.as_view(), name="survey-detail"),
    path("surveys/<int:pk>/edit/", SurveyEditView.as_view(), name="survey-edit"),
    path("surveys/<int:pk>/open/", survey_open, name="survey-open"),
    path("surveys/<int:pk>/close/", survey_close, name="survey-close"),
    path("surveys/<int:pk>/invitations/", survey_invitations, name="survey-invitations"),
    path(
        "surveys/<int:pk>/invitations.csv",
        survey_invitations_export,
        name="survey-invitations-export",
    ),
    path("surveys/<int:pk>/results/", SurveyResultsView.as_view(), name="survey-results"),
]

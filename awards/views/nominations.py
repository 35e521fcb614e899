"""The nomination screens: the list, nominating (title, then nominee), the dossier with its
evidence and veto declarations, submission with the nominating authority's opinion, withdrawal.

Who sees what (see `awards.access`): everyone who sees the nominating authority sees the
nomination, and the contact of the nominee's unit too; the port officer of the area nominates
ports, units and people, the provincial officer or the national office nominates organizers;
the unit's contact prepares a draft's dossier but does not submit it. A nomination outside the
user's scope is a 404 whether it exists or not. Every page works as plain forms; writes go
through `awards.services.nominations`, and templates run no queries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from awards import documents
from awards.access import (
    access_evidence,
    access_nomination,
    may_edit_nomination,
    may_submit_nomination,
    nominable_titles,
    nominating_paths,
)
from awards.filters import NominationFilter
from awards.forms.nominations import (
    DossierForm,
    EvidenceForm,
    HonoursCiteForm,
    NominationStartForm,
    NomineeForm,
    SubmitForm,
    WithdrawForm,
)
from awards.models import Nomination, Round, Title
from awards.selectors.honours import citable_honours
from awards.selectors.nominations import (
    eligible_nominees,
    nominated_ids,
    nominating_rounds,
    nomination_cited_honours,
    nomination_evidence,
    nomination_opinions,
    nomination_table_for,
    nomination_vetoes,
    nomination_with_parties,
    round_choices,
)
from awards.selectors.rounds import provinces
from awards.services import nominations as services
from campaigns.scope import scope_for
from civport.audit import audit_export
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.uploads import stored_file_response, upload_max_bytes
from civport.viewbases import ScopedListView, refusal_messages, transition_response


def _detail(nomination):
    return redirect("awards:nomination-detail", nomination.pk)


def _may_withdraw(scope, nomination):
    return (
        may_submit_nomination(scope, nomination)
        and nomination.status in (Nomination.Status.DRAFT, Nomination.Status.SUBMITTED)
        and nomination.round.phase in services.NOMINATOR_MAY_WITHDRAW_IN
    )


# --- the list --------------------------------------------------------------------------------


class NominationListView(ScopedListView):
    """Every nomination the user sees; for a provincial officer, the province's list."""

    template_name = "awards/nominations/nomination_list.html"
    filterset_class = NominationFilter
    # Only what the selector reads (nomination_table_for's `only`), so the export runs no query
    # per row.
    columns = (
        Column("nominee", gettext_lazy("nominee"), sort="nominee_name", value="nominee_name"),
        Column(
            "unit",
            gettext_lazy("nominee's unit"),
            sort="nominee_unit_name",
            value="nominee_unit_name",
        ),
        Column("title", pgettext_lazy("award", "title"), sort="title", value="get_title_display"),
        Column(
            "authority",
            gettext_lazy("nominating authority"),
            sort="authority__name",
            value="authority.name",
        ),
        Column("province", gettext_lazy("province"), sort="province__name", value="province.name"),
        Column("round", gettext_lazy("award round"), sort="round__name", value="round.name"),
        Column("files", gettext_lazy("Files"), sort="n_evidence", value="n_evidence"),
        Column("submitted_at", gettext_lazy("submitted at"), sort="submitted_at"),
        Column("status", gettext_lazy("status"), sort="status", value="get_status_display"),
    )

    def get_columns(self):
        # The province is shown to the national office only.
        if self.scope.is_national:
            return self.columns
        return [column for column in self.columns if column.key != "province"]

    def get_queryset(self):
        return nomination_table_for(self.user)

    def get_filterset_kwargs(self):
        self.rounds = round_choices()
        return {
            "rounds": [(pk, name) for pk, name, _phase, _due in self.rounds],
            "provinces": list(provinces().values_list("pk", "name"))
            if self.scope.is_national
            else None,
        }

    def get_context_data(self, **context):
        filterset = context["filterset"]
        # Only the valid filters count (an invalid one is ignored).
        context["is_filtered"] = filterset.is_filtered
        open_rounds = [r for r in self.rounds if r[2] == Round.Phase.NOMINATING]
        return super().get_context_data(
            **context,
            filter_form=filterset.form,
            show_province=self.scope.is_national,
            can_create=bool(open_rounds) and bool(nominable_titles(self.scope)),
        )


# --- nominating ------------------------------------------------------------------------------


def _nominee_label(title, nominee):
    if title == Title.ADVANCED_INDIVIDUAL:
        position = f" · {nominee.position}" if nominee.position else ""
        return f"{nominee.name} · {nominee.unit.name}{position}"
    if title == Title.ADVANCED_ORGANIZER:
        return nominee.name
    return f"{nominee.name} · {nominee.authority.name}"


class NominationCreateView(View):
    """Step one (GET, no choice yet): the round and the title. Step two (GET with both, then
    POST): the nominee, chosen among the eligible ones of the user's area; those nominated
    already are listed as such, and choosing one is refused with the reason."""

    template_start = "awards/nominations/nomination_start.html"
    template_nominee = "awards/nominations/nomination_nominee.html"

    def dispatch(self, request, *args, **kwargs):
        self.scope = scope_for(request.user)
        self.titles = nominable_titles(self.scope)
        if not self.titles:
            raise PermissionDenied
        self.rounds = list(nominating_rounds())
        return super().dispatch(request, *args, **kwargs)

    def _start_form(self, data):
        return NominationStartForm(
            data, rounds=[(r.pk, r.name) for r in self.rounds], titles=self.titles
        )

    def _chosen(self, request):
        """The round and title of step one when both are valid, else the start form."""
        data = request.GET if ("round" in request.GET or "title" in request.GET) else None
        form = self._start_form(data)
        if data is None or not form.is_valid():
            return None, None, form
        rounds = {r.pk: r for r in self.rounds}
        return rounds[form.cleaned_data["round"]], Title(form.cleaned_data["title"]), form

    def _nominee_form(self, round, title, data=None):
        nominees = list(eligible_nominees(title, nominating_paths(self.scope, title)))
        taken = nominated_ids(round, title)
        choices = []
        for nominee in nominees:
            label = _nominee_label(title, nominee)
            if nominee.pk in taken:
                label = _("%(name)s — nominated already") % {"name": label}
            choices.append((nominee.pk, label))
        self.nominees = {n.pk: n for n in nominees}
        return NomineeForm(data, nominees=choices)

    def _render_nominee(self, request, round, title, form):
        return render(
            request,
            self.template_nominee,
            {"round": round, "title": title, "form": form, "closes": round.nominations_due_on},
        )

    def get(self, request):
        round, title, start = self._chosen(request)
        if round is None:
            return render(
                request, self.template_start, {"form": start, "has_rounds": bool(self.rounds)}
            )
        return self._render_nominee(request, round, title, self._nominee_form(round, title))

    def post(self, request):
        round, title, _start = self._chosen(request)
        if round is None:
            return redirect("awards:nomination-create")
        form = self._nominee_form(round, title, request.POST)
        if form.is_valid():
            pk = form.cleaned_data["nominee"]
            nominee = (
                self.nominees.get(pk) or services.NOMINEE_MODEL[title].objects.filter(pk=pk).first()
            )
            try:
                nomination = services.nomination_create(
                    actor=request.user, round=round, title=title, nominee=nominee
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is nominated for %(title)s as a draft. Write the deeds next.")
                    % {"name": nomination.nominee_name, "title": title.label},
                )
                return redirect("awards:nomination-edit", nomination.pk)
        return self._render_nominee(request, round, title, form)


# --- one nomination --------------------------------------------------------------------------


class NominationDetailView(View):
    def get(self, request, pk):
        nomination = access_nomination(request.user, pk)
        scope = scope_for(request.user)
        conditions = nomination_vetoes(nomination)
        is_draft = nomination.is_draft
        closed = services.nominations_open_error(nomination.round) if is_draft else ""
        return render(
            request,
            "awards/nominations/nomination_detail.html",
            {
                "nomination": nomination,
                "evidence": nomination_evidence(nomination),
                "cited_honours": nomination_cited_honours(nomination),
                "conditions": conditions,
                "opinions": nomination_opinions(nomination),
                "problems": (
                    services.submission_problems(nomination, conditions) if is_draft else {}
                ),
                "closed": closed,
                "can_edit": is_draft and may_edit_nomination(scope, nomination),
                "can_submit": is_draft and not closed and may_submit_nomination(scope, nomination),
                "can_withdraw": _may_withdraw(scope, nomination),
            },
        )


class NominationEditView(View):
    """The draft's deeds and veto declarations in one form; its evidence beside it."""

    template_name = "awards/nominations/nomination_edit.html"

    def _load(self, request, pk):
        nomination = access_nomination(request.user, pk, edit=True)
        self.conditions = nomination_vetoes(nomination)
        return nomination

    def _render(self, request, nomination, form):
        return render(
            request,
            self.template_name,
            {
                "nomination": nomination,
                "form": form,
                "veto_rows": form.veto_rows(),
                "evidence": nomination_evidence(nomination),
                "evidence_form": EvidenceForm(),
                "evidence_max": services.EVIDENCE_MAX,
                "upload_max": upload_max_bytes(),
                "can_submit": may_submit_nomination(scope_for(request.user), nomination),
            },
        )

    def get(self, request, pk):
        nomination = self._load(request, pk)
        if not nomination.is_draft:
            messages.info(request, _("Only a draft's dossier can be changed."))
            return _detail(nomination)
        initial = DossierForm.initial_for(nomination, self.conditions)
        form = DossierForm(initial=initial, conditions=self.conditions)
        return self._render(request, nomination, form)

    def post(self, request, pk):
        nomination = self._load(request, pk)
        form = DossierForm(request.POST, conditions=self.conditions)
        if form.is_valid():
            try:
                services.nomination_dossier_save(
                    actor=request.user,
                    nomination=nomination,
                    deeds=form.cleaned_data["deeds"],
                    summary=form.cleaned_data["summary"],
                    answers=form.answers(),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The dossier was saved."))
                if request.POST.get("then") == "submit":
                    return redirect("awards:nomination-submit", nomination.pk)
                return _detail(nomination)
        return self._render(request, nomination, form)


@require_POST
def evidence_add(request, pk):
    nomination = access_nomination(request.user, pk, edit=True)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for message in errors:
                if label:
                    message = _("%(field)s: %(message)s") % {"field": label, "message": message}
                messages.error(request, message)
    else:
        try:
            evidence = services.evidence_add(
                actor=request.user,
                nomination=nomination,
                upload=form.cleaned_data["upload"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            refusal_messages(request, error)
        else:
            messages.success(
                request, _("The file %(name)s was added.") % {"name": evidence.original_name}
            )
    return redirect("awards:nomination-edit", nomination.pk)


@require_POST
def evidence_remove(request, pk):
    evidence = access_evidence(request.user, pk, edit=True)
    return transition_response(
        request,
        lambda: services.evidence_remove(actor=request.user, evidence=evidence),
        _("The file %(name)s was removed.") % {"name": evidence.original_name},
        reverse("awards:nomination-edit", args=[evidence.nomination_id]),
    )


def evidence_download(request, pk):
    evidence = access_evidence(request.user, pk)
    return stored_file_response(evidence)


class NominationSubmitView(View):
    """A confirmation step: what will be submitted, what is missing, and the opinion."""

    template_name = "awards/nominations/nomination_submit.html"

    def _load(self, request, pk):
        nomination = access_nomination(request.user, pk)
        if not may_submit_nomination(scope_for(request.user), nomination):
            raise PermissionDenied
        self.conditions = nomination_vetoes(nomination)
        return nomination

    def _render(self, request, nomination, form, problems=None):
        if problems is None:
            problems = services.submission_problems(nomination, self.conditions)
        return render(
            request,
            self.template_name,
            {
                "nomination": nomination,
                "form": form,
                "problems": problems,
                "closed": services.nominations_open_error(nomination.round),
            },
        )

    def get(self, request, pk):
        nomination = self._load(request, pk)
        if not nomination.is_draft:
            return _detail(nomination)
        return self._render(request, nomination, SubmitForm())

    def post(self, request, pk):
        nomination = self._load(request, pk)
        form = SubmitForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_submit(
                    actor=request.user,
                    nomination=nomination,
                    opinion=form.cleaned_data["opinion"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    problems = {k: " ".join(v) for k, v in error.message_dict.items()}
                    problems.pop("round", None)  # shown above the form as `closed`
                    if "opinion" in problems:
                        form.add_error("opinion", problems.pop("opinion"))
                    return self._render(request, nomination, form, problems)
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The nomination of %(name)s was submitted.")
                    % {"name": nomination.nominee_name},
                )
                return _detail(nomination)
        return self._render(request, nomination, form)


class NominationWithdrawView(View):
    template_name = "awards/nominations/nomination_withdraw.html"

    def _load(self, request, pk):
        nomination = access_nomination(request.user, pk)
        if not may_submit_nomination(scope_for(request.user), nomination):
            raise PermissionDenied
        return nomination

    def get(self, request, pk):
        nomination = self._load(request, pk)
        return render(
            request, self.template_name, {"nomination": nomination, "form": WithdrawForm()}
        )

    def post(self, request, pk):
        nomination = self._load(request, pk)
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.nomination_withdraw(
                    actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The nomination of %(name)s was withdrawn.")
                    % {"name": nomination.nominee_name},
                )
                return _detail(nomination)
        return render(request, self.template_name, {"nomination": nomination, "form": form})


class NominationHonoursView(View):
    """The honours of the nominee cited in the dossier, picked from those it holds from other
    decided rounds (a province's own titles, say)."""

    template_name = "awards/nominations/nomination_honours.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.nomination = access_nomination(request.user, kwargs["pk"], edit=True)
        self.citable = citable_honours(self.nomination)

    def _render(self, request, form):
        return render(request, self.template_name, {"nomination": self.nomination, "form": form})

    def get(self, request, pk):
        form = HonoursCiteForm(
            honours=self.citable,
            initial={"honours": list(self.nomination.cited_honours.all())},
        )
        return self._render(request, form)

    def post(self, request, pk):
        form = HonoursCiteForm(request.POST, honours=self.citable)
        if form.is_valid():
            try:
                services.nomination_honours_cite(
                    actor=request.user,
                    nomination=self.nomination,
                    honours=form.cleaned_data["honours"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The honours cited were saved."))
                return redirect("awards:nomination-detail", self.nomination.pk)
        return self._render(request, form)


def nomination_form_pdf(request, pk):
    """The nomination's recommendation and approval form (推荐审批表) as a PDF to print, sign
    and seal; shown in the browser, which prints or saves it."""
    nomination = nomination_with_parties(access_nomination(request.user, pk).pk)
    content = documents.approval_form_pdf(nomination, nomination_opinions(nomination))
    audit_export(
        actor=request.user, action="awards.nomination.form_printed", obj=nomination, fmt="pdf"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nomination-{nomination.pk}.pdf"'
    return response


urlpatterns = [
    path("awards/nominations/", NominationListView.as_view(), name="nomination-list"),
    path("awards/nominations/<int:pk>/form.pdf", nomination_form_pdf, name="nomination-form"),
    path("awards/nominations/new/", NominationCreateView.as_view(), name="nomination-create"),
    path("awards/nominations/<int:pk>/", NominationDetailView.as_view(), name="nomination-detail"),
    path("awards/nominations/<int:pk>/edit/", NominationEditView.as_view(), name="nomination-edit"),
    path(
        "awards/nominations/<int:pk>/honours/",
        NominationHonoursView.as_view(),
        name="nomination-honours",
    ),
    path("awards/nominations/<int:pk>/evidence/", evidence_add, name="evidence-add"),
    path(
        "awards/nominations/<int:pk>/submit/",
        NominationSubmitView.as_view(),
        name="nomination-submit",
    ),
    path(
        "awards/nominations/<int:pk>/withdraw/",
        NominationWithdrawView.as_view(),
        name="nomination-withdraw",
    ),
    path("awards/evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("awards/evidence/<int:pk>/remove/", evidence_remove, name="evidence-remove"),
]

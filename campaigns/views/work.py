"""Screens of the campaign's work: plans, activities, agreements, special campaigns, inspections
and rectification items.

Access helper → form (given its choices from the user's scope) → service → message → redirect.
Detail pages carry the form of their next step (a commitment, a finding, an answer, a comment)
and show it again with its errors when the service refuses; one-shot transitions (verify,
publish, close) are small POST views. Everything a template shows is read here.
"""

from functools import reduce
from operator import or_

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from campaigns.access import (
    access_activity,
    access_activity_evidence,
    access_agreement,
    access_commitment,
    access_inspection,
    access_plan,
    access_rectification,
    access_rectification_evidence,
    access_special_campaign,
    activity_can_edit,
    activity_can_review,
    plan_can_edit,
    rectification_can_answer,
    rectification_can_review,
)
from campaigns.filters import ActivityFilter, RectificationFilter
from campaigns.forms.work import (
    ActivityForm,
    AgreementEditForm,
    AgreementForm,
    CommentForm,
    CommitmentForm,
    FindingForm,
    InspectionForm,
    PlanEditForm,
    PlanForm,
    RectificationAnswerForm,
    SpecialCampaignEditForm,
    SpecialCampaignForm,
)
from campaigns.models import Agreement, Person, Plan, Port, SpecialCampaign, Unit
from campaigns.selectors import authority_list_for, construction_area_list
from campaigns.selectors.work import (
    ACTIVITY_LEVELS,
    INSPECTION_LEVELS,
    PLAN_LEVELS,
    activity_detail_related,
    activity_list_for,
    agreement_list_for,
    authorities_for_work,
    inspection_detail_related,
    inspection_list_for,
    plan_list_for,
    plan_list_with_totals,
    plan_progress,
    rectification_list_for,
    special_campaign_list_for,
    units_within,
)
from campaigns.services import work as services
from civport.forms import apply_service_errors, style_widgets
from civport.listing import Column
from civport.uploads import attachment_response, stored_file_response
from civport.viewbases import ScopedListView, ScopedView, transition

FORM_TEMPLATE = "campaigns/work/form.html"


def _may_record(scope):
    return bool(scope.is_superuser or scope.edit_paths)


def _run(request, form, write, *, field_map=None):
    """Call the service with a valid form's data; put its refusal onto the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.service_data())
    except ValidationError as error:
        apply_service_errors(form, error, field_map=field_map)
        style_widgets(form)
        return None


def _crumbs(name, url_name):
    return [{"name": name, "url": reverse(f"campaigns:{url_name}")}]


def _form_page(request, form, *, title, cancel_url, trail_name, trail_url):
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "extra_trail": _crumbs(trail_name, trail_url),
        },
    )


# --- plans ----------------------------------------------------------------------------------


class _RecordListView(ScopedListView):
    """A list of the campaign's records, with the add button for those who may record."""

    def get_context_data(self, **context):
        return super().get_context_data(**context, can_add=self.can_add())

    def can_add(self):
        return _may_record(self.scope)


def _names(objects):
    """Names as a list cell shows them, in one line."""
    return "、".join(obj.name for obj in objects)


def _status_label(item):
    """A rectification item's status as its badge shows it, with “overdue” when it is."""
    label = item.get_status_display()
    if item.is_overdue_on(timezone.localdate()):
        return f"{label} · {_('overdue')}"
    return label


AUTHORITY = Column(
    "authority", gettext_lazy("authority"), sort="authority__name", value="authority.name"
)
PORT_AUTHORITY = Column(
    "authority", gettext_lazy("port authority"), sort="authority__name", value="authority.name"
)
STATUS = Column("status", gettext_lazy("status"), sort="status", value="get_status_display")


class PlanListView(_RecordListView):
    template_name = "campaigns/work/plan_list.html"
    columns = (
        Column("year", gettext_lazy("year"), sort="year"),
        Column("title", gettext_lazy("title"), sort="title"),
        PORT_AUTHORITY,
        STATUS,
        Column(
            "commitments", gettext_lazy("Commitments"), sort="n_commitments", value="n_commitments"
        ),
        Column("target", gettext_lazy("Target activities"), sort="n_target", value="n_target"),
    )

    def get_queryset(self):
        return plan_list_with_totals(plan_list_for(self.user))


class PlanCreateView(ScopedView):
    def dispatch(self, request, *args, **kwargs):
        if not _may_record(self.scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.post(request)

    def post(self, request):
        initial = {"year": timezone.localdate().year}
        form = PlanForm(
            request.POST or None,
            initial=initial,
            authorities=authorities_for_work(self.user, PLAN_LEVELS),
        )
        plan = _run(request, form, lambda d: services.plan_create(actor=self.user, **d))
        if plan:
            messages.success(request, _("The plan %(title)s was created.") % {"title": plan})
            return redirect("campaigns:plan-detail", plan.pk)
        return _form_page(
            request,
            form,
            title=_("New co-construction plan"),
            cancel_url=reverse("campaigns:plan-list"),
            trail_name=_("Co-construction plans"),
            trail_url="plan-list",
        )


class PlanEditView(ScopedView):
    """The plan's title, for whoever may edit the plan (its port authority and above)."""

    def dispatch(self, request, *args, **kwargs):
        self.plan = access_plan(self.user, kwargs["pk"], edit=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.post(request, pk)

    def post(self, request, pk):
        plan = self.plan
        form = PlanEditForm(request.POST or None, instance=plan)
        saved = _run(request, form, lambda d: services.plan_update(actor=self.user, plan=plan, **d))
        if saved:
            messages.success(request, _("The plan %(title)s was saved.") % {"title": saved})
            return redirect("campaigns:plan-detail", plan.pk)
        return _form_page(
            request,
            form,
            title=_("Edit %(title)s") % {"title": plan.title},
            cancel_url=reverse("campaigns:plan-detail", args=[plan.pk]),
            trail_name=_("Co-construction plans"),
            trail_url="plan-list",
        )


class PlanDetailView(ScopedView):
    """The plan's commitments with their progress; its officers add commitments here."""

    def get(self, request, pk):
        return self.page(request, access_plan(self.user, pk))

    def post(self, request, pk):
        plan = access_plan(self.user, pk, edit=True)
        form = self.commitment_form(plan, request.POST)
        saved = _run(
            request,
            form,
            lambda d: services.commitment_add(actor=self.user, plan=plan, **d),
        )
        if saved:
            messages.success(request, _("The commitment was added."))
            return redirect("campaigns:plan-detail", plan.pk)
        return self.page(request, plan, form=form)

    def commitment_form(self, plan, data=None):
        authority = plan.authority
        return CommitmentForm(
            data,
            areas=construction_area_list(),
            units=units_within(authority),
            people=Person.objects.filter(
                unit__authority__path__startswith=authority.path, is_active=True
            ).order_by("code"),
        )

    def page(self, request, plan, form=None):
        can_edit = plan_can_edit(self.user, plan)
        commitments = list(plan_progress(plan))
        for c in commitments:
            c.percent = min(100, round(100 * c.logged / c.target_activities))
        if can_edit and plan.status == Plan.Status.DRAFT and form is None:
            form = self.commitment_form(plan)
        context = {
            "plan": plan,
            "commitments": commitments,
            "totals": {
                "target": sum(c.target_activities for c in commitments),
                "logged": sum(min(c.logged, c.target_activities) for c in commitments),
                "verified": sum(min(c.verified, c.target_activities) for c in commitments),
            },
            "can_edit": can_edit,
            "form": form if can_edit and plan.status == Plan.Status.DRAFT else None,
            "extra_trail": _crumbs(_("Co-construction plans"), "plan-list"),
        }
        return render(request, "campaigns/work/plan_detail.html", context)


@require_POST
def plan_publish(request, pk):
    plan = access_plan(request.user, pk, edit=True)
    transition(
        request,
        lambda: services.plan_publish(actor=request.user, plan=plan),
        _("The plan was published."),
    )
    return redirect("campaigns:plan-detail", plan.pk)


@require_POST
def plan_reopen(request, pk):
    plan = access_plan(request.user, pk, edit=True)
    transition(
        request,
        lambda: services.plan_reopen(actor=request.user, plan=plan),
        _("The plan is a draft again."),
    )
    return redirect("campaigns:plan-detail", plan.pk)


@require_POST
def commitment_remove(request, pk):
    commitment = access_commitment(request.user, pk, edit=True)
    transition(
        request,
        lambda: services.commitment_remove(actor=request.user, commitment=commitment),
        _("The commitment was removed."),
    )
    return redirect("campaigns:plan-detail", commitment.plan_id)


# --- activities -------------------------------------------------------------------------------


def _authority_choices(user):
    return list(
        authority_list_for(user).filter(level__in=ACTIVITY_LEVELS).values_list("pk", "name")
    )


class ActivityListView(_RecordListView):
    template_name = "campaigns/work/activity_list.html"
    filterset_class = ActivityFilter
    columns = (
        Column("date", gettext_lazy("date"), sort="occurred_on", value="occurred_on"),
        Column("title", gettext_lazy("title"), sort="title"),
        Column("form", gettext_lazy("form"), sort="form", value="get_form_display"),
        Column(
            "areas",
            gettext_lazy("construction areas"),
            value=lambda activity: _names(activity.areas.all()),
        ),
        Column("unit", gettext_lazy("unit"), sort="unit__name", value="unit.name"),
        PORT_AUTHORITY,
        Column("files", gettext_lazy("Files"), sort="n_evidence", value="n_evidence"),
        STATUS,
    )

    def get_queryset(self):
        return activity_list_for(self.user)

    def get_filterset_kwargs(self):
        return {
            "areas": list(construction_area_list().values_list("pk", "name")),
            "authorities": _authority_choices(self.user),
        }

    def get_context_data(self, **context):
        return super().get_context_data(**context, filter_form=context["filterset"].form)

    def can_add(self):
        # A unit contact logs their unit's activities.
        return super().can_add() or bool(self.scope.edit_unit_ids)


def _own_units(scope):
    """A unit contact's own units (with their sub-units)."""
    ids = scope.edit_unit_ids
    return Unit.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids)).select_related("authority")


def _units_for_record(authority, current):
    """The choices of a record's units: the active units in its authority's area, and those it
    already names (so that a unit deactivated since stays chosen)."""
    return (
        Unit.objects.filter(
            Q(authority__path__startswith=authority.path, is_active=True) | Q(pk__in=current)
        )
        .select_related("authority")
        .order_by("code")
    )


def _units_under(paths):
    if not paths:
        return Unit.objects.none()
    q = reduce(or_, (Q(authority__path__startswith=p) for p in paths))
    return Unit.objects.filter(q, is_active=True).order_by("code")


class ActivityCreateView(ScopedView):
    """An officer logs for an authority they edit (recorded as verified); a unit contact for
    their unit, whose port authority then verifies it."""

    def dispatch(self, request, *args, **kwargs):
        scope = self.scope
        self.as_officer = _may_record(scope)
        if not (self.as_officer or scope.edit_unit_ids):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.post(request)

    def post(self, request):
        scope = self.scope
        if self.as_officer:
            own_units = None
            units = (
                Unit.objects.filter(is_active=True).order_by("code")
                if scope.is_superuser
                else _units_under(scope.edit_paths)
            )
        else:
            own_units = _own_units(scope)
            units = _units_under([g.path for g in scope.unit_grants()])
        form = ActivityForm(
            request.POST or None,
            request.FILES or None,
            authorities=authorities_for_work(self.user, ACTIVITY_LEVELS),
            units=units,
            own_units=own_units,
            areas=construction_area_list(),
            campaigns=special_campaign_list_for(self.user),
            fixed_authority=not self.as_officer,
        )
        activity = _run(request, form, self.write)
        if activity:
            messages.success(request, _("The activity %(title)s was logged.") % {"title": activity})
            return redirect("campaigns:activity-detail", activity.pk)
        return _form_page(
            request,
            form,
            title=_("Log an activity"),
            cancel_url=reverse("campaigns:activity-list"),
            trail_name=_("Activities"),
            trail_url="activity-list",
        )

    def write(self, data):
        if self.as_officer:
            return services.activity_create(actor=self.user, verified=True, **data)
        unit = data["unit"]
        return services.activity_create(actor=self.user, authority=unit.authority, **data)


class ActivityEditView(ScopedView):
    def dispatch(self, request, *args, **kwargs):
        self.activity = access_activity(self.user, kwargs["pk"], edit=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.post(request, pk)

    def post(self, request, pk):
        activity = self.activity
        form = ActivityForm(
            request.POST or None,
            request.FILES or None,
            instance=activity,
            initial={
                "areas": [a.pk for a in activity.areas.all()],
                "participant_units": list(activity.participant_units.values_list("pk", flat=True)),
            },
            authorities=None,
            units=units_within(activity.authority),
            own_units=None,
            areas=construction_area_list(),
            campaigns=special_campaign_list_for(self.user),
            fixed_authority=True,
        )
        saved = _run(
            request,
            form,
            lambda d: services.activity_update(actor=self.user, activity=activity, **d),
        )
        if saved:
            messages.success(request, _("The activity was saved and submitted."))
            return redirect("campaigns:activity-detail", activity.pk)
        return _form_page(
            request,
            form,
            title=_("Edit %(title)s") % {"title": activity.title},
            cancel_url=reverse("campaigns:activity-detail", args=[activity.pk]),
            trail_name=_("Activities"),
            trail_url="activity-list",
        )


class ActivityDetailView(ScopedView):
    """The activity with its evidence; its port authority verifies it or asks for more."""

    def get(self, request, pk):
        return self.page(request, access_activity(self.user, pk))

    def post(self, request, pk):
        activity = access_activity(self.user, pk)
        if not activity_can_review(self.user, activity):
            raise PermissionDenied
        form = CommentForm(request.POST, label=_("What more is needed"))
        saved = _run(
            request,
            form,
            lambda d: services.activity_request_more(
                actor=self.user, activity=activity, comment=d["comment"]
            ),
        )
        if saved:
            messages.success(request, _("The unit was asked for more."))
            return redirect("campaigns:activity-detail", activity.pk)
        return self.page(request, activity, comment_form=form)

    def page(self, request, activity, comment_form=None):
        can_review = activity_can_review(self.user, activity)
        if can_review and comment_form is None:
            comment_form = CommentForm(label=_("What more is needed"))
        context = {
            "activity": activity,
            **activity_detail_related(activity),
            "can_edit": activity_can_edit(self.user, activity),
            "can_review": can_review,
            "comment_form": comment_form if can_review else None,
            "extra_trail": _crumbs(_("Activities"), "activity-list"),
        }
        return render(request, "campaigns/work/activity_detail.html", context)


@require_POST
def activity_verify(request, pk):
    activity = access_activity(request.user, pk)
    if not activity_can_review(request.user, activity):
        raise PermissionDenied
    transition(
        request,
        lambda: services.activity_verify(actor=request.user, activity=activity),
        _("The activity was verified."),
    )
    return redirect("campaigns:activity-detail", activity.pk)


def activity_evidence_download(request, pk):
    evidence = access_activity_evidence(request.user, pk)
    return stored_file_response(evidence)


@require_POST
def activity_evidence_remove(request, pk):
    evidence = access_activity_evidence(request.user, pk, edit=True)
    transition(
        request,
        lambda: services.activity_evidence_remove(actor=request.user, evidence=evidence),
        _("The file %(name)s was removed.") % {"name": evidence.original_name},
    )
    return redirect("campaigns:activity-detail", evidence.activity_id)


# --- agreements and special campaigns -----------------------------------------------------------


class AgreementListView(_RecordListView):
    template_name = "campaigns/work/agreement_list.html"
    columns = (
        Column("signed_on", gettext_lazy("signed on"), sort="signed_on"),
        Column("title", gettext_lazy("title"), sort="title"),
        Column("kind", gettext_lazy("kind"), sort="kind", value="get_kind_display"),
        Column(
            "parties",
            gettext_lazy("parties"),
            value=lambda agreement: _names(agreement.parties.all()),
        ),
        Column("valid_until", gettext_lazy("valid until"), sort="valid_until"),
        AUTHORITY,
    )

    def get_queryset(self):
        return agreement_list_for(self.user)


class AgreementDetailView(ScopedView):
    def get(self, request, pk):
        agreement = access_agreement(self.user, pk)
        context = {
            "agreement": agreement,
            "can_edit": self.scope.edits_path(agreement.authority.path),
            "extra_trail": _crumbs(_("Co-construction agreements"), "agreement-list"),
        }
        return render(request, "campaigns/work/agreement_detail.html", context)


def agreement_file(request, pk):
    agreement = access_agreement(request.user, pk)
    if not agreement.file:
        raise PermissionDenied
    return attachment_response(
        agreement.file, original_name=agreement.file_name, content_type=agreement.file_type
    )


class AgreementCreateView(ScopedView):
    def dispatch(self, request, *args, **kwargs):
        if not _may_record(self.scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.post(request)

    def post(self, request):
        form = AgreementForm(
            request.POST or None,
            request.FILES or None,
            authorities=authorities_for_work(self.user, ACTIVITY_LEVELS),
            units=self.units(),
        )
        agreement = _run(request, form, lambda d: services.agreement_create(actor=self.user, **d))
        if agreement:
            messages.success(
                request, _("The agreement %(title)s was recorded.") % {"title": agreement}
            )
            return redirect("campaigns:agreement-detail", agreement.pk)
        return _form_page(
            request,
            form,
            title=_("New co-construction agreement"),
            cancel_url=reverse("campaigns:agreement-list"),
            trail_name=_("Co-construction agreements"),
            trail_url="agreement-list",
        )

    def units(self):
        if self.scope.is_superuser:
            return Unit.objects.filter(is_active=True).order_by("code")
        return _units_under(self.scope.edit_paths)


class AgreementEditView(ScopedView):
    """The agreement's title, kind, parties, dates, terms and file; its authority stays."""

    def dispatch(self, request, *args, **kwargs):
        self.agreement = access_agreement(self.user, kwargs["pk"], edit=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.post(request, pk)

    def post(self, request, pk):
        agreement = self.agreement
        current = Agreement.parties.through.objects.filter(agreement_id=agreement.pk)
        form = AgreementEditForm(
            request.POST or None,
            request.FILES or None,
            instance=agreement,
            units=_units_for_record(agreement.authority, current.values("unit_id")),
        )
        saved = _run(
            request,
            form,
            lambda d: services.agreement_update(actor=self.user, agreement=agreement, **d),
        )
        if saved:
            messages.success(request, _("The agreement %(title)s was saved.") % {"title": saved})
            return redirect("campaigns:agreement-detail", agreement.pk)
        return _form_page(
            request,
            form,
            title=_("Edit %(title)s") % {"title": agreement.title},
            cancel_url=reverse("campaigns:agreement-detail", args=[agreement.pk]),
            trail_name=_("Co-construction agreements"),
            trail_url="agreement-list",
        )


class SpecialCampaignListView(_RecordListView):
    template_name = "campaigns/work/special_campaign_list.html"
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column(
            "theme", gettext_lazy("theme area"), sort="theme_area__name", value="theme_area.name"
        ),
        AUTHORITY,
        Column(
            "period",
            gettext_lazy("Period"),
            sort=("starts_on", "ends_on"),
            value=lambda campaign: f"{campaign.starts_on:%Y-%m-%d} – {campaign.ends_on:%Y-%m-%d}",
        ),
        Column("members", gettext_lazy("Members"), sort="n_members", value="n_members"),
        Column("activities", gettext_lazy("Activities"), sort="n_activities", value="n_activities"),
    )

    def get_queryset(self):
        return special_campaign_list_for(self.user)


class SpecialCampaignDetailView(ScopedView):
    RECENT = 20

    def get(self, request, pk):
        campaign = access_special_campaign(self.user, pk)
        context = {
            "campaign": campaign,
            "can_edit": self.scope.edits_path(campaign.authority.path),
            "members": list(campaign.members.order_by("code")),
            "activities": list(
                activity_list_for(self.user)
                .filter(special_campaign=campaign)
                .prefetch_related(None)[: self.RECENT]
            ),
            "extra_trail": _crumbs(_("Special campaigns"), "special-campaign-list"),
        }
        return render(request, "campaigns/work/special_campaign_detail.html", context)


class SpecialCampaignCreateView(AgreementCreateView):
    def post(self, request):
        form = SpecialCampaignForm(
            request.POST or None,
            authorities=authority_list_for(self.user, edit=True),
            units=self.units(),
            areas=construction_area_list(),
        )
        campaign = _run(
            request, form, lambda d: services.special_campaign_create(actor=self.user, **d)
        )
        if campaign:
            messages.success(
                request, _("The special campaign %(name)s was created.") % {"name": campaign}
            )
            return redirect("campaigns:special-campaign-detail", campaign.pk)
        return _form_page(
            request,
            form,
            title=_("New special campaign"),
            cancel_url=reverse("campaigns:special-campaign-list"),
            trail_name=_("Special campaigns"),
            trail_url="special-campaign-list",
        )


class SpecialCampaignEditView(ScopedView):
    """The campaign's name, theme area, member units, period and goals; its authority stays."""

    def dispatch(self, request, *args, **kwargs):
        self.campaign = access_special_campaign(self.user, kwargs["pk"], edit=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.post(request, pk)

    def post(self, request, pk):
        campaign = self.campaign
        current = SpecialCampaign.members.through.objects.filter(specialcampaign_id=campaign.pk)
        form = SpecialCampaignEditForm(
            request.POST or None,
            instance=campaign,
            units=_units_for_record(campaign.authority, current.values("unit_id")),
            areas=construction_area_list(),
        )
        saved = _run(
            request,
            form,
            lambda d: services.special_campaign_update(actor=self.user, campaign=campaign, **d),
        )
        if saved:
            messages.success(
                request, _("The special campaign %(name)s was saved.") % {"name": saved}
            )
            return redirect("campaigns:special-campaign-detail", campaign.pk)
        return _form_page(
            request,
            form,
            title=_("Edit %(title)s") % {"title": campaign.name},
            cancel_url=reverse("campaigns:special-campaign-detail", args=[campaign.pk]),
            trail_name=_("Special campaigns"),
            trail_url="special-campaign-list",
        )


# --- inspections and rectifications ----------------------------------------------------------------


class InspectionListView(_RecordListView):
    template_name = "campaigns/work/inspection_list.html"
    columns = (
        Column("visited_on", gettext_lazy("date of visit"), sort="visited_on"),
        Column(
            "authority",
            gettext_lazy("inspecting authority"),
            sort="authority__name",
            value="authority.name",
        ),
        Column("inspectors", gettext_lazy("inspectors"), sort="inspectors"),
        Column("findings", gettext_lazy("Findings"), sort="n_findings", value="n_findings"),
        Column("open", gettext_lazy("Open items"), sort="n_pending", value="n_pending"),
    )

    def get_queryset(self):
        return inspection_list_for(self.user)


class InspectionCreateView(ScopedView):
    """`?authority=` narrows the ports and units offered to one authority's area."""

    def dispatch(self, request, *args, **kwargs):
        if not _may_record(self.scope):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.post(request)

    def post(self, request):
        authorities = authorities_for_work(self.user, INSPECTION_LEVELS)
        paths = self.scope.edit_paths
        if self.scope.is_superuser:
            paths = ("",)
        form = InspectionForm(
            request.POST or None,
            authorities=authorities,
            ports=_ports_under(paths),
            units=_units_under(paths),
        )
        inspection = _run(request, form, lambda d: services.inspection_create(actor=self.user, **d))
        if inspection:
            messages.success(request, _("The inspection visit was recorded."))
            return redirect("campaigns:inspection-detail", inspection.pk)
        return _form_page(
            request,
            form,
            title=_("New inspection visit"),
            cancel_url=reverse("campaigns:inspection-list"),
            trail_name=_("Inspection visits"),
            trail_url="inspection-list",
        )


def _ports_under(paths):
    if not paths:
        return Port.objects.none()
    q = reduce(or_, (Q(authority__path__startswith=p) for p in paths))
    return Port.objects.filter(q).order_by("code")


class InspectionDetailView(ScopedView):
    """The visit with its findings; its authority's officers add findings here."""

    def get(self, request, pk):
        return self.page(request, access_inspection(self.user, pk))

    def post(self, request, pk):
        inspection = access_inspection(self.user, pk, edit=True)
        form = FindingForm(request.POST, units=units_within(inspection.authority))
        saved = _run(
            request,
            form,
            lambda d: services.finding_add(actor=self.user, inspection=inspection, **d),
        )
        if saved:
            _finding, item = saved
            messages.success(
                request,
                _("The finding was recorded as a rectification item.")
                if item
                else _("The finding was recorded."),
            )
            return redirect("campaigns:inspection-detail", inspection.pk)
        return self.page(request, inspection, form=form)

    def page(self, request, inspection, form=None):
        can_edit = self.scope.edits_path(inspection.authority.path)
        if can_edit and form is None:
            form = FindingForm(units=units_within(inspection.authority))
        today = timezone.localdate()
        related = inspection_detail_related(inspection)
        for finding in related["findings"]:
            item = getattr(finding, "rectification", None)
            finding.item = item
            finding.is_overdue = bool(item and item.is_overdue_on(today))
        context = {
            "inspection": inspection,
            **related,
            "can_edit": can_edit,
            "form": form if can_edit else None,
            "extra_trail": _crumbs(_("Inspection visits"), "inspection-list"),
        }
        return render(request, "campaigns/work/inspection_detail.html", context)


class RectificationListView(ScopedListView):
    template_name = "campaigns/work/rectification_list.html"
    filterset_class = RectificationFilter
    columns = (
        Column(
            "finding",
            gettext_lazy("finding"),
            sort="finding__text",
            value=lambda item: strip_tags(item.finding.text),
        ),
        Column(
            "owner", gettext_lazy("owner unit"), sort="owner_unit__name", value="owner_unit.name"
        ),
        Column(
            "authority",
            gettext_lazy("port authority"),
            sort="owner_unit__authority__name",
            value="owner_unit.authority.name",
        ),
        Column(
            "inspecting",
            gettext_lazy("inspecting authority"),
            sort="inspection__authority__name",
            value="inspection.authority.name",
        ),
        Column("due_on", gettext_lazy("due on"), sort="due_on"),
        Column("status", gettext_lazy("status"), sort="status", value=_status_label),
    )

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.today = timezone.localdate()

    def get_queryset(self):
        return rectification_list_for(self.user)

    def get_filterset_kwargs(self):
        return {"authorities": _authority_choices(self.user), "today": self.today}

    def get_context_data(self, **context):
        for item in context["page"].object_list:
            item.is_overdue = item.is_overdue_on(self.today)
        return super().get_context_data(
            **context, filter_form=context["filterset"].form, today=self.today
        )


class RectificationDetailView(ScopedView):
    """The item; its unit answers here, the inspecting authority closes or sends it back."""

    def get(self, request, pk):
        return self.page(request, access_rectification(self.user, pk))

    def post(self, request, pk):
        item = access_rectification(self.user, pk, edit=True)
        action = request.POST.get("action")
        if action == "answer" and rectification_can_answer(self.user, item):
            form = RectificationAnswerForm(request.POST, request.FILES)
            saved = _run(
                request,
                form,
                lambda d: services.rectification_answer(actor=self.user, item=item, **d),
            )
            if saved:
                messages.success(request, _("Your answer was sent."))
                return redirect("campaigns:rectification-detail", item.pk)
            return self.page(request, item, answer_form=form)
        if action == "send_back" and rectification_can_review(self.user, item):
            form = CommentForm(request.POST, label=_("Why it is sent back"))
            saved = _run(
                request,
                form,
                lambda d: services.rectification_send_back(
                    actor=self.user, item=item, comment=d["comment"]
                ),
            )
            if saved:
                messages.success(request, _("The answer was sent back to the unit."))
                return redirect("campaigns:rectification-detail", item.pk)
            return self.page(request, item, comment_form=form)
        raise PermissionDenied

    def page(self, request, item, answer_form=None, comment_form=None):
        today = timezone.localdate()
        can_answer = rectification_can_answer(self.user, item)
        can_review = rectification_can_review(self.user, item)
        context = {
            "item": item,
            "is_overdue": item.is_overdue_on(today),
            "evidence": list(item.evidence.order_by("pk")),
            "can_answer": can_answer,
            "can_review": can_review,
            "answer_form": (answer_form or RectificationAnswerForm()) if can_answer else None,
            "comment_form": (comment_form or CommentForm(label=_("Why it is sent back")))
            if can_review
            else None,
            "extra_trail": _crumbs(_("Rectification items"), "rectification-list"),
        }
        return render(request, "campaigns/work/rectification_detail.html", context)


@require_POST
def rectification_close(request, pk):
    item = access_rectification(request.user, pk)
    if not rectification_can_review(request.user, item):
        raise PermissionDenied
    transition(
        request,
        lambda: services.rectification_close(actor=request.user, item=item),
        _("The rectification item was closed."),
    )
    return redirect("campaigns:rectification-detail", item.pk)


def rectification_evidence_download(request, pk):
    evidence = access_rectification_evidence(request.user, pk)
    return stored_file_response(evidence)


urlpatterns = [
    # Plans
    path("plans/", PlanListView.as_view(), name="plan-list"),
    path("plans/new/", PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", PlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/publish/", plan_publish, name="plan-publish"),
    path("plans/<int:pk>/reopen/", plan_reopen, name="plan-reopen"),
    path("commitments/<int:pk>/remove/", commitment_remove, name="commitment-remove"),
    # Activities
    path("activities/", ActivityListView.as_view(), name="activity-list"),
    path("activities/new/", ActivityCreateView.as_view(), name="activity-create"),
    path("activities/<int:pk>/", ActivityDetailView.as_view(), name="activity-detail"),
    path("activities/<int:pk>/edit/", ActivityEditView.as_view(), name="activity-edit"),
    path("activities/<int:pk>/verify/", activity_verify, name="activity-verify"),
    path("activity-evidence/<int:pk>/", activity_evidence_download, name="activity-evidence"),
    path(
        "activity-evidence/<int:pk>/remove/",
        activity_evidence_remove,
        name="activity-evidence-remove",
    ),
    # Agreements and special campaigns
    path("agreements/", AgreementListView.as_view(), name="agreement-list"),
    path("agreements/new/", AgreementCreateView.as_view(), name="agreement-create"),
    path("agreements/<int:pk>/", AgreementDetailView.as_view(), name="agreement-detail"),
    path("agreements/<int:pk>/edit/", AgreementEditView.as_view(), name="agreement-edit"),
    path("agreements/<int:pk>/file/", agreement_file, name="agreement-file"),
    path("special-campaigns/", SpecialCampaignListView.as_view(), name="special-campaign-list"),
    path(
        "special-campaigns/new/",
        SpecialCampaignCreateView.as_view(),
        name="special-campaign-create",
    ),
    path(
        "special-campaigns/<int:pk>/",
        SpecialCampaignDetailView.as_view(),
        name="special-campaign-detail",
    ),
    path(
        "special-campaigns/<int:pk>/edit/",
        SpecialCampaignEditView.as_view(),
        name="special-campaign-edit",
    ),
    # Inspections and rectifications
    path("inspections/", InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/", InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", InspectionDetailView.as_view(), name="inspection-detail"),
    path("rectifications/", RectificationListView.as_view(), name="rectification-list"),
    path(
        "rectifications/<int:pk>/",
        RectificationDetailView.as_view(),
        name="rectification-detail",
    ),
    path("rectifications/<int:pk>/close/", rectification_close, name="rectification-close"),
    path(
        "rectification-evidence/<int:pk>/",
        rectification_evidence_download,
        name="rectification-evidence",
    ),
]

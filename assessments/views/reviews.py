"""The office's screens for running a review: the list, a review's overview with its phase and
assignment, the ranking, the reviewers' statistics, one subject's sheets, and the exports.

Those who manage the review's authority run it; those who only see the authority get the same
pages read-only; anyone else gets 404. Every write is a service call (access helper → form →
service → message → redirect); everything a template shows is read here, in a fixed number of
queries whatever the number of subjects or sheets.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.http import require_POST

from assessments import exports
from assessments import jobs as assessment_jobs
from assessments.access import (
    REVIEW_LEVELS,
    access_panel_member,
    access_review,
    access_sheet_for_office,
    access_subject_for_office,
    runs_reviews,
)
from assessments.filters import RankingFilter
from assessments.forms.reviews import (
    AssignmentAddForm,
    PanelMemberAddForm,
    PanelMemberWhereForm,
    PanelUnitOwnerForm,
    ReviewCreateForm,
    ReviewPhaseForm,
    SheetReopenForm,
    SubjectsAddForm,
    member_name,
)
from assessments.models import Assignment, PanelMember, Review, Scheme
from assessments.selectors import (
    normalised_scores,
    ranking_details,
    ranking_filter_choices,
    review_list_with_progress_for,
    review_overall,
    review_progress,
    review_ranking,
    review_ranking_count,
    reviewer_statistics,
    scheme_items,
    subject_assignments,
    subject_conflicts,
    subject_points,
    subject_sheets_for_office,
)
from assessments.services import reviews as review_services
from assessments.services.sheets import score_sheet_reopen
from campaigns.models import Authority, Unit
from campaigns.scope import scope_for
from campaigns.selectors import authority_list_for
from civport.audit import audit_export
from civport.forms import apply_service_errors, freeze_choices
from civport.jobs import job_start
from civport.listing import Column
from civport.pagination import paginate
from civport.spreadsheets import XLSX_CONTENT_TYPE
from civport.viewbases import ScopedListView

RANKING_PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 25
# The overview lists this many subjects short of reviewers; the count says how many there are.
SHORT_LISTED = 50
# An assignment message names at most this many subjects short of reviewers.
SHORT_NAMED = 10
REVIEWER_SORTS = ("severity", "completion", "name")
# A panel form lists every unit of the review's authority up to this many; beyond, the units
# of one authority at a time (as the person form does).
PANEL_UNIT_CHOICES_MAX = 200


# --- helpers ----------------------------------------------------------------------------------


def _error_text(error):
    return " ".join(error.messages)


def _trail(review=None):
    trail = [{"name": _("Reviews"), "url": reverse("assessments:review-list")}]
    if review is not None:
        trail.append(
            {"name": review.name, "url": reverse("assessments:review-detail", args=[review.pk])}
        )
    return trail


class _Counted:
    """A queryset whose row count is known from a cheaper query, for the paginator."""

    ordered = True

    def __init__(self, queryset, count):
        self.queryset = queryset
        self._count = count

    def count(self):
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def _tabs(review, current):
    """The review's own navigation: overview, ranking, reviewers."""
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(f"assessments:{name}", args=[review.pk]),
            "active": name == current,
        }
        for name, label in (
            ("review-detail", _("Overview")),
            ("review-ranking", _("Ranking")),
            ("review-reviewers", _("Reviewers")),
            ("review-panel", _("Panel")),
        )
    ]


class ReviewView(View):
    """A screen of one review: the review through its access helper and whether the user runs
    it (`can_manage`) or only sees it."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.user = request.user
        self.scope = scope_for(request.user)

    def get_review(self, pk):
        review = access_review(self.user, pk)
        self.can_manage = self.scope.edits_path(review.authority.path)
        return review

    def review_context(self, review, tab):
        return {
            "review": review,
            "trail": _trail(),
            "tabs": _tabs(review, tab),
            "can_manage": self.can_manage,
        }


# --- the list and one review ------------------------------------------------------------------


class ReviewListView(ScopedListView):
    template_name = "assessments/reviews/review_list.html"
    per_page = REVIEW_PAGE_SIZE
    columns = (
        Column("name", gettext_lazy("name"), sort="name"),
        Column(
            "authority", gettext_lazy("authority"), sort="authority__name", value="authority.name"
        ),
        Column(
            "scheme",
            gettext_lazy("scheme"),
            sort=("scheme__name", "scheme__version"),
            value=lambda review: str(review.scheme),
        ),
        Column("phase", gettext_lazy("phase"), sort="phase", value="get_phase_display"),
        Column("due_on", gettext_lazy("due on"), sort="due_on"),
        Column("subjects", gettext_lazy("subjects"), sort="n_subjects", value="n_subjects"),
        Column(
            "sheets",
            gettext_lazy("sheets submitted / expected"),
            sort="sheets_submitted",
            value=lambda review: f"{review.sheets_submitted} / {review.sheets_expected}",
        ),
    )

    def get_queryset(self):
        return review_list_with_progress_for(self.user).order_by("-created_at", "pk")

    def get_context_data(self, **context):
        return super().get_context_data(**context, trail=[], can_create=runs_reviews(self.scope))


class ReviewCreateView(View):
    """A new review for an authority the user manages (provincial or national), on a published
    scheme that authority may use: the national templates, and a province's own versions."""

    def dispatch(self, request, *args, **kwargs):
        if not runs_reviews(scope_for(request.user)):
            raise Http404
        self.authorities = authority_list_for(request.user, edit=True).filter(
            level__in=REVIEW_LEVELS
        )
        provinces = self.authorities.filter(level=Authority.Level.PROVINCIAL)
        self.schemes = (
            Scheme.objects.filter(status=Scheme.Status.PUBLISHED)
            .filter(
                Q(is_template=True, authority__level=Authority.Level.NATIONAL)
                | Q(authority__in=provinces)
            )
            .select_related("authority")
            .order_by("authority__path", "family", "-version")
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self._render(request, self._form())

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                review = review_services.review_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The review “%(name)s” was created. Add its reviewers to the panel.")
                    % {"name": review.name},
                )
                return redirect("assessments:review-panel", pk=review.pk)
        return self._render(request, form)

    def _form(self, data=None):
        return ReviewCreateForm(data, authorities=self.authorities, schemes=self.schemes)

    def _render(self, request, form):
        context = {
            "title": _("New review"),
            "trail": _trail(),
            "form": form,
            "cancel_url": reverse("assessments:review-list"),
        }
        return render(request, "assessments/reviews/review_form.html", context)


class ReviewDetailView(ReviewView):
    def get(self, request, pk):
        review = self.get_review(pk)
        short = review_services.subjects_short_of_reviewers(review)
        context = {
            **self.review_context(review, "review-detail"),
            "progress": review_progress(review),
            "panel": reviewer_statistics(review),
            "short": list(short.order_by("n", "title", "pk")[:SHORT_LISTED]),
            "short_count": short.count(),
            "next_phases": ReviewPhaseForm(review=review).fields["phase"].choices,
            # A review made by an award round gets its nominations from the round; the others
            # take units of their area (the add page checks again).
            "adds_units": self.can_manage
            and review.phase != Review.Phase.CLOSED
            and not review.round_key.startswith(review_services.NOMINATIONS_KEY_PREFIX),
        }
        return render(request, "assessments/reviews/review_detail.html", context)


class ReviewSubjectsAddView(ReviewView):
    """The units of the review's area put up for scoring, so a review made in the portal can be
    used to the end (panel, assignment, scores, ranking). Offered for reviews of units only:
    a round's review gets its nominations from the round."""

    template_name = "assessments/reviews/subjects_add.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.review = self.get_review(kwargs["pk"])
        if not self.can_manage or not review_services.takes_units(self.review):
            raise Http404
        self.units = (
            Unit.objects.filter(
                authority__path__startswith=self.review.authority.path, is_active=True
            )
            .exclude(pk__in=review_services.unit_subject_ids(self.review))
            .select_related("authority")
            .order_by("authority__path", "code")
        )

    def get(self, request, pk):
        return self._render(SubjectsAddForm(units=self.units))

    def post(self, request, pk):
        form = SubjectsAddForm(request.POST, units=self.units)
        if form.is_valid():
            try:
                review_services.unit_subjects_add(
                    actor=request.user, review=self.review, units=form.cleaned_data["units"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The units were put up for scoring."))
                return redirect("assessments:review-detail", pk=self.review.pk)
        return self._render(form)

    def _render(self, form):
        form.fields["units"].label_from_instance = lambda unit: (
            f"{unit.authority.name} · {unit.name}"
        )
        return render(
            self.request,
            self.template_name,
            {**self.review_context(self.review, "review-detail"), "form": form},
        )


class ReviewPhaseView(ReviewView):
    """GET asks for confirmation, saying what the change means; POST changes the phase."""

    def dispatch(self, request, *args, **kwargs):
        self.review = access_review(request.user, kwargs["pk"], manage=True)
        self.can_manage = True
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        form = ReviewPhaseForm(initial={"phase": request.GET.get("phase")}, review=self.review)
        return self._render(request, form, request.GET.get("phase"))

    def post(self, request, pk):
        form = ReviewPhaseForm(request.POST, review=self.review)
        if not form.is_valid():
            return self._render(request, form, request.POST.get("phase"))
        phase = form.cleaned_data["phase"]
        review_services.review_set_phase(actor=request.user, review=self.review, phase=phase)
        messages.success(
            request,
            _("The review is now %(phase)s.") % {"phase": Review.Phase(phase).label},
        )
        return redirect("assessments:review-detail", pk=self.review.pk)

    def _render(self, request, form, phase):
        choices = dict(form.fields["phase"].choices)
        if phase not in choices:
            # Only the phases the review may move to are offered; a stale link gets the first.
            phase = next(iter(choices))
            form.initial["phase"] = phase
        context = {
            **self.review_context(self.review, "review-detail"),
            "trail": _trail(self.review),
            "form": form,
            "phase": phase,
            "phase_label": choices[phase],
            "progress": review_progress(self.review),
        }
        return render(request, "assessments/reviews/review_phase.html", context)


@require_POST
def review_assign(request, pk):
    review = access_review(request.user, pk, manage=True)
    try:
        created, short = review_services.assignment_auto(actor=request.user, review=review)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("assessments:review-detail", pk=review.pk)
    messages.success(
        request,
        ngettext(
            "%(count)d assignment was created.",
            "%(count)d assignments were created.",
            len(created),
        )
        % {"count": len(created)},
    )
    if short:
        titles = [f"“{subject.title}”" for subject in short[:SHORT_NAMED]]
        if len(short) > SHORT_NAMED:
            titles.append(
                ngettext("%(count)d more", "%(count)d more", len(short) - SHORT_NAMED)
                % {"count": len(short) - SHORT_NAMED}
            )
        messages.warning(
            request,
            ngettext(
                "%(count)d subject is still short of reviewers: %(titles)s.",
                "%(count)d subjects are still short of reviewers: %(titles)s.",
                len(short),
            )
            % {"count": len(short), "titles": get_text_list(titles, _("and"))},
        )
    return redirect("assessments:review-detail", pk=review.pk)


# --- ranking and reviewers --------------------------------------------------------------------


class ReviewRankingView(ReviewView):
    def get(self, request, pk):
        review = self.get_review(pk)
        categories, provinces = ranking_filter_choices(review)
        filterset = RankingFilter(request.GET or None, categories=categories, provinces=provinces)
        filters = filterset.ranking_filters()
        ranking = _Counted(
            review_ranking(review, **filters), review_ranking_count(review, **filters)
        )
        paged = paginate(request, ranking, RANKING_PAGE_SIZE)
        page = paged["page"]
        normalised = normalised_scores(review, [row.pk for row in page.object_list])
        details = ranking_details(page.object_list)
        page.object_list = [
            {**row._asdict(), **details[row.pk], "normalised": normalised.get(row.pk)}
            for row in page.object_list
        ]
        context = {
            **self.review_context(review, "review-ranking"),
            "filter_form": filterset.form,
            "is_filtered": bool(filters["category"] or filters["province"]),
            "overall": review_overall(review),
            "scheme": review.scheme,
            **paged,
        }
        return render(request, "assessments/reviews/review_ranking.html", context)


def _with_severity(members, overall):
    """Each member's severity (their mean − the overall mean) and whether it lies beyond one
    overall standard deviation; a member without submitted sheets has neither."""
    mean, spread = overall["mean"], overall["spread"]
    for member in members:
        member.completion = (
            round(100 * member.submitted / member.assigned) if member.assigned else None
        )
        if member.mean is None or mean is None:
            member.severity, member.is_outlier = None, False
            continue
        member.severity = member.mean - mean
        member.is_outlier = bool(spread) and abs(member.severity) > spread
    return members


def _sort_reviewers(members, sort):
    def missing_last(value):
        return (value is None, value if value is not None else 0)

    if sort == "completion":
        key = lambda m: (missing_last(m.completion), m.user.get_username())  # noqa: E731
    elif sort == "name":
        key = lambda m: m.user.get_username()  # noqa: E731
    else:
        # The severest (lowest mean against the whole panel) first.
        key = lambda m: (missing_last(m.severity), m.user.get_username())  # noqa: E731
    return sorted(members, key=key)


class ReviewReviewersView(ReviewView):
    def get(self, request, pk):
        review = self.get_review(pk)
        overall = review_overall(review)
        sort = request.GET.get("sort")
        if sort not in REVIEWER_SORTS:
            sort = REVIEWER_SORTS[0]
        members = _sort_reviewers(_with_severity(reviewer_statistics(review), overall), sort)
        context = {
            **self.review_context(review, "review-reviewers"),
            "members": members,
            "overall": overall,
            "sort": sort,
            "sorts": [
                ("severity", _("severity")),
                ("completion", _("completion")),
                ("name", _("name")),
            ],
        }
        return render(request, "assessments/reviews/review_reviewers.html", context)


# --- the panel --------------------------------------------------------------------------------


def _where_choices(review, owner=None, keep_unit_id=None):
    """The units and authorities a panel form offers for `review`: the authorities below the
    review's authority, and its units — all of them when few, else those of `owner` (plus the
    member's current unit); `None` for the units when an owner must be chosen first."""
    path = review.authority.path
    authorities = Authority.objects.filter(path__startswith=path).exclude(pk=review.authority_id)
    units = Unit.objects.filter(authority__path__startswith=path).select_related("authority")
    if owner is not None:
        shown = units.filter(Q(authority__path__startswith=owner.path) | Q(pk=keep_unit_id))
    elif units.count() <= PANEL_UNIT_CHOICES_MAX:
        shown = units
    else:
        shown = units.filter(pk=keep_unit_id) if keep_unit_id else None
    if shown is not None:
        shown = shown.order_by("authority__path", "code")
    return authorities.order_by("path"), units, shown


def _unit_label(unit):
    return _("%(unit)s (%(authority)s)") % {"unit": unit.name, "authority": unit.authority.name}


def _where_form(form_class, data, for_review, owner, *, keep_unit_id=None, **kwargs):
    """A panel form with its choices: on GET the units on offer, on POST every unit of the
    review (validated by one lookup); an invalid POST is shown again with the units on offer."""
    authorities, all_units, shown = _where_choices(for_review, owner, keep_unit_id)
    help_text = None
    if shown is None:
        help_text = _(
            "%(authority)s has too many units to list; choose the authority of the reviewer's "
            "unit above and press “Show”."
        ) % {"authority": for_review.authority.name}
    elif owner is not None:
        help_text = _("The units of %(authority)s.") % {"authority": owner.name}
    form = form_class(
        data,
        units=all_units if data is not None else _or_none(shown),
        authorities=authorities,
        units_help=help_text,
        unit_label=_unit_label,
        **kwargs,
    )
    form.shown_units = shown
    return form


def _or_none(units):
    return units if units is not None else Unit.objects.none()


def _freeze_for_display(form):
    """Before showing a bound form again: offer the units on offer (not the whole review's)."""
    form.fields["unit"].queryset = _or_none(form.shown_units)
    freeze_choices(form)


def _unit_owners(review):
    return Authority.objects.filter(
        path__startswith=review.authority.path,
        level__in=(Authority.Level.PORT, Authority.Level.COUNTY),
    ).order_by("path")


def _requested_owner(request, review):
    """The authority of `?owner=` whose units the panel forms list, within the review's."""
    pk = request.GET.get("owner")
    if not pk:
        return None
    try:
        return _unit_owners(review).get(pk=pk)
    except (Authority.DoesNotExist, ValueError):
        raise Http404 from None


def _owner_form(review, owner, form):
    """The GET form switching the listed units to another authority's, shown when the review
    has too many units to list at once (or an authority was chosen already)."""
    if form is None or (owner is None and form.shown_units is not None):
        return None
    initial = {"owner": owner.pk} if owner else {}
    return PanelUnitOwnerForm(initial=initial, authorities=_unit_owners(review))


class ReviewPanelView(ReviewView):
    """The review's panel: its members with their load, where each works (for conflicts of
    interest) and, for the office, adding a reviewer by username, changing where they work,
    deactivating, reactivating and removing."""

    def get(self, request, pk):
        review = self.get_review(pk)
        form = owner = None
        if self.can_manage:
            owner = _requested_owner(request, review)
            form = _where_form(PanelMemberAddForm, None, review, owner, review=review)
        return self._render(request, review, form, owner)

    def post(self, request, pk):
        review = access_review(request.user, pk, manage=True)
        self.can_manage = True
        owner = _requested_owner(request, review)
        form = _where_form(PanelMemberAddForm, request.POST, review, owner, review=review)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_services.panel_member_add(
                    actor=request.user,
                    review=review,
                    user=form.user,
                    unit=data["unit"],
                    authority=data["authority"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(reviewer)s was added to the panel.") % {"reviewer": data["username"]},
                )
                return redirect("assessments:review-panel", pk=review.pk)
        _freeze_for_display(form)
        return self._render(request, review, form, owner)

    def _render(self, request, review, form, owner):
        context = {
            **self.review_context(review, "review-panel"),
            "members": reviewer_statistics(review),
            "form": form,
            "owner_form": _owner_form(review, owner, form),
            # A reviewer without an account gets one from their office's account manager.
            "may_create_accounts": scope_for(request.user).manages_accounts,
        }
        return render(request, "assessments/reviews/review_panel.html", context)


class PanelMemberEditView(View):
    """Change where a reviewer works; refused when one of their assignments would become a
    conflict of interest."""

    def dispatch(self, request, *args, **kwargs):
        self.member = access_panel_member(request.user, kwargs["pk"])
        self.review = self.member.review
        self.owner = _requested_owner(request, self.review)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        initial = {"unit": self.member.unit_id, "authority": self.member.authority_id}
        form = _where_form(
            PanelMemberWhereForm,
            None,
            self.review,
            self.owner,
            keep_unit_id=self.member.unit_id,
            initial=initial,
        )
        return self._render(request, form)

    def post(self, request, pk):
        form = _where_form(
            PanelMemberWhereForm,
            request.POST,
            self.review,
            self.owner,
            keep_unit_id=self.member.unit_id,
        )
        if form.is_valid():
            try:
                review_services.panel_member_update(
                    actor=request.user, member=self.member, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Where %(reviewer)s works was saved.")
                    % {"reviewer": self.member.user.get_username()},
                )
                return redirect("assessments:review-panel", pk=self.review.pk)
        _freeze_for_display(form)
        return self._render(request, form)

    def _render(self, request, form):
        name = member_name(self.member)
        context = {
            "review": self.review,
            "member": self.member,
            "title": _("Where %(reviewer)s works") % {"reviewer": name},
            "trail": _trail(self.review),
            "extra_trail": [
                {
                    "name": _("Panel"),
                    "url": reverse("assessments:review-panel", args=[self.review.pk]),
                }
            ],
            "form": form,
            "owner_form": _owner_form(self.review, self.owner, form),
            "cancel_url": reverse("assessments:review-panel", args=[self.review.pk]),
        }
        return render(request, "assessments/reviews/panel_member_form.html", context)


@require_POST
def panel_member_active(request, pk):
    member = access_panel_member(request.user, pk)
    is_active = request.POST.get("is_active") == "1"
    review_services.panel_member_set_active(actor=request.user, member=member, is_active=is_active)
    name = member.user.get_username()
    if is_active:
        text = _("%(reviewer)s is active again and can score their assignments.")
    else:
        text = _(
            "%(reviewer)s was deactivated: they get no new assignments and cannot score until "
            "reactivated. Their sheets are kept; withdraw their unsubmitted assignments from "
            "each subject's page to give them to someone else."
        )
    messages.success(request, text % {"reviewer": name})
    return redirect("assessments:review-panel", pk=member.review_id)


@require_POST
def panel_member_remove(request, pk):
    member = access_panel_member(request.user, pk)
    try:
        review_services.panel_member_remove(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(reviewer)s was removed from the panel.")
            % {"reviewer": member.user.get_username()},
        )
    return redirect("assessments:review-panel", pk=member.review_id)


# --- one subject ------------------------------------------------------------------------------


def _member_label(subject, declared):
    """A panel member's name in the reviewer choice, with the conflict of interest if any."""

    def label(member):
        name = member_name(member)
        reason = review_services.conflict_reason(member, subject, declared)
        if not reason:
            return name
        return _("%(reviewer)s (cannot score: %(reason)s)") % {
            "reviewer": name,
            "reason": reason,
        }

    return label


def _addable_members(subject):
    """Active panel seats not yet assigned to the subject."""
    return (
        PanelMember.objects.filter(review_id=subject.review_id, is_active=True)
        .exclude(assignments__subject=subject)
        .select_related("user")
        .order_by("user__username")
    )


class SubjectDetailView(ReviewView):
    """One subject seen from the office: its assignments and sheets, declared conflicts and the
    item × reviewer matrix of points."""

    def get(self, request, pk):
        subject = access_subject_for_office(request.user, pk)
        review = subject.review
        self.can_manage = self.scope.edits_path(review.authority.path)
        assignments = list(subject_assignments(subject))
        sheets = {sheet.reviewer_id: sheet for sheet in subject_sheets_for_office(subject)}
        conflicts = list(subject_conflicts(subject))
        items = list(scheme_items(review.scheme))
        points = subject_points(subject)
        columns = [
            {"user": a.member.user, "assignment": a, "sheet": sheets.pop(a.member.user_id, None)}
            for a in assignments
        ]
        # A sheet whose assignment is gone (a submitted sheet stays when it was kept).
        columns += [{"user": s.reviewer, "assignment": None, "sheet": s} for s in sheets.values()]
        for column in columns:
            column["is_draft"] = not (column["sheet"] and column["sheet"].is_submitted)
        matrix = [
            {
                "item": item,
                "cells": [
                    {
                        "points": points.get((column["user"].pk, item.pk)),
                        "is_draft": column["is_draft"],
                    }
                    for column in columns
                ],
            }
            for item in items
        ]
        add_form = None
        if self.can_manage:
            declared = {(c.member_id, subject.pk) for c in conflicts}
            add_form = AssignmentAddForm(
                members=_addable_members(subject), label=_member_label(subject, declared)
            )
        context = {
            **self.review_context(review, None),
            "trail": _trail(review),
            "subject": subject,
            "columns": columns,
            "conflicts": conflicts,
            "matrix": matrix,
            "add_form": add_form,
        }
        return render(request, "assessments/reviews/subject_detail.html", context)


@require_POST
def assignment_add(request, pk):
    subject = access_subject_for_office(request.user, pk, manage=True)
    form = AssignmentAddForm(request.POST, members=_addable_members(subject))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from the review's panel."))
    else:
        member = form.cleaned_data["member"]
        try:
            review_services.assignment_add(actor=request.user, subject=subject, member=member)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("%(reviewer)s was assigned to “%(subject)s”.")
                % {"reviewer": member.user.get_username(), "subject": subject.title},
            )
    return redirect("assessments:subject-detail", pk=subject.pk)


@require_POST
def assignment_remove(request, pk):
    try:
        assignment = Assignment.objects.select_related("subject", "member__user").get(pk=pk)
    except (Assignment.DoesNotExist, ValueError):
        raise Http404 from None
    access_review(request.user, assignment.subject.review_id, manage=True)
    try:
        review_services.assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(reviewer)s no longer scores “%(subject)s”.")
            % {
                "reviewer": assignment.member.user.get_username(),
                "subject": assignment.subject.title,
            },
        )
    return redirect("assessments:subject-detail", pk=assignment.subject_id)


class SheetReopenView(View):
    """The office sends a submitted sheet back to its reviewer, with a reason."""

    def dispatch(self, request, *args, **kwargs):
        self.sheet = access_sheet_for_office(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self._render(request, SheetReopenForm())

    def post(self, request, pk):
        form = SheetReopenForm(request.POST)
        if form.is_valid():
            try:
                score_sheet_reopen(
                    actor=request.user, sheet=self.sheet, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The sheet of %(reviewer)s was reopened; they can change and resubmit it.")
                    % {"reviewer": self.sheet.reviewer.get_username()},
                )
                return redirect("assessments:subject-detail", pk=self.sheet.subject_id)
        return self._render(request, form)

    def _render(self, request, form):
        subject = self.sheet.subject
        context = {
            "sheet": self.sheet,
            "subject": subject,
            "review": subject.review,
            "form": form,
            "trail": _trail(subject.review),
            "extra_trail": [
                {
                    "name": subject.title,
                    "url": reverse("assessments:subject-detail", args=[subject.pk]),
                }
            ],
        }
        return render(request, "assessments/reviews/sheet_reopen.html", context)


# --- exports ----------------------------------------------------------------------------------


def _xlsx(content, name):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def review_export_matrix(request, pk):
    """POST: make the matrix in the background and follow it on the job's page. GET: the
    file at once while the matrix is small (as links and scripts fetch it); a larger one is
    made in the background only, from the review's button."""
    review = access_review(request.user, pk)
    detail = reverse("assessments:review-detail", args=[review.pk])
    if request.method == "POST":
        job = job_start(
            actor=request.user,
            kind=assessment_jobs.SCORE_MATRIX,
            label=_("Score matrix of %(review)s") % {"review": review.name},
            params={"review": review.pk},
            back_url=detail,
        )
        return redirect("jobs:job", job.pk)
    if exports.score_matrix_size(review) > settings.CIVPORT_EXPORT_INLINE_ROWS:
        messages.info(
            request,
            _("This score matrix is large: it is made in the background. Press its button."),
        )
        return redirect(detail)
    content = exports.score_matrix_xlsx(review)
    audit_export(
        actor=request.user, action="assessments.review.matrix_exported", obj=review, fmt="xlsx"
    )
    return _xlsx(content, assessment_jobs.matrix_file_stem(review))


def review_export_ranking(request, pk):
    review = access_review(request.user, pk)
    stamp = datetime.date.today().isoformat()
    content = exports.ranking_xlsx(review)
    audit_export(
        actor=request.user, action="assessments.review.ranking_exported", obj=review, fmt="xlsx"
    )
    return _xlsx(content, f"civport-review-{review.pk}-ranking-{stamp}")


urlpatterns = [
    path("reviews/", ReviewListView.as_view(), name="review-list"),
    path("reviews/new/", ReviewCreateView.as_view(), name="review-create"),
    path("reviews/<int:pk>/panel/", ReviewPanelView.as_view(), name="review-panel"),
    path("reviews/panel/<int:pk>/", PanelMemberEditView.as_view(), name="panel-member-edit"),
    path("reviews/panel/<int:pk>/active/", panel_member_active, name="panel-member-active"),
    path("reviews/panel/<int:pk>/remove/", panel_member_remove, name="panel-member-remove"),
    path("reviews/<int:pk>/", ReviewDetailView.as_view(), name="review-detail"),
    path("reviews/<int:pk>/phase/", ReviewPhaseView.as_view(), name="review-phase"),
    path(
        "reviews/<int:pk>/subjects/add/",
        ReviewSubjectsAddView.as_view(),
        name="review-subjects-add",
    ),
    path("reviews/<int:pk>/assign/", review_assign, name="review-assign"),
    path("reviews/<int:pk>/ranking/", ReviewRankingView.as_view(), name="review-ranking"),
    path("reviews/<int:pk>/reviewers/", ReviewReviewersView.as_view(), name="review-reviewers"),
    path("reviews/<int:pk>/export/matrix.xlsx", review_export_matrix, name="review-export-matrix"),
    path(
        "reviews/<int:pk>/export/ranking.xlsx",
        review_export_ranking,
        name="review-export-ranking",
    ),
    path("reviews/subjects/<int:pk>/", SubjectDetailView.as_view(), name="subject-detail"),
    path("reviews/subjects/<int:pk>/assign/", assignment_add, name="assignment-add"),
    path("reviews/assignments/<int:pk>/remove/", assignment_remove, name="assignment-remove"),
    path("reviews/sheets/<int:pk>/reopen/", SheetReopenView.as_view(), name="sheet-reopen"),
]

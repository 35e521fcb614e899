"""The reviewer's screens: the queue, the scoring page with its autosave, declaring a conflict.

Every subject comes through `access_subject_to_score` (404 unless the user is assigned, holds the
permission and has no conflict). The scoring page is a plain form that works without
JavaScript: "Save draft" is its first button, so Enter in a number field saves a draft; "Submit"
asks once more (a JavaScript confirm, or without JavaScript a confirmation step showing the
stored draft). With htmx, every change is saved as a draft after a short pause, and the
response carries the new revision, so the form's next save is not mistaken for another tab's.
All writes go through `score_sheet_save` and `conflict_declare`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from assessments.access import access_subject_to_score
from assessments.dossiers import category_label, dossier_for
from assessments.filters import QueueFilter
from assessments.forms.scoring import ConflictForm, ScoreSheetForm
from assessments.models import Item, ScoreSheet, VetoCondition
from assessments.questionnaire import questionnaire_notes, subject_year
from assessments.selectors import queue_for, queue_progress
from assessments.services.reviews import conflict_declare
from assessments.services.sheets import (
    note_field,
    points_field,
    running_total,
    score_sheet_save,
    veto_field,
    veto_reason_field,
)
from civport.forms import apply_service_errors
from civport.pagination import paginate

# --- the queue --------------------------------------------------------------------------------


def queue(request):
    """The signed-in user's assignments, filtered, with the progress over all of them."""
    assignments = queue_for(request.user)
    # Categories and provinces in one read of the queue's distinct pairs.
    pairs = list(
        assignments.order_by()
        .values_list("subject__category", "subject__province_id", "subject__province__name")
        .distinct()
    )
    province_choices = sorted({(pk, name) for _c, pk, name in pairs if pk}, key=lambda p: p[1])
    category_choices = sorted(
        {(code, category_label(code)) for code, _p, _n in pairs if code}, key=lambda c: c[1]
    )
    filterset = QueueFilter(
        request.GET or None,
        queryset=assignments,
        province_choices=province_choices,
        category_choices=category_choices,
    )
    paged = paginate(request, filterset.qs)
    for assignment in paged["page"].object_list:
        assignment.category_label = category_label(assignment.subject.category)
    return render(
        request,
        "assessments/scoring/queue.html",
        {
            "form": filterset.form,
            **paged,
            "is_filtered": filterset.is_filtered,
            "progress": queue_progress(assignments),
            "today": timezone.localdate(),
        },
    )


# --- the scoring page -------------------------------------------------------------------------


@dataclass
class SheetPage:
    """What the scoring page needs about one subject, read in a fixed number of queries."""

    subject: object
    items: list
    conditions: list
    sheet: ScoreSheet | None

    @property
    def review(self):
        return self.subject.review

    @property
    def is_submitted(self):
        return self.sheet is not None and self.sheet.is_submitted

    @property
    def is_editable(self):
        return self.review.is_open and not self.is_submitted

    def read_only_reason(self):
        if self.is_submitted:
            return _(
                "You have submitted this sheet; it is locked. Only the review office can reopen it."
            )
        if self.review.phase == self.review.Phase.PREPARING:
            return _("Scoring for this review has not opened yet; the sheet is shown read-only.")
        if not self.review.is_open:
            return _("Scoring for this review is closed; the sheet is shown read-only.")
        return ""

    def initial(self):
        scores = self.sheet.scores.all() if self.sheet else ()
        marks = self.sheet.vetoes.all() if self.sheet else ()
        return ScoreSheetForm.initial_from(self.sheet, scores, marks)

    def stored_points(self):
        return {s.item_id: s.points for s in self.sheet.scores.all()} if self.sheet else {}

    def form(self, data=None, **kwargs):
        return ScoreSheetForm(data, items=self.items, conditions=self.conditions, **kwargs)


def _scheme_rows(scheme):
    items = list(Item.objects.filter(scheme=scheme).select_related("indicator__scheme_area__area"))
    return items, list(VetoCondition.objects.filter(scheme=scheme))


def _load(user, subject):
    items, conditions = _scheme_rows(subject.review.scheme)
    sheet = (
        ScoreSheet.objects.filter(subject=subject, reviewer=user)
        .prefetch_related("scores", "vetoes")
        .first()
    )
    return SheetPage(subject=subject, items=items, conditions=conditions, sheet=sheet)


def _sections(form, items, by_item, notes):
    """Standard items grouped area → indicator, and the bonus items, with their fields, what
    the dossier shows under each, and the questionnaire results of questionnaire items."""
    areas, bonus = [], []
    for item in items:
        row = {
            "item": item,
            "points": form[points_field(item.pk)],
            "note": form[note_field(item.pk)],
            "dossier": by_item.get(item.pk),
            "questionnaire": notes.get(item.pk),
        }
        if item.kind == Item.Kind.BONUS:
            bonus.append(row)
            continue
        scheme_area = item.indicator.scheme_area
        if not areas or areas[-1]["scheme_area"].pk != scheme_area.pk:
            areas.append({"scheme_area": scheme_area, "indicators": []})
        indicators = areas[-1]["indicators"]
        if not indicators or indicators[-1]["indicator"].pk != item.indicator_id:
            indicators.append({"indicator": item.indicator, "rows": []})
        indicators[-1]["rows"].append(row)
    return areas, bonus


def _score_url(subject):
    return reverse("assessments:score", args=[subject.pk])


def _render_page(request, page, form, *, points, confirm=False, status=200):
    dossier = dossier_for(page.subject)
    notes = questionnaire_notes(page.subject, page.items, year=subject_year(page.subject))
    areas, bonus = _sections(form, page.items, dossier.by_item, notes)
    scheme = page.review.scheme
    if form.is_bound:
        form.focus_first_error()
    missing = [
        item.code
        for item in page.items
        if item.kind == Item.Kind.STANDARD and points.get(item.pk) is None
    ]
    context = {
        "subject": page.subject,
        "review": page.review,
        "scheme": scheme,
        "sheet": page.sheet,
        "form": form,
        "areas": areas,
        "bonus_rows": bonus,
        "bonus_errors": form.bonus_errors,
        "vetoes": [
            {
                "condition": c,
                "checkbox": form[veto_field(c.pk)],
                "reason": form[veto_reason_field(c.pk)],
            }
            for c in page.conditions
        ],
        "error_summary": form.error_summary() if form.is_bound else [],
        "running_total": running_total(page.items, points, scheme.bonus_cap),
        "is_editable": page.is_editable,
        "read_only_reason": page.read_only_reason(),
        "confirm": confirm and page.is_editable,
        "missing": missing,
        # The provider's template is rendered here, so the page template runs no query.
        "dossier_html": mark_safe(  # noqa: S308 - a template of ours, autoescaped
            render_to_string(dossier.template, dossier.context, request=request)
        ),
    }
    return render(request, "assessments/scoring/score.html", context, status=status)


class ScoreView(View):
    """GET shows the sheet; POST saves the draft, asks to confirm a submit, or submits."""

    def get(self, request, pk):
        page = _load(request.user, access_subject_to_score(request.user, pk))
        form = page.form(initial=page.initial(), disabled=not page.is_editable)
        return _render_page(
            request, page, form, points=page.stored_points(), confirm="confirm" in request.GET
        )

    def post(self, request, pk):
        subject = access_subject_to_score(request.user, pk)
        page = _load(request.user, subject)
        if not page.is_editable:
            messages.error(request, page.read_only_reason())
            return redirect(_score_url(subject))
        action = request.POST.get("action", "save")
        if action == "confirm_submit":
            # The confirmation step submits the stored draft, at the revision it showed.
            data = ScoreSheetForm.as_data(page.initial())
            data["revision"] = request.POST.get("revision", "")
            form = page.form(data)
            submit = True
        else:
            form = page.form(request.POST)
            submit = action == "submit" and request.POST.get("confirmed") == "1"
        if form.is_valid():
            try:
                sheet = score_sheet_save(
                    actor=request.user,
                    subject=subject,
                    data=form.sheet_input(),
                    revision=form.cleaned_data["revision"],
                    submit=submit,
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                return self._saved(request, subject, sheet, action)
        return _render_page(request, page, form, points=form.entered_points())

    def _saved(self, request, subject, sheet, action):
        if sheet.is_submitted:
            messages.success(
                request,
                _("Your sheet for “%(subject)s” was submitted with a total of %(total)s.")
                % {"subject": subject.title, "total": sheet.total},
            )
            return redirect("assessments:queue")
        if action == "submit":
            return redirect(f"{_score_url(subject)}?confirm=1#confirm")
        messages.success(
            request,
            _("Draft saved at %(time)s.")
            % {"time": timezone.localtime(sheet.updated_at).strftime("%H:%M:%S")},
        )
        return redirect(_score_url(subject))


@require_POST
def score_autosave(request, pk):
    """htmx: save the draft as it stands; answer with the time, total and new revision, or with
    the errors (status 200, so htmx swaps them in) and nothing saved."""
    subject = access_subject_to_score(request.user, pk)
    items, conditions = _scheme_rows(subject.review.scheme)
    form = ScoreSheetForm(request.POST, items=items, conditions=conditions)
    if form.is_valid():
        data = form.sheet_input()
        try:
            sheet = score_sheet_save(
                actor=request.user,
                subject=subject,
                data=data,
                revision=form.cleaned_data["revision"],
                submit=False,
            )
        except ValidationError as error:
            form.apply_service_errors(error)
        else:
            return render(
                request,
                "assessments/scoring/_autosaved.html",
                {
                    "saved_at": timezone.localtime(sheet.updated_at),
                    "revision": sheet.revision,
                    "running_total": running_total(
                        items, data.points, subject.review.scheme.bonus_cap
                    ),
                },
            )
    stored = (
        ScoreSheet.objects.filter(subject=subject, reviewer=request.user)
        .values_list("revision", flat=True)
        .first()
    )
    posted = form.cleaned_data.get("revision")
    return render(
        request,
        "assessments/scoring/_autosave_errors.html",
        {
            "error_summary": form.error_summary(),
            "is_stale": posted is not None and posted != (stored or 0),
            "score_url": _score_url(subject),
        },
    )


# --- conflicts --------------------------------------------------------------------------------


class ConflictDeclareView(View):
    """The reviewer declares a conflict of interest: the assignment and any draft go."""

    def get(self, request, pk):
        subject = access_subject_to_score(request.user, pk)
        return self._render(request, subject, ConflictForm())

    def post(self, request, pk):
        subject = access_subject_to_score(request.user, pk)
        form = ConflictForm(request.POST)
        if form.is_valid():
            try:
                conflict_declare(
                    actor=request.user, subject=subject, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest with “%(subject)s” is recorded; the subject "
                        "has left your queue."
                    )
                    % {"subject": subject.title},
                )
                return redirect("assessments:queue")
        return self._render(request, subject, form)

    def _render(self, request, subject, form):
        return render(
            request,
            "assessments/scoring/conflict.html",
            {"subject": subject, "review": subject.review, "form": form},
        )


urlpatterns = [
    path("scoring/", queue, name="queue"),
    path("score/<int:pk>/", ScoreView.as_view(), name="score"),
    path("score/<int:pk>/autosave/", score_autosave, name="score-autosave"),
    path("score/<int:pk>/conflict/", ConflictDeclareView.as_view(), name="conflict-declare"),
]

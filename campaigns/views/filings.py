"""Screens of provincial filings (备案) and consultations (征求意见).

A province's officers write, attach and submit its three documents; the national office sees
the matrix of provinces × documents and acknowledges or returns each submission. Every
submission stays as a version; two versions can be compared side by side. A unit (its contact
or its port officer) asks its authority's office for an opinion; the office answers, and the
answer is a PDF letter. Access helpers → form → service → message → redirect; templates run no
queries.
"""

import difflib
import itertools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns.access import (
    access_consultation,
    access_filing,
    access_filing_attachment,
    can_answer_consultation,
    can_file,
    is_national_office,
)
from campaigns.filters import ConsultationFilter
from campaigns.forms.filings import (
    ConsultationAnswerForm,
    ConsultationForm,
    FilingAnswerForm,
    FilingAttachmentForm,
    FilingForm,
    VersionCompareForm,
)
from campaigns.models import Consultation, Filing
from campaigns.scope import scope_for
from campaigns.selectors.filings import (
    consultation_list_for,
    consultation_units_for,
    filing_current_attachments,
    filing_matrix_for,
    filing_versions,
    province_list_for,
)
from campaigns.services import filings as services
from civport.forms import apply_service_errors
from civport.listing import Column
from civport.pdf import pdf_render
from civport.uploads import stored_file_response
from civport.viewbases import (
    ScopedListView,
    ScopedView,
    refusal_messages,
    transition_response,
)

# --- filings ----------------------------------------------------------------------------------


def _filing_url(filing):
    return reverse("campaigns:filing-detail", args=[filing.pk])


class FilingListView(ScopedView):
    """The provinces the user sees × the three documents, with each one's state."""

    def get(self, request):
        status = request.GET.get("status") or ""
        if status not in Filing.Status.values:
            status = ""
        rows = filing_matrix_for(self.user, status=status or None)
        if not rows and not (self.scope.is_national or status):
            raise Http404
        counts = dict.fromkeys(Filing.Status.values, 0)
        missing = 0
        for row in rows:
            row["can_file"] = can_file(self.scope, row["province"].path)
            for _kind, filing in row["cells"]:
                if filing is None:
                    missing += 1
                else:
                    counts[filing.status] += 1
        context = {
            "rows": rows,
            "kinds": Filing.Kind.choices,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in Filing.Status.choices],
            "missing": missing,
            "is_national_office": is_national_office(self.scope),
            "from_publication": Filing.FROM_PUBLICATION,
        }
        return render(request, "campaigns/filings/filing_list.html", context)


class FilingCreateView(ScopedView):
    """Start one of the province's documents; an existing one is opened instead."""

    def dispatch(self, request, *args, **kwargs):
        self.province = province_list_for(self.user).filter(pk=kwargs["province_pk"]).first()
        if self.province is None:
            raise Http404
        if kwargs["kind"] not in Filing.Kind.values or kwargs["kind"] in Filing.FROM_PUBLICATION:
            raise Http404
        if not can_file(self.scope, self.province.path):
            raise PermissionDenied
        self.kind = Filing.Kind(kwargs["kind"])
        existing = Filing.objects.filter(authority=self.province, kind=self.kind).first()
        if existing is not None:
            return redirect(_filing_url(existing))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, **kwargs):
        form = FilingForm(initial={"title": f"{self.province.name}{self.kind.label}"})
        return self._render(request, form)

    def post(self, request, **kwargs):
        form = FilingForm(request.POST)
        if form.is_valid():
            try:
                filing = services.filing_create(
                    actor=self.user, authority=self.province, kind=self.kind, **form.service_data()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The draft was saved. Add files, then submit it."))
                return redirect(_filing_url(filing))
        return self._render(request, form)

    def _render(self, request, form):
        context = {
            "form": form,
            "title": _("%(province)s: new %(kind)s")
            % {"province": self.province.name, "kind": self.kind.label},
            "cancel_url": reverse("campaigns:filing-list"),
            "extra_trail": [{"name": _("Filings"), "url": reverse("campaigns:filing-list")}],
        }
        return render(request, "campaigns/form.html", context)


class FilingEditView(ScopedView):
    def dispatch(self, request, *args, **kwargs):
        self.filing = access_filing(self.user, kwargs["pk"], edit=True)
        if not self.filing.is_editable:
            messages.error(
                request, _("This filing is with the national office and cannot be changed now.")
            )
            return redirect(_filing_url(self.filing))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self._render(request, FilingForm(instance=self.filing))

    def post(self, request, pk):
        form = FilingForm(request.POST, instance=self.filing)
        if form.is_valid():
            try:
                services.filing_update(actor=self.user, filing=self.filing, **form.service_data())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The filing was saved."))
                return redirect(_filing_url(self.filing))
        return self._render(request, form)

    def _render(self, request, form):
        context = {
            "form": form,
            "title": _("Edit %(name)s") % {"name": self.filing},
            "cancel_url": _filing_url(self.filing),
            "extra_trail": [
                {"name": _("Filings"), "url": reverse("campaigns:filing-list")},
                {"name": str(self.filing), "url": _filing_url(self.filing)},
            ],
        }
        return render(request, "campaigns/form.html", context)


def _filing_detail(request, filing, *, answer_form=None, attachment_form=None, status=200):
    scope = scope_for(request.user)
    versions = list(filing_versions(filing))
    editable = filing.is_editable and can_file(scope, filing.authority.path)
    answers = filing.is_waiting and is_national_office(scope)
    numbers = [v.number for v in reversed(versions)]
    context = {
        "filing": filing,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "attachments": list(filing_current_attachments(filing)) if editable else [],
        "can_edit": editable,
        "can_answer": answers,
        "answer_form": (
            answer_form or FilingAnswerForm(from_publication=filing.is_from_publication)
        )
        if answers
        else None,
        "attachment_form": (attachment_form or FilingAttachmentForm()) if editable else None,
        "compare_form": VersionCompareForm(
            initial={"old": numbers[-2], "new": numbers[-1]}, numbers=numbers
        )
        if len(numbers) > 1
        else None,
        "extra_trail": [{"name": _("Filings"), "url": reverse("campaigns:filing-list")}],
    }
    return render(request, "campaigns/filings/filing_detail.html", context, status=status)


@require_GET
def filing_detail(request, pk):
    return _filing_detail(request, access_filing(request.user, pk))


@require_POST
def filing_attachment_add(request, pk):
    filing = access_filing(request.user, pk, edit=True)
    form = FilingAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.filing_attachment_add(
                actor=request.user, filing=filing, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The file %(name)s was added.") % {"name": attachment.original_name}
            )
            return redirect(_filing_url(filing))
    return _filing_detail(request, filing, attachment_form=form, status=400)


@require_POST
def filing_attachment_remove(request, pk):
    attachment = access_filing_attachment(request.user, pk)
    filing = access_filing(request.user, attachment.filing_id, edit=True)
    return transition_response(
        request,
        lambda: services.filing_attachment_remove(actor=request.user, attachment=attachment),
        _("The file %(name)s was removed.") % {"name": attachment.original_name},
        _filing_url(filing),
    )


@require_GET
def filing_attachment_download(request, pk):
    attachment = access_filing_attachment(request.user, pk)
    return stored_file_response(attachment)


@require_POST
def filing_submit(request, pk):
    filing = access_filing(request.user, pk, edit=True)
    try:
        filing = services.filing_submit(actor=request.user, filing=filing)
    except ValidationError as error:
        refusal_messages(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)s was submitted to the national office.")
            % {"number": filing.version_count},
        )
    return redirect(_filing_url(filing))


@require_POST
def filing_answer(request, pk):
    filing = access_filing(request.user, pk, answer=True)
    form = FilingAnswerForm(request.POST, from_publication=filing.is_from_publication)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == FilingAnswerForm.ACKNOWLEDGE:
                services.filing_acknowledge(
                    actor=request.user, filing=filing, comments=data["comments"]
                )
                message = _("The filing was acknowledged.")
            else:
                services.filing_return(actor=request.user, filing=filing, comments=data["comments"])
                message = (
                    _("Your comments were sent to the province; its version stays in force.")
                    if filing.is_from_publication
                    else _("The filing was returned to the province with your comments.")
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(_filing_url(filing))
    # Reread: a refused answer may have found the filing answered by someone else meanwhile.
    for error in form.non_field_errors():
        messages.error(request, error)
    return _filing_detail(request, access_filing(request.user, pk), answer_form=form, status=400)


def _version(versions, number):
    for version in versions:
        if version.number == number:
            return version
    raise Http404


@require_GET
def filing_version(request, pk, number):
    filing = access_filing(request.user, pk)
    versions = list(filing_versions(filing))
    version = _version(versions, number)
    context = {
        "filing": filing,
        "version": version,
        "extra_trail": [
            {"name": _("Filings"), "url": reverse("campaigns:filing-list")},
            {"name": str(filing), "url": _filing_url(filing)},
        ],
    }
    return render(request, "campaigns/filings/filing_version.html", context)


def side_by_side(old_text, new_text):
    """Rows of a line diff: (kind, old number, old line, new number, new line), kind one of
    equal, replace, delete, insert. The lines are left as text; the template escapes them."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = itertools.zip_longest(range(i1, i2), range(j1, j2))
        for i, j in pairs:
            kind = tag
            if tag == "replace":
                kind = (
                    "replace"
                    if i is not None and j is not None
                    else ("delete" if j is None else "insert")
                )
            rows.append(
                {
                    "kind": kind,
                    "old_number": i + 1 if i is not None else None,
                    "old": old_lines[i] if i is not None else "",
                    "new_number": j + 1 if j is not None else None,
                    "new": new_lines[j] if j is not None else "",
                }
            )
    return rows


@require_GET
def filing_compare(request, pk):
    filing = access_filing(request.user, pk)
    versions = list(filing_versions(filing))
    numbers = [v.number for v in reversed(versions)]
    if len(numbers) < 2:
        raise Http404
    form = VersionCompareForm(request.GET or None, numbers=numbers)
    if request.GET and form.is_valid():
        old_number, new_number = sorted([form.cleaned_data["old"], form.cleaned_data["new"]])
    else:
        old_number, new_number = numbers[-2], numbers[-1]
        if not request.GET:
            form = VersionCompareForm(
                initial={"old": old_number, "new": new_number}, numbers=numbers
            )
    old, new = _version(versions, old_number), _version(versions, new_number)
    old_files = {a.original_name for a in old.attachments.all()}
    new_files = {a.original_name for a in new.attachments.all()}
    context = {
        "filing": filing,
        "old": old,
        "new": new,
        "form": form,
        "title_changed": old.title != new.title,
        "rows": side_by_side(old.text, new.text),
        "files_added": sorted(new_files - old_files),
        "files_removed": sorted(old_files - new_files),
        "files_kept": sorted(old_files & new_files),
        "extra_trail": [
            {"name": _("Filings"), "url": reverse("campaigns:filing-list")},
            {"name": str(filing), "url": _filing_url(filing)},
        ],
    }
    return render(request, "campaigns/filings/filing_compare.html", context)


# --- consultations ----------------------------------------------------------------------------


def _consultation_url(consultation):
    return reverse("campaigns:consultation-detail", args=[consultation.pk])


def _may_ask(scope):
    return bool(scope.is_superuser or scope.edit_paths or scope.edit_unit_ids)


def _consultation_status(consultation):
    """The status as its badge shows it (filings/_consultation_status.html)."""
    answered = (Consultation.Status.AGREED, Consultation.Status.DISAGREED)
    if consultation.status not in answered and consultation.due_on < services.local_today():
        return _("overdue")
    return consultation.get_status_display()


class ConsultationListView(ScopedListView):
    template_name = "campaigns/filings/consultation_list.html"
    filterset_class = ConsultationFilter
    columns = (
        Column("title", gettext_lazy("title applied for"), sort="title"),
        Column("unit", gettext_lazy("unit"), sort="unit__name", value="unit.name"),
        Column(
            "authority",
            gettext_lazy("answering authority"),
            sort="authority__name",
            value="authority.name",
        ),
        Column("due_on", gettext_lazy("answer due on"), sort="due_on"),
        Column("status", gettext_lazy("status"), sort="status", value=_consultation_status),
    )

    def get_queryset(self):
        return consultation_list_for(self.user)

    def get_context_data(self, **context):
        return super().get_context_data(
            **context,
            status=context["filterset"].status_value,
            statuses=Consultation.Status.choices,
            can_add=_may_ask(self.scope),
            today=services.local_today(),
        )


class ConsultationCreateView(ScopedView):
    def dispatch(self, request, *args, **kwargs):
        if not _may_ask(self.scope):
            raise PermissionDenied
        self.units = consultation_units_for(self.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        if request.GET.get("unit"):
            initial["unit"] = request.GET["unit"]
        return self._render(request, ConsultationForm(initial=initial, units=self.units))

    def post(self, request):
        form = ConsultationForm(request.POST, units=self.units)
        if form.is_valid():
            try:
                consultation = services.consultation_ask(actor=self.user, **form.service_data())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your consultation was sent to %(office)s.")
                    % {"office": consultation.authority.name},
                )
                return redirect(_consultation_url(consultation))
        return self._render(request, form)

    def _render(self, request, form):
        context = {
            "form": form,
            "title": _("New consultation"),
            "cancel_url": reverse("campaigns:consultation-list"),
            "extra_trail": [
                {"name": _("Consultations"), "url": reverse("campaigns:consultation-list")}
            ],
        }
        return render(request, "campaigns/form.html", context)


def _consultation_detail(request, consultation, *, answer_form=None, status=200):
    scope = scope_for(request.user)
    answers = consultation.is_pending and can_answer_consultation(scope, consultation)
    context = {
        "consultation": consultation,
        "can_answer": answers,
        "answer_form": (answer_form or ConsultationAnswerForm()) if answers else None,
        "is_overdue": consultation.is_pending and consultation.due_on < services.local_today(),
        "extra_trail": [
            {"name": _("Consultations"), "url": reverse("campaigns:consultation-list")}
        ],
    }
    return render(request, "campaigns/filings/consultation_detail.html", context, status=status)


@require_GET
def consultation_detail(request, pk):
    return _consultation_detail(request, access_consultation(request.user, pk))


@require_POST
def consultation_answer(request, pk):
    consultation = access_consultation(request.user, pk, answer=True)
    form = ConsultationAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_answer(
                actor=request.user, consultation=consultation, **form.service_data()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your answer was recorded; the letter can be downloaded."))
            return redirect(_consultation_url(consultation))
    # Reread: a refused answer may have found it answered by someone else meanwhile.
    for error in form.non_field_errors():
        messages.error(request, error)
    consultation = access_consultation(request.user, pk)
    return _consultation_detail(request, consultation, answer_form=form, status=400)


@require_GET
def consultation_letter(request, pk):
    """The answer as a one-page PDF letter, rendered now (WeasyPrint, Noto CJK fonts).

    The letter is an official document in the portal's language, whatever the reader's."""
    consultation = access_consultation(request.user, pk)
    if consultation.is_pending:
        raise Http404
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "campaigns/filings/consultation_letter.html", {"consultation": consultation}
        )
    pdf = pdf_render(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"consultation-{consultation.reference_year}-{consultation.reference_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


filing_list = FilingListView.as_view()
filing_create = FilingCreateView.as_view()
filing_edit = FilingEditView.as_view()
consultation_list = ConsultationListView.as_view()
consultation_create = ConsultationCreateView.as_view()

urlpatterns = [
    path("filings/", filing_list, name="filing-list"),
    path("filings/new/<int:province_pk>/<str:kind>/", filing_create, name="filing-create"),
    path("filings/<int:pk>/", filing_detail, name="filing-detail"),
    path("filings/<int:pk>/edit/", filing_edit, name="filing-edit"),
    path("filings/<int:pk>/submit/", filing_submit, name="filing-submit"),
    path("filings/<int:pk>/answer/", filing_answer, name="filing-answer"),
    path("filings/<int:pk>/files/", filing_attachment_add, name="filing-attachment-add"),
    path("filings/<int:pk>/compare/", filing_compare, name="filing-compare"),
    path("filings/<int:pk>/versions/<int:number>/", filing_version, name="filing-version"),
    path("filings/files/<int:pk>/", filing_attachment_download, name="filing-attachment"),
    path(
        "filings/files/<int:pk>/remove/",
        filing_attachment_remove,
        name="filing-attachment-remove",
    ),
    path("consultations/", consultation_list, name="consultation-list"),
    path("consultations/new/", consultation_create, name="consultation-create"),
    path("consultations/<int:pk>/", consultation_detail, name="consultation-detail"),
    path("consultations/<int:pk>/answer/", consultation_answer, name="consultation-answer"),
    path("consultations/<int:pk>/letter.pdf", consultation_letter, name="consultation-letter"),
]

"""The round in the admin: the national office creates a round, sets its quotas (by hand or from
a spreadsheet), its deadlines and its public-notice length, keeps the holiday calendar, follows
the provinces' progress, decides on the national ranking and advances the round's phases.

Every write goes through `awards.services`: the round and its quotas through `services.rounds`
(the form shows the service's checks on its fields), the phases through `round_advance` (a
confirmation page lists what is missing, or what the step will do), the decisions through
`services.decisions`. Nominations and recommendation lists are read-only here; their
workflows belong to the portal. Only the national office's staff see any of it.
"""

import io

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments.selectors import ranking_details, review_ranking, review_ranking_count
from awards.models import CalendarDay, Nomination, Opinion, Quota, Recommendation, Round, Title
from awards.resources import quota_sheet_rows, quotas_import_file
from awards.selectors.rounds import (
    national_office,
    national_sheets_short,
    provinces,
    ranking_nominations,
    ranking_title_counts,
    round_changelist,
    round_progress,
    round_review,
)
from awards.services import decisions as decision_services
from awards.services import rounds as round_services
from civport.admin import NationalOfficeAdmin, is_national_staff
from civport.audit import audit_export
from civport.forms import ImportUploadForm
from civport.imports import delete_stored, load_stored, store_upload
from civport.pagination import paginate
from civport.spreadsheets import XLSX_CONTENT_TYPE

IMPORT_TOKEN_SALT = "awards.admin.quota-import"
IMPORT_TOKEN_MAX_AGE = 2 * 3600
RANKING_PAGE_SIZE = 100


def _error_messages(error):
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


def _shortfall_confirmation(request, admin_site, nominations, *, back_url, back_label):
    """When approving `nominations` would make candidates of some with fewer national score
    sheets than the review asks for and the user has not confirmed it yet: the page that asks,
    posting the same form again with `confirmed`; otherwise None."""
    if request.POST.get("confirmed") == "1":
        return None
    by_round: dict[int, list[Nomination]] = {}
    # Only those the decision would take; the service refuses the others with its reasons.
    for nomination in nominations:
        if (
            nomination.round.phase != Round.Phase.NATIONAL_REVIEW
            or nomination.status not in decision_services.DECIDABLE
        ):
            continue
        by_round.setdefault(nomination.round_id, []).append(nomination)
    shortfalls = [
        short
        for group in by_round.values()
        for short in national_sheets_short(group[0].round, group)
    ]
    if not shortfalls:
        return None
    context = {
        **admin_site.each_context(request),
        "title": _("Approve with score sheets missing?"),
        "shortfalls": shortfalls,
        "fields": [
            (name, value)
            for name in request.POST
            if name not in ("csrfmiddlewaretoken", "confirmed")
            for value in request.POST.getlist(name)
        ],
        "action_url": request.get_full_path(),
        "back_url": back_url,
        "back_label": back_label,
    }
    return TemplateResponse(request, "admin/awards/nomination/approve_confirm.html", context)


# --- rounds -------------------------------------------------------------------------------


class RoundAdminForm(forms.ModelForm):
    """The service's checks, shown on the form's fields before anything is saved."""

    class Meta:
        model = Round
        fields = round_services.ROUND_FIELDS

    def clean(self):
        data = super().clean()
        instance = self.instance if self.instance.pk else None
        values = {name: data[name] for name in round_services.ROUND_FIELDS if name in data}
        if instance is not None:
            values = {
                name: getattr(instance, name)
                for name in round_services.ROUND_FIELDS
                if name not in self.fields
            } | values
        for name, message in round_services.round_errors(values, instance).items():
            self.add_error(name if name in self.fields else None, message)
        return data


class QuotaInline(admin.TabularInline):
    model = Quota
    fields = ("province", "title", "quota")
    extra = 0
    ordering = ("province__path", "title")
    # 31 provinces × 4 titles: folded, so the round's own fields stay in view (the progress
    # page shows the quotas against the nominations).
    classes = ("collapse",)

    def _open(self, obj):
        return obj is None or obj.phase in round_services.QUOTA_PHASES

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request, obj=None):
        return is_national_staff(request) and self._open(obj)

    def has_change_permission(self, request, obj=None):
        return is_national_staff(request) and self._open(obj)

    def has_delete_permission(self, request, obj=None):
        return is_national_staff(request) and self._open(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("province")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "province":
            field.queryset = provinces()
            # Every row's select shows the same provinces: read them once per request.
            if not hasattr(request, "_award_province_choices"):
                request._award_province_choices = list(field.choices)
            field.choices = request._award_province_choices
        return field


def _round_url(name, round, **query):
    url = reverse(f"admin:awards_round_{name}", args=[round.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@admin.register(Round)
class RoundAdmin(NationalOfficeAdmin):
    form = RoundAdminForm
    inlines = (QuotaInline,)
    list_display = (
        "name",
        "years",
        "phase",
        "quota_total",
        "drafts",
        "submitted",
        "recommended",
        "candidates",
        "awarded",
        "nominations_due_on",
        "pages",
    )
    list_filter = ("phase",)
    search_fields = ("name", "code")
    actions = ("advance",)
    fieldsets = (
        (None, {"fields": ("code", "name", "start_year", "end_year", "scheme", "phase")}),
        (
            gettext_lazy("Deadlines"),
            {
                "fields": (
                    "nominations_due_on",
                    "provincial_review_due_on",
                    "national_review_due_on",
                )
            },
        ),
        (
            gettext_lazy("Reviews and public notice"),
            {
                "fields": (
                    "reviewers_per_nomination",
                    "notice_working_days",
                    "notice_starts_on",
                    "notice_ends_on",
                )
            },
        ),
        (
            gettext_lazy("Decision"),
            {
                "fields": (
                    "issuing_office",
                    "decision_number",
                    "decided_on",
                    "conference_name",
                    "conference_on",
                    "conference_place",
                )
            },
        ),
    )
    always_read_only = ("phase", "notice_starts_on", "notice_ends_on", "decided_on")
    change_form_template = "admin/awards/round/change_form.html"

    def get_queryset(self, request):
        return round_changelist()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scheme":
            from assessments.models import Scheme

            kwargs["queryset"] = Scheme.objects.filter(
                status=Scheme.Status.PUBLISHED, authority__level="national"
            ).order_by("family", "-version")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.always_read_only
        closed = set(round_services.ROUND_FIELDS) - round_services.editable_fields(obj)
        return (*self.always_read_only, *(n for n in round_services.ROUND_FIELDS if n in closed))

    # -- the list's columns ----------------------------------------------------------------
    @admin.display(description=gettext_lazy("years"), ordering="start_year")
    def years(self, obj):
        return obj.years_label

    @admin.display(description=gettext_lazy("quota"), ordering="n_quota")
    def quota_total(self, obj):
        return obj.n_quota

    @admin.display(description=gettext_lazy("drafts"), ordering="n_drafts")
    def drafts(self, obj):
        return obj.n_drafts

    @admin.display(description=gettext_lazy("submitted"), ordering="n_submitted")
    def submitted(self, obj):
        return obj.n_submitted

    @admin.display(description=gettext_lazy("recommended"), ordering="n_recommended")
    def recommended(self, obj):
        return obj.n_recommended

    @admin.display(description=gettext_lazy("candidates"), ordering="n_candidates")
    def candidates(self, obj):
        return obj.n_candidates

    @admin.display(description=gettext_lazy("awarded"), ordering="n_awarded")
    def awarded(self, obj):
        return obj.n_awarded

    @admin.display(description=gettext_lazy("pages"))
    def pages(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            _round_url("progress", obj),
            _("Progress"),
            _round_url("ranking", obj),
            _("National ranking"),
        )

    # -- saving through the services -------------------------------------------------------
    def save_model(self, request, obj, form, change):
        if change:
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in round_services.ROUND_FIELDS
            }
            saved = round_services.round_save(
                actor=request.user, round=Round.objects.get(pk=obj.pk), **data
            )
        else:
            data = {
                name: form.cleaned_data[name]
                for name in round_services.ROUND_FIELDS
                if name in form.cleaned_data
            }
            saved = round_services.round_create(actor=request.user, **data)
        # The admin goes on with `obj` (inlines, messages, redirect): give it the saved state.
        for model_field in obj._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(saved, model_field.attname))
        obj._state.adding = False
        for warning in round_services.round_dates_warnings(saved):
            self.message_user(request, warning, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Quota:
            return super().save_formset(request, form, formset, change)
        round = form.instance
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                round_services.quota_delete(actor=request.user, quota=inline_form.instance)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if not data:
                continue
            moved = {"province", "title"} & set(inline_form.changed_data)
            if inline_form.instance.pk and moved:
                # Another province or title is another quota: the row's own goes.
                original = Quota.objects.get(pk=inline_form.instance.pk)
                round_services.quota_delete(actor=request.user, quota=original)
            round_services.quota_set(
                actor=request.user,
                round=round,
                province=data["province"],
                title=data["title"],
                quota=data["quota"],
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # -- the phase panel on the change page ------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        round = self.get_object(request, object_id)
        if round is not None:
            extra_context |= self.phase_context(round)
        return super().change_view(request, object_id, form_url, extra_context)

    def phase_context(self, round):
        target = round_services.next_phase(round)
        return {
            "next_phase": Round.Phase(target).label if target else None,
            "reasons": round_services.round_preconditions(round) if target else [],
            "advance_url": _round_url("advance", round),
            "progress_url": _round_url("progress", round),
            "ranking_url": _round_url("ranking", round),
            "quota_import_url": _round_url("quota_import", round),
            "quota_sheet_url": _round_url("quota_sheet", round),
            "quotas_open": round.phase in round_services.QUOTA_PHASES,
            "documents_url": (
                reverse("admin:awards_round_documents", kwargs={"round_pk": round.pk})
                if round.phase in (Round.Phase.DECIDED, Round.Phase.CLOSED)
                else ""
            ),
        }

    # -- advancing ---------------------------------------------------------------------------
    def _advance(self, request, round):
        try:
            round = round_services.round_advance(actor=request.user, round=round)
        except ValidationError as error:
            for message in _error_messages(error):
                self.message_user(
                    request,
                    _("%(round)s: %(message)s") % {"round": round, "message": message},
                    messages.ERROR,
                )
            return False
        self.message_user(
            request,
            _("%(round)s is now in its %(phase)s phase.")
            % {"round": round, "phase": round.get_phase_display()},
            messages.SUCCESS,
        )
        for warning in round.warnings:
            self.message_user(request, warning, messages.WARNING)
        return True

    @admin.action(description=gettext_lazy("Advance the selected rounds to their next phase"))
    def advance(self, request, queryset):
        for round in queryset.order_by("pk"):
            self._advance(request, round)

    def _round_or_404(self, request, pk):
        if not self.has_change_permission(request):
            raise PermissionDenied
        round = Round.objects.select_related("scheme").filter(pk=pk).first()
        if round is None:
            raise Http404
        return round

    def _context(self, request, round, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": round,
            "round": round,
            "title": title,
            "change_url": reverse("admin:awards_round_change", args=[round.pk]),
            **extra,
        }

    def advance_view(self, request, pk):
        """GET: what advancing will do, or what is missing; POST: advance."""
        round = self._round_or_404(request, pk)
        change_url = reverse("admin:awards_round_change", args=[round.pk])
        if request.method == "POST":
            self._advance(request, round)
            return redirect(change_url)
        context = self._context(
            request,
            round,
            _("Advance %(round)s") % {"round": round},
            **self.phase_context(round),
            effects=ADVANCE_EFFECTS.get(round_services.next_phase(round), ""),
        )
        return TemplateResponse(request, "admin/awards/round/advance.html", context)

    # -- progress ----------------------------------------------------------------------------
    def progress_view(self, request, pk):
        round = self._round_or_404(request, pk)
        progress = round_progress(round)
        context = self._context(
            request,
            round,
            _("Progress of %(round)s") % {"round": round},
            progress=progress,
            titles=[Title(value).label for value in Title.values],
            ranking_url=_round_url("ranking", round),
        )
        return TemplateResponse(request, "admin/awards/round/progress.html", context)

    # -- the national ranking and the decisions --------------------------------------------
    def ranking_view(self, request, pk):
        round = self._round_or_404(request, pk)
        counts = ranking_title_counts(round)
        # By default the first title with nominations before the office.
        title = request.GET.get("title") or next(
            (value for value in Title.values if any(counts[value].values())), Title.values[0]
        )
        if title not in Title.values:
            raise Http404
        review = round_review(round, national_office())
        tabs = [
            {
                "title": value,
                "label": Title(value).label,
                "url": _round_url("ranking", round, title=value),
                "counts": counts[value],
                "current": value == title,
            }
            for value in Title.values
        ]
        rows, paged = [], {"page": None, "querystring": ""}
        if review is not None:
            ranking = _Counted(
                review_ranking(review, category=title),
                review_ranking_count(review, category=title),
            )
            paged = paginate(request, ranking, RANKING_PAGE_SIZE)
            page_rows = paged["page"].object_list
            details = ranking_details(page_rows)
            nominations = ranking_nominations(page_rows)
            rows = [
                {**row._asdict(), **details[row.pk], "nomination": nominations.get(row.pk)}
                for row in page_rows
            ]
        deciding = round.phase == Round.Phase.NATIONAL_REVIEW
        # What each row shows, read here: the page has many rows and the template stays plain.
        for row in rows:
            nomination = row["nomination"]
            row |= {
                "nomination_id": nomination.pk if nomination else None,
                "name": (nomination and nomination.nominee_name) or row["title"],
                "unit": nomination.nominee_unit_name if nomination else "",
                "position": (nomination and nomination.recommended_position) or "",
                "status": nomination.get_status_display() if nomination else "",
                "decidable": deciding
                and nomination is not None
                and nomination.status in decision_services.DECIDABLE,
            }
        context = self._context(
            request,
            round,
            _("National ranking of %(round)s") % {"round": round},
            review=review,
            tabs=tabs,
            current_title=Title(title).label,
            rows=rows,
            deciding=deciding,
            decide_url=_round_url("decide", round),
            here=request.get_full_path(),
            **paged,
        )
        return TemplateResponse(request, "admin/awards/round/ranking.html", context)

    def decide_view(self, request, pk):
        round = self._round_or_404(request, pk)
        if request.method != "POST":
            return redirect(_round_url("ranking", round))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = _round_url("ranking", round)
        opinion = request.POST.get("opinion", "")
        single = request.POST.get("decide", "")
        if single:
            verdict, _sep, raw = single.partition(":")
            ids, approve = [raw], verdict == "approve"
        else:
            ids = request.POST.getlist("nominations")
            approve = request.POST.get("bulk") == "approve"
        nominations = list(
            Nomination.objects.filter(round=round, pk__in=[i for i in ids if str(i).isdigit()])
            .select_related("round", "province")
            .order_by("pk")
        )
        if not nominations:
            messages.error(request, _("Select the nominations to decide first."))
            return HttpResponseRedirect(back)
        if approve:
            confirmation = _shortfall_confirmation(
                request, self.admin_site, nominations, back_url=back, back_label=str(round)
            )
            if confirmation is not None:
                return confirmation
        try:
            if single:
                decision_services.nomination_decide(
                    actor=request.user,
                    nomination=nominations[0],
                    approve=approve,
                    opinion=opinion,
                )
            else:
                decision_services.nominations_decide(
                    actor=request.user, nominations=nominations, approve=approve, opinion=opinion
                )
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return HttpResponseRedirect(back)
        done = (
            ngettext(
                "%(count)d nomination approved as a candidate.",
                "%(count)d nominations approved as candidates.",
                len(nominations),
            )
            if approve
            else ngettext(
                "%(count)d nomination not selected.",
                "%(count)d nominations not selected.",
                len(nominations),
            )
        )
        messages.success(request, done % {"count": len(nominations)})
        return HttpResponseRedirect(back)

    # -- quota sheet: download and import --------------------------------------------------
    def quota_sheet_view(self, request, pk):
        from openpyxl import Workbook

        round = self._round_or_404(request, pk)
        headers, rows = quota_sheet_rows(round)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title="quotas")
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        audit_export(
            actor=request.user,
            action="awards.round.quota_sheet_exported",
            obj=round,
            fmt="xlsx",
            rows=len(rows),
        )
        response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="civport-quotas-{round.code}.xlsx"'
        return response

    def quota_import_view(self, request, pk):
        round = self._round_or_404(request, pk)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        context = self._context(
            request,
            round,
            _("Import the quotas of %(round)s") % {"round": round},
            form=form,
            sheet_url=_round_url("quota_sheet", round),
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = quotas_import_file(
                actor=request.user,
                round=round,
                data=form.data_bytes,
                filename=upload.name,
                dry_run=True,
            )
            for message in result.file_errors:
                form.add_error("file", message)
            if not result.file_errors:
                context |= {"result": result, "counts": result.counts, "rows": result.rows}
                if result.ok:
                    stored = store_upload(form.data_bytes, upload.name)
                    context["token"] = signing.dumps(
                        {"u": request.user.pk, "r": round.pk, "f": stored, "n": upload.name},
                        salt=IMPORT_TOKEN_SALT,
                    )
                    context["confirm_url"] = _round_url("quota_import_confirm", round)
        return TemplateResponse(request, "admin/awards/round/quota_import.html", context)

    def quota_import_confirm_view(self, request, pk):
        round = self._round_or_404(request, pk)
        change_url = reverse("admin:awards_round_change", args=[round.pk])
        if request.method != "POST":
            return redirect(_round_url("quota_import", round))
        try:
            payload = signing.loads(
                request.POST.get("token", ""), salt=IMPORT_TOKEN_SALT, max_age=IMPORT_TOKEN_MAX_AGE
            )
            if payload["u"] != request.user.pk or payload["r"] != round.pk:
                raise signing.BadSignature
            data = load_stored(payload["f"])
        except (signing.BadSignature, FileNotFoundError, KeyError):
            messages.error(request, _("This file has already been imported or has expired."))
            return redirect(change_url)
        result = quotas_import_file(
            actor=request.user, round=round, data=data, filename=payload["n"]
        )
        delete_stored(payload["f"])
        if not result.applied:
            context = self._context(
                request,
                round,
                _("Import the quotas of %(round)s") % {"round": round},
                result=result,
                counts=result.counts,
                rows=result.rows,
                sheet_url=_round_url("quota_sheet", round),
            )
            return TemplateResponse(request, "admin/awards/round/quota_import.html", context)
        counts = result.counts
        messages.success(
            request,
            _("Quotas imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {
                "created": counts["create"],
                "updated": counts["update"],
                "unchanged": counts["unchanged"],
            },
        )
        return redirect(change_url)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/advance/", view(self.advance_view), name="awards_round_advance"),
            path("<int:pk>/progress/", view(self.progress_view), name="awards_round_progress"),
            path("<int:pk>/ranking/", view(self.ranking_view), name="awards_round_ranking"),
            path("<int:pk>/decide/", view(self.decide_view), name="awards_round_decide"),
            path(
                "<int:pk>/quotas/sheet.xlsx",
                view(self.quota_sheet_view),
                name="awards_round_quota_sheet",
            ),
            path(
                "<int:pk>/quotas/import/",
                view(self.quota_import_view),
                name="awards_round_quota_import",
            ),
            path(
                "<int:pk>/quotas/import/confirm/",
                view(self.quota_import_confirm_view),
                name="awards_round_quota_import_confirm",
            ),
            *super().get_urls(),
        ]


ADVANCE_EFFECTS = {
    Round.Phase.NOMINATING: gettext_lazy(
        "Nominations open. A review is created for every province and for the national office, "
        "so that their panels can be set up."
    ),
    Round.Phase.PROVINCIAL_REVIEW: gettext_lazy(
        "Every submitted nomination is put up for scoring in its province's review, reviewers "
        "are assigned automatically (never with a conflict of interest) and the provincial "
        "reviews open."
    ),
    Round.Phase.NATIONAL_REVIEW: gettext_lazy(
        "The provincial reviews close; nominations left off the lists are marked not "
        "recommended; every recommended nomination is put up for scoring in the national "
        "review, reviewers are assigned and the national review opens."
    ),
    Round.Phase.PUBLIC_NOTICE: gettext_lazy(
        "The national review closes and the candidates are published for the configured "
        "number of working days, counted with the holiday calendar from today."
    ),
    Round.Phase.DECIDED: gettext_lazy(
        "The titles are granted to the remaining candidates, each with a certificate number "
        "and a verification code; the certificates and the commendation decision are rendered "
        "in the background."
    ),
    Round.Phase.CLOSED: gettext_lazy("The round is closed and kept as a record."),
}


class _Counted:
    """A ranking whose row count comes from a cheaper query, for the paginator."""

    ordered = True

    def __init__(self, queryset, count):
        self.queryset = queryset
        self._count = count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


# --- the holiday calendar -----------------------------------------------------------------


class CalendarYearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [
            (str(day.year), str(day.year))
            for day in CalendarDay.objects.dates("day", "year", order="DESC")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(NationalOfficeAdmin):
    list_display = ("day", "weekday", "kind", "name")
    list_filter = (CalendarYearFilter, "kind")
    date_hierarchy = "day"
    ordering = ("-day",)
    search_fields = ("name",)
    fields = ("day", "kind", "name")

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj):
        from django.utils.dates import WEEKDAYS

        return WEEKDAYS[obj.day.weekday()]

    def get_readonly_fields(self, request, obj=None):
        # An entry is the day's: a different day is a different entry.
        return ("day",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return is_national_staff(request)

    def save_model(self, request, obj, form, change):
        saved = round_services.calendar_day_set(
            actor=request.user, day=obj.day, kind=obj.kind, name=obj.name
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        round_services.calendar_day_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            round_services.calendar_day_delete(actor=request.user, entry=entry)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CalendarDayForm
        return super().get_form(request, obj, change=change, **kwargs)


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ("day", "kind", "name")

    def clean(self):
        data = super().clean()
        day = data.get("day") or (self.instance.day if self.instance.pk else None)
        if day and data.get("kind"):
            errors = round_services.calendar_day_errors(
                day=day, kind=data["kind"], name=data.get("name", "")
            )
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
        return data


# --- nominations and recommendation lists (read-only) -------------------------------------


class ProvinceFilter(admin.SimpleListFilter):
    title = gettext_lazy("province")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(str(p.pk), p.short_name or p.name) for p in provinces()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(province_id=int(value))
        return queryset


class OpinionInline(admin.TabularInline):
    model = Opinion
    fields = ("level", "authority", "author", "text", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("authority", "author")

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(NationalOfficeAdmin):
    list_display = (
        "nominee_name",
        "title",
        "province",
        "nominee_unit_name",
        "status",
        "recommended_position",
        "round",
        "submitted_at",
        "decided_at",
    )
    list_filter = ("round", "round__phase", "status", "title", ProvinceFilter)
    list_select_related = ("round", "province")
    search_fields = ("nominee_name", "nominee_unit_name")
    inlines = (OpinionInline,)
    actions = ("approve_as_candidate", "reject")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, approve):
        nominations = list(queryset.select_related("round", "province").order_by("pk"))
        if approve:
            confirmation = _shortfall_confirmation(
                request,
                self.admin_site,
                nominations,
                back_url=request.get_full_path(),
                back_label=str(self.model._meta.verbose_name_plural),
            )
            if confirmation is not None:
                return confirmation
        try:
            decision_services.nominations_decide(
                actor=request.user, nominations=nominations, approve=approve
            )
        except ValidationError as error:
            for message in _error_messages(error):
                self.message_user(request, message, messages.ERROR)
            return
        done = (
            ngettext(
                "%(count)d nomination approved as a candidate.",
                "%(count)d nominations approved as candidates.",
                len(nominations),
            )
            if approve
            else ngettext(
                "%(count)d nomination not selected.",
                "%(count)d nominations not selected.",
                len(nominations),
            )
        )
        self.message_user(request, done % {"count": len(nominations)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Approve the selected nominations as candidates"))
    def approve_as_candidate(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=gettext_lazy("Do not select the selected nominations"))
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


@admin.register(Recommendation)
class RecommendationAdmin(NationalOfficeAdmin):
    list_display = ("province", "round", "status", "submitted_by", "submitted_at")
    list_filter = ("round", "status")
    list_select_related = ("province", "round", "submitted_by")
    fields = ("round", "province", "status", "opinion", "submitted_by", "submitted_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

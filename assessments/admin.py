"""The national office's admin for assessments: look everything up, change nothing around the
services.

Every model is read-only here (schemes, trees, reviews, sheets and cycles are written by the
services in `assessments.services`, which keep their invariants, recompute coefficients and
write the audit log); the writes the office makes from the admin are actions that call those
services: publish a national draft, acknowledge a province's filing, make a new version, open
or close a review. Returning a filing needs comments, so it is done on the scheme's page in the
portal. Only the national office's staff (or superusers) see any of it.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import (
    Assignment,
    Conflict,
    Cycle,
    Evidence,
    Indicator,
    Item,
    PanelMember,
    Review,
    Scheme,
    SchemeArea,
    Score,
    ScoreSheet,
    SelfAssessment,
    Subject,
    SubjectGroupObjectPermission,
    SubjectUserObjectPermission,
    VetoCondition,
    VetoMark,
)
from assessments.services import reviews as review_services
from assessments.services import schemes as scheme_services
from civport.admin import is_national_staff


class ReadOnlyAdmin(admin.ModelAdmin):
    """Seen by the national office's staff; changed only through the actions' services."""

    def has_module_permission(self, request):
        return is_national_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, service, done, **kwargs):
    """Call `service` for each selected object; report each refusal with the object's name."""
    count = 0
    for obj in queryset:
        try:
            service(actor=request.user, **kwargs, **{modeladmin.service_argument: obj})
        except ValidationError as error:
            for message in error.messages:
                modeladmin.message_user(
                    request,
                    _("%(object)s: %(message)s") % {"object": obj, "message": message},
                    messages.ERROR,
                )
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


def _changelist(model, **filters):
    url = reverse(f"admin:assessments_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return f"{url}?{query}" if query else url


# --- schemes --------------------------------------------------------------------------------


class SchemeAreaInline(ReadOnlyInline):
    model = SchemeArea
    fields = ("area", "weight")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area", "scheme")


class ItemInline(ReadOnlyInline):
    model = Item
    fields = ("code", "indicator", "text", "kind", "max_points", "weight", "method", "coefficient")
    readonly_fields = ("coefficient",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class VetoConditionInline(ReadOnlyInline):
    model = VetoCondition
    fields = ("code", "text", "lookback_months")


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "version",
        "family",
        "authority",
        "is_template",
        "status",
        "published_at",
    )
    list_filter = ("status", "is_template", "aggregation")
    search_fields = ("name", "name_en", "family", "authority__name", "authority__code")
    list_select_related = ("authority",)
    readonly_fields = ("portal_link",)
    inlines = (SchemeAreaInline, ItemInline, VetoConditionInline)
    actions = ("publish", "new_version")
    service_argument = "scheme"

    @admin.display(description=gettext_lazy("in the portal"))
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("assessments:scheme-detail", args=[obj.pk]),
            _("Open the scheme's page (filing, weights, spreadsheet)"),
        )

    @admin.action(description=gettext_lazy("Publish the selected national drafts"))
    def publish(self, request, queryset):
        # A province's version is published (and so filed) by the province, in the portal.
        _run(
            self,
            request,
            queryset.filter(derived_from__isnull=True),
            scheme_services.scheme_publish,
            _("%(count)d versions published."),
        )

    @admin.action(description=gettext_lazy("Make a new draft version of the selected"))
    def new_version(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            scheme_services.scheme_new_version,
            _("%(count)d new versions made."),
        )


@admin.register(SchemeArea)
class SchemeAreaAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "area", "weight")
    list_filter = ("area",)
    search_fields = ("scheme__name", "scheme__family")
    list_select_related = ("scheme", "area")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("name", "scheme_area", "order")
    list_filter = ("scheme_area__area",)
    search_fields = ("name", "scheme_area__scheme__family")
    list_select_related = ("scheme_area__scheme", "scheme_area__area")


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "text", "scheme", "kind", "max_points", "weight", "method")
    list_filter = ("kind", "method", "indicator__scheme_area__area")
    search_fields = ("code", "text", "scheme__family", "scheme__name")
    list_select_related = ("scheme",)


@admin.register(VetoCondition)
class VetoConditionAdmin(ReadOnlyAdmin):
    list_display = ("code", "text", "scheme", "lookback_months")
    search_fields = ("code", "text", "scheme__family")
    list_select_related = ("scheme",)


# --- reviews --------------------------------------------------------------------------------


class PanelMemberInline(ReadOnlyInline):
    model = PanelMember
    fields = ("user", "unit", "authority", "is_active")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "unit", "authority", "review")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "round_key",
        "authority",
        "scheme",
        "phase",
        "reviewers_per_subject",
        "due_on",
    )
    list_filter = ("phase", "round_key")
    search_fields = ("name", "round_key", "authority__name")
    list_select_related = ("authority", "scheme")
    readonly_fields = ("subjects_link", "sheets_link")
    inlines = (PanelMemberInline,)
    actions = ("open_for_scoring", "close")
    service_argument = "review"

    @admin.display(description=gettext_lazy("subjects"))
    def subjects_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            _changelist(Subject, review__id__exact=obj.pk),
            _("The review's subjects"),
        )

    @admin.display(description=gettext_lazy("score sheets"))
    def sheets_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            _changelist(ScoreSheet, subject__review__id__exact=obj.pk),
            _("The review's score sheets"),
        )

    @admin.action(description=gettext_lazy("Open the selected reviews for scoring"))
    def open_for_scoring(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            review_services.review_set_phase,
            _("%(count)d reviews opened for scoring."),
            phase=Review.Phase.OPEN,
        )

    @admin.action(description=gettext_lazy("Close the selected reviews"))
    def close(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            review_services.review_set_phase,
            _("%(count)d reviews closed."),
            phase=Review.Phase.CLOSED,
        )


@admin.register(PanelMember)
class PanelMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "review", "unit", "authority", "is_active")
    list_filter = ("is_active", "review")
    search_fields = ("user__username", "user__first_name", "user__last_name", "review__name")
    list_select_related = ("user", "review", "unit", "authority")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ("member", "source", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__user", "subject")


class ConflictInline(ReadOnlyInline):
    model = Conflict
    fields = ("member", "reason", "declared_at")
    readonly_fields = ("declared_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__user", "subject")


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "review",
        "category",
        "authority",
        "province",
        "result_score",
        "result_passed",
        "result_vetoed",
        "published_at",
    )
    list_filter = ("category", "result_passed", "result_vetoed", "review")
    search_fields = ("title", "authority__name", "unit__name")
    list_select_related = ("review", "authority", "province")
    readonly_fields = ("sheets_link",)
    inlines = (AssignmentInline, ConflictInline)

    @admin.display(description=gettext_lazy("score sheets"))
    def sheets_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            _changelist(ScoreSheet, subject__id__exact=obj.pk),
            _("The subject's score sheets"),
        )


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ("subject", "member", "source", "created_at")
    list_filter = ("source", "subject__review")
    search_fields = ("subject__title", "member__user__username")
    list_select_related = ("subject", "member__user", "member__review")


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ("subject", "member", "reason", "declared_at")
    list_filter = ("subject__review",)
    search_fields = ("subject__title", "member__user__username", "reason")
    list_select_related = ("subject", "member__user", "member__review")


# --- score sheets ---------------------------------------------------------------------------


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("item", "points", "max_points", "note")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "sheet")


class VetoMarkInline(ReadOnlyInline):
    model = VetoMark
    fields = ("condition", "reason")
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("condition", "sheet")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = (
        "subject",
        "reviewer",
        "status",
        "total",
        "bonus",
        "has_veto",
        "submitted_at",
        "updated_at",
    )
    list_filter = ("status", "has_veto", "subject__review")
    search_fields = ("subject__title", "reviewer__username")
    list_select_related = ("subject", "reviewer")
    inlines = (ScoreInline, VetoMarkInline)
    show_full_result_count = False


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("item", "sheet", "points", "max_points")
    search_fields = ("item__code", "sheet__subject__title", "sheet__reviewer__username")
    list_select_related = ("item", "sheet__subject", "sheet__reviewer")
    show_full_result_count = False


@admin.register(VetoMark)
class VetoMarkAdmin(ReadOnlyAdmin):
    list_display = ("condition", "sheet", "reason")
    search_fields = ("condition__code", "sheet__subject__title", "reason")
    list_select_related = ("condition", "sheet__subject", "sheet__reviewer")


# --- the annual cycle -----------------------------------------------------------------------


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("name", "year", "review", "status", "self_assessment_due_on", "published_at")
    list_filter = ("status", "year")
    search_fields = ("name",)
    list_select_related = ("review",)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    # The stored file is served only through the portal's permission check, never linked here.
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("uploaded_at",)
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by", "self_assessment")


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("item", "subject", "points", "max_points", "updated_at")
    list_filter = ("subject__review",)
    search_fields = ("subject__title", "item__code")
    list_select_related = ("item", "subject")
    inlines = (EvidenceInline,)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "self_assessment", "content_type", "size", "uploaded_at")
    fields = (
        "self_assessment",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = ("uploaded_at",)
    search_fields = ("original_name", "self_assessment__subject__title")
    list_select_related = ("self_assessment__item", "uploaded_by")


@admin.register(SubjectUserObjectPermission)
class SubjectUserObjectPermissionAdmin(ReadOnlyAdmin):
    list_display = ("user", "permission", "content_object")
    search_fields = ("user__username", "content_object__title")
    list_select_related = ("user", "permission__content_type", "content_object")


@admin.register(SubjectGroupObjectPermission)
class SubjectGroupObjectPermissionAdmin(ReadOnlyAdmin):
    list_display = ("group", "permission", "content_object")
    search_fields = ("group__name", "content_object__title")
    list_select_related = ("group", "permission__content_type", "content_object")

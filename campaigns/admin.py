"""The national office's admin for the campaign's organisation.

Authorities, ports, units and people are saved through the services (so every change has its
audit entry) and imported through the same all-or-nothing engine as the portal
(`campaigns.imports`), with a preview before anything is written. Memberships are granted and
revoked through `membership_grant` / `membership_revoke`, which keep the guardian permission in
step. Only staff of the national office (or superusers) see any of it; nothing here is deleted,
since every record is referenced from elsewhere: deactivate it instead.

The campaign's work, the provinces' filings and what the public sends are shown read-only (their
workflows belong to the services), with a few service-backed actions.
"""

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin

from campaigns import services
from campaigns.imports import import_records
from campaigns.models import (
    Activity,
    ActivityEvidence,
    Agency,
    Agreement,
    Authority,
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    Commitment,
    ConstructionArea,
    Consultation,
    Feedback,
    Filing,
    FilingAttachment,
    FilingVersion,
    Finding,
    Inspection,
    LeadingGroup,
    LeadingGroupMember,
    Membership,
    Person,
    Plan,
    Port,
    Rectification,
    RectificationEvidence,
    SpecialCampaign,
    Survey,
    SurveyDimension,
    SurveyGroup,
    SurveyInvitation,
    SurveyRating,
    SurveyResponse,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)
from campaigns.resources import AuthorityResource, PersonResource, PortResource, UnitResource
from campaigns.services import filings as filing_services
from campaigns.services import public as public_services
from campaigns.services import work as work_services
from civport.admin import NationalOfficeAdmin, ReadOnlyAdmin, is_national_staff
from civport.audit import audit_export
from civport.forms import ImportUploadForm
from civport.imports import delete_stored, load_stored, store_upload

ADMIN_TOKEN_SALT = "campaigns.admin.import"
ADMIN_TOKEN_MAX_AGE = 2 * 3600


class ServiceSavedAdmin(ImportExportModelAdmin, NationalOfficeAdmin):
    """Saves through the services and imports through the engine, with a preview."""

    import_kind = ""
    service_fields = ()
    import_template_name = "campaigns/imports/admin_import.html"

    def has_import_permission(self, request):
        return is_national_staff(request)

    def has_export_permission(self, request):
        return is_national_staff(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit_export(
            actor=request.user,
            action=f"campaigns.{self.model._meta.model_name}.exported",
            fmt=file_format.get_title(),
            details={"admin": True},
        )
        return data

    # -- saving ------------------------------------------------------------------------------
    def create(self, *, actor, data):
        raise NotImplementedError

    def update(self, *, actor, instance, data):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if change:
            original = type(obj).objects.get(pk=obj.pk)
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in self.service_fields
            }
            saved = self.update(actor=request.user, instance=original, data=data)
        else:
            data = {
                name: form.cleaned_data[name]
                for name in self.service_fields
                if name in form.cleaned_data
            }
            saved = self.create(actor=request.user, data=data)
        # The admin goes on with `obj` (messages, log entry, redirect): give it the saved state.
        for model_field in obj._meta.concrete_fields:
            setattr(obj, model_field.attname, getattr(saved, model_field.attname))

    # -- importing ---------------------------------------------------------------------------
    def _import_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import"),
            "kind": self.import_kind,
            **extra,
        }

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        context = self._import_context(request, form=form)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = import_records(
                kind=self.import_kind,
                data=form.data_bytes,
                filename=upload.name,
                actor=request.user,
                dry_run=True,
            )
            for message in result.file_errors:
                form.add_error("file", message)
            if not result.file_errors:
                context["result"] = result
                context["counts"] = result.counts
                context["rows"] = (
                    result.errors + [row for row in result.rows if row.action != "error"][:200]
                )
                if result.ok:
                    stored = store_upload(form.data_bytes, upload.name)
                    context["token"] = signing.dumps(
                        {"u": request.user.pk, "k": self.import_kind, "f": stored},
                        salt=ADMIN_TOKEN_SALT,
                    )
        return TemplateResponse(request, self.import_template_name, context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        changelist = f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
        try:
            payload = signing.loads(
                request.POST.get("token", ""), salt=ADMIN_TOKEN_SALT, max_age=ADMIN_TOKEN_MAX_AGE
            )
            if payload["u"] != request.user.pk or payload["k"] != self.import_kind:
                raise signing.BadSignature
            data = load_stored(payload["f"])
        except (signing.BadSignature, FileNotFoundError, KeyError):
            messages.error(request, _("This file has already been imported or has expired."))
            return redirect(changelist)
        result = import_records(
            kind=self.import_kind, data=data, filename=payload["f"], actor=request.user
        )
        delete_stored(payload["f"])
        if not result.applied:
            context = self._import_context(
                request, result=result, counts=result.counts, rows=result.errors
            )
            return TemplateResponse(request, self.import_template_name, context)
        messages.success(request, result.finished_message())
        return redirect(changelist)


def _service_errors(form, call):
    """Run a service check and put its errors on the form's fields."""
    try:
        call()
    except ValidationError as exc:
        form.add_error(None, exc)


class AuthorityAdminForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = ("code", "name", "name_en", "short_name", "level", "parent", "is_active")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("level"):
            _service_errors(
                self, lambda: services.check_authority_parent(data["level"], data.get("parent"))
            )
        return data


@admin.register(Authority)
class AuthorityAdmin(ServiceSavedAdmin):
    form = AuthorityAdminForm
    resource_classes = [AuthorityResource]
    import_kind = "authorities"
    service_fields = services.AUTHORITY_FIELDS
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "name_en", "short_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("path",)

    def get_readonly_fields(self, request, obj=None):
        # Code, level and parent make up the paths below an authority.
        return ("code", "level", "parent", "path") if obj else ("path",)

    def create(self, *, actor, data):
        return services.authority_create(actor=actor, **data)

    def update(self, *, actor, instance, data):
        return services.authority_update(actor=actor, authority=instance, **data)


class PortAdminForm(forms.ModelForm):
    class Meta:
        model = Port
        fields = services.PORT_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("authority"):
            _service_errors(self, lambda: services.check_port_authority(data["authority"]))
        return data


@admin.register(Port)
class PortAdmin(ServiceSavedAdmin):
    form = PortAdminForm
    resource_classes = [PortResource]
    import_kind = "ports"
    service_fields = services.PORT_FIELDS
    list_display = ("code", "name", "port_type", "subtype", "port_class", "status", "authority")
    list_filter = ("port_type", "subtype", "port_class", "status")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("authority",)
    autocomplete_fields = ("authority",)

    def create(self, *, actor, data):
        return services.port_create(actor=actor, **data)

    def update(self, *, actor, instance, data):
        return services.port_update(actor=actor, port=instance, **data)


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = services.UNIT_FIELDS

    def clean(self):
        data = super().clean()
        if data.get("authority"):
            unit = Unit(
                pk=self.instance.pk,
                authority=data["authority"],
                port=data.get("port"),
                parent=data.get("parent"),
            )
            _service_errors(self, lambda: services.check_unit_links(unit))
        return data


@admin.register(Unit)
class UnitAdmin(ServiceSavedAdmin):
    form = UnitAdminForm
    resource_classes = [UnitResource]
    import_kind = "units"
    service_fields = services.UNIT_FIELDS
    list_display = ("code", "name", "category", "agency", "port", "authority", "is_active")
    list_filter = ("category", "is_active", "agency")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("agency", "port", "authority")
    autocomplete_fields = ("agency", "port", "authority", "parent")

    def create(self, *, actor, data):
        return services.unit_create(actor=actor, **data)

    def update(self, *, actor, instance, data):
        return services.unit_update(actor=actor, unit=instance, **data)


@admin.register(Person)
class PersonAdmin(ServiceSavedAdmin):
    resource_classes = [PersonResource]
    import_kind = "people"
    service_fields = services.PERSON_FIELDS
    fields = services.PERSON_FIELDS
    list_display = ("code", "name", "gender", "position", "unit", "is_active")
    list_filter = ("gender", "political_status", "is_active")
    search_fields = ("code", "name", "name_en", "unit__name")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)

    def create(self, *, actor, data):
        return services.person_create(actor=actor, **data)

    def update(self, *, actor, instance, data):
        return services.person_update(actor=actor, person=instance, **data)


@admin.register(ConstructionArea)
class ConstructionAreaAdmin(NationalOfficeAdmin):
    """Reference data seeded by a migration: read-only here."""

    list_display = ("order", "code", "name", "name_en")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(NationalOfficeAdmin):
    list_display = ("code", "name", "name_en", "valid_from", "valid_until", "successor")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("successor",)
    autocomplete_fields = ("successor",)


class LeadingGroupMemberInline(admin.TabularInline):
    model = LeadingGroupMember
    extra = 0
    autocomplete_fields = ("agency",)

    def has_delete_permission(self, request, obj=None):
        return is_national_staff(request)


@admin.register(LeadingGroup)
class LeadingGroupAdmin(NationalOfficeAdmin):
    list_display = ("name", "authority", "established_on")
    search_fields = ("name", "authority__name")
    list_select_related = ("authority",)
    autocomplete_fields = ("authority",)
    inlines = [LeadingGroupMemberInline]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "role", "authority", "unit")

    def clean(self):
        data = super().clean()
        levels = Membership.AUTHORITY_LEVEL_FOR_ROLE.get(data.get("role"))
        authority = data.get("authority")
        if levels is not None and authority is not None and authority.level not in levels:
            self.add_error("authority", _("This role is granted at an authority of another level."))
        return data


@admin.register(Membership)
class MembershipAdmin(NationalOfficeAdmin):
    """Grants and revocations go through the services, which keep guardian in step."""

    form = MembershipAdminForm
    list_display = ("user", "role", "authority", "unit", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "authority__name", "unit__name")
    list_select_related = ("user", "authority", "unit")
    raw_id_fields = ("user",)
    autocomplete_fields = ("authority", "unit")

    # Granting and revoking roles is the security administrator's (civport.adminroles), by the
    # model's permissions, not the national office's business role.
    def has_module_permission(self, request):
        return admin.ModelAdmin.has_module_permission(self, request)

    def has_view_permission(self, request, obj=None):
        return admin.ModelAdmin.has_view_permission(self, request, obj)

    def has_add_permission(self, request):
        return admin.ModelAdmin.has_add_permission(self, request)

    def has_change_permission(self, request, obj=None):
        # A membership is granted or revoked, never edited in place.
        return obj is None and admin.ModelAdmin.has_add_permission(self, request)

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        saved = services.membership_grant(
            actor=request.user,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            authority=form.cleaned_data.get("authority"),
            unit=form.cleaned_data.get("unit"),
        )
        obj.pk = saved.pk
        obj.created_at = saved.created_at

    def delete_model(self, request, obj):
        services.membership_revoke(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "authority", "unit"):
            services.membership_revoke(actor=request.user, membership=membership)


class GrantAdmin(NationalOfficeAdmin):
    """The guardian grants behind memberships, for inspection: they change only through the
    membership services."""

    list_display = ("content_object", "permission", "holder")
    list_filter = ("permission",)
    list_select_related = ("content_object", "permission")

    def holder(self, obj):
        return getattr(obj, "user", None) or getattr(obj, "group", None)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuthorityUserObjectPermission, UnitUserObjectPermission)
class UserGrantAdmin(GrantAdmin):
    list_select_related = ("content_object", "permission", "user")
    search_fields = ("user__username", "content_object__name")


@admin.register(AuthorityGroupObjectPermission, UnitGroupObjectPermission)
class GroupGrantAdmin(GrantAdmin):
    list_select_related = ("content_object", "permission", "group")
    search_fields = ("group__name", "content_object__name")


# --- the campaign's work, filings and what the public sends ------------------------------------
#
# These records move through workflows (submit, answer, verify, close …) whose rules live in the
# services, so the admin shows them read-only; the few transitions that need nothing but the
# record are offered as actions that call the service for each selected row. Stored files are
# left out: they are served only after an access check, never from a plain media address.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
    select_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def run_service(modeladmin, request, queryset, call, done):
    """Call `call(actor=, obj=)` for each selected row, each in its own transaction; report how
    many went through and why any did not."""
    count = 0
    for obj in queryset:
        try:
            call(actor=request.user, obj=obj)
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(
                    request,
                    _("%(object)s: %(reason)s") % {"object": obj, "reason": message},
                    messages.WARNING,
                )
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count) % {"count": count}, messages.SUCCESS)


FILE_FIELDS = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


class FilingVersionInline(ReadOnlyInline):
    model = FilingVersion
    fields = ("number", "title", "submitted_by", "submitted_at", "outcome", "comments")
    select_related = ("filing__authority", "submitted_by")


class FilingAttachmentInline(ReadOnlyInline):
    model = FilingAttachment
    fields = (*FILE_FIELDS, "removed_at")
    select_related = ("filing__authority", "uploaded_by")


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = ("authority", "kind", "title", "status", "version_count", "submitted_at")
    list_filter = ("kind", "status")
    search_fields = ("title", "authority__name", "authority__code")
    list_select_related = ("authority",)
    inlines = [FilingVersionInline, FilingAttachmentInline]
    actions = ["acknowledge"]

    @admin.action(description=gettext_lazy("Acknowledge the submitted version"))
    def acknowledge(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda actor, obj: filing_services.filing_acknowledge(actor=actor, filing=obj),
            lambda n: ngettext(
                "%(count)s filing acknowledged.", "%(count)s filings acknowledged.", n
            ),
        )


@admin.register(FilingVersion)
class FilingVersionAdmin(ReadOnlyAdmin):
    list_display = ("filing", "number", "title", "submitted_at", "outcome", "answered_at")
    list_filter = ("outcome",)
    search_fields = ("title", "filing__authority__name")
    list_select_related = ("filing__authority",)


@admin.register(FilingAttachment)
class FilingAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "filing", "content_type", "size", "uploaded_at", "removed_at")
    search_fields = ("original_name", "filing__authority__name")
    list_select_related = ("filing__authority",)
    fields = ("filing", *FILE_FIELDS, "removed_at")
    exclude = ("file",)


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "title", "authority", "due_on", "status", "reference")
    list_filter = ("status",)
    search_fields = ("title", "unit__name", "authority__name", "reference")
    list_select_related = ("unit", "authority")


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = ("area", "unit", "goal", "owner_person", "owner_name", "due_on", "target_activities")
    select_related = ("area", "unit", "owner_person")


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "authority", "year", "status", "published_at")
    list_filter = ("year", "status")
    search_fields = ("title", "authority__name")
    list_select_related = ("authority",)
    inlines = [CommitmentInline]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("plan", "unit", "area", "owner_person", "owner_name", "due_on")
    list_filter = ("area",)
    search_fields = ("goal", "unit__name", "plan__title")
    list_select_related = ("plan", "unit", "area", "owner_person")


@admin.register(SpecialCampaign)
class SpecialCampaignAdmin(ReadOnlyAdmin):
    list_display = ("name", "authority", "theme_area", "starts_on", "ends_on")
    list_filter = ("theme_area",)
    search_fields = ("name", "authority__name")
    list_select_related = ("authority", "theme_area")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "authority", "signed_on", "valid_until")
    list_filter = ("kind",)
    search_fields = ("title", "authority__name")
    list_select_related = ("authority",)
    exclude = ("file",)


class ActivityEvidenceInline(ReadOnlyInline):
    model = ActivityEvidence
    fields = FILE_FIELDS
    select_related = ("activity", "uploaded_by")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("occurred_on", "title", "form", "authority", "unit", "status")
    list_filter = ("status", "form")
    search_fields = ("title", "unit__name", "authority__name")
    list_select_related = ("authority", "unit")
    inlines = [ActivityEvidenceInline]
    actions = ["verify"]

    @admin.action(description=gettext_lazy("Verify the submitted activities"))
    def verify(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda actor, obj: work_services.activity_verify(actor=actor, activity=obj),
            lambda n: ngettext("%(count)s activity verified.", "%(count)s activities verified.", n),
        )


@admin.register(ActivityEvidence)
class ActivityEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "activity", "content_type", "size", "uploaded_at")
    search_fields = ("original_name", "activity__title")
    list_select_related = ("activity",)
    exclude = ("file",)


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("text", "created_at")


class RectificationInline(ReadOnlyInline):
    model = Rectification
    fields = ("finding", "owner_unit", "due_on", "status", "closed_at")
    select_related = ("finding", "owner_unit")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("visited_on", "inspectors", "authority")
    search_fields = ("inspectors", "summary", "authority__name")
    list_select_related = ("authority",)
    inlines = [FindingInline, RectificationInline]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "inspection", "created_at")
    search_fields = ("text",)
    list_select_related = ("inspection",)


class RectificationEvidenceInline(ReadOnlyInline):
    model = RectificationEvidence
    fields = FILE_FIELDS
    select_related = ("rectification__finding", "uploaded_by")


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "inspection", "owner_unit", "due_on", "status", "closed_at")
    list_filter = ("status",)
    search_fields = ("finding__text", "owner_unit__name")
    list_select_related = ("finding", "inspection", "owner_unit")
    inlines = [RectificationEvidenceInline]
    actions = ["close"]

    def get_queryset(self, request):
        # The item is named by its finding's text (the change page's title too).
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.action(description=gettext_lazy("Close the answered items"))
    def close(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda actor, obj: work_services.rectification_close(actor=actor, item=obj),
            lambda n: ngettext(
                "%(count)s rectification item closed.",
                "%(count)s rectification items closed.",
                n,
            ),
        )


@admin.register(RectificationEvidence)
class RectificationEvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "rectification", "content_type", "size", "uploaded_at")
    search_fields = ("original_name",)
    list_select_related = ("rectification__finding",)
    exclude = ("file",)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "port", "status", "answered_at", "closed_at")
    list_filter = ("kind", "status")
    search_fields = ("text", "port__name")
    list_select_related = ("port",)
    # Only the submitter's code opens an item; its hash is of no use to anyone here.
    exclude = ("tracking_hash",)


class SurveyGroupInline(ReadOnlyInline):
    model = SurveyGroup
    fields = ("order", "name")


class SurveyDimensionInline(ReadOnlyInline):
    model = SurveyDimension
    fields = ("order", "name")


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "port", "mode", "status", "period_start", "period_end")
    list_filter = ("status", "mode")
    search_fields = ("title", "port__name")
    list_select_related = ("port",)
    inlines = [SurveyGroupInline, SurveyDimensionInline]
    actions = ["close"]

    @admin.action(description=gettext_lazy("Close the open surveys"))
    def close(self, request, queryset):
        run_service(
            self,
            request,
            queryset,
            lambda actor, obj: public_services.survey_close(actor=actor, survey=obj),
            lambda n: ngettext("%(count)s survey closed.", "%(count)s surveys closed.", n),
        )


@admin.register(SurveyGroup, SurveyDimension)
class SurveyPartAdmin(ReadOnlyAdmin):
    list_display = ("name", "survey", "order")
    search_fields = ("name", "survey__title")
    list_select_related = ("survey",)


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ("code", "survey", "created_at", "used_at")
    search_fields = ("code", "survey__title")
    list_select_related = ("survey",)


class SurveyRatingInline(ReadOnlyInline):
    model = SurveyRating
    fields = ("agency", "dimension", "score")
    select_related = ("agency", "dimension")
    show_change_link = False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ("submitted_at", "survey", "group", "invitation")
    search_fields = ("survey__title", "comment")
    list_select_related = ("survey", "group", "invitation")
    inlines = [SurveyRatingInline]


@admin.register(SurveyRating)
class SurveyRatingAdmin(ReadOnlyAdmin):
    list_display = ("response", "agency", "dimension", "score")
    list_filter = ("score",)
    list_select_related = ("response__survey", "agency", "dimension")

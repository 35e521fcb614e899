"""The national office's admin for the campaign's organisation.

Authorities, ports, units and people are saved through the services (so every change has its
audit entry) and imported through the same all-or-nothing engine as the portal
(`campaigns.imports`), with a preview before anything is written. Memberships are granted and
revoked through `membership_grant` / `membership_revoke`, which keep the guardian permission in
step. Only staff of the national office (or superusers) see any of it; nothing here is deleted,
since every record is referenced from elsewhere: deactivate it instead.
"""

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin

from campaigns import services
from campaigns.forms import ImportUploadForm
from campaigns.imports import delete_stored, import_records, load_stored, store_upload
from campaigns.models import (
    Agency,
    Authority,
    AuthorityGroupObjectPermission,
    AuthorityUserObjectPermission,
    ConstructionArea,
    LeadingGroup,
    LeadingGroupMember,
    Membership,
    Person,
    Port,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)
from campaigns.resources import AuthorityResource, PersonResource, PortResource, UnitResource
from campaigns.scope import scope_for

ADMIN_TOKEN_SALT = "campaigns.admin.import"
ADMIN_TOKEN_MAX_AGE = 2 * 3600


def is_national_staff(request):
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or scope_for(user).is_national)


class NationalOfficeAdmin(admin.ModelAdmin):
    """Open to the national office's staff; nothing is deleted from here."""

    def has_module_permission(self, request):
        return is_national_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_add_permission(self, request):
        return is_national_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_national_staff(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceSavedAdmin(ImportExportModelAdmin, NationalOfficeAdmin):
    """Saves through the services and imports through the engine, with a preview."""

    import_kind = ""
    service_fields = ()
    import_template_name = "campaigns/imports/admin_import.html"

    def has_import_permission(self, request):
        return is_national_staff(request)

    def has_export_permission(self, request):
        return is_national_staff(request)

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

    def has_change_permission(self, request, obj=None):
        # A membership is granted or revoked, never edited in place.
        return obj is None and is_national_staff(request)

    def has_delete_permission(self, request, obj=None):
        return is_national_staff(request)

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

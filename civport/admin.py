"""The admin's shared pieces: who counts as the national office's staff, the base of its
screens, and the read-only views of the audit trail and the notices."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from civport.adminroles import SECURITY, SYSTEM, in_role
from civport.audit import audit_record
from civport.hooks import app_hooks
from civport.models import AuditArchive, AuditEntry, LoginEvent, Notification


def is_national_staff(request):
    """Whether the request's user is staff of the national office (or a superuser).

    Where a user sits in the hierarchy is the campaign organisation's to say, so it is asked of
    the apps' `national_user` hook; civport does not import the apps built on it."""
    user = request.user
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or any(hook(user) for _label, hook in app_hooks("national_user")))
    )


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


class ReadOnlyAdmin(NationalOfficeAdmin):
    """Records that move through the services' workflows: shown, never changed here."""

    def get_readonly_fields(self, request, obj=None):
        # Every field the page shows, the automatic dates included; left-out fields stay out.
        opts = self.model._meta
        return [
            field.name
            for field in [*opts.fields, *opts.many_to_many]
            if not field.auto_created and field.name not in (self.exclude or ())
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LogAdmin(admin.ModelAdmin):
    """A log the portal writes (audit entries, logins, archives, notifications): shown to those
    holding its view permission, never added, changed or deleted here."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(LogAdmin):
    list_display = ("at", "action", "actor_repr", "object_repr", "ip_address", "outcome")
    list_filter = ("outcome", "action", "content_type")
    search_fields = ("action", "actor_repr", "object_repr", "object_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("read")), ("no", _("unread"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(LogAdmin):
    """Notices are written by civport.notifications and read by their users: shown here only."""

    list_display = ("created_at", "user", "title", "key", "day", "is_read", "emailed_at")
    list_filter = ("day", ReadFilter)
    search_fields = ("user__username", "key")
    date_hierarchy = "day"
    list_select_related = ("user",)

    @admin.display(boolean=True, description=_("read"))
    def is_read(self, obj):
        return obj.is_read


@admin.register(LoginEvent)
class LoginEventAdmin(LogAdmin):
    """The login log, for the audit administrator: read only."""

    list_display = ("at", "username", "outcome", "ip_address", "end", "ended_at")
    list_filter = ("outcome", "end")
    search_fields = ("username", "ip_address")
    date_hierarchy = "at"


class CivportUserAdmin(UserAdmin):
    """Accounts split between the administrators: the system administrator edits an account's
    details and state, the security administrator its groups; nobody but a superuser makes a
    superuser or grants single permissions."""

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        if user.is_superuser:
            return super().get_readonly_fields(request, obj)
        readonly = {"is_superuser", "user_permissions", "last_login", "date_joined"}
        if not in_role(user, SECURITY):
            readonly |= {"groups", "is_staff"}
        if not in_role(user, SYSTEM):
            readonly |= {"username", "first_name", "last_name", "email", "is_active"}
        return sorted(readonly)

    # Role grants and revokes, and passwords set here, are audited like the portal's own
    # (GB/T 22239-2019 8.1.4.3): the administrator roles are the user's groups.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        flags = [name for name in ("is_staff", "is_superuser") if name in form.changed_data]
        if change and flags:
            audit_record(
                actor=request.user,
                action="civport.account.admin_flags_changed",
                obj=obj,
                changes={name: getattr(obj, name) for name in flags},
            )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        for action, names in (("granted", after - before), ("revoked", before - after)):
            for name in sorted(names):
                audit_record(
                    actor=request.user,
                    action=f"civport.admin_role.{action}",
                    obj=user,
                    changes={"group": name},
                )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if (
            request.method == "POST"
            and response.status_code == 302
            and (response.url != request.get_full_path())
        ):
            user = self.get_object(request, id)
            audit_record(actor=request.user, action="civport.password.set_by_admin", obj=user)
        return response


@admin.register(AuditArchive)
class AuditArchiveAdmin(LogAdmin):
    """The archives written by `audit_archive`: read only, like the audit log."""

    list_display = ("file_name", "first_seq", "last_seq", "entry_count", "before", "created_at")


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), CivportUserAdmin)

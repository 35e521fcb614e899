from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civport.models import AuditEntry, Notification


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_repr", "object_repr", "ip_address")
    list_filter = ("action", "content_type")
    search_fields = ("action", "actor_repr", "object_repr", "object_id")
    date_hierarchy = "at"
    list_select_related = ("content_type",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class NotificationAdmin(admin.ModelAdmin):
    """Notices are written by civport.notifications and read by their users: shown here only."""

    list_display = ("created_at", "user", "title", "key", "day", "is_read", "emailed_at")
    list_filter = ("day", ReadFilter)
    search_fields = ("user__username", "key")
    date_hierarchy = "day"
    list_select_related = ("user",)

    @admin.display(boolean=True, description=_("read"))
    def is_read(self, obj):
        return obj.is_read

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from civport.models import AuditEntry


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

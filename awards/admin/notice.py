"""Objections to the candidates of the public notice, resolved by the national office.

What the public filed is shown read-only; the office upholds or dismisses the selected
objections through an intermediate page asking for the resolution, each through
`objection_resolve` (an upheld objection withdraws its nomination). Refusals are reported per
objection and change nothing.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from awards.forms.notice import ResolutionForm
from awards.models import Objection
from awards.services.notice import objection_resolve
from civport.admin import ReadOnlyAdmin


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "candidate", "title", "province", "name", "status", "resolved_at")
    list_filter = ("status", "nomination__round", "nomination__title")
    search_fields = (
        "nomination__nominee_name",
        "name",
        "phone",
        "email",
        "organisation",
        "text",
    )
    list_select_related = ("nomination__province",)
    actions = ["uphold", "dismiss"]
    fieldsets = (
        (gettext_lazy("Filed by the public"), {"fields": ("nomination", "created_at", "text")}),
        (gettext_lazy("Contact"), {"fields": ("name", "phone", "email", "organisation")}),
        (
            gettext_lazy("Resolution"),
            {"fields": ("status", "resolution", "resolved_by", "resolved_at")},
        ),
    )

    def get_queryset(self, request):
        # The change page's title names the nomination too.
        return super().get_queryset(request).select_related(*self.list_select_related)

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, part in self.fieldsets for name in part["fields"]]

    @admin.display(description=gettext_lazy("candidate"), ordering="nomination__nominee_name")
    def candidate(self, obj):
        return obj.nomination

    @admin.display(description=gettext_lazy("title"), ordering="nomination__title")
    def title(self, obj):
        return obj.nomination.get_title_display()

    @admin.display(description=gettext_lazy("province"), ordering="nomination__province__path")
    def province(self, obj):
        return obj.nomination.province.name

    # -- resolving -------------------------------------------------------------------------
    @admin.action(
        description=gettext_lazy("Uphold the selected objections (withdraws the nomination)")
    )
    def uphold(self, request, queryset):
        return self._resolve(request, queryset, uphold=True)

    @admin.action(description=gettext_lazy("Dismiss the selected objections"))
    def dismiss(self, request, queryset):
        return self._resolve(request, queryset, uphold=False)

    def _resolve(self, request, queryset, *, uphold):
        """First the page asking for the resolution; once it is sent, the service for each
        selected objection."""
        form = ResolutionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for objection in queryset.order_by("pk"):
                try:
                    objection_resolve(
                        actor=request.user,
                        objection=objection,
                        uphold=uphold,
                        resolution=form.cleaned_data["resolution"],
                    )
                except ValidationError as error:
                    for message in error.messages:
                        self.message_user(
                            request,
                            _("%(object)s: %(reason)s") % {"object": objection, "reason": message},
                            messages.ERROR,
                        )
                else:
                    done += 1
            if done:
                message = (
                    ngettext(
                        "%(count)s objection upheld; its nomination is withdrawn.",
                        "%(count)s objections upheld; their nominations are withdrawn.",
                        done,
                    )
                    if uphold
                    else ngettext(
                        "%(count)s objection dismissed.", "%(count)s objections dismissed.", done
                    )
                )
                self.message_user(request, message % {"count": done}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Uphold objections") if uphold else _("Dismiss objections"),
            "opts": self.model._meta,
            "objections": list(queryset.order_by("pk")),
            "form": form,
            "uphold": uphold,
            "action": "uphold" if uphold else "dismiss",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "awards/notice/admin_resolve.html", context)

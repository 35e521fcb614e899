"""Honours and the commendation decision in the admin.

The rows are written by the services only: the admin shows them, and its actions call
`certificates_render_again`, `decision_render_again` and `honour_revoke` (revocation asks for
the reason on an intermediate page). The honours' changelist opens with the progress of each
decided round's documents; a round's documents page (`admin:awards_round_documents`) details
it, with the failed renders and their errors, and offers the zip of all its certificates
(`admin:awards_round_certificates_zip`, streamed from the stored files).
"""

import re
import zipfile

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from awards.admin.rounds import ProvinceFilter
from awards.forms.honours import HonourRevokeForm
from awards.models import DecisionDocument, Honour, RenderStatus, Round
from awards.selectors.honours import round_documents_progress
from awards.services import honours as services
from civport.admin import ReadOnlyAdmin
from civport.audit import audit_export
from civport.uploads import attachment_response

PDF = "application/pdf"
FAILED_SHOWN = 50


class RevokedFilter(admin.SimpleListFilter):
    title = gettext_lazy("revoked")
    parameter_name = "revoked"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Revoked")), ("no", gettext_lazy("Standing"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


def _pdf_link(url, field_file):
    if not field_file:
        return "—"
    return format_html('<a href="{}">{}</a>', url, _("PDF"))


def _zip_name(honour_number, recipient):
    # The recipient's name helps whoever unpacks the archive; characters no file system
    # accepts are replaced.
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", recipient).strip("_")[:60]
    return f"{honour_number}_{safe}.pdf" if safe else f"{honour_number}.pdf"


class _ZipSink:
    """The unseekable file zipfile writes to; what it wrote is taken away chunk by chunk."""

    def __init__(self):
        self.chunks = []
        self.position = 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def take(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


def certificates_zip_stream(files):
    """Yield a zip archive of `files`, (name in the archive, stored FieldFile) pairs, one file
    at a time: the archive is never held whole in memory. PDFs barely compress, so the fastest
    level is used."""
    sink = _ZipSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, field_file in files:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                continue
            yield sink.take()
    yield sink.take()


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "recipient",
        "title",
        "province_name",
        "round_years",
        "render_status",
        "rendered_at",
        "is_standing",
        "certificate",
    )
    list_filter = ("round", "title", ProvinceFilter, "render_status", RevokedFilter)
    search_fields = ("recipient", "recipient_unit", "number")
    list_select_related = ("round", "province")
    ordering = ("-round__start_year", "number")
    actions = ["render_again", "revoke"]
    change_list_template = "awards/honours/admin_change_list.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "round",
                    "title",
                    "province",
                    "recipient",
                    "recipient_unit",
                    "nomination",
                    "created_at",
                    "verification",
                )
            },
        ),
        (
            gettext_lazy("Certificate"),
            {
                "fields": (
                    "render_status",
                    "render_queued_at",
                    "render_claimed_at",
                    "render_attempts",
                    "rendered_at",
                    "render_error",
                    "certificate",
                )
            },
        ),
        (gettext_lazy("Revocation"), {"fields": ("revoked_at", "revoked_reason")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, part in self.fieldsets for name in part["fields"]]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round", "province", "nomination")

    @admin.display(description=gettext_lazy("province"), ordering="province__path")
    def province_name(self, obj):
        return obj.province.short_name or obj.province.name

    @admin.display(description=gettext_lazy("award round"), ordering="round__start_year")
    def round_years(self, obj):
        return obj.round.years_label

    @admin.display(description=gettext_lazy("standing"), boolean=True, ordering="revoked_at")
    def is_standing(self, obj):
        return not obj.is_revoked

    @admin.display(description=gettext_lazy("certificate PDF"))
    def certificate(self, obj):
        return _pdf_link(reverse("admin:awards_honour_download", args=[obj.pk]), obj.pdf)

    @admin.display(description=gettext_lazy("verification page"))
    def verification(self, obj):
        url = reverse("awards:verify", args=[obj.code])
        return format_html('<a href="{}">{}</a>', url, url)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "round_progress": self.rounds_progress()}
        return super().changelist_view(request, extra_context)

    @staticmethod
    def rounds_progress():
        """One row per round that has its decision: certificates by render status, the
        decision's status. Two queries whatever the number of rounds and honours."""
        counts = {}
        for round_id, status, n in (
            Honour.objects.order_by()
            .values_list("round_id", "render_status")
            .annotate(n=Count("pk"))
        ):
            counts.setdefault(round_id, {})[status] = n
        rows = []
        for decision in DecisionDocument.objects.select_related("round").order_by(
            "-round__start_year", "round__code"
        ):
            of_round = counts.get(decision.round_id, {})
            rows.append(
                {
                    "round": decision.round,
                    "decision": decision,
                    "total": sum(of_round.values()),
                    **{status: of_round.get(status, 0) for status in RenderStatus.values},
                }
            )
        return rows

    # -- actions -----------------------------------------------------------------------------
    @admin.action(description=gettext_lazy("Render the selected certificates again"))
    def render_again(self, request, queryset):
        honours = list(queryset.order_by("pk"))
        queued = services.certificates_render_again(actor=request.user, honours=honours)
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d certificate will be rendered again.",
                    "%(count)d certificates will be rendered again.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if queued < len(honours):
            self.message_user(
                request,
                ngettext(
                    "%(count)d certificate is being rendered right now and was left alone.",
                    "%(count)d certificates are being rendered right now and were left alone.",
                    len(honours) - queued,
                )
                % {"count": len(honours) - queued},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Revoke the selected titles"))
    def revoke(self, request, queryset):
        """First the page asking for the reason; once it is sent, the service for each."""
        form = HonourRevokeForm(request.POST if "apply" in request.POST else None)
        honours = list(queryset.select_related("round", "province").order_by("number"))
        if form.is_valid():
            done = 0
            for honour in honours:
                try:
                    services.honour_revoke(
                        actor=request.user, honour=honour, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as error:
                    for message in error.messages:
                        self.message_user(
                            request,
                            _("%(object)s: %(reason)s") % {"object": honour, "reason": message},
                            messages.ERROR,
                        )
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d title revoked; its verification page says so.",
                        "%(count)d titles revoked; their verification pages say so.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke titles"),
            "opts": self.model._meta,
            "honours": honours,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "awards/honours/admin_revoke.html", context)

    # -- pages of their own ------------------------------------------------------------------
    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path(
                "<int:pk>/certificate.pdf", view(self.download_view), name="awards_honour_download"
            ),
            path(
                "round/<int:round_pk>/documents/",
                view(self.documents_view),
                name="awards_round_documents",
            ),
            path(
                "round/<int:round_pk>/documents/render-failed/",
                view(self.render_failed_view),
                name="awards_round_render_failed",
            ),
            path(
                "round/<int:round_pk>/certificates.zip",
                view(self.zip_view),
                name="awards_round_certificates_zip",
            ),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def download_view(self, request, pk):
        self._check(request)
        honour = get_object_or_404(Honour, pk=pk, render_status=RenderStatus.DONE)
        return attachment_response(
            honour.pdf, original_name=f"{honour.number}.pdf", content_type=PDF
        )

    def documents_view(self, request, round_pk):
        """The progress of one round's documents, its failed renders and the downloads."""
        self._check(request)
        round = get_object_or_404(Round, pk=round_pk)
        progress = round_documents_progress(round)
        certificates = progress["certificates"]
        decision = DecisionDocument.objects.filter(round=round).first()
        failed = list(
            Honour.objects.filter(round=round, render_status=RenderStatus.FAILED).order_by(
                "number"
            )[:FAILED_SHOWN]
        )
        ready = services.readiness(progress) if decision is not None else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Documents of %(round)s") % {"round": round.name},
            "opts": self.model._meta,
            "round": round,
            "decision": decision,
            "counts": [
                (RenderStatus(status).label, certificates.get(status, 0), status)
                for status in RenderStatus.values
            ],
            "total": sum(certificates.values()),
            "failed": failed,
            "failed_count": certificates.get(RenderStatus.FAILED, 0),
            "done_count": certificates.get(RenderStatus.DONE, 0),
            "ready": ready,
            # While any document waits or renders, the page refreshes its progress by itself.
            "in_progress": bool(
                certificates.get(RenderStatus.PENDING, 0)
                or certificates.get(RenderStatus.RENDERING, 0)
                or (
                    decision is not None
                    and decision.render_status in (RenderStatus.PENDING, RenderStatus.RENDERING)
                )
            ),
        }
        return TemplateResponse(request, "awards/honours/admin_documents.html", context)

    @method_decorator(require_POST)
    def render_failed_view(self, request, round_pk):
        """Render again every failed certificate of the round, and its decision if it failed."""
        self._check(request)
        round = get_object_or_404(Round, pk=round_pk)
        failed = list(Honour.objects.filter(round=round, render_status=RenderStatus.FAILED))
        queued = services.certificates_render_again(actor=request.user, honours=failed)
        decision = DecisionDocument.objects.filter(
            round=round, render_status=RenderStatus.FAILED
        ).first()
        if decision is not None:
            services.decision_render_again(actor=request.user, decision=decision)
            queued += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d document will be rendered again.",
                "%(count)d documents will be rendered again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        return redirect("admin:awards_round_documents", round_pk=round.pk)

    def zip_view(self, request, round_pk):
        """All the round's rendered certificates in one zip, streamed as it is built."""
        self._check(request)
        round = get_object_or_404(Round, pk=round_pk)
        honours = list(
            Honour.objects.filter(round=round, render_status=RenderStatus.DONE)
            .exclude(pdf="")
            .order_by("number")
            .only("number", "recipient", "pdf")
        )
        if not honours:
            raise Http404
        files = [(_zip_name(h.number, h.recipient), h.pdf) for h in honours]
        audit_export(
            actor=request.user,
            action="awards.round.certificates_exported",
            obj=round,
            fmt="zip",
            rows=len(files),
        )
        response = StreamingHttpResponse(
            certificates_zip_stream(files), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="certificates-{round.code}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "round",
        "render_status",
        "render_attempts",
        "rendered_at",
        "document",
        "documents",
    )
    list_filter = ("render_status",)
    list_select_related = ("round",)
    actions = ["render_again"]
    readonly_fields = (
        "round",
        "approval",
        "render_status",
        "render_queued_at",
        "render_claimed_at",
        "render_attempts",
        "rendered_at",
        "render_error",
        "document",
        "created_at",
    )
    fields = readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=gettext_lazy("decision PDF"))
    def document(self, obj):
        return _pdf_link(reverse("admin:awards_decisiondocument_download", args=[obj.pk]), obj.pdf)

    @admin.display(description=gettext_lazy("certificates"))
    def documents(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:awards_round_documents", kwargs={"round_pk": obj.round_id}),
            _("Progress"),
        )

    @admin.action(description=gettext_lazy("Render the selected decisions again"))
    def render_again(self, request, queryset):
        for decision in queryset.select_related("round"):
            try:
                services.decision_render_again(actor=request.user, decision=decision)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(
                        request,
                        _("%(object)s: %(reason)s") % {"object": decision, "reason": message},
                        messages.ERROR,
                    )
            else:
                self.message_user(
                    request,
                    _("%(object)s: the decision will be rendered again.") % {"object": decision},
                    messages.SUCCESS,
                )

    def get_urls(self):
        return [
            path(
                "<int:pk>/decision.pdf",
                self.admin_site.admin_view(self.download_view),
                name="awards_decisiondocument_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        decision = get_object_or_404(
            DecisionDocument.objects.select_related("round"), pk=pk, render_status=RenderStatus.DONE
        )
        return attachment_response(
            decision.pdf, original_name=f"decision-{decision.round.code}.pdf", content_type=PDF
        )

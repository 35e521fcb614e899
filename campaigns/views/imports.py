"""Import and export screens for provincial and port officers (and the national office).

Upload → preview (a dry run: rows to create, to update, with errors) → confirm. The uploaded file
waits under MEDIA_ROOT/imports/ with a random name; the preview hands the browser a signed,
expiring token bound to the user and the kind, and the confirmation re-validates the file before
anything is written. Small files are imported within the request; larger ones by a background
job (`campaigns.jobs`), followed on its own page and listed on the start page.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from campaigns import services
from campaigns.forms import ExportPurposeForm
from campaigns.imports import KINDS, import_records
from campaigns.jobs import RECORDS_IMPORT
from campaigns.resources import RESOURCES
from campaigns.scope import scope_for
from campaigns.selectors import (
    authority_list_for,
    person_list_for,
    port_list_for,
    unit_list_for,
)
from civport.audit import audit_export
from civport.forms import ImportUploadForm
from civport.imports import delete_stored, load_stored, store_upload
from civport.jobs import job_start, recent_jobs
from civport.spreadsheets import spreadsheet_response

TOKEN_SALT = "campaigns.imports.upload"
TOKEN_MAX_AGE = 2 * 3600
PREVIEW_ROWS = 200
FORMATS = ("xlsx", "csv")
KIND_LABELS = {
    "authorities": gettext_lazy("Authorities"),
    "ports": gettext_lazy("Ports"),
    "units": gettext_lazy("Participating units"),
    "people": gettext_lazy("People"),
}
SELECTORS = {
    "authorities": authority_list_for,
    "ports": port_list_for,
    "units": unit_list_for,
    "people": person_list_for,
}


def _inline_rows():
    """Files up to this many rows are imported within the request, larger ones by a task."""
    return getattr(settings, "CIVPORT_IMPORT_INLINE_ROWS", 500)


def _check_access(request, kind=None):
    """Officers who may change records somewhere; everyone else gets the same 404."""
    if not scope_for(request.user).can_import:
        raise Http404
    if kind is not None and kind not in KINDS:
        raise Http404


def _kinds():
    return [{"kind": kind, "label": KIND_LABELS[kind]} for kind in KINDS]


def import_start(request):
    _check_access(request)
    return render(
        request,
        "campaigns/imports/start.html",
        {
            "kinds": _kinds(),
            "jobs": recent_jobs(request.user, RECORDS_IMPORT),
            "kind_labels": KIND_LABELS,
            "max_size": filesizeformat(settings.CIVPORT_IMPORT_MAX_BYTES),
            "max_rows": settings.CIVPORT_IMPORT_MAX_ROWS,
        },
    )


def _preview(request, kind, result, *, token=None, status=200):
    shown = result.errors + [row for row in result.rows if row.action != "error"]
    return render(
        request,
        "campaigns/imports/preview.html",
        {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "result": result,
            "counts": result.counts,
            "rows": shown[:PREVIEW_ROWS],
            "hidden_rows": max(0, len(shown) - PREVIEW_ROWS),
            "token": token,
        },
        status=status,
    )


def import_upload(request, kind):
    _check_access(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_records(
            kind=kind,
            data=form.data_bytes,
            filename=upload.name,
            actor=request.user,
            dry_run=True,
        )
        if result.file_errors:
            for message in result.file_errors:
                form.add_error("file", message)
        else:
            token = None
            if result.ok:
                stored = store_upload(form.data_bytes, upload.name)
                token = signing.dumps(
                    {"u": request.user.pk, "k": kind, "f": stored, "r": len(result.rows)},
                    salt=TOKEN_SALT,
                )
            return _preview(request, kind, result, token=token)
    return render(
        request,
        "campaigns/imports/upload.html",
        {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "form": form,
            "headers": RESOURCES[kind].headers(),
            "required": [
                RESOURCES[kind]().fields[name].column_name
                for name in RESOURCES[kind].required_columns
            ],
            "max_size": filesizeformat(settings.CIVPORT_IMPORT_MAX_BYTES),
            "max_rows": settings.CIVPORT_IMPORT_MAX_ROWS,
        },
    )


@require_POST
def import_confirm(request, kind):
    _check_access(request, kind)
    try:
        payload = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("campaigns:import-upload", kind=kind)
    if payload.get("u") != request.user.pk or payload.get("k") != kind:
        raise Http404
    stored = payload["f"]
    if payload.get("r", 0) > _inline_rows():
        job = job_start(
            actor=request.user,
            kind=RECORDS_IMPORT,
            label=_("Import of %(records)s") % {"records": KIND_LABELS[kind]},
            params={"kind": kind, "stored": stored},
            back_url=reverse("campaigns:import-start"),
        )
        return redirect("jobs:job", job.pk)
    try:
        data = load_stored(stored)
    except FileNotFoundError:
        messages.error(request, _("This file has already been imported or has expired."))
        return redirect("campaigns:import-start")
    result = import_records(kind=kind, data=data, filename=stored, actor=request.user)
    if not result.applied:
        delete_stored(stored)
        return _preview(request, kind, result)
    delete_stored(stored)
    messages.success(request, result.finished_message())
    return redirect("campaigns:import-start")


# --- templates and exports ----------------------------------------------------------------


def import_template(request, kind, fmt):
    _check_access(request, kind)
    if fmt not in FORMATS:
        raise Http404
    resource = RESOURCES[kind]
    example = [
        res_field.widget.render(resource.example.get(name))
        if name not in ("agency", "port", "authority", "parent", "unit")
        else resource.example.get(name, "")
        for name, res_field in resource.column_fields()
    ]
    return spreadsheet_response(
        fmt, kind, resource.headers(), [example], f"civport-{kind}-template"
    )


# Kinds whose sheet holds personal information: exported only with a stated purpose, audited.
PERSONAL_KINDS = frozenset({"people"})


def export_records(request, kind, fmt):
    _check_access(request, kind)
    if fmt not in FORMATS:
        raise Http404
    purpose = None
    if kind in PERSONAL_KINDS:
        form = ExportPurposeForm(request.POST or None)
        if request.method != "POST" or not form.is_valid():
            return render(
                request,
                "campaigns/imports/export_purpose.html",
                {"form": form, "kind_label": KIND_LABELS[kind], "fmt": fmt.upper()},
                status=400 if form.errors else 200,
            )
        purpose = form.recorded_purpose()
    queryset = SELECTORS[kind](request.user)
    dataset = RESOURCES[kind]().export(queryset)
    if purpose is not None:
        services.personal_data_exported(
            actor=request.user, kind=kind, purpose=purpose, rows=len(dataset), fmt=fmt
        )
    else:
        audit_export(
            actor=request.user,
            action="campaigns.records.exported",
            fmt=fmt,
            rows=len(dataset),
            details={"kind": kind},
        )
    stamp = datetime.date.today().isoformat()
    return spreadsheet_response(fmt, kind, dataset.headers, dataset, f"civport-{kind}-{stamp}")

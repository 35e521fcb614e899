"""A background job's page, its progress (polled by htmx) and its file, for its owner only."""

import mimetypes

from django.shortcuts import render
from django.urls import path

from civport.audit import audit_export
from civport.jobs import access_job
from civport.uploads import attachment_response


def job_page(request, pk):
    return render(request, "civport/jobs/job.html", {"job": access_job(request.user, pk)})


def job_progress(request, pk):
    return render(request, "civport/jobs/_progress.html", {"job": access_job(request.user, pk)})


def job_file(request, pk):
    job = access_job(request.user, pk)
    if not job.file:
        return job_page(request, pk)
    audit_export(
        actor=request.user,
        action="civport.job.downloaded",
        obj=job,
        fmt=job.file_name.rpartition(".")[2],
    )
    content_type = mimetypes.guess_type(job.file_name)[0] or "application/octet-stream"
    return attachment_response(job.file, original_name=job.file_name, content_type=content_type)


app_name = "jobs"

urlpatterns = [
    path("<uuid:pk>/", job_page, name="job"),
    path("<uuid:pk>/progress/", job_progress, name="progress"),
    path("<uuid:pk>/file/", job_file, name="file"),
]

"""Campaign work run in the background (civport.jobs): importing a large file of records the
user previewed and confirmed.

Safe to run twice: an import is an upsert by code in one transaction, so a run interrupted
mid-way left nothing behind, and the file is deleted once it is imported (a second run finds
it gone and says so)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from campaigns.imports import import_records
from civport.imports import delete_stored, load_stored
from civport.jobs import JobResult, job_kind

RECORDS_IMPORT = "campaigns.records_import"
# How many row errors a failed import keeps on its page.
ERRORS_KEPT = 50


def records_import_job(job, progress):
    stored = job.params["stored"]
    progress(0, 3, _("Reading the file"))
    try:
        data = load_stored(stored)
    except FileNotFoundError:
        raise ValidationError(_("This file has already been imported or has expired.")) from None
    result = import_records(
        kind=job.params["kind"], data=data, filename=stored, actor=job.owner, progress=progress
    )
    if not result.applied:
        return JobResult(
            failed=True,
            summary=_("The import failed; nothing was saved."),
            errors=result.file_errors
            + [f"{row.number}: {' '.join(row.messages)}" for row in result.errors[:ERRORS_KEPT]],
        )
    delete_stored(stored)
    progress(3, 3, _("Done"))
    return JobResult(summary=result.finished_message())


def register():
    # On the imports queue, beside the other imports, so a long one never holds up e-mail.
    job_kind(RECORDS_IMPORT, records_import_job, queue="imports")

"""Assessment work run in the background (civport.jobs): a review's score matrix, which for a
national review of 3,000 subjects takes longer than a page should."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from assessments import exports
from assessments.access import access_review
from civport.audit import audit_export
from civport.jobs import JobResult, job_kind

SCORE_MATRIX = "assessments.score_matrix"


def matrix_file_stem(review):
    return f"civport-review-{review.pk}-matrix-{datetime.date.today().isoformat()}"


def score_matrix_job(job, progress):
    try:
        # Checked again when it runs: the owner may have lost the review since.
        review = access_review(job.owner, job.params["review"])
    except Http404:
        raise ValidationError(_("You can no longer open this review.")) from None
    content = exports.score_matrix_xlsx(review, progress=progress)
    audit_export(
        actor=job.owner, action="assessments.review.matrix_exported", obj=review, fmt="xlsx"
    )
    return JobResult(
        content=content,
        file_name=f"{matrix_file_stem(review)}.xlsx",
        summary=_("The score matrix of %(review)s is ready.") % {"review": review.name},
    )


def register():
    job_kind(SCORE_MATRIX, score_matrix_job)

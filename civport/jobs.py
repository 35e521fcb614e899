"""Long work in the background, with a page that shows how far it is.

An app registers a kind of job with `job_kind(name, run, queue=…)`; a view starts one with
`job_start` and sends the user to the job's page (`civport:job`). The page shows a progress bar
that htmx refreshes every second until the job ends, then the result: a file to download or a
summary, or what went wrong. The job lives in the database, so the page survives a reload, a
second tab or a new login, and only the user who started it sees it (anyone else gets 404).

A job whose task was lost (the broker down when it was queued) is queued again by
`jobs_sweep` (beat, every five minutes).

`run(job, progress)` does the work: it calls `progress(done, total, step="")` as it goes (the
row is written at most every `PROGRESS_SECONDS`, and at each new step), raises ValidationError
for a refusal the user should read, and returns a `JobResult`. The `civport.job_run` task claims
a queued job with a conditional update, so a task delivered twice runs the work once.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civport.audit import audit_record
from civport.models import Job

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

PROGRESS_SECONDS = 0.5
REQUEUE_AFTER = datetime.timedelta(minutes=5)
Progress = Callable[..., None]


@dataclass
class JobResult:
    summary: str = ""
    content: bytes | None = None
    file_name: str = ""
    errors: list[str] = field(default_factory=list)
    failed: bool = False


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Job, Progress], JobResult]
    queue: str = "default"


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, run: Callable[[Job, Progress], JobResult], *, queue: str = "default"):
    """Register what a kind of job runs (each app from its `AppConfig.ready`)."""
    KINDS[name] = JobKind(name=name, run=run, queue=queue)


@transaction.atomic
def job_start(
    *, actor: User, kind: str, label: str, params: dict[str, Any], back_url: str = ""
) -> Job:
    """Record a job for `actor` and queue its run after commit, in the current language."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label, owner=actor, params=params, back_url=back_url)
    audit_record(actor=actor, action="civport.job.started", obj=job, changes={"kind": kind})
    language = translation.get_language()
    transaction.on_commit(partial(_queue, job, language), robust=True)
    return job


def _queue(job: Job, language: str) -> None:
    from civport.tasks import job_run_task

    job_run_task.apply_async(args=(str(job.pk), language), queue=KINDS[job.kind].queue)


def jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the jobs still waiting `REQUEUE_AFTER` after they were started: their task
    was lost (the broker was down when it was queued). A job whose first task does arrive in
    the end runs once all the same, as each run claims the job first. Returns how many."""
    now = now or timezone.now()
    stale = list(Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER))
    for job in stale:
        _queue(job, settings.LANGUAGE_CODE)
    return len(stale)


def access_job(user: User, pk: Any) -> Job:
    """The user's own job, or 404 (another user's job is as absent as an unknown one)."""
    job = Job.objects.filter(pk=pk, owner=user).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


class _Reporter:
    """The `progress` callable a job's work gets: writes done/total/step, not too often."""

    def __init__(self, job: Job):
        self.job = job
        self.written_at = 0.0

    def __call__(self, done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        new_step = step != self.job.step
        if not new_step and now - self.written_at < PROGRESS_SECONDS and done < total:
            return
        self.job.done, self.job.total, self.job.step = done, total, step
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total, step=step)
        self.written_at = now


def job_run(job_id: str) -> str:
    """Run a queued job to its end; returns its status. A job that is not queued (running
    elsewhere, or finished) is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING
    )
    job = Job.objects.select_related("owner").get(pk=job_id)
    if not claimed:
        return job.status
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise ValidationError(_("This kind of work is no longer offered."))
        result = kind.run(job, _Reporter(job))
    except ValidationError as error:
        result = JobResult(errors=list(error.messages), failed=True)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        result = JobResult(
            errors=[_("The work stopped on an unexpected error; nothing was changed. Try again.")],
            failed=True,
        )
    _finish(job, result)
    return job.status


def _finish(job: Job, result: JobResult) -> None:
    job.status = Job.Status.FAILED if result.failed else Job.Status.DONE
    job.summary, job.errors = result.summary, result.errors
    job.finished_at = timezone.now()
    if result.content is not None:
        job.file_name = result.file_name
        job.file.save(result.file_name, ContentFile(result.content), save=False)
    job.save()
    audit_record(
        actor=job.owner,
        action="civport.job.finished" if not result.failed else "civport.job.failed",
        obj=job,
        changes={"kind": job.kind},
        outcome="success" if not result.failed else "failure",
    )


def counted(rows, total: int, progress: Progress, step: str = ""):
    """Yield `rows`, reporting how many have gone by out of `total`."""
    progress(0, total, step)
    done = 0
    for done, row in enumerate(rows, start=1):
        progress(done, total, step)
        yield row
    progress(done, max(total, done), step)


def recent_jobs(user: User, kind: str, limit: int = 5) -> list[Job]:
    """The user's latest jobs of one kind, newest first (one query), for the page they start on."""
    return list(Job.objects.filter(owner=user, kind=kind).order_by("-created_at")[:limit])

"""Background jobs: started for their owner, run once, followed on a page that only the owner
opens, ending in a file or a refusal the user can read; the score matrix runs as one."""

import datetime
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.services import reviews as review_services
from campaigns.management.commands.schedules_install import declared_schedules
from civport import jobs
from civport.jobs import JobResult, job_kind, job_run, job_start
from civport.models import AuditEntry, Job
from tests.conftest import login
from tests.queries import BASE

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds():
    """Test kinds registered for the test only."""
    before = dict(jobs.KINDS)
    calls = []

    def counting(job, progress):
        calls.append(job.pk)
        for done in range(1, 4):
            progress(done, 3, "步骤")
        return JobResult(content=b"a,b\n", file_name="result.csv", summary="3 行。")

    def refusing(job, progress):
        raise ValidationError("此文件已过期。")

    def crashing(job, progress):
        raise RuntimeError("disk on fire")

    job_kind("test.counting", counting)
    job_kind("test.refusing", refusing)
    job_kind("test.crashing", crashing)
    yield calls
    jobs.KINDS.clear()
    jobs.KINDS.update(before)


def start(user, kind, capture):
    with capture(execute=True):
        job = job_start(actor=user, kind=kind, label="测试", params={"n": 1}, back_url="/")
    job.refresh_from_db()
    return job


def test_a_job_runs_after_commit_and_keeps_its_file(
    kinds, gd_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start(actor=gd_officer, kind="test.counting", label="测试", params={})
        assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED
    assert kinds == [] and len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.DONE, 3, 3, 100)
    assert (job.summary, job.file_name) == ("3 行。", "result.csv")
    assert job.file.read() == b"a,b\n"
    entries = AuditEntry.objects.filter(object_id=str(job.pk)).order_by("pk")
    assert list(entries.values_list("action", flat=True)) == [
        "civport.job.started",
        "civport.job.finished",
    ]


def test_a_job_delivered_twice_runs_once(kinds, gd_officer, django_capture_on_commit_callbacks):
    job = start(gd_officer, "test.counting", django_capture_on_commit_callbacks)
    assert job_run(str(job.pk)) == Job.Status.DONE
    assert kinds == [job.pk]


def test_a_refusal_is_kept_for_the_user_and_a_crash_is_not_shown(
    kinds, gd_officer, django_capture_on_commit_callbacks
):
    refused = start(gd_officer, "test.refusing", django_capture_on_commit_callbacks)
    assert (refused.status, refused.errors) == (Job.Status.FAILED, ["此文件已过期。"])
    crashed = start(gd_officer, "test.crashing", django_capture_on_commit_callbacks)
    assert crashed.status == Job.Status.FAILED
    assert "disk on fire" not in " ".join(crashed.errors) and crashed.errors
    failures = AuditEntry.objects.filter(action="civport.job.failed")
    assert set(failures.values_list("outcome", flat=True)) == {"failure"}


def test_progress_is_written_as_it_goes(gd_officer):
    job = Job.objects.create(kind="test.x", label="测试", owner=gd_officer)
    report = jobs._Reporter(job)
    report(0, 10, "读取")
    report(1, 10, "读取")  # within the interval, same step: not written
    assert Job.objects.values_list("done", "total", "step").get(pk=job.pk) == (0, 10, "读取")
    report(2, 10, "写入")  # a new step is written at once
    assert Job.objects.values_list("done", "step").get(pk=job.pk) == (2, "写入")
    report(10, 10, "写入")  # the end is written at once
    job.refresh_from_db()
    assert (job.done, job.percent) == (10, 99)  # 100 only once it is done


def test_only_the_owner_opens_the_job(
    client, kinds, gd_officer, zj_officer, django_capture_on_commit_callbacks
):
    job = start(gd_officer, "test.counting", django_capture_on_commit_callbacks)
    names = ("jobs:job", "jobs:progress", "jobs:file")
    login(client, zj_officer)
    for name in names:
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:job", args=[uuid.uuid4()])).status_code == 404
    login(client, gd_officer)
    for name in names:
        assert client.get(reverse(name, args=[job.pk])).status_code == 200


def test_the_job_page_polls_until_the_end(client, gd_officer, django_assert_num_queries):
    job = Job.objects.create(
        kind="test.x",
        label="导出评分矩阵",
        owner=gd_officer,
        status=Job.Status.RUNNING,
        done=1500,
        total=3000,
        step="写入评分表",
    )
    login(client, gd_officer)
    # BASE + 1 the job
    with django_assert_num_queries(BASE + 1):
        page = client.get(reverse("jobs:job", args=[job.pk]))
    content = page.content.decode()
    assert 'hx-trigger="every 1s"' in content
    assert 'max="3000" value="1500"' in content and "写入评分表" in content
    assert "1500 / 3000（50%）" in content
    # The fragment alone has no menu, so no scope: 1 session + 1 user + 1 the job
    with django_assert_num_queries(3):
        partial = client.get(reverse("jobs:progress", args=[job.pk]))
    assert "<html" not in partial.content.decode()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, summary="完成。")
    done = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done and "完成。" in done


# --- the score matrix ----------------------------------------------------------------------


@pytest.fixture
def assigned(gd_review, gd_subjects):
    review_services.assignment_auto(actor=None, review=gd_review)
    return gd_review


def _rows(data):
    return [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_the_score_matrix_is_made_by_a_job(
    client, assigned, gd_officer, django_capture_on_commit_callbacks
):
    login(client, gd_officer)
    url = reverse("assessments:review-export-matrix", args=[assigned.pk])
    direct = _rows(client.get(url).content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = Job.objects.get(kind="assessments.score_matrix")
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    assert (job.status, job.done, job.total) == (Job.Status.DONE, len(direct) - 1, len(direct) - 1)
    download = client.get(reverse("jobs:file", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert _rows(b"".join(download.streaming_content)) == direct
    exported = AuditEntry.objects.filter(action="assessments.review.matrix_exported")
    assert exported.count() == 2  # the direct download and the job's
    assert AuditEntry.objects.filter(action="civport.job.downloaded").count() == 1


def test_a_large_matrix_is_not_made_within_the_request(client, assigned, gd_officer, settings):
    settings.CIVPORT_EXPORT_INLINE_ROWS = 1
    login(client, gd_officer)
    response = client.get(reverse("assessments:review-export-matrix", args=[assigned.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:review-detail", args=[assigned.pk])
    assert not AuditEntry.objects.filter(action="assessments.review.matrix_exported").exists()


def test_the_job_refuses_a_review_the_owner_lost(
    assigned, zj_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            actor=zj_officer,
            kind="assessments.score_matrix",
            label="x",
            params={"review": assigned.pk},
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.file


def test_a_job_whose_task_was_lost_is_queued_again(kinds, gd_officer):
    # As the broker being down when the job was started leaves it: queued, no task.
    lost = Job.objects.create(kind="test.counting", label="测试", owner=gd_officer)
    recent = Job.objects.create(kind="test.counting", label="测试", owner=gd_officer)
    Job.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - jobs.REQUEUE_AFTER - datetime.timedelta(seconds=1)
    )

    assert jobs.jobs_sweep() == 1

    # Tasks run in-process in tests: the lost job ran, the recent one still waits for its task.
    assert Job.objects.get(pk=lost.pk).status == Job.Status.DONE
    assert Job.objects.get(pk=recent.pk).status == Job.Status.QUEUED
    assert kinds == [lost.pk]
    assert jobs.jobs_sweep() == 0


def test_the_sweep_is_scheduled_every_five_minutes():
    schedules = {task: (hour, minute) for task, hour, minute, _ in declared_schedules()}
    assert schedules["civport.jobs_sweep"] == ("*", "*/5")

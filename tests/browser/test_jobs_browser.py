"""A long job's page follows it without a reload: the bar moves as the job writes its progress,
and the download appears when it is done; reloading the page shows the same job."""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from civport.models import Job
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_polls_until_the_file_is_ready(page, live_server, gd_officer):
    job = Job.objects.create(
        kind="assessments.score_matrix",
        label="导出评分矩阵",
        owner=gd_officer,
        status=Job.Status.RUNNING,
        step="写入评分表",
        done=10,
        total=40,
    )
    log_in(page, live_server, "gd_officer")
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("#job-bar")
    expect(bar).to_have_attribute("value", "10")
    expect(page.locator("[data-testid=job-progress]")).to_contain_text("写入评分表")

    Job.objects.filter(pk=job.pk).update(done=30)
    expect(bar).to_have_attribute("value", "30", timeout=5_000)

    job.refresh_from_db()
    job.file.save("matrix.xlsx", ContentFile(b"PK\x03\x04"), save=False)
    job.file_name, job.status, job.summary = "matrix.xlsx", Job.Status.DONE, "评分矩阵已生成。"
    job.save()
    link = page.locator("[data-testid=job-file]")
    expect(link).to_be_visible(timeout=5_000)
    expect(page.locator("[data-testid=job-progress]")).to_have_attribute("data-status", "done")

    page.reload()
    expect(link).to_contain_text("matrix.xlsx")
    with page.expect_download() as download:
        link.click()
    assert re.search(r"matrix\.xlsx$", download.value.suggested_filename)

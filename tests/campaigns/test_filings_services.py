"""Provincial filings: the state machine, versions, attachments and reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from campaigns.models import Filing, FilingAttachment, FilingVersion
from campaigns.services import filings as services
from campaigns.tasks import consultation_reminders_task, filing_reminders_task
from civport.models import AuditEntry, Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="opinion.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft(world, officer, kind=Filing.Kind.IMPLEMENTATION_OPINION, text="第一条\n第二条"):
    return services.filing_create(
        actor=officer, authority=world.gd, kind=kind, title="广东省实施意见", text=text
    )


def test_submit_creates_version_one_and_tells_the_national_office(
    world, gd_officer, national_admin, django_capture_on_commit_callbacks
):
    national_admin.email = "office@example.org"
    national_admin.save()
    filing = draft(world, gd_officer)
    services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf())
    with django_capture_on_commit_callbacks(execute=True):
        filing = services.filing_submit(actor=gd_officer, filing=filing)
    assert filing.status == Filing.Status.SUBMITTED
    version = filing.versions.get()
    assert (version.number, version.text, version.outcome) == (1, "第一条\n第二条", "pending")
    assert [a.original_name for a in version.attachments.all()] == ["opinion.pdf"]
    assert Notification.objects.filter(user=national_admin).count() == 1
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="campaigns.filing.submitted").count() == 1


def test_returned_then_resubmitted_keeps_both_versions(world, gd_officer, national_admin):
    filing = draft(world, gd_officer)
    services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf("v1.pdf"))
    services.filing_submit(actor=gd_officer, filing=filing)
    filing = services.filing_return(actor=national_admin, filing=filing, comments="请补充第三条")
    assert filing.status == Filing.Status.RETURNED
    assert Notification.objects.filter(user=gd_officer, key__startswith="filing-answered").exists()

    services.filing_update(
        actor=gd_officer, filing=filing, title="广东省实施意见", text="第一条\n第三条"
    )
    first = FilingAttachment.objects.get(original_name="v1.pdf")
    services.filing_attachment_remove(actor=gd_officer, attachment=first)
    services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf("v2.pdf"))
    filing = services.filing_submit(actor=gd_officer, filing=filing)
    assert filing.status == Filing.Status.RESUBMITTED

    v1, v2 = FilingVersion.objects.filter(filing=filing).order_by("number")
    assert (v1.outcome, v1.comments, v1.text) == ("returned", "请补充第三条", "第一条\n第二条")
    assert [a.original_name for a in v1.attachments.all()] == ["v1.pdf"]
    assert (v2.outcome, v2.text) == ("pending", "第一条\n第三条")
    assert [a.original_name for a in v2.attachments.all()] == ["v2.pdf"]
    # The removed file is kept for version 1.
    assert first.file.storage.exists(first.file.name)

    filing = services.filing_acknowledge(actor=national_admin, filing=filing)
    assert filing.status == Filing.Status.ACKNOWLEDGED
    v2.refresh_from_db()
    assert v2.outcome == "acknowledged"


def test_return_needs_comments(world, gd_officer, national_admin):
    filing = services.filing_submit(actor=gd_officer, filing=draft(world, gd_officer))
    with pytest.raises(ValidationError) as error:
        services.filing_return(actor=national_admin, filing=filing, comments="  ")
    assert "comments" in error.value.message_dict
    filing.refresh_from_db()
    assert filing.status == Filing.Status.SUBMITTED


def test_a_submitted_filing_cannot_be_changed_or_submitted_again(world, gd_officer):
    filing = services.filing_submit(actor=gd_officer, filing=draft(world, gd_officer))
    with pytest.raises(ValidationError):
        services.filing_update(actor=gd_officer, filing=filing, title="x", text="y")
    with pytest.raises(ValidationError):
        services.filing_submit(actor=gd_officer, filing=filing)
    with pytest.raises(ValidationError):
        services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf())
    assert FilingVersion.objects.count() == 1


def test_an_answered_filing_cannot_be_answered_twice(world, gd_officer, national_admin):
    filing = services.filing_submit(actor=gd_officer, filing=draft(world, gd_officer))
    services.filing_acknowledge(actor=national_admin, filing=filing)
    with pytest.raises(ValidationError):
        services.filing_return(actor=national_admin, filing=filing, comments="too late")


def test_submit_needs_text(world, gd_officer):
    filing = draft(world, gd_officer, text="")
    with pytest.raises(ValidationError) as error:
        services.filing_submit(actor=gd_officer, filing=filing)
    assert "text" in error.value.message_dict
    assert FilingVersion.objects.count() == 0


def test_markup_is_refused_naming_the_field(world, gd_officer):
    with pytest.raises(ValidationError) as error:
        draft(world, gd_officer, text="<script>alert(1)</script>")
    assert "text" in error.value.message_dict
    assert not Filing.objects.exists()


def test_a_plain_less_than_sign_is_text(world, gd_officer):
    filing = draft(world, gd_officer, text="得分 < 60 分的不达标")
    assert filing.text == "得分 < 60 分的不达标"


def test_one_filing_per_province_and_kind(world, gd_officer):
    draft(world, gd_officer)
    with pytest.raises(ValidationError):
        draft(world, gd_officer)
    assert Filing.objects.count() == 1


def test_only_a_province_files(world, gd_officer):
    with pytest.raises(ValidationError):
        services.filing_create(
            actor=gd_officer,
            authority=world.sz.authority,
            kind=Filing.Kind.EVALUATION_METHOD,
            title="x",
        )


def test_a_file_of_the_wrong_type_is_refused_and_nothing_stored(world, gd_officer):
    filing = draft(world, gd_officer)
    page = SimpleUploadedFile("opinion.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError) as error:
        services.filing_attachment_add(actor=gd_officer, filing=filing, upload=page)
    assert "file" in error.value.message_dict
    assert not FilingAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(world, gd_officer, settings):
    settings.CIVPORT_UPLOAD_MAX_BYTES = 10
    filing = draft(world, gd_officer)
    with pytest.raises(ValidationError) as error:
        services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf())
    assert "file" in error.value.message_dict


# --- reminders --------------------------------------------------------------------------------


def _submitted_days_ago(world, officer, days, kind=Filing.Kind.IMPLEMENTATION_OPINION):
    filing = services.filing_submit(actor=officer, filing=draft(world, officer, kind=kind))
    when = timezone.now() - datetime.timedelta(days=days)
    Filing.objects.filter(pk=filing.pk).update(submitted_at=when)
    return filing


def test_filing_reminders_once_a_day_for_filings_waiting_a_week(world, gd_officer, national_admin):
    today = services.local_today()
    _submitted_days_ago(world, gd_officer, 8)
    _submitted_days_ago(world, gd_officer, 2, kind=Filing.Kind.EVALUATION_METHOD)
    Notification.objects.all().delete()
    assert services.filing_reminders_send(today=today) == 1
    assert services.filing_reminders_send(today=today) == 0
    assert services.filing_reminders_send(today=today + datetime.timedelta(days=1)) == 1
    assert Notification.objects.filter(user=national_admin).count() == 2


def test_an_answered_filing_is_not_recalled(world, gd_officer, national_admin):
    filing = _submitted_days_ago(world, gd_officer, 10)
    services.filing_acknowledge(actor=national_admin, filing=filing)
    assert services.filing_reminders_send(today=services.local_today()) == 0


def test_reminder_tasks_take_an_iso_date_and_are_idempotent(world, gd_officer, national_admin):
    _submitted_days_ago(world, gd_officer, 8)
    Notification.objects.all().delete()
    day = services.local_today().isoformat()
    assert filing_reminders_task.delay(day).get() == 1
    assert filing_reminders_task.delay(day).get() == 0
    assert consultation_reminders_task.delay(day).get() == 0


def test_schedules_install_is_idempotent(db):
    call_command("schedules_install")
    call_command("schedules_install")
    tasks = PeriodicTask.objects.filter(name__startswith="campaigns.").order_by("name")
    assert [t.task for t in tasks] == [
        "campaigns.consultation_reminders",
        "campaigns.filing_reminders",
        "campaigns.notice_reminders",
        "campaigns.rectification_reminders",
    ]
    assert {str(t.crontab.timezone) for t in tasks} == {"Asia/Shanghai"}
    sweeper = PeriodicTask.objects.get(name="civport.notification_email_sweep")
    assert (sweeper.crontab.hour, sweeper.crontab.minute) == ("*", "*/15")


def test_schedules_install_dry_run_writes_nothing(db):
    call_command("schedules_install", "--dry-run")
    assert not PeriodicTask.objects.filter(name__startswith="campaigns.").exists()


# --- documents filed by their publication (the assessment standard) --------------------------


def test_a_published_document_is_filed_as_the_next_version_never_written_by_hand(
    world, gd_officer, national_admin, in_english
):
    standard = Filing.Kind.ASSESSMENT_STANDARD
    version = services.filing_publication_record(
        actor=gd_officer,
        authority=world.gd,
        kind=standard,
        title="广东省考核标准",
        text="正文",
        source_url="/somewhere/",
        warnings=["权重一", "权重二"],
    )
    filing = version.filing
    assert (filing.status, filing.version_count, version.number) == ("submitted", 1, 1)
    assert (version.warnings, version.source_url) == ("权重一\n权重二", "/somewhere/")
    notice = Notification.objects.get(user=national_admin, key=f"filing-submitted:{version.pk}")
    assert "权重一" in notice.body
    assert AuditEntry.objects.filter(action="campaigns.filing.published").count() == 1
    for write in (
        lambda: services.filing_update(actor=gd_officer, filing=filing, title="x", text="y"),
        lambda: services.filing_submit(actor=gd_officer, filing=filing),
        lambda: services.filing_attachment_add(actor=gd_officer, filing=filing, upload=pdf()),
    ):
        with pytest.raises(ValidationError, match="publishing the province's assessment scheme"):
            write()
    services.filing_return(actor=national_admin, filing=filing, comments="请说明依据")
    filing.refresh_from_db()
    assert filing.status == Filing.Status.RETURNED and not filing.is_editable
    second = services.filing_publication_record(
        actor=gd_officer, authority=world.gd, kind=standard, title="广东省考核标准", text="正文二"
    )
    filing.refresh_from_db()
    assert (filing.status, filing.version_count, second.number) == ("resubmitted", 2, 2)
    assert Filing.objects.filter(authority=world.gd, kind=standard).count() == 1

"""Notices from one level to the levels below: audiences, reading, acknowledgement, reminders."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from guardian.shortcuts import assign_perm

from campaigns.access import access_notice
from campaigns.models import Notice, NoticeReceipt
from campaigns.scope import forget_scope
from campaigns.services import notices as services
from campaigns.tasks import notice_reminders_task
from civport.models import AuditEntry, Notification

TODAY = datetime.date(2026, 3, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="通知附件.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft(sender, actor, audience=Notice.Audience.CHILDREN, **extra):
    values = {
        "title": "关于开展2026年度共建文明口岸活动的通知",
        "body": "各省级口岸管理机构：\n\n现将有关事项通知如下。",
        "document_number": "",
        "issued_on": TODAY,
        "audience": audience,
    }
    return services.notice_create(actor=actor, sender=sender, **(values | extra))


def published(sender, actor, audience=Notice.Audience.CHILDREN, **extra):
    return services.notice_publish(
        actor=actor, notice=draft(sender, actor, audience, **extra), today=TODAY
    )


def asking(days=7):
    return {"requires_acknowledgement": True, "acknowledge_by": TODAY + datetime.timedelta(days)}


def recipients(notice):
    receipts = NoticeReceipt.objects.filter(notice=notice).select_related("authority", "unit")
    return sorted(r.authority.code if r.authority_id else r.unit.code for r in receipts)


# --- recipients resolved at publication, per audience --------------------------------------------


def test_national_office_to_all_provinces(world, national_admin):
    notice = published(world.national, national_admin)
    assert recipients(notice) == ["GD", "ZJ"]
    assert notice.recipient_count == 2
    assert notice.status == Notice.Status.PUBLISHED


def test_national_office_to_chosen_provinces(world, national_admin):
    notice = published(world.national, national_admin, Notice.Audience.CHOSEN, chosen=[world.zj])
    assert recipients(notice) == ["ZJ"]


def test_national_office_to_all_levels(world, national_admin):
    notice = published(world.national, national_admin, Notice.Audience.ALL_LEVELS)
    assert recipients(notice) == sorted(
        ["GD", "ZJ", "GD-SZ", "GD-GZ", "ZJ-NB"]
        + [f"{c}-U{i}" for c in ("GD-SZ", "GD-GZ", "ZJ-NB") for i in (1, 2)]
    )


def test_province_to_its_port_authorities_and_or_their_units(world, gd_officer):
    assert recipients(published(world.gd, gd_officer)) == ["GD-GZ", "GD-SZ"]
    assert recipients(published(world.gd, gd_officer, Notice.Audience.UNITS, title="二")) == [
        "GD-GZ-U1",
        "GD-GZ-U2",
        "GD-SZ-U1",
        "GD-SZ-U2",
    ]
    assert recipients(published(world.gd, gd_officer, Notice.Audience.ALL_LEVELS, title="三")) == [
        "GD-GZ",
        "GD-GZ-U1",
        "GD-GZ-U2",
        "GD-SZ",
        "GD-SZ-U1",
        "GD-SZ-U2",
    ]
    chosen = published(
        world.gd, gd_officer, Notice.Audience.CHOSEN, chosen=[world.sz.authority], title="四"
    )
    assert recipients(chosen) == ["GD-SZ"]


def test_port_authority_to_its_units(world, port_officer):
    notice = published(world.sz.authority, port_officer, Notice.Audience.UNITS)
    assert recipients(notice) == ["GD-SZ-U1", "GD-SZ-U2"]


def test_nobody_addresses_above_or_beside_their_area(world, gd_officer, port_officer):
    for sender in (world.national, world.zj, world.sz.authority):
        with pytest.raises(ValidationError):
            draft(sender, gd_officer)
    with pytest.raises(ValidationError) as refused:
        draft(world.gd, gd_officer, Notice.Audience.CHOSEN, chosen=[world.nb.authority])
    assert "chosen" in refused.value.message_dict
    # A port authority has no authority one level below to address as such.
    with pytest.raises(ValidationError) as refused:
        draft(world.sz.authority, port_officer, Notice.Audience.CHILDREN)
    assert "audience" in refused.value.message_dict
    assert not Notice.objects.exists()


def test_published_notice_cannot_be_edited_or_published_again(world, gd_officer):
    notice = published(world.gd, gd_officer)
    with pytest.raises(ValidationError):
        services.notice_update(
            actor=gd_officer,
            notice=notice,
            title="改",
            body="改",
            issued_on=TODAY,
            audience=Notice.Audience.CHILDREN,
        )
    with pytest.raises(ValidationError):
        services.notice_publish(actor=gd_officer, notice=notice, today=TODAY)
    with pytest.raises(ValidationError):
        services.notice_attachment_add(actor=gd_officer, notice=notice, upload=pdf())
    assert NoticeReceipt.objects.filter(notice=notice).count() == 2


def test_draft_is_edited_and_audited(world, national_admin):
    notice = draft(world.national, national_admin, document_number="署文明办〔2026〕3号")
    services.notice_update(
        actor=national_admin,
        notice=notice,
        title="新标题",
        body="正文",
        issued_on=TODAY,
        audience=Notice.Audience.CHOSEN,
        chosen=[world.gd],
        document_number="署文明办〔2026〕3号",
    )
    notice.refresh_from_db()
    assert (notice.title, notice.audience) == ("新标题", "chosen")
    entry = AuditEntry.objects.get(action="campaigns.notice.updated")
    assert entry.changes["chosen"] == [[], [world.gd.pk]]
    with pytest.raises(ValidationError) as refused:
        draft(world.national, national_admin, document_number="署文明办〔2026〕3号")
    assert "document_number" in refused.value.message_dict


def test_markup_and_missing_acknowledgement_date_are_refused(world, national_admin):
    with pytest.raises(ValidationError) as refused:
        draft(world.national, national_admin, body="<script>alert(1)</script>")
    assert "body" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        draft(world.national, national_admin, requires_acknowledgement=True)
    assert "acknowledge_by" in refused.value.message_dict


def test_attachments_are_checked_by_content(world, national_admin):
    notice = draft(world.national, national_admin)
    attachment = services.notice_attachment_add(actor=national_admin, notice=notice, upload=pdf())
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    assert "通知附件" not in attachment.file.name
    disguised = SimpleUploadedFile("方案.pdf", b"<html><script>x</script></html>")
    with pytest.raises(ValidationError) as refused:
        services.notice_attachment_add(actor=national_admin, notice=notice, upload=disguised)
    assert "file" in refused.value.message_dict
    assert notice.attachments.count() == 1
    services.notice_attachment_remove(actor=national_admin, attachment=attachment)
    assert notice.attachments.count() == 0


# --- reading and acknowledging ------------------------------------------------------------------


def test_publication_notifies_the_recipients_people(world, national_admin, gd_officer, zj_officer):
    notice = published(world.national, national_admin)
    keys = set(Notification.objects.values_list("user__username", "key"))
    assert keys == {
        ("gd_officer", f"notice-published:{notice.pk}"),
        ("zj_officer", f"notice-published:{notice.pk}"),
    }


def test_first_reading_is_recorded_once(world, national_admin, gd_officer):
    notice = published(world.national, national_admin)
    assert services.notice_read(actor=gd_officer, notice=notice) == 1
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    first = receipt.first_read_at
    assert receipt.first_read_by == gd_officer
    assert services.notice_read(actor=gd_officer, notice=notice) == 0
    receipt.refresh_from_db()
    assert receipt.first_read_at == first
    assert AuditEntry.objects.filter(action="campaigns.notice.read").count() == 1
    # The sender's reading records nothing.
    assert services.notice_read(actor=national_admin, notice=notice) == 0
    assert NoticeReceipt.objects.get(notice=notice, authority=world.zj).first_read_at is None


def test_acknowledgement_by_a_manager_of_the_recipient_only(world, national_admin, gd_officer):
    notice = published(world.national, national_admin, **asking())
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    viewer = get_user_model().objects.create_user("gd_viewer", password="x-Very-long-1")
    assign_perm("campaigns.view_authority", viewer, world.gd)
    forget_scope(viewer)
    assert services.notice_read(actor=viewer, notice=notice) == 1
    with pytest.raises(ValidationError):
        services.notice_acknowledge(actor=viewer, receipt=receipt)
    # The national office manages everything below it, but acknowledges for nobody.
    with pytest.raises(ValidationError):
        services.notice_acknowledge(actor=national_admin, receipt=receipt)
    # Granted management of the province, the same user may.
    assign_perm("campaigns.manage_authority", viewer, world.gd)
    forget_scope(viewer)
    receipt = services.notice_acknowledge(actor=viewer, receipt=receipt)
    assert receipt.acknowledged_by == viewer
    assert receipt.first_read_by == viewer
    with pytest.raises(ValidationError):
        services.notice_acknowledge(actor=gd_officer, receipt=receipt)
    entry = AuditEntry.objects.get(action="campaigns.notice.acknowledged")
    assert entry.changes["authority"] == world.gd.pk


def test_unit_contact_acknowledges_for_their_unit(world, port_officer, unit_contact):
    notice = published(world.sz.authority, port_officer, Notice.Audience.UNITS, **asking())
    receipt = NoticeReceipt.objects.get(notice=notice, unit=world.sz.units[0])
    services.notice_acknowledge(actor=unit_contact, receipt=receipt)
    other = NoticeReceipt.objects.get(notice=notice, unit=world.sz.units[1])
    with pytest.raises(ValidationError):
        services.notice_acknowledge(actor=unit_contact, receipt=other)


def test_every_write_is_audited(world, national_admin, gd_officer):
    notice = draft(world.national, national_admin, **asking())
    services.notice_attachment_add(actor=national_admin, notice=notice, upload=pdf())
    notice = services.notice_publish(actor=national_admin, notice=notice, today=TODAY)
    services.notice_read(actor=gd_officer, notice=notice)
    services.notice_acknowledge(
        actor=gd_officer, receipt=NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    )
    actions = list(
        AuditEntry.objects.filter(action__startswith="campaigns.notice.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "campaigns.notice.created",
        "campaigns.notice.attachment_added",
        "campaigns.notice.published",
        "campaigns.notice.read",
        "campaigns.notice.acknowledged",
    ]
    publication = AuditEntry.objects.get(action="campaigns.notice.published")
    assert sorted(publication.changes["authorities"]) == sorted([world.gd.pk, world.zj.pk])


# --- reminders ----------------------------------------------------------------------------------


def _reminded(day):
    return set(
        Notification.objects.filter(key__startswith="notice-unacknowledged:", day=day).values_list(
            "user__username", flat=True
        )
    )


def test_reminders_before_the_date_and_when_overdue(world, national_admin, gd_officer, zj_officer):
    notice = published(world.national, national_admin, **asking(days=7))
    # Five days before the date: too early.
    assert services.notice_reminders_send(today=TODAY + datetime.timedelta(2)) == 0
    near = TODAY + datetime.timedelta(4)
    assert services.notice_reminders_send(today=near) == 2
    assert _reminded(near) == {"gd_officer", "zj_officer"}
    title = Notification.objects.get(user=gd_officer, day=near).title
    assert notice.title in title and "2026-03-09" in title
    overdue = TODAY + datetime.timedelta(9)
    assert services.notice_reminders_send(today=overdue) == 2
    assert "2026-03-09" in Notification.objects.get(user=zj_officer, day=overdue).title


def test_no_reminder_after_acknowledgement(world, national_admin, gd_officer, zj_officer):
    notice = published(world.national, national_admin, **asking(days=2))
    services.notice_acknowledge(
        actor=gd_officer, receipt=NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    )
    day = TODAY + datetime.timedelta(1)
    assert services.notice_reminders_send(today=day) == 1
    assert _reminded(day) == {"zj_officer"}


def test_at_most_one_reminder_per_user_and_day(world, national_admin, gd_officer):
    published(world.national, national_admin, **asking(days=1))
    day = (TODAY + datetime.timedelta(1)).isoformat()
    assert notice_reminders_task.delay(day).get() == 1
    assert notice_reminders_task.delay(day).get() == 0
    assert Notification.objects.filter(key__startswith="notice-unacknowledged:").count() == 1


def test_notices_without_acknowledgement_send_no_reminder(world, national_admin, gd_officer):
    published(world.national, national_admin)
    assert services.notice_reminders_send(today=TODAY + datetime.timedelta(30)) == 0


# --- the access helpers: persona × notice ---------------------------------------------------------


@pytest.fixture
def matrix_notices(world, national_admin, gd_officer, port_officer):
    return {
        "CN": published(world.national, national_admin),
        "GD": published(world.gd, gd_officer, title="广东通知"),
        "GD-draft": draft(world.gd, gd_officer, title="广东草稿"),
        "SZ": published(world.sz.authority, port_officer, Notice.Audience.UNITS, title="深圳"),
    }


# persona → (notices seen, notices the persona may change)
MATRIX = {
    "national_admin": ({"CN", "GD", "SZ"}, {"CN"}),
    "gd_officer": ({"CN", "GD", "GD-draft", "SZ"}, {"GD", "GD-draft"}),
    "zj_officer": ({"CN"}, set()),
    "port_officer": ({"GD", "SZ"}, {"SZ"}),
    "nb_officer": (set(), set()),
    "unit_contact": ({"SZ"}, set()),
    "outsider": (set(), set()),
}


@pytest.mark.parametrize("persona_name", sorted(MATRIX))
def test_access_notice_matrix(matrix_notices, persona, persona_name):
    user = persona(persona_name)
    seen, edited = MATRIX[persona_name]
    for key, notice in matrix_notices.items():
        if key not in seen:
            with pytest.raises(Http404):
                access_notice(user, notice.pk)
            continue
        assert access_notice(user, notice.pk) == notice
        if key in edited:
            assert access_notice(user, notice.pk, edit=True) == notice
        else:
            with pytest.raises(PermissionDenied):
                access_notice(user, notice.pk, edit=True)


def test_access_refusals_fail_for_the_stated_reason(world, matrix_notices, zj_officer):
    notice = matrix_notices["GD"]
    with pytest.raises(Http404):
        access_notice(zj_officer, notice.pk)
    # Granted a role at Guangdong, the same user sees its notice and may write Guangdong's.
    assign_perm("campaigns.manage_authority", zj_officer, world.gd)
    forget_scope(zj_officer)
    assert access_notice(zj_officer, notice.pk, edit=True) == notice

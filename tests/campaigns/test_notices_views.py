"""Notice screens: writing and publishing, the home page panel, the archive, the sender's table,
access across provinces and the pages' query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services as hierarchy
from campaigns.models import Authority, Notice, NoticeReceipt
from campaigns.services import notices as services
from civport.models import AuditEntry
from civport.notifications import local_today
from tests.campaigns.test_notices_services import PDF, pdf
from tests.conftest import login
from tests.queries import BASE, EXTRA


def _publish(sender, actor, audience=Notice.Audience.CHILDREN, *, days=None, **extra):
    today = local_today()
    values = {
        "title": "关于开展共建文明口岸活动的通知",
        "body": "第一段。\n\n第二段。",
        "issued_on": today,
        "audience": audience,
    }
    if days is not None:
        values |= {
            "requires_acknowledgement": True,
            "acknowledge_by": today + datetime.timedelta(days=days),
        }
    notice = services.notice_create(actor=actor, sender=sender, **(values | extra))
    return services.notice_publish(actor=actor, notice=notice, today=today)


def _url(notice):
    return reverse("campaigns:notice-detail", args=[notice.pk])


def _form(**extra):
    return {
        "title": "关于报送年度计划的通知",
        "document_number": "署文明办〔2026〕3号",
        "issued_on": local_today().isoformat(),
        "body": "各省级口岸管理机构：\n\n请于月底前报送。",
        "audience": "children",
        **extra,
    }


# --- writing and publishing ---------------------------------------------------------------------


def test_national_office_writes_attaches_and_publishes(client, world, national_admin, gd_officer):
    login(client, national_admin)
    assert client.get(reverse("campaigns:notice-create")).status_code == 200
    response = client.post(reverse("campaigns:notice-create"), _form(audience="chosen"))
    assert response.status_code == 200  # no province chosen
    assert "chosen" in response.context["form"].errors
    response = client.post(
        reverse("campaigns:notice-create"), _form(audience="chosen", chosen=[world.gd.pk])
    )
    notice = Notice.objects.get()
    assert response.url == _url(notice)
    response = client.post(
        reverse("campaigns:notice-attachment-add", args=[notice.pk]), {"file": pdf()}
    )
    assert response.status_code == 302
    bad = SimpleUploadedFile("表格.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        reverse("campaigns:notice-attachment-add", args=[notice.pk]), {"file": bad}
    )
    assert response.status_code == 400
    assert notice.attachments.count() == 1
    # A recipient sees no draft.
    login(client, gd_officer)
    assert client.get(_url(notice)).status_code == 404
    login(client, national_admin)
    client.post(reverse("campaigns:notice-publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    assert client.get(reverse("campaigns:notice-edit", args=[notice.pk])).status_code == 302
    login(client, gd_officer)
    html = client.get(_url(notice)).content.decode()
    assert "<p>各省级口岸管理机构：</p>" in html
    attachment = notice.attachments.get()
    download = client.get(reverse("campaigns:notice-attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_province_offers_only_its_own_levels(client, world, gd_officer):
    login(client, gd_officer)
    form = client.get(reverse("campaigns:notice-create")).context["form"]
    assert [v for v, _label in form.fields["audience"].choices] == [
        "children",
        "chosen",
        "units",
        "all_levels",
    ]
    assert [label for _v, label in form.fields["chosen"].choices] == [
        "广州市口岸办",
        "深圳市口岸办",
    ]
    # Another province's authority sent as chosen is refused by the form.
    response = client.post(
        reverse("campaigns:notice-create"), _form(audience="chosen", chosen=[world.nb.authority.pk])
    )
    assert "chosen" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_unit_contact_and_outsider_write_no_notice(client, world, unit_contact, outsider):
    login(client, unit_contact)
    assert client.get(reverse("campaigns:notice-create")).status_code == 403
    login(client, outsider)
    assert client.get(reverse("campaigns:notice-create")).status_code == 403
    assert client.get(reverse("campaigns:notice-list")).status_code == 404


# --- reading and acknowledging ------------------------------------------------------------------


def test_home_panel_and_acknowledgement_from_it(client, world, national_admin, gd_officer):
    notice = _publish(world.national, national_admin, days=5)
    login(client, gd_officer)
    html = client.get(reverse("campaigns:home")).content.decode()
    assert 'data-testid="notice-panel"' in html
    assert notice.title in html
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    response = client.post(
        reverse("campaigns:notice-acknowledge", args=[receipt.pk]), {"next": "home"}
    )
    assert response.url == reverse("campaigns:home")
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == gd_officer
    assert receipt.first_read_by == gd_officer
    html = client.get(reverse("campaigns:home")).content.decode()
    assert 'data-testid="notice-panel"' not in html
    assert AuditEntry.objects.filter(action="campaigns.notice.acknowledged").count() == 1


def test_notice_without_acknowledgement_leaves_the_panel_once_read(
    client, world, national_admin, gd_officer
):
    notice = _publish(world.national, national_admin)
    login(client, gd_officer)
    assert notice.title in client.get(reverse("campaigns:home")).content.decode()
    client.get(_url(notice))
    assert notice.title not in client.get(reverse("campaigns:home")).content.decode()


def test_overdue_shows_in_red_on_the_home_page(client, world, national_admin, gd_officer):
    notice = _publish(world.national, national_admin, days=1)
    Notice.objects.filter(pk=notice.pk).update(
        acknowledge_by=local_today() - datetime.timedelta(days=2)
    )
    login(client, gd_officer)
    html = client.get(reverse("campaigns:home")).content.decode()
    panel = html.split('data-testid="notice-panel"')[1]
    assert "text-danger" in panel


def test_acknowledge_is_for_managers_only(client, world, national_admin, port_officer):
    notice = _publish(world.national, national_admin, Notice.Audience.ALL_LEVELS, days=5)
    gd = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    sz = NoticeReceipt.objects.get(notice=notice, authority=world.sz.authority)
    login(client, port_officer)
    # The province's receipt is not Shenzhen's to see, let alone acknowledge.
    assert client.post(reverse("campaigns:notice-acknowledge", args=[gd.pk])).status_code == 404
    assert client.post(reverse("campaigns:notice-acknowledge", args=[sz.pk])).status_code == 302
    login(client, national_admin)
    # The sender sees every receipt but acknowledges for none.
    assert client.post(reverse("campaigns:notice-acknowledge", args=[gd.pk])).status_code == 403


def test_sender_sees_who_read_and_acknowledged(client, world, national_admin, gd_officer):
    notice = _publish(world.national, national_admin, days=1)
    login(client, gd_officer)
    client.get(_url(notice))
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.gd)
    client.post(reverse("campaigns:notice-acknowledge", args=[receipt.pk]))
    Notice.objects.filter(pk=notice.pk).update(
        acknowledge_by=local_today() - datetime.timedelta(days=1)
    )
    login(client, national_admin)
    response = client.get(_url(notice))
    assert response.context["counts"] == {"total": 2, "read": 1, "acknowledged": 1, "overdue": 1}
    html = response.content.decode()
    table = html.split('data-testid="receipts"')[1]
    assert table.count('data-overdue="1"') == 1  # Zhejiang
    assert "gd_officer" in table
    pending = client.get(_url(notice), {"receipts": "pending"}).context["page"].object_list
    assert [r.authority.code for r in pending] == ["ZJ"]
    # The recipient sees its own state, not the table.
    login(client, gd_officer)
    assert "counts" not in client.get(_url(notice)).context


# --- nobody sees a notice outside their area ----------------------------------------------------


def test_404_across_provinces(client, world, gd_officer, zj_officer, nb_officer, port_officer):
    draft = services.notice_create(
        actor=gd_officer,
        sender=world.gd,
        title="广东草稿",
        body="草稿",
        issued_on=local_today(),
        audience=Notice.Audience.CHILDREN,
    )
    attachment = services.notice_attachment_add(actor=gd_officer, notice=draft, upload=pdf())
    notice = services.notice_publish(actor=gd_officer, notice=draft, today=local_today())
    receipt = NoticeReceipt.objects.get(notice=notice, authority=world.sz.authority)
    for user in (zj_officer, nb_officer):
        login(client, user)
        assert client.get(_url(notice)).status_code == 404
        assert (
            client.get(reverse("campaigns:notice-attachment", args=[attachment.pk])).status_code
            == 404
        )
        ack = client.post(reverse("campaigns:notice-acknowledge", args=[receipt.pk]))
        assert ack.status_code == 404
        assert client.get(reverse("campaigns:notice-edit", args=[notice.pk])).status_code == 404
        assert notice.title not in client.get(reverse("campaigns:notice-list")).content.decode()
    login(client, port_officer)
    assert client.get(_url(notice)).status_code == 200
    # The recipient cannot change the sender's notice.
    assert client.get(reverse("campaigns:notice-edit", args=[notice.pk])).status_code == 403


# --- the archive --------------------------------------------------------------------------------


@pytest.fixture
def archive(world, national_admin, gd_officer):
    """Twelve national notices over two years (some with files), and six of Guangdong's."""
    made = []
    for i in range(EXTRA):
        notice = services.notice_create(
            actor=national_admin,
            sender=world.national,
            title=f"全国通知{i}",
            body="正文",
            document_number=f"署文明办〔{2025 + i % 2}〕{i + 1}号",
            issued_on=datetime.date(2025 + i % 2, 3, 1 + i),
            audience=Notice.Audience.ALL_LEVELS,
            requires_acknowledgement=True,
            acknowledge_by=datetime.date(2027, 1, 1),
        )
        services.notice_attachment_add(actor=national_admin, notice=notice, upload=pdf())
        made.append(services.notice_publish(actor=national_admin, notice=notice))
    for i in range(6):
        notice = services.notice_create(
            actor=gd_officer,
            sender=world.gd,
            title=f"广东通知{i}",
            body="正文",
            issued_on=datetime.date(2026, 4, 1 + i),
            audience=Notice.Audience.UNITS,
        )
        made.append(services.notice_publish(actor=gd_officer, notice=notice))
    return made


def test_archive_query_count(client, archive, gd_officer, django_assert_num_queries):
    login(client, gd_officer)
    # BASE + years + count + page rows (sender joined, "awaiting me" as a subquery)
    with django_assert_num_queries(BASE + 3):
        response = client.get(reverse("campaigns:notice-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == EXTRA + 6


def test_archive_by_year_search_and_direction(client, archive, gd_officer, zj_officer):
    login(client, gd_officer)
    url = reverse("campaigns:notice-list")
    page = client.get(url, {"year": 2025}).context["page"]
    assert page.paginator.count == 6
    assert {n.issued_on.year for n in page.object_list} == {2025}
    page = client.get(url, {"q": "〔2026〕4号"}).context["page"]
    assert [n.title for n in page.object_list] == ["全国通知3"]
    page = client.get(url, {"q": "广东通知"}).context["page"]
    assert page.paginator.count == 6
    page = client.get(url, {"direction": "sent"}).context["page"]
    assert {n.sender.code for n in page.object_list} == {"GD"}
    page = client.get(url, {"direction": "received"}).context["page"]
    assert page.paginator.count == EXTRA
    year_field = client.get(url).context["filterset"].form.fields["year"]
    assert year_field.choices[0][0] == ""  # any year, until one is picked
    assert client.get(url).context["filterset"].filters["year"].extra["choices"] == [
        ("2026", "2026"),
        ("2025", "2025"),
    ]
    # Zhejiang received the national notices only.
    login(client, zj_officer)
    assert client.get(url).context["page"].paginator.count == EXTRA


def test_archive_is_paginated(client, archive, gd_officer, settings):
    settings.PAGE_SIZE = 5
    login(client, gd_officer)
    response = client.get(reverse("campaigns:notice-list"), {"page": 4})
    assert response.context["page"].number == 4
    assert len(response.context["page"].object_list) == 3


@pytest.fixture
def many_recipients(world, national_admin):
    """Twelve more provinces, so that the national notice has fourteen recipients."""
    for i in range(EXTRA):
        hierarchy.authority_create(
            actor=None,
            code=f"P{i:02d}",
            name=f"测试省{i}口岸办",
            level=Authority.Level.PROVINCIAL,
            parent=world.national,
        )
    return _publish(world.national, national_admin, days=3)


def test_detail_query_count_for_the_sender(
    client, world, national_admin, gd_officer, many_recipients, django_assert_num_queries
):
    notice = many_recipients
    login(client, gd_officer)
    client.get(_url(notice))
    login(client, national_admin)
    # BASE + notice + own unread receipts (none: the sender's own) + attachments
    # + own receipts + counts + receipts count + receipt rows (joined)
    with django_assert_num_queries(BASE + 7):
        response = client.get(_url(notice))
    assert response.context["counts"]["total"] == 2 + EXTRA
    assert len(response.context["page"].object_list) == 2 + EXTRA


def test_detail_query_count_for_a_recipient(
    client, world, national_admin, gd_officer, many_recipients, django_assert_num_queries
):
    notice = many_recipients
    login(client, gd_officer)
    client.get(_url(notice))  # the first reading writes; later visits only look
    # BASE + notice + own unread receipts + attachments + own receipts
    with django_assert_num_queries(BASE + 4):
        response = client.get(_url(notice))
    assert response.status_code == 200
    assert [r.authority.code for r in response.context["own_receipts"]] == ["GD"]

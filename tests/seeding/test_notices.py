"""`seed_demo`'s notices: the national office's three and Guangdong's one, read and acknowledged
by some recipients, one overdue, and nothing added by a second run."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from campaigns.models import Notice, NoticeReceipt
from civport.models import AuditEntry
from seeding.campaigns import Stats
from seeding.notices import seed_notices
from tests.conftest import login


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def _receipt(number, code):
    return NoticeReceipt.objects.get(notice__document_number=number, authority__code=code)


def test_the_national_office_and_guangdong_published_four_notices(demo):
    notices = Notice.objects.filter(status=Notice.Status.PUBLISHED).order_by("document_number")
    assert notices.count() == 4
    senders = sorted(n.sender.code for n in notices)
    assert senders == ["CN", "CN", "CN", "GD"]
    round_notice = Notice.objects.get(sender__code="CN", document_number__endswith="1号")
    assert round_notice.recipient_count == 31
    assert round_notice.acknowledge_by < datetime.date.today()
    assert round_notice.issued_on < round_notice.acknowledge_by
    everything = Notice.objects.get(sender__code="CN", document_number__endswith="3号")
    assert everything.audience == Notice.Audience.ALL_LEVELS
    assert everything.recipient_count > 31


def test_some_provinces_acknowledged_some_did_not_and_one_notice_is_overdue(demo):
    number = Notice.objects.get(sender__code="CN", document_number__endswith="1号").document_number
    assert _receipt(number, "GD").acknowledged_at is not None
    zhejiang = _receipt(number, "ZJ")
    assert zhejiang.first_read_at is not None and zhejiang.acknowledged_at is None
    receipts = NoticeReceipt.objects.filter(notice__document_number=number)
    acknowledged = receipts.filter(acknowledged_at__isnull=False).count()
    assert 10 < acknowledged < 31
    scheme = Notice.objects.get(sender__code="CN", document_number__endswith="2号")
    states = NoticeReceipt.objects.filter(notice=scheme)
    assert states.filter(acknowledged_at__isnull=False).exists()
    assert states.filter(first_read_at__isnull=False, acknowledged_at__isnull=True).exists()
    assert states.filter(first_read_at__isnull=True).exists()
    guangdong = Notice.objects.get(sender__code="GD")
    assert _receipt(guangdong.document_number, "GD-SZ").acknowledged_at is not None


def test_the_sender_and_the_recipients_pages_show_them(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    notice = Notice.objects.get(sender__code="CN", document_number__endswith="1号")
    login(client, users.get(username="national"))
    response = client.get(reverse("campaigns:notice-detail", args=[notice.pk]))
    assert response.context["counts"]["overdue"] > 0
    login(client, users.get(username="zj_officer"))
    html = client.get(reverse("campaigns:home")).content.decode()
    assert notice.title in html


def test_guangdong_has_read_the_scheme_notice_and_it_waits_on_its_home_page(demo, client):
    from django.contrib.auth import get_user_model

    scheme = Notice.objects.get(sender__code="CN", document_number__endswith="2号")
    receipt = _receipt(scheme.document_number, "GD")
    assert receipt.first_read_at is not None and receipt.acknowledged_at is None
    assert scheme.acknowledge_by >= datetime.date.today()
    login(client, get_user_model().objects.get(username="gd_officer"))
    response = client.get(reverse("campaigns:home"))
    assert [r.notice_id for r in response.context["pending_notices"]] == [scheme.pk]
    assert response.context["pending_notices"][0].can_acknowledge


def test_a_second_run_adds_nothing_and_audits_no_notice(demo):
    audited = AuditEntry.objects.count()
    before = (Notice.objects.count(), NoticeReceipt.objects.count())
    stats = Stats()
    seed_notices(stats)
    assert (Notice.objects.count(), NoticeReceipt.objects.count()) == before
    assert stats.kept["notice"] == 4 and not stats.created["notice"]
    assert AuditEntry.objects.count() == audited

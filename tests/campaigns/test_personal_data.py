"""Personal information (GB/T 22239-2019 level 3, 个人信息保护): a visitor's contact is whole for
the port's own authority, masked for the offices above it, who may reveal it (audited); the
people's sheet is exported only with a stated purpose, recorded in the audit log."""

import pytest
from django.urls import reverse

from campaigns.models import Feedback
from campaigns.services import public as public_services
from civport.models import AuditEntry
from civport.privacy import mask_email, mask_phone
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("张先生 13812341234", "张先生 138****1234"),
        ("020-8312 3456", "020-**** 3456"),
        ("1234567", "****67"),
        ("", ""),
    ],
)
def test_phone_numbers_are_masked(value, masked):
    assert mask_phone(value) == masked


def test_e_mail_addresses_are_masked():
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"


@pytest.fixture
def item(world):
    feedback, _code = public_services.feedback_submit(
        port=world.sz.port,
        kind=Feedback.Kind.SUGGESTION,
        text="增加自助通关通道",
        name="王女士",
        contact="13812341234",
    )
    return feedback


def _contact(client, item):
    page = client.get(reverse("campaigns:feedback-detail", args=[item.pk]))
    assert page.status_code == 200
    return page


def test_the_ports_own_authority_sees_the_whole_contact(client, item, port_officer):
    login(client, port_officer)
    page = _contact(client, item).content.decode()
    assert "13812341234" in page
    assert reverse("campaigns:feedback-contact", args=[item.pk]) not in page


def test_the_province_sees_it_masked_and_may_reveal_it_audited(
    client, item, gd_officer, in_english
):
    login(client, gd_officer)
    page = _contact(client, item).content.decode()
    assert "13812341234" not in page and "138****1234" in page
    assert "recorded in the audit log" in page
    revealed = client.post(reverse("campaigns:feedback-contact", args=[item.pk]))
    assert revealed.status_code == 200
    assert "13812341234" in revealed.content.decode()
    entry = AuditEntry.objects.get(action="campaigns.feedback.contact_viewed")
    assert entry.actor == gd_officer and entry.object_id == str(item.pk)


def test_another_province_cannot_reveal_it(client, item, zj_officer):
    login(client, zj_officer)
    assert client.post(reverse("campaigns:feedback-contact", args=[item.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="campaigns.feedback.contact_viewed").exists()


def test_the_people_sheet_asks_for_a_purpose_first(client, gd_officer, in_english):
    login(client, gd_officer)
    url = reverse("campaigns:export", args=["people", "csv"])
    page = client.get(url)
    assert page.status_code == 200
    assert "This sheet holds personal information" in page.content.decode()
    refused = client.post(url, {"purpose": "other", "detail": " "})
    assert refused.status_code == 400
    assert "Say what the export is for." in refused.content.decode()
    assert not AuditEntry.objects.filter(action="campaigns.personal_data.exported").exists()


def test_the_purpose_is_recorded_with_the_export(client, gd_officer):
    login(client, gd_officer)
    response = client.post(
        reverse("campaigns:export", args=["people", "csv"]),
        {"purpose": "other", "detail": "省级表彰材料"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    entry = AuditEntry.objects.get(action="campaigns.personal_data.exported")
    assert entry.actor == gd_officer
    assert entry.changes["kind"] == "people" and entry.changes["format"] == "csv"
    assert entry.changes["purpose"].endswith(": 省级表彰材料")
    assert entry.changes["rows"] == 6


def test_sheets_without_personal_information_need_no_purpose(client, gd_officer):
    login(client, gd_officer)
    response = client.get(reverse("campaigns:export", args=["units", "csv"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")

"""Importing accounts from a spreadsheet: all or nothing, row messages, the manager's area only,
the preview → confirm pages, and CSV in GB18030."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.account_imports import accounts_import
from campaigns.models import Membership
from campaigns.services import accounts
from civport.models import AuditEntry

Role = Membership.Role
HEADER = "用户名,姓名,单位或机构代码,角色,电话,电子邮箱\n"


@pytest.fixture
def gd_manager(gd_officer):
    accounts.account_duty_set(
        actor=None, membership=gd_officer.memberships.get(), manages_accounts=True
    )
    return gd_officer


def _csv(*rows, encoding="utf-8-sig"):
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode(encoding)


def test_import_creates_every_account(gd_manager, world):
    data = _csv(
        f"imp1,张一,{world.sz.units[0].code},unit_contact,0755-1,imp1@example.cn",
        f"imp2,张二,{world.gz.authority.code},口岸所在地政府口岸管理机构工作人员,,",
        f"imp3,张三,{world.gd.code},reviewer,,",
    )
    result, links = accounts_import(data=data, filename="a.csv", actor=gd_manager)
    assert result.applied, [r.messages for r in result.rows]
    assert [link.user.username for link in links] == ["imp1", "imp2", "imp3"]
    roles = dict(
        Membership.objects.filter(user__username__startswith="imp").values_list(
            "user__username", "role"
        )
    )
    assert roles == {"imp1": Role.UNIT_CONTACT, "imp2": Role.PORT_OFFICER, "imp3": Role.REVIEWER}
    assert AuditEntry.objects.filter(action="campaigns.account.created").count() == 3


def test_import_is_all_or_nothing_with_row_messages(gd_manager, world):
    get_user_model().objects.create_user("taken")
    data = _csv(
        f"ok1,好,{world.sz.units[0].code},unit_contact,,",
        f"taken,重名,{world.sz.units[0].code},unit_contact,,",
        f"zj1,浙江,{world.nb.units[0].code},unit_contact,,",
        f"ok1,重复,{world.sz.units[1].code},unit_contact,,",
        f"bad1,,{world.gd.code},provincial_officer,,not-an-address",
        f"bad2,角色,{world.gd.code},boss,,",
    )
    result, links = accounts_import(data=data, filename="a.csv", actor=gd_manager)
    assert not result.applied and links == []
    errors = {row.number: row.messages for row in result.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "taken" in errors[3][0]
    assert errors[5][0].count("2")  # repeated from row 2
    assert len(errors[6]) == 3  # no name, a role above the manager, a bad e-mail
    assert not get_user_model().objects.filter(username="ok1").exists()


def test_import_rows_outside_the_area_do_not_say_what_exists(gd_manager, world):
    data = _csv(f"zj2,浙江,{world.zj.code},reviewer,,")
    result, _links = accounts_import(data=data, filename="a.csv", actor=gd_manager)
    assert result.errors and not result.applied


def test_import_reads_gb18030(gd_manager, world):
    data = _csv(f"gb1,广东人,{world.sz.units[0].code},参与单位联络员,,", encoding="gb18030")
    result, _links = accounts_import(data=data, filename="a.csv", actor=gd_manager, dry_run=True)
    assert result.ok and not result.applied
    assert result.rows[0].name == "广东人"


def test_import_refuses_a_file_without_the_columns(gd_manager):
    result, _links = accounts_import(data=b"a,b\n1,2\n", filename="a.csv", actor=gd_manager)
    assert result.file_errors and not result.applied


def test_preview_then_confirm(client, gd_manager, world):
    client.force_login(gd_manager)
    upload = SimpleUploadedFile(
        "accounts.csv", _csv(f"web1,网页,{world.sz.units[0].code},unit_contact,,"), "text/csv"
    )
    preview = client.post(reverse("campaigns:account-import"), {"file": upload})
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token
    assert not get_user_model().objects.filter(username="web1").exists()
    done = client.post(reverse("campaigns:account-import-confirm"), {"token": token})
    assert done.status_code == 302 and done.url == reverse("campaigns:account-list")
    assert get_user_model().objects.filter(username="web1").exists()
    page = client.get(done.url)
    assert [link["username"] for link in page.context["links"]] == ["web1"]
    # The stored file is gone: confirming twice creates nothing more.
    again = client.post(reverse("campaigns:account-import-confirm"), {"token": token})
    assert again.status_code == 302


def test_preview_with_errors_offers_no_confirmation(client, gd_manager, world):
    client.force_login(gd_manager)
    upload = SimpleUploadedFile(
        "accounts.csv", _csv(f"web2,网页,{world.nb.units[0].code},unit_contact,,"), "text/csv"
    )
    preview = client.post(reverse("campaigns:account-import"), {"file": upload})
    assert preview.context["token"] is None
    assert "table-danger" in preview.text


def test_another_manager_cannot_confirm_my_preview(client, gd_manager, zj_officer, world):
    client.force_login(gd_manager)
    upload = SimpleUploadedFile(
        "accounts.csv", _csv(f"web3,网页,{world.sz.units[0].code},unit_contact,,"), "text/csv"
    )
    token = client.post(reverse("campaigns:account-import"), {"file": upload}).context["token"]
    accounts.account_duty_set(
        actor=None, membership=zj_officer.memberships.get(), manages_accounts=True
    )
    client.force_login(zj_officer)
    assert (
        client.post(reverse("campaigns:account-import-confirm"), {"token": token}).status_code
        == 404
    )
    assert not get_user_model().objects.filter(username="web3").exists()


def test_an_xlsx_file(gd_manager, world):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "单位或机构代码", "角色", "电话", "电子邮箱"])
    sheet.append(["x1", "表格", world.sz.units[0].code, "unit_contact", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    result, links = accounts_import(data=buffer.getvalue(), filename="a.xlsx", actor=gd_manager)
    assert result.applied and links[0].user.username == "x1"

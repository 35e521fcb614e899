"""The portal's import screens: start, upload → preview → confirm, templates, exports."""

import csv
import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from campaigns import services
from campaigns.models import Unit
from civport.imports import STALE_UPLOAD_SECONDS
from civport.models import AuditEntry, Job
from tests.campaigns.test_imports_engine import (
    GOOD_UNIT,
    UNIT_HEADERS,
    csv_bytes,
    state,
    xlsx_bytes,
)
from tests.conftest import login
from tests.polling import wait_until

START = reverse("campaigns:import-start")
UPLOAD = reverse("campaigns:import-upload", args=["units"])
CONFIRM = reverse("campaigns:import-confirm", args=["units"])


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def media(request, settings, tmp_path):
    # A real worker is a separate process with the configured MEDIA_ROOT; keep that one there.
    if "real_worker" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, rows, *, name="units.csv", url=UPLOAD, data=None):
    content = (
        data
        if data is not None
        else (xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    )
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def new_unit_rows(count, authority="GD-SZ", port="GD-0001"):
    return [UNIT_HEADERS] + [
        [f"{authority}-N{i:02d}", f"新单位{i}", "运营服务", "CUSTOMS", port, authority]
        for i in range(count)
    ]


# `world` is named so that pytest-django counts these tests as database tests and runs them
# before the transactional ones (`persona` resolves its fixtures only at run time).
@pytest.mark.parametrize("name", ["unit_contact", "outsider"])
@pytest.mark.parametrize(
    "url",
    [
        START,
        UPLOAD,
        reverse("campaigns:import-template", args=["units", "xlsx"]),
        reverse("campaigns:export", args=["units", "csv"]),
    ],
)
def test_pages_are_404_for_users_who_cannot_import(client, world, persona, name, url):
    login(client, persona(name))
    assert client.get(url).status_code == 404


def test_confirm_is_404_for_users_who_cannot_import(client, unit_contact):
    login(client, unit_contact)
    assert client.post(CONFIRM, {"token": "x"}).status_code == 404


def test_unknown_kind_is_404(client, gd_officer):
    login(client, gd_officer)
    assert client.get(reverse("campaigns:import-upload", args=["reviewers"])).status_code == 404


@pytest.mark.parametrize("name", ["national_admin", "gd_officer", "port_officer"])
def test_start_page_query_count(client, world, persona, name, django_assert_num_queries):
    login(client, persona(name))
    # 1 session + 1 user + 1 the user's grants (scope) + 1 the user's recent background imports.
    with django_assert_num_queries(4):
        response = client.get(START)
    assert response.status_code == 200


def test_upload_form(client, port_officer):
    login(client, port_officer)
    response = client.get(UPLOAD)
    assert response.status_code == 200
    assert "所属口岸管理机构代码" in response.content.decode()


def test_preview_then_confirm_imports_the_file(english, port_officer, django_assert_num_queries):
    login(english, port_officer)
    rows = new_unit_rows(12)
    rows.append(["GD-SZ-U1", "深圳改名单位", "检查检验", "CUSTOMS", "GD-0001", "GD-SZ"])
    before = state()
    # 1 session + 1 user + 1 scope + 1 existing units by code + 3 targets (authorities, ports,
    # agencies; the file has no parent column, so no parent units) = 7, whatever the rows.
    with django_assert_num_queries(7):
        response = upload(english, rows, name="units.xlsx")
    assert response.status_code == 200
    assert state() == before
    page = response.content.decode()
    assert "Ready to import: 12 to create, 1 to update, 0 unchanged." in page
    token = response.context["token"]
    assert token

    response = english.post(CONFIRM, {"token": token}, follow=True)
    assert response.redirect_chain[-1][0] == START
    assert "Import finished: 12 created, 1 updated, 0 unchanged." in response.content.decode()
    assert Unit.objects.filter(code__startswith="GD-SZ-N").count() == 12
    assert Unit.objects.get(code="GD-SZ-U1").name == "深圳改名单位"
    entries = AuditEntry.objects.filter(action="campaigns.unit.imported")
    assert entries.count() == 13
    assert {e.actor_id for e in entries} == {port_officer.pk}

    # The token is spent: the stored file is gone.
    response = english.post(CONFIRM, {"token": token}, follow=True)
    assert "already been imported" in response.content.decode()
    assert AuditEntry.objects.filter(action="campaigns.unit.imported").count() == 13


def test_preview_lists_row_errors_and_offers_no_confirmation(english, gd_officer):
    login(english, gd_officer)
    rows = new_unit_rows(2)
    rows.append(["ZJ-NB-N99", "宁波单位", "其他", "", "", "ZJ-NB"])
    before = state()
    response = upload(english, rows)
    assert state() == before
    assert response.context["token"] is None
    page = response.content.decode()
    assert "1 row has errors. Nothing was saved" in page
    assert "所属口岸管理机构代码: no record has the code “ZJ-NB”." in page
    # Errors first; the other rows are only said to be valid, since nothing will be written.
    assert [(r.number, r.action) for r in response.context["rows"]] == [
        (4, "error"),
        (2, "valid"),
        (3, "valid"),
    ]
    assert "no errors" in page


def test_file_errors_are_shown_on_the_form(english, gd_officer):
    login(english, gd_officer)
    response = upload(english, None, name="units.xlsx", data=b"not a workbook")
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is not a valid Excel workbook (.xlsx), although its name says so."
    ]


def test_oversized_upload_is_refused(english, gd_officer, settings):
    settings.CIVPORT_IMPORT_MAX_BYTES = 50
    login(english, gd_officer)
    response = upload(english, new_unit_rows(5))
    assert "The file is larger than 50" in response.context["form"].errors["file"][0]


def test_a_token_for_another_user_is_404(client, gd_officer, port_officer):
    login(client, gd_officer)
    token = upload(client, new_unit_rows(1)).context["token"]
    login(client, port_officer)
    assert client.post(CONFIRM, {"token": token}).status_code == 404
    assert not Unit.objects.filter(code="GD-SZ-N00").exists()


def test_a_token_for_another_kind_is_404(client, gd_officer):
    login(client, gd_officer)
    token = upload(client, new_unit_rows(1)).context["token"]
    confirm_people = reverse("campaigns:import-confirm", args=["people"])
    assert client.post(confirm_people, {"token": token}).status_code == 404


def test_a_forged_token_is_refused(english, gd_officer):
    login(english, gd_officer)
    response = english.post(CONFIRM, {"token": "forged"}, follow=True)
    assert "This preview has expired" in response.content.decode()


def test_confirm_revalidates_the_file(english, gd_officer, world):
    login(english, gd_officer)
    token = upload(english, new_unit_rows(2)).context["token"]
    # Meanwhile someone takes one of the codes for a unit in Zhejiang.
    services.unit_create(
        actor=None, code="GD-SZ-N01", name="x", category="other", authority=world.nb.authority
    )
    before = state()
    response = english.post(CONFIRM, {"token": token})
    assert response.status_code == 200
    assert "This row is outside your area." in response.content.decode()
    assert state() == before


def test_large_files_are_imported_by_a_job(
    english, gd_officer, settings, django_capture_on_commit_callbacks
):
    settings.CIVPORT_IMPORT_INLINE_ROWS = 5
    login(english, gd_officer)
    token = upload(english, new_unit_rows(6)).context["token"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = english.post(CONFIRM, {"token": token})
    assert len(callbacks) == 1
    job = Job.objects.get(owner=gd_officer)
    assert response["Location"] == reverse("jobs:job", args=[job.pk])
    assert Unit.objects.filter(code__startswith="GD-SZ-N").count() == 6
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 3, 3)
    assert job.summary == "Import finished: 6 created, 0 updated, 0 unchanged."
    page = english.get(reverse("jobs:job", args=[job.pk])).content.decode()
    assert "Import finished: 6 created, 0 updated, 0 unchanged." in page
    assert job.summary in english.get(START).content.decode()


def test_a_job_whose_rows_went_bad_meanwhile_saves_nothing(
    english, world, gd_officer, settings, django_capture_on_commit_callbacks
):
    settings.CIVPORT_IMPORT_INLINE_ROWS = 1
    login(english, gd_officer)
    token = upload(english, new_unit_rows(2)).context["token"]
    services.unit_create(
        actor=None, code="GD-SZ-N01", name="x", category="other", authority=world.nb.authority
    )
    with django_capture_on_commit_callbacks(execute=True):
        english.post(CONFIRM, {"token": token})
    job = Job.objects.get(owner=gd_officer)
    assert job.status == Job.Status.FAILED
    assert any("This row is outside your area." in error for error in job.errors)
    assert not Unit.objects.filter(code="GD-SZ-N02").exists()


@pytest.mark.worker
def test_confirmed_import_runs_on_a_real_worker(real_worker, client, gd_officer, settings):
    settings.CIVPORT_IMPORT_INLINE_ROWS = 0
    login(client, gd_officer)
    token = upload(client, new_unit_rows(3)).context["token"]
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    job = Job.objects.get(owner=gd_officer)
    wait_until(lambda: Job.objects.get(pk=job.pk).finished, seconds=60, what="the worker's import")
    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
    assert Unit.objects.filter(code__startswith="GD-SZ-N").count() == 3
    assert AuditEntry.objects.filter(action="campaigns.unit.imported").count() == 3


# --- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["authorities", "ports", "units", "people"])
def test_xlsx_template_has_chinese_headers_and_an_example(client, gd_officer, kind):
    login(client, gd_officer)
    response = client.get(reverse("campaigns:import-template", args=[kind, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "代码"
    assert len(rows) == 2
    assert rows[1][0]


def test_csv_template_is_utf8_with_bom(client, gd_officer):
    login(client, gd_officer)
    response = client.get(reverse("campaigns:import-template", args=["ports", "csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["代码", "名称", "英文名称", "口岸类型"]
    assert rows[1][3:7] == ["水运", "海港", "一类", "季节性开放"]
    assert rows[1][7] == "5-10"


# --- exports ------------------------------------------------------------------------------


def _csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


PURPOSE = {"purpose": "statistics", "detail": ""}


def _export(client, kind, fmt):
    """An export as the page makes it: the people's sheet after stating its purpose."""
    url = reverse("campaigns:export", args=[kind, fmt])
    return client.post(url, PURPOSE) if kind == "people" else client.get(url)


def test_export_contains_only_the_users_rows(client, gd_officer):
    login(client, gd_officer)
    rows = _csv_rows(client.get(reverse("campaigns:export", args=["units", "csv"])))
    codes = [row[0] for row in rows[1:]]
    assert codes == ["GD-GZ-U1", "GD-GZ-U2", "GD-SZ-U1", "GD-SZ-U2"]
    rows = _csv_rows(_export(client, "people", "csv"))
    assert not [row for row in rows[1:] if row[0].startswith("ZJ")]
    assert len(rows) == 1 + 6


def test_port_officer_export_is_their_area(client, port_officer):
    login(client, port_officer)
    rows = _csv_rows(client.get(reverse("campaigns:export", args=["ports", "csv"])))
    assert [row[0] for row in rows[1:]] == ["GD-0001"]


def test_export_escapes_formulas(client, gd_officer, world):
    services.unit_update(actor=None, unit=world.sz.units[0], name='=HYPERLINK("http://x","y")')
    services.unit_update(actor=None, unit=world.sz.units[1], name_en="+1 (800) 555")
    login(client, gd_officer)
    rows = _csv_rows(client.get(reverse("campaigns:export", args=["units", "csv"])))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["GD-SZ-U1"][1] == '\'=HYPERLINK("http://x","y")'
    assert by_code["GD-SZ-U2"][2] == "'+1 (800) 555"
    response = client.get(reverse("campaigns:export", args=["units", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["GD-SZ-U1"][1] == '\'=HYPERLINK("http://x","y")'
    assert sheet["B1"].data_type == "s"


@pytest.mark.parametrize("kind", ["authorities", "ports", "units", "people"])
def test_export_query_count_is_fixed(client, national_admin, kind, django_assert_num_queries):
    login(client, national_admin)
    # 1 session + 1 user + 1 scope + 1 the rows with their related rows joined + the audit entry
    # of the export: 1 insert, for the people's sheet (its purpose stated) between a savepoint
    # and its release.
    with django_assert_num_queries(7 if kind == "people" else 5):
        response = _export(client, kind, "xlsx")
    assert response.status_code == 200


def test_exported_file_imports_back_unchanged(client, gd_officer):
    login(client, gd_officer)
    response = _export(client, "people", "xlsx")
    before = state()
    response = client.post(
        reverse("campaigns:import-upload", args=["people"]),
        {"file": SimpleUploadedFile("people.xlsx", response.content)},
    )
    assert response.context["result"].counts == {
        "create": 0,
        "update": 0,
        "unchanged": 6,
        "error": 0,
    }
    assert state() == before


def test_unit_rows_used_by_other_tests_still_match_headers():
    assert len(GOOD_UNIT) == len(UNIT_HEADERS)


def test_unconfirmed_uploads_are_purged_after_a_day(client, gd_officer, media):
    login(client, gd_officer)
    upload(client, new_unit_rows(1))
    [old] = list((media / "imports").iterdir())
    stamp = time.time() - STALE_UPLOAD_SECONDS - 60
    os.utime(old, (stamp, stamp))
    upload(client, new_unit_rows(2))
    remaining = list((media / "imports").iterdir())
    assert len(remaining) == 1
    assert old not in remaining

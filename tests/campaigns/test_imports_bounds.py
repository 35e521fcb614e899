"""The import screens refuse a workbook whose real content passes the limits, and write
nothing: the 5 KB sheet with values in A1 and XFD1048576 among them."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.imports import NATIONAL_SCOPE, import_records
from tests.campaigns.test_imports_engine import GOOD_UNIT, UNIT_HEADERS, state
from tests.campaigns.test_imports_views import upload
from tests.civport.spreadsheet_samples import (
    far_row_xlsx,
    memory_ceiling,  # noqa: F401 (a fixture)
    whole_grid_xlsx,
    xlsx_bytes,
)
from tests.conftest import login

PERSON_HEADERS = ["代码", "姓名", "所在单位代码"]

# A reader that regresses to allocating a sheet's declared area aborts at once, not slowly.
pytestmark = pytest.mark.usefixtures("memory_ceiling")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("kind", ["units", "people"])
def test_the_upload_preview_refuses_the_whole_grid_sheet(
    client,
    settings,
    gd_officer,
    kind,
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, gd_officer)
    before = state()
    headers = UNIT_HEADERS if kind == "units" else PERSON_HEADERS
    response = upload(
        client,
        None,
        name=f"{kind}.xlsx",
        url=reverse("campaigns:import-upload", args=[kind]),
        data=whole_grid_xlsx([headers]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The sheet “Sheet” has content in column XFD, beyond the limit of 100 columns "
        "(A to CV); delete what lies beyond and upload the file again."
    ]
    assert state() == before


def test_the_engine_refuses_a_value_far_below_and_writes_nothing(world):
    before = state()
    result = import_records(
        kind="units",
        data=far_row_xlsx([UNIT_HEADERS, GOOD_UNIT]),
        filename="units.xlsx",
        actor=None,
        scope=NATIONAL_SCOPE,
    )
    assert not result.applied and state() == before
    assert "has content in row 1048576" in result.file_errors[0]
    assert "20000" in result.file_errors[0]


def test_an_ordinary_workbook_still_imports(world):
    result = import_records(
        kind="units",
        data=xlsx_bytes([UNIT_HEADERS, GOOD_UNIT]),
        filename="units.xlsx",
        actor=None,
        scope=NATIONAL_SCOPE,
    )
    assert result.applied, (result.file_errors, [r.messages for r in result.rows])

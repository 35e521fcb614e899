"""The quota import refuses a workbook whose real content passes the limits, and writes
nothing."""

import pytest

from awards.models import Quota
from awards.resources import quotas_import_file
from civport.models import AuditEntry
from tests.civport.spreadsheet_samples import (
    far_row_xlsx,
    memory_ceiling,  # noqa: F401 (a fixture)
    whole_grid_xlsx,
)

HEADERS = ["省份", "称号", "名额"]

# A reader that regresses to allocating a sheet's declared area aborts at once, not slowly.
pytestmark = pytest.mark.usefixtures("memory_ceiling")


def quotas(round):
    return sorted(Quota.objects.filter(round=round).values_list("province_id", "title", "quota"))


def test_the_whole_grid_sheet_is_refused(national_admin, award_round, in_english):
    before, audit = quotas(award_round), AuditEntry.objects.count()
    result = quotas_import_file(
        actor=national_admin,
        round=award_round,
        data=whole_grid_xlsx([HEADERS, ["GD", "全国文明口岸", "3"]]),
        filename="quotas.xlsx",
    )
    assert not result.applied and result.rows == []
    assert result.file_errors == [
        "The sheet “Sheet” has content in column XFD, beyond the limit of 100 columns "
        "(A to CV); delete what lies beyond and upload the file again."
    ]
    assert quotas(award_round) == before and AuditEntry.objects.count() == audit


def test_a_value_far_below_is_refused(national_admin, award_round, in_english):
    before = quotas(award_round)
    result = quotas_import_file(
        actor=national_admin,
        round=award_round,
        data=far_row_xlsx([HEADERS, ["GD", "全国文明口岸", "3"]]),
        filename="quotas.xlsx",
    )
    assert not result.applied
    assert "has content in row 1048576" in result.file_errors[0]
    assert quotas(award_round) == before

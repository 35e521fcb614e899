"""The scheme import refuses a workbook whose real content passes the limits, and leaves the
draft as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.services import schemes as services
from assessments.spreadsheets import ITEM_COLUMNS
from civport.models import AuditEntry
from tests.civport.spreadsheet_samples import (
    far_row_xlsx,
    memory_ceiling,  # noqa: F401 (a fixture)
    whole_grid_xlsx,
)
from tests.conftest import login

# The messages are asserted in English; a reader that regresses to allocating a sheet's
# declared area aborts at once, not slowly.
pytestmark = pytest.mark.usefixtures("in_english", "memory_ceiling")

ZH = [zh for zh, _en in ITEM_COLUMNS.values()]


@pytest.fixture
def draft(template, national_admin):
    return services.scheme_new_version(actor=national_admin, scheme=template)


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        (whole_grid_xlsx, "has content in column XFD, beyond the limit of 100 columns"),
        (far_row_xlsx, "has content in row 1048576; a sheet may hold a header row and at most"),
    ],
)
def test_the_import_view_refuses_content_past_the_limits(
    client,
    national_admin,
    draft,
    sample,
    message,
):
    login(client, national_admin)
    items = list(draft.items.values_list("code", flat=True))
    audit = AuditEntry.objects.count()
    upload = SimpleUploadedFile("scheme.xlsx", sample([ZH]))
    response = client.post(reverse("assessments:scheme-import", args=[draft.pk]), {"file": upload})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert list(draft.items.values_list("code", flat=True)) == items
    assert AuditEntry.objects.count() == audit

"""The recommendation list and its confirmation show each mean score with two decimals, on
SQLite (which returns an average as 72.5100000000000) as on PostgreSQL."""

from decimal import Decimal

from django.urls import reverse

from assessments.models import ScoreSheet
from tests.awards.test_recommendations_services import gd_units  # noqa: F401 (a fixture)
from tests.conftest import login


def test_mean_scores_read_with_two_decimals(client, world, award_round, gd_units, gd_officer):  # noqa: F811
    first = gd_units[0]
    sheets = ScoreSheet.objects.filter(
        subject__object_id=first.pk, subject__review__round_key=award_round.review_key
    )
    sheets.update(total=Decimal("72.51"))
    login(client, gd_officer)
    page = client.get(
        reverse("awards:recommendation-detail", args=[award_round.pk, world.gd.pk])
    ).content.decode()
    assert "72.51" in page
    assert "72.510" not in page

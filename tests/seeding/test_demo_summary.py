"""`seed_demo` logs its activities through the services, so the dashboards' activity summary ends
equal to what its activities say."""

from campaigns.models import Activity, ActivitySummary
from campaigns.services import summaries
from tests.seeding.test_campaigns_work import demo, seeded  # noqa: F401 -- the demo, loaded once


def test_the_demo_ends_with_the_summary_of_its_activities(demo):  # noqa: F811
    assert Activity.objects.count() >= 100
    assert set(Activity.objects.values_list("status", flat=True)) == set(Activity.Status.values)
    assert ActivitySummary.objects.exists()
    assert summaries.summary_rows() == summaries.summary_from_activities()

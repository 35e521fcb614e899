"""Fixtures for the award round: a round on the starting template with quotas for Guangdong and
Zhejiang, its reviews, and a factory of nominations in any state (written directly, so the tests
of one part of the round do not depend on the services of another).

tests/conftest.py loads this module as a plugin, so browser and bench tests use them too.
"""

import datetime

import pytest
from django.utils import timezone

from awards.models import Nomination, Quota, Round, Title
from awards.services.rounds import round_reviews_ensure

DEEDS = "该单位坚持共建文明口岸，" * 30  # 360 characters, above the minimum length


@pytest.fixture
def award_round(world, template):
    """The 2025—2026 round, nominating, deadlines ahead, quotas of 2 per title for Guangdong and
    1 per title for Zhejiang, reviews created (panels empty)."""
    today = timezone.localdate()
    round = Round.objects.create(
        code="2025-2026",
        name="2025—2026年度全国共建文明口岸评比",
        start_year=2025,
        end_year=2026,
        scheme=template,
        phase=Round.Phase.NOMINATING,
        nominations_due_on=today + datetime.timedelta(days=30),
        provincial_review_due_on=today + datetime.timedelta(days=60),
        national_review_due_on=today + datetime.timedelta(days=90),
        reviewers_per_nomination=3,
        notice_working_days=5,
    )
    for province, quota in ((world.gd, 2), (world.zj, 1)):
        Quota.objects.bulk_create(
            Quota(round=round, province=province, title=title, quota=quota)
            for title in Title.values
        )
    round_reviews_ensure(actor=None, round=round)
    return round


@pytest.fixture
def make_nomination(world, national_admin):
    """make_nomination(round, nominee, status=…, **fields): a nomination of the right title for
    a Port, Unit, Person or Authority (an organizer), with its snapshot of names filled in."""
    from campaigns.models import Authority, Person, Port, Unit

    def make(round, nominee, status=Nomination.Status.SUBMITTED, **fields):
        values = {"round": round, "status": status, "created_by": national_admin}
        if isinstance(nominee, Port):
            values |= {
                "title": Title.CIVILIZED_PORT,
                "port": nominee,
                "authority": nominee.authority,
                "nominee_unit_name": "",
            }
        elif isinstance(nominee, Unit):
            values |= {
                "title": Title.ADVANCED_UNIT,
                "unit": nominee,
                "authority": nominee.authority,
                "nominee_unit_name": nominee.name,
            }
        elif isinstance(nominee, Person):
            values |= {
                "title": Title.ADVANCED_INDIVIDUAL,
                "person": nominee,
                "unit": nominee.unit,
                "authority": nominee.unit.authority,
                "nominee_unit_name": nominee.unit.name,
            }
        elif isinstance(nominee, Authority):
            values |= {
                "title": Title.ADVANCED_ORGANIZER,
                "organizer": nominee,
                "authority": nominee if nominee.level == "provincial" else nominee.parent,
                "nominee_unit_name": "",
            }
        else:
            raise TypeError(nominee)
        authority = values["authority"]
        values["province"] = Authority.objects.get(
            path="/".join(authority.path.split("/")[:2]) + "/"
        )
        values |= {"nominee_name": nominee.name, "deeds": DEEDS, "summary": DEEDS[:120]}
        if status != Nomination.Status.DRAFT:
            values |= {"submitted_by": national_admin, "submitted_at": timezone.now()}
        values |= fields
        return Nomination.objects.create(**values)

    return make

"""Helpers of the tests of a province's own round: Guangdong's published scheme and round."""

import datetime

from django.utils import timezone

from assessments.models import Scheme
from assessments.services.schemes import scheme_derive
from awards.services import rounds as round_services


def make_gd_scheme(world, template):
    """Guangdong's own scheme, derived from the national template, published."""
    scheme = scheme_derive(actor=None, template=template, authority=world.gd)
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.PUBLISHED)
    scheme.refresh_from_db()
    return scheme


def gd_round(world, scheme, **extra):
    """Guangdong's 2025—2026 round in draft, deadlines ahead."""
    today = timezone.localdate()
    values = {
        "code": "gd-2025-2026",
        "name": "2025—2026年度广东省共建文明口岸评比",
        "start_year": 2025,
        "end_year": 2026,
        "scheme": scheme,
        "nominations_due_on": today + datetime.timedelta(days=30),
        "provincial_review_due_on": today + datetime.timedelta(days=60),
    } | extra
    return round_services.round_create(actor=None, authority=world.gd, **values)

"""The hierarchy's pages at national scale: queries per page and median server time.

Each entry is a GET through the test client (the whole middleware stack, DEBUG off) as one of
the benchmark personas of the scale data set. `sql.count_units.median_ms` is a bare
`SELECT count(*)` of the units table, as a floor to compare the pages with.
"""

from django.db import connection
from django.db.models import Count
from django.urls import reverse

from bench.common import measure_get
from campaigns.models import Authority, Person, Unit
from seeding.scale_campaigns import BENCH_NATIONAL, BENCH_PROVINCE, BENCH_PROVINCIAL

LAST_PAGE = "9999"  # the paginator answers an out-of-range page with the last one


def _busiest_unit(province):
    """A unit of the province with the most people (and so the fullest detail page)."""
    return (
        Unit.objects.filter(authority__path__startswith=province.path)
        .annotate(staff=Count("people"))
        .order_by("-staff", "pk")
        .first()
    )


def pages(national, provincial):
    cn = Authority.objects.get(code="CN")
    province = Authority.objects.get(code=BENCH_PROVINCE)
    unit = _busiest_unit(province)
    person = Person.objects.filter(unit=unit).order_by("pk").first()
    ports, units, people = (
        reverse("campaigns:port-list"),
        reverse("campaigns:unit-list"),
        reverse("campaigns:person-list"),
    )
    return [
        (
            "authority_detail_children",
            national,
            reverse("campaigns:authority-detail", args=[cn.pk]),
        ),
        (
            "authority_units",
            provincial,
            reverse("campaigns:authority-detail", args=[province.pk]) + "?tab=units",
        ),
        ("port_list_national", national, ports),
        ("port_list_provincial", provincial, ports),
        ("unit_list_national", national, units),
        ("unit_list_provincial", provincial, units),
        ("unit_list_search", national, units + "?q=%E6%B5%B7%E5%85%B3"),  # 海关
        ("person_list_national", national, people),
        ("person_list_provincial", provincial, people),
        ("person_list_last_page", national, f"{people}?page={LAST_PAGE}"),
        ("unit_detail", provincial, reverse("campaigns:unit-detail", args=[unit.pk])),
        ("person_detail", provincial, reverse("campaigns:person-detail", args=[person.pk])),
    ]


def count_units():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {Unit._meta.db_table}")
        cursor.fetchone()


def run(ctx):
    national = ctx.client_for(BENCH_NATIONAL)
    provincial = ctx.client_for(BENCH_PROVINCIAL)
    for name, client, url in pages(national, provincial):
        measure_get(ctx, f"pages.{name}", client, url)
    ctx.record("sql.count_units.median_ms", ctx.median_ms(count_units), "ms")

"""The portal's pages of a province's own round: the list, a new round, the round's page with
its steps, its quotas per port authority; read by the province's people and the national
office, run by its provincial officers, a 404 for another province."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Quota, Round, Title
from awards.services import rounds as round_services
from tests.awards.province_rounds_support import gd_round, make_gd_scheme
from tests.conftest import login

BASE = 3  # session + user + scope
# A decided round's page: BASE + the round + what closing needs (counts per status, the
# certificates' and the decision's render states) + the port authorities + quotas + nominations
# per authority + the honours with their round + the decision
QUERIES_DECIDED = BASE + 9
Phase = Round.Phase


@pytest.fixture
def gd_scheme(world, template):
    return make_gd_scheme(world, template)


@pytest.fixture
def gd_own_round(world, gd_scheme):
    return gd_round(world, gd_scheme)


def test_the_list_reads_a_fixed_number_of_queries(
    client,
    world,
    gd_scheme,
    gd_officer,
    django_assert_num_queries,
):
    for year in range(2000, 2020, 2):
        gd_round(world, gd_scheme, code=f"gd-{year}", start_year=year, end_year=year + 1)
    login(client, gd_officer)
    # BASE + the count of rows + the page of rows (the nominations as a subquery)
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("awards:province-round-list"))
    assert len(response.context["page"].object_list) == 10
    assert response.context["may_create"]


def test_another_province_does_not_see_the_round(
    client, gd_own_round, zj_officer, nb_officer, outsider
):
    for user in (zj_officer, nb_officer):
        login(client, user)
        listed = client.get(reverse("awards:province-round-list"))
        assert gd_own_round not in listed.context["page"].object_list
        url = reverse("awards:province-round-detail", args=[gd_own_round.pk])
        assert client.get(url).status_code == 404
        assert (
            client.get(reverse("awards:province-round-quotas", args=[gd_own_round.pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("awards:province-round-advance", args=[gd_own_round.pk])
            ).status_code
            == 404
        )
    login(client, outsider)
    url = reverse("awards:province-round-detail", args=[gd_own_round.pk])
    assert client.get(url).status_code == 404


def test_the_province_and_the_national_office_read_the_round(
    client, gd_own_round, port_officer, national_admin
):
    for user in (port_officer, national_admin):
        login(client, user)
        url = reverse("awards:province-round-detail", args=[gd_own_round.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert not response.context["runs"]
        assert b'data-testid="advance"' not in response.content
        advance = reverse("awards:province-round-advance", args=[gd_own_round.pk])
        assert client.post(advance).status_code == 404


def test_the_detail_reads_a_fixed_number_of_queries(
    client, world, gd_own_round, gd_officer, django_assert_num_queries
):
    round_services.quota_set(
        actor=None,
        round=gd_own_round,
        province=world.sz.authority,
        title=Title.ADVANCED_UNIT,
        quota=2,
    )
    login(client, gd_officer)
    url = reverse("awards:province-round-detail", args=[gd_own_round.pk])
    # BASE + the round + the preconditions (scheme, quotas) + the port authorities + quotas
    # + nominations per authority + counts per status + honours + the decision
    with django_assert_num_queries(BASE + 9):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["runs"]
    assert [s["code"] for s in response.context["steps"]] == [
        Phase.DRAFT,
        Phase.NOMINATING,
        Phase.PROVINCIAL_REVIEW,
        Phase.PUBLIC_NOTICE,
        Phase.DECIDED,
        Phase.CLOSED,
    ]


def test_the_officer_creates_a_round(client, world, gd_scheme, gd_officer):
    login(client, gd_officer)
    url = reverse("awards:province-round-create")
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "code": "gd-2027-2028",
            "name": "2027—2028年度广东省评比",
            "start_year": 2027,
            "end_year": 2028,
            "scheme": gd_scheme.pk,
            "nominations_due_on": (today + datetime.timedelta(days=10)).isoformat(),
            "provincial_review_due_on": (today + datetime.timedelta(days=20)).isoformat(),
            "reviewers_per_nomination": 3,
            "notice_working_days": 5,
            "decision_number": "",
        },
    )
    round = Round.objects.get(code="gd-2027-2028")
    assert response.status_code == 302
    assert round.authority == world.gd
    assert round.issuing_office == world.gd.name


def test_only_a_provincial_officer_creates_a_round(client, port_officer, national_admin):
    for user in (port_officer, national_admin):
        login(client, user)
        assert client.get(reverse("awards:province-round-create")).status_code == 404


def test_the_officer_sets_quotas_and_opens_the_round(client, world, gd_own_round, gd_officer):
    login(client, gd_officer)
    url = reverse("awards:province-round-quotas", args=[gd_own_round.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = dict.fromkeys(page.context["form"].fields, 0) | {
        f"quota_{world.sz.authority.pk}_{Title.ADVANCED_UNIT}": 2
    }
    assert client.post(url, data).status_code == 302
    quota = Quota.objects.get(round=gd_own_round)
    assert (quota.province, quota.title, quota.quota) == (
        world.sz.authority,
        Title.ADVANCED_UNIT,
        2,
    )
    response = client.post(reverse("awards:province-round-advance", args=[gd_own_round.pk]))
    assert response.status_code == 302
    gd_own_round.refresh_from_db()
    assert gd_own_round.phase == Phase.NOMINATING


def test_the_round_page_links_each_rendered_certificate_for_download(
    client,
    world,
    gd_own_round,
    gd_officer,
    zj_officer,
    make_nomination,
    settings,
    tmp_path,
    django_assert_num_queries,
):
    from django.core.files.base import ContentFile

    from awards.models import Honour, Nomination, RenderStatus

    settings.MEDIA_ROOT = tmp_path
    Round.objects.filter(pk=gd_own_round.pk).update(phase=Phase.DECIDED)
    nomination = make_nomination(gd_own_round, world.sz.units[0], status=Nomination.Status.AWARDED)
    honour = Honour.objects.create(
        nomination=nomination,
        round=gd_own_round,
        title=nomination.title,
        province=nomination.province,
        recipient="深圳单位",
        number="GD-X0001",
        code="code-GD-X0001",
        render_status=RenderStatus.DONE,
    )
    honour.pdf.save("GD-X0001.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    download = reverse("awards:certificate-download", args=[honour.pk])
    login(client, gd_officer)
    url = reverse("awards:province-round-detail", args=[gd_own_round.pk])
    with django_assert_num_queries(QUERIES_DECIDED):
        page = client.get(url)
    assert f'href="{download}"' in page.content.decode()
    Honour.objects.create(
        nomination=make_nomination(
            gd_own_round, world.sz.units[1], status=Nomination.Status.AWARDED
        ),
        round=gd_own_round,
        title=nomination.title,
        province=nomination.province,
        recipient="深圳单位二",
        number="GD-X0002",
        code="code-GD-X0002",
    )
    with django_assert_num_queries(QUERIES_DECIDED):  # no query per honour
        client.get(url)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content])
    login(client, zj_officer)
    assert client.get(download).status_code == 404

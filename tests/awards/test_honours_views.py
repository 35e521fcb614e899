"""The public honours board and verification pages, and the certificate download of those who
see the nomination."""

import datetime

import pytest
from django.urls import reverse

from awards.models import Honour, Nomination, Round
from awards.services.honours import certificate_render, honour_revoke, honours_grant
from campaigns import services as campaign_services
from campaigns.models import Membership
from tests.awards.approvals_support import approve_as_decided
from tests.awards.honours_helpers import grant, make_candidates
from tests.conftest import login
from tests.queries import BASE


@pytest.fixture
def candidates(award_round, world, make_nomination):
    return make_candidates(award_round, world, make_nomination)


@pytest.fixture
def board(award_round, candidates, national_admin, world, make_nomination, template):
    """Two decided rounds: this one with 14 honours, one revoked, and the 2023—2024 round,
    closed, with 2. (Guangzhou's first unit was withdrawn once and is nominated again.)"""
    candidate = Nomination.Status.CANDIDATE
    for nominee in (
        world.gz.units[0],
        world.sz.units[1],
        world.gz.people[0],
        world.gz.people[1],
        world.nb.authority,
    ):
        make_nomination(award_round, nominee, status=candidate)
    grant(award_round, national_admin, None)
    honour_revoke(
        actor=national_admin,
        honour=Honour.objects.get(round=award_round, recipient=world.gz.people[1].name),
        reason="事迹材料不实",
    )
    previous = Round.objects.create(
        code="2023-2024",
        name="2023—2024年度全国共建文明口岸评比",
        start_year=2023,
        end_year=2024,
        scheme=template,
        phase=Round.Phase.CLOSED,
        decided_on=datetime.date(2024, 12, 20),
        decision_number="署岸发〔2024〕30号",
    )
    make_nomination(previous, world.sz.port, status=candidate)
    make_nomination(previous, world.nb.units[1], status=candidate)
    approve_as_decided(previous)
    honours_grant(actor=national_admin, round=previous)
    return award_round, previous


def _names(response):
    return [h.recipient for h in response.context["page"].object_list]


def test_board_shows_the_standing_honours_newest_round_first(client, board, world):
    response = client.get(reverse("awards:honour-board"))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 15
    numbers = [h.number for h in page.object_list]
    assert numbers[:2] == ["2025-2026-A0001", "2025-2026-A0002"]
    assert numbers[-2:] == ["2023-2024-A0001", "2023-2024-B0001"]
    assert world.gz.people[1].name not in _names(response)  # revoked
    html = response.content.decode()
    assert world.sz.port.name in html
    assert "2025-2026-C0001" in html


def test_board_names_the_conference_where_each_round_was_conferred(client, board):
    current, previous = board
    Round.objects.filter(pk=previous.pk).update(
        conference_name="2023—2024年度全国共建文明口岸活动工作会议",
        conference_on=datetime.date(2024, 12, 26),
        conference_place="北京",
    )
    html = client.get(reverse("awards:honour-board")).content.decode()
    conferences = html[html.index('data-testid="conferences"') :].split("</ul>")[0]
    assert "2023—2024年度全国共建文明口岸活动工作会议" in conferences
    assert "2024-12-26" in conferences and "北京" in conferences
    assert current.name not in conferences  # no conference recorded


def test_board_filters_by_round_title_province_and_name(client, board, world):
    current, previous = board
    url = reverse("awards:honour-board")

    response = client.get(url, {"round": previous.pk})
    assert sorted(_names(response)) == sorted([world.sz.port.name, world.nb.units[1].name])

    response = client.get(url, {"round": current.pk, "title": "civilized_port"})
    assert _names(response) == [world.sz.port.name, world.nb.port.name]

    response = client.get(url, {"title": "advanced_unit", "province": world.zj.pk})
    assert sorted(_names(response)) == sorted([world.nb.units[0].name, world.nb.units[1].name])

    response = client.get(url, {"q": world.sz.people[0].name})
    assert _names(response) == [world.sz.people[0].name]

    # A unit's name finds its people too; a certificate number finds its honour.
    response = client.get(url, {"q": "2025-2026-D0001"})
    assert [h.number for h in response.context["page"].object_list] == ["2025-2026-D0001"]

    # Filters that name nothing real are ignored, not an error.
    response = client.get(url, {"round": "x", "province": "999999"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 15


def test_board_keeps_the_filters_across_pages(client, board, settings):
    settings.PAGE_SIZE = 5
    response = client.get(reverse("awards:honour-board"), {"title": "advanced_unit", "page": 2})
    assert response.context["page"].number == 2
    assert "title=advanced_unit" in response.context["querystring"]


def test_board_without_any_decided_round(client, award_round, candidates, in_english):
    response = client.get(reverse("awards:honour-board"))
    assert response.status_code == 200
    assert "No round has been decided yet." in response.content.decode()


def test_board_query_count(client, board, django_assert_num_queries):
    current, _previous = board
    url = reverse("awards:honour-board")
    # rounds of the filter + provinces of the filter + count + the page's honours (with round
    # and province); an anonymous visitor has no session
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 15
    with django_assert_num_queries(4):
        response = client.get(url, {"round": current.pk, "title": "advanced_unit", "q": "单位"})
    assert response.context["page"].paginator.count == 5


def test_verify_confirms_a_valid_certificate(
    client, board, world, in_english, django_assert_num_queries
):
    honour = Honour.objects.get(number="2025-2026-C0001")
    url = reverse("awards:verify", args=[honour.code])
    # the honour with its round and province
    with django_assert_num_queries(1):
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "is valid" in html
    assert world.sz.people[0].name in html
    assert world.sz.people[0].unit.name in html
    assert "2025-2026-C0001" in html
    assert "National advanced individual" in html
    assert "2025—2026年度" in html
    assert "2026-03-02" in html
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verify_shows_a_revoked_title_with_its_reason_and_date(client, board, world, in_english):
    honour = Honour.objects.get(recipient=world.gz.people[1].name)
    response = client.get(reverse("awards:verify", args=[honour.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "was revoked on" in html
    assert honour.revoked_at.astimezone().strftime("%Y-%m-%d") in html
    assert "事迹材料不实" in html
    assert "is valid" not in html


@pytest.mark.parametrize(
    "code",
    ["", "x" * 32, "2025-2026-A0001", "not a code", "A" * 200],
    ids=["empty", "guessed", "number", "spaces", "long"],
)
def test_verify_unknown_or_guessed_code_is_a_plain_404(client, board, code):
    if not code:
        response = client.get("/verify//")
    else:
        response = client.get(reverse("awards:verify", args=[code]))
    assert response.status_code == 404


def test_verify_a_round_not_decided_yet_is_a_404(client, board):
    current, _previous = board
    honour = Honour.objects.filter(round=current).first()
    Round.objects.filter(pk=current.pk).update(phase=Round.Phase.PUBLIC_NOTICE)
    assert client.get(reverse("awards:verify", args=[honour.code])).status_code == 404


# --- download of the certificate ------------------------------------------------------------


def _rendered(number):
    honour = Honour.objects.get(number=number)
    assert certificate_render(honour_id=honour.pk)
    honour.refresh_from_db()
    return honour


def test_the_port_officer_downloads_the_certificate(
    client, board, port_officer, django_assert_num_queries
):
    honour = _rendered("2025-2026-A0001")  # Shenzhen's port
    login(client, port_officer)
    url = reverse("awards:certificate-download", args=[honour.pk])
    # BASE + the honour among those of the nominations the officer sees
    with django_assert_num_queries(BASE + 1):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="2025-2026-A0001.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_certificate_of_another_province_is_a_404_until_granted(client, board, gd_officer, world):
    honour = _rendered("2025-2026-A0002")  # Ningbo's port, Zhejiang
    url = reverse("awards:certificate-download", args=[honour.pk])
    login(client, gd_officer)
    assert client.get(url).status_code == 404
    assert client.get(reverse("awards:certificate-download", args=[999999])).status_code == 404

    campaign_services.membership_grant(
        actor=None, user=gd_officer, role=Membership.Role.PROVINCIAL_OFFICER, authority=world.zj
    )
    assert client.get(url).status_code == 200


def test_the_unit_contact_downloads_their_units_certificate_only(
    client, board, unit_contact, world
):
    own = Honour.objects.get(recipient=world.sz.units[0].name)
    certificate_render(honour_id=own.pk)
    other = _rendered("2025-2026-A0001")
    login(client, unit_contact)
    assert client.get(reverse("awards:certificate-download", args=[own.pk])).status_code == 200
    assert client.get(reverse("awards:certificate-download", args=[other.pk])).status_code == 404


def test_no_download_before_the_certificate_is_rendered(client, board, national_admin):
    honour = Honour.objects.get(number="2025-2026-B0001")
    login(client, national_admin)
    url = reverse("awards:certificate-download", args=[honour.pk])
    assert client.get(url).status_code == 404


def test_download_needs_a_login(client, board):
    honour = _rendered("2025-2026-A0001")
    response = client.get(reverse("awards:certificate-download", args=[honour.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
